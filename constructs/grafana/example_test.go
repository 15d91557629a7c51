package grafana_test

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/grafana"
	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
)

// A workspace and the CloudWatch fallback over three regions, whose alerts
// may publish to a topic of the same stack.
func ExampleNewObservability() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Observability"), &awscdk.StackProps{
		Env: &awscdk.Environment{Region: jsii.String("us-east-1")},
	})
	alerts := awssns.NewTopic(stack, jsii.String("Alerts"), nil)

	obs, err := grafana.NewObservability(stack, "Pane", grafana.Props{
		Platform: dashboard.Platform{
			CentralRegion: "us-east-1",
			Regions:       []string{"us-east-1", "eu-west-1", "ap-southeast-1"},
			Services:      []string{"checkout-api", "auth-service"},
		},
		Mode:        grafana.ModeBoth,
		AlertTopics: []awssns.ITopic{alerts},
	})
	if err != nil {
		panic(err)
	}
	awscdk.NewCfnOutput(stack, jsii.String("GrafanaURL"), &awscdk.CfnOutputProps{Value: jsii.String(obs.WorkspaceURL)})
	fmt.Println(len(obs.Dashboards) > 0)
}

// Props are checked whole before anything is created; every problem is
// listed with its field path.
func ExampleProps_Validate() {
	err := grafana.Props{
		Platform:      dashboard.Platform{Regions: []string{"us-east-1"}, Services: []string{"checkout-api"}},
		Mode:          "kibana",
		AccountAccess: grafana.Organization,
	}.Validate()
	fmt.Println(err)
	// Output:
	// mode: "kibana" is not allowed; grafana, cloudwatch or both (default: cloudwatch)
	// organizationalUnits: <empty> is not allowed; at least one organizational unit (ou-xxxx-xxxxxxxx) or root (r-xxxx) with accountAccess ORGANIZATION
}
