package test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/grafana"
	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
)

// TestGrafanaAloneIsNagClean covers the construct as library users get it,
// outside our platform, in every environment shape: the suppressions name
// ARNs, which cdk-nag prints with literals or <AWS::...> pseudo parameters
// depending on what the stack knows.
func TestGrafanaAloneIsNagClean(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	envs := map[string]*awscdk.Environment{
		"AccountAndRegion": {Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")},
		"RegionOnly":       {Region: jsii.String("us-east-1")},
		"Agnostic":         nil,
	}
	for id, env := range envs {
		stack := awscdk.NewStack(app, jsii.String(id), &awscdk.StackProps{Env: env})
		_, err := grafana.NewObservability(stack, "Pane", grafana.Props{
			Platform: dashboard.Platform{
				CentralRegion: "us-east-1",
				Regions:       []string{"us-east-1", "eu-west-1", "ap-southeast-1"},
				Services:      []string{"checkout-api", "auth-service"},
			},
			Mode: grafana.ModeBoth,
			AlertTopics: []awssns.ITopic{awssns.Topic_FromTopicArn(stack, jsii.String("Alerts"),
				jsii.String("arn:aws:sns:us-east-1:123456789012:o11yscale-alerts"))},
			AlertTopicKeys: []awskms.IKey{awskms.Key_FromKeyArn(stack, jsii.String("AlertsKey"),
				jsii.String("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"))},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	requireNagClean(t, app)
}

// TestGrafanaWithTheAnalysisTierIsNagClean: the workspace role's aoss
// grants and the provisioner's collection lookup are nag-clean, each
// suppression on its one policy with a reason.
func TestGrafanaWithTheAnalysisTierIsNagClean(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	for id, env := range map[string]*awscdk.Environment{
		"AccountAndRegion": {Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")},
		"Agnostic":         nil,
	} {
		stack := awscdk.NewStack(app, jsii.String(id), &awscdk.StackProps{Env: env})
		_, err := grafana.NewObservability(stack, "Pane", grafana.Props{
			Platform: dashboard.Platform{
				CentralRegion: "us-east-1",
				Regions:       []string{"us-east-1", "eu-west-1"},
				Services:      []string{"checkout-api"},
				Analysis:      dashboard.Analysis{Collection: "o11yscale-logs", ErrorIndex: "o11yscale-error"},
			},
			Mode: grafana.ModeGrafana,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	requireNagClean(t, app)
}
