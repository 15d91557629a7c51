package metricstream

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
)

// Names are the deterministic names shared by the central and regional
// stacks of one platform.
type Names struct {
	// Platform is the platform name, e.g. "o11yscale".
	Platform string
}

// Stream is the central Kinesis stream name.
func (n Names) Stream() string { return n.Platform + "-metrics" }

// WriterRole is the name of the role forwarders assume to put records.
func (n Names) WriterRole() string { return n.Platform + "-metrics-writer" }

// ForwarderRolePrefix starts the name of every regional forwarder role; the
// writer role trusts only roles with this prefix.
func (n Names) ForwarderRolePrefix() string { return n.Platform + "-forwarder-" }

// StreamDeliveryRolePrefix starts the name of every cross-account metric
// stream's Firehose role; the central bucket policy trusts only roles
// named so, in each of its StreamAccounts.
func (n Names) StreamDeliveryRolePrefix() string { return n.Platform + "-metric-stream-" }

// Bucket is the central archive bucket name for an account and region
// (tokens are fine: each stack resolves its own account).
func (n Names) Bucket(account, region string) string {
	return n.Platform + "-metrics-" + account + "-" + region
}

// CentralTarget locates the central aggregation from a regional stack,
// which is usually in another region: a reference to the central stack's
// resources would become a cross-stack export, so the regional constructs
// rebuild ARNs from these deterministic values instead. *Central
// satisfies it; RemoteCentral describes a central deployed by another app.
type CentralTarget interface {
	// CentralNames are the deterministic names of the central resources.
	CentralNames() Names
	// CentralRegion is the region of the central stream and archive.
	CentralRegion() string
	// CentralAccount owns the central resources; "" means the account of
	// the regional stack that uses the target.
	CentralAccount() string
}

// RemoteCentral is a CentralTarget for central resources that this app
// does not create, for example a central stack of another app or account.
type RemoteCentral struct {
	// Names of the central resources. Required (Names.Platform non-empty).
	Names Names
	// Region of the central stream and archive. Required.
	Region string
	// Account owns the central resources. Default: the account of the
	// regional stack that uses the target.
	Account string
}

// CentralNames returns r.Names.
func (r RemoteCentral) CentralNames() Names { return r.Names }

// CentralRegion returns r.Region.
func (r RemoteCentral) CentralRegion() string { return r.Region }

// CentralAccount returns r.Account.
func (r RemoteCentral) CentralAccount() string { return r.Account }

// pathError prefixes err with the package and the path of the construct
// that id would create under scope.
func pathError(scope constructs.Construct, id string, err error) error {
	return fmt.Errorf("metricstream %s/%s: %w", *scope.Node().Path(), id, err)
}
