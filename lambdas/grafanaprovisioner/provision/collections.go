package provision

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/opensearchserverless"
	"github.com/aws/aws-sdk-go-v2/service/opensearchserverless/types"

	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
)

// Collections is the part of the OpenSearch Serverless API the provisioner
// uses to find a collection's endpoint by name (satisfied by
// *opensearchserverless.Client).
type Collections interface {
	BatchGetCollection(ctx context.Context, in *opensearchserverless.BatchGetCollectionInput, optFns ...func(*opensearchserverless.Options)) (*opensearchserverless.BatchGetCollectionOutput, error)
}

// collectionEndpoints looks up the endpoint of every collection an
// OpenSearch data source of want names, per region: the collections live
// in the workload regions' stacks, so their endpoints are only known
// there and at deploy time. The answer maps region, then collection name,
// to the endpoint URL; pending lists every collection that is missing or
// not usable yet, with why. A pending collection is not an error: the
// central stack (and so this provisioner) deploys before the regional
// stacks that create the collections, so on a platform's first deployment
// none exists yet; the platform's last stack, <name>-grafana-datasources,
// runs the provisioner again for these data sources once they do. An API
// error (e.g. access denied) is an error.
func (r *run) collectionEndpoints(ctx context.Context, sources []dashboard.DataSource) (endpoints map[string]map[string]string, pending []string, err error) {
	byRegion := map[string][]string{}
	for _, ds := range sources {
		if ds.Type != dashboard.OpenSearchType {
			continue
		}
		if !containsString(byRegion[ds.Region], ds.Collection) {
			byRegion[ds.Region] = append(byRegion[ds.Region], ds.Collection)
		}
	}
	if len(byRegion) == 0 {
		return nil, nil, nil
	}
	if r.h.Collections == nil {
		return nil, nil, fmt.Errorf("OpenSearch data sources need the OpenSearch Serverless client (Handler.Collections is nil)")
	}
	regions := make([]string, 0, len(byRegion))
	for region := range byRegion {
		regions = append(regions, region)
	}
	sort.Strings(regions)
	out := map[string]map[string]string{}
	for _, region := range regions {
		names := byRegion[region]
		// One call per region: the platform names one collection per
		// region (the same name in each).
		found := map[string]types.CollectionDetail{}
		res, err := r.h.Collections(region).BatchGetCollection(ctx, &opensearchserverless.BatchGetCollectionInput{Names: names})
		if err != nil {
			return nil, nil, fmt.Errorf("looking up OpenSearch Serverless collections %s in %s: %w", strings.Join(names, ", "), region, err)
		}
		for _, c := range res.CollectionDetails {
			found[aws.ToString(c.Name)] = c
		}
		out[region] = map[string]string{}
		for _, name := range names {
			// A name in CollectionDetails counts even if CollectionErrorDetails
			// also lists it (moto lists every other collection's mismatch).
			c, ok := found[name]
			switch {
			case !ok:
				pending = append(pending, fmt.Sprintf("collection %q in %s: not found (the regional stack is not deployed yet?)", name, region))
			case c.Status == types.CollectionStatusFailed || c.Status == types.CollectionStatusDeleting:
				pending = append(pending, fmt.Sprintf("collection %q in %s: status %s: %s", name, region, c.Status, aws.ToString(c.FailureMessage)))
			case aws.ToString(c.CollectionEndpoint) == "":
				pending = append(pending, fmt.Sprintf("collection %q in %s: status %s and no endpoint yet", name, region, c.Status))
			default:
				out[region][name] = aws.ToString(c.CollectionEndpoint)
			}
		}
	}
	return out, pending, nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
