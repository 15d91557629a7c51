package dashboard_test

import (
	"fmt"

	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
)

// ExampleFolders shows that a platform's dashboard uids and folders start
// with its name.
func ExampleFolders() {
	p := dashboard.Platform{Name: "acme", Regions: []string{"us-east-1"}, Services: []string{"checkout-api"}}
	fmt.Println(dashboard.GlobalAPIUID(p), dashboard.ServiceUID(p, "checkout-api"))
	for _, f := range dashboard.Folders(p) {
		fmt.Printf("%s (%s)\n", f.UID, f.Title)
	}
	// Output:
	// acme-global-api acme-red-checkout-api
	// acme (acme platform)
	// acme-services (acme services)
}

// ExampleAnalysis shows the OpenSearch data sources the analysis tier
// adds: one per workload region, all searching the ERROR index of the
// collection of the same name.
func ExampleAnalysis() {
	p := dashboard.Platform{Regions: []string{"us-east-1", "eu-west-1"}, Services: []string{"checkout-api"},
		Analysis: dashboard.Analysis{Collection: "o11yscale-logs", ErrorIndex: "o11yscale-error"}}
	for _, ds := range dashboard.DataSources(p) {
		if ds.Type == dashboard.OpenSearchType {
			fmt.Println(ds.UID, ds.Collection, ds.Index)
		}
	}
	// Output:
	// aoss-us-east-1 o11yscale-logs o11yscale-error
	// aoss-eu-west-1 o11yscale-logs o11yscale-error
}
