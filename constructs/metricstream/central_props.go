package metricstream

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Kinesis per-shard write limits.
const (
	ShardRecordsPerSecond = 1000
	ShardBytesPerSecond   = 1 << 20
)

// DefaultName is the platform name CentralProps.Name defaults to.
const DefaultName = "o11yscale"

// CentralProps configures the central aggregation resources.
type CentralProps struct {
	// Name is the platform name used for deterministic names (see Names).
	// Default: "o11yscale" (DefaultName).
	Name string
	// Mode is the stream capacity mode, awskinesis.StreamMode_ON_DEMAND or
	// awskinesis.StreamMode_PROVISIONED. Default: on-demand.
	Mode awskinesis.StreamMode
	// RecordsPerSecond and BytesPerSecond are the expected peak write
	// rate; in provisioned mode they size the stream. Default: 0.
	RecordsPerSecond float64
	BytesPerSecond   float64
	// Headroom multiplies the computed shard need. Default: 1.5.
	Headroom float64
	// RetentionHours of the stream, 24-8760. Default: 24.
	RetentionHours int
	// TransitionDays moves archived metrics to S3 Glacier Flexible
	// Retrieval. Default: 90.
	TransitionDays int
	// ExpirationDays deletes archived metrics; must exceed
	// TransitionDays. Default: 730.
	ExpirationDays int
	// WorkloadAccounts may also assume the writer role (cross-account).
	// Default: none; the stack's own account always may.
	WorkloadAccounts []string
	// RemovalPolicy of the stream and the archive's two buckets, which all
	// have fixed names (Names). awscdk.RemovalPolicy_RETAIN keeps them and
	// their data after `cdk destroy`, and a later deploy fails with
	// "already exists" until they are imported or deleted (README:
	// "Retained resources"). awscdk.RemovalPolicy_DESTROY deletes them
	// with the stack (CloudFormation deletes a bucket only when it is
	// empty). Default: awscdk.RemovalPolicy_RETAIN.
	RemovalPolicy awscdk.RemovalPolicy
	// StreamAccounts deliver Metric Streams into the archive bucket from
	// their own accounts (StreamProps.CrossAccount): the bucket policy lets
	// each write only under metrics/account=<id>/ and errors/account=<id>/,
	// and only through its roles named Names.StreamDeliveryRolePrefix().
	// Default: none (the bucket grants no other account anything).
	StreamAccounts []string
	// OrganizationID, when set, also requires aws:PrincipalOrgID of every
	// principal the writer-role trust and the bucket's StreamAccounts
	// grants admit: an account id alone no longer suffices. Default: none.
	OrganizationID string
}

func (p CentralProps) withDefaults() CentralProps {
	if p.Name == "" {
		p.Name = DefaultName
	}
	if p.Mode == "" {
		p.Mode = awskinesis.StreamMode_ON_DEMAND
	}
	if p.Headroom == 0 {
		p.Headroom = 1.5
	}
	if p.RetentionHours == 0 {
		p.RetentionHours = 24
	}
	if p.TransitionDays == 0 {
		p.TransitionDays = 90
	}
	if p.ExpirationDays == 0 {
		p.ExpirationDays = 730
	}
	if p.RemovalPolicy == "" {
		p.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	return p
}

// Validate reports every invalid field.
func (p CentralProps) Validate() error {
	p = p.withDefaults()
	var v validation.Errors
	if p.Mode != awskinesis.StreamMode_ON_DEMAND && p.Mode != awskinesis.StreamMode_PROVISIONED {
		v.Add("mode", string(p.Mode), "awskinesis.StreamMode_ON_DEMAND or awskinesis.StreamMode_PROVISIONED")
	}
	if p.Mode == awskinesis.StreamMode_PROVISIONED && p.RecordsPerSecond <= 0 && p.BytesPerSecond <= 0 {
		v.Add("recordsPerSecond", p.RecordsPerSecond, "a positive expected rate (or bytesPerSecond) to size a provisioned stream")
	}
	if p.RecordsPerSecond < 0 {
		v.Add("recordsPerSecond", p.RecordsPerSecond, "0 or more")
	}
	if p.BytesPerSecond < 0 {
		v.Add("bytesPerSecond", p.BytesPerSecond, "0 or more")
	}
	if p.Headroom < 1 || p.Headroom > 10 {
		v.Add("headroom", p.Headroom, "1-10 (a multiplier on the computed shard need)")
	}
	if p.RetentionHours < 24 || p.RetentionHours > 8760 {
		v.Add("retentionHours", p.RetentionHours, "24-8760 hours")
	}
	if p.TransitionDays < 1 {
		v.Add("transitionDays", p.TransitionDays, "1 or more days")
	}
	if p.ExpirationDays <= p.TransitionDays {
		v.Add("expirationDays", p.ExpirationDays, "more than transitionDays (%d)", p.TransitionDays)
	}
	if p.RemovalPolicy != awscdk.RemovalPolicy_RETAIN && p.RemovalPolicy != awscdk.RemovalPolicy_DESTROY {
		v.Add("removalPolicy", string(p.RemovalPolicy), "awscdk.RemovalPolicy_RETAIN or awscdk.RemovalPolicy_DESTROY")
	}
	for i, a := range p.WorkloadAccounts {
		if !isAccount(a) {
			v.Add(validation.Index("workloadAccounts", i), a, "a 12-digit AWS account id")
		}
	}
	for i, a := range p.StreamAccounts {
		if !isAccount(a) {
			v.Add(validation.Index("streamAccounts", i), a, "a 12-digit AWS account id")
		}
	}
	if p.OrganizationID != "" && !orgRE.MatchString(p.OrganizationID) {
		v.Add("organizationId", p.OrganizationID, "an AWS Organizations id such as o-a1b2c3d4e5")
	}
	if n, _ := p.Shards(); n > 10000 {
		v.Add("recordsPerSecond", p.RecordsPerSecond, "a rate needing at most 10,000 shards (this needs %d)", n)
	}
	return v.Err()
}

var orgRE = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)

func isAccount(a string) bool {
	return len(a) == 12 && strings.Trim(a, "0123456789") == ""
}

// Shards computes the provisioned shard count and shows the arithmetic:
// each shard takes 1,000 records/s and 1 MiB/s, times Headroom.
func (p CentralProps) Shards() (int, string) {
	p = p.withDefaults()
	byRecords := p.RecordsPerSecond / ShardRecordsPerSecond
	byBytes := p.BytesPerSecond / ShardBytesPerSecond
	need := math.Max(byRecords, byBytes)
	shards := max(1, int(math.Ceil(need*p.Headroom)))
	return shards, fmt.Sprintf("shards = ceil(max(%.0f records/s / %d, %.0f B/s / %d) x headroom %.2f) = ceil(max(%.3f, %.3f) x %.2f) = %d",
		p.RecordsPerSecond, ShardRecordsPerSecond, p.BytesPerSecond, ShardBytesPerSecond, p.Headroom, byRecords, byBytes, p.Headroom, shards)
}

// WithDefaults returns the props as NewCentral uses them.
func (p CentralProps) WithDefaults() CentralProps { return p.withDefaults() }
