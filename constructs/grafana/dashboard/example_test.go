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
