package contract_test

import (
	"fmt"

	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/contract"
)

func ExampleDashboardURL() {
	endpoint := "g-0123456789.grafana-workspace.us-east-1.amazonaws.com"
	fmt.Println(contract.WorkspaceURL(endpoint))
	fmt.Println(contract.DashboardURL(endpoint, "o11yscale-global-api"))
	// Output:
	// https://g-0123456789.grafana-workspace.us-east-1.amazonaws.com
	// https://g-0123456789.grafana-workspace.us-east-1.amazonaws.com/d/o11yscale-global-api
}

func ExampleResourceProperties_Validate() {
	err := contract.ResourceProperties{WorkspaceID: "g-0123456789", WorkspaceEndpoint: "https://grafana", Region: "us-east-1"}.Validate()
	fmt.Println(err)
	// Output:
	// WorkspaceEndpoint: "https://grafana" is not allowed; the workspace host name without scheme or path, e.g. g-0123456789.grafana-workspace.us-east-1.amazonaws.com
}
