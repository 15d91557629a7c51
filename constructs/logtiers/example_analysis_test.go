package logtiers_test

import (
	"log"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/logtiers"
)

// The analysis tier beside the archive: ERROR and WARN also indexed in an
// OpenSearch Serverless collection reached through a VPC endpoint, with
// one reader role. The router's second target is the tier itself; the
// service's one subscription filter per log group then sends every event
// to the router, which indexes ERROR and WARN and archives the critical
// ones. Compiled, not run (the router is built at synth).
func ExampleNewAnalysis() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Logs"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")},
	})
	archive, _ := logtiers.NewArchive(stack, "Archive", logtiers.ArchiveProps{})
	analysis, err := logtiers.NewAnalysis(stack, "Analysis", logtiers.AnalysisProps{
		Archive: archive,
		Vpc: logtiers.AnalysisVpc{
			VpcID:            "vpc-0123456789abcdef0",
			SubnetIDs:        []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"},
			SecurityGroupIDs: []string{"sg-0123456789abcdef0"},
		},
		Readers: []string{"arn:aws:iam::123456789012:role/log-readers"},
	})
	if err != nil {
		log.Fatal(err)
	}
	router, _ := logtiers.NewRouter(stack, "Router", logtiers.RouterProps{Archive: archive, Analysis: analysis})
	if _, err := logtiers.NewServiceLogs(stack, "checkout-api", logtiers.ServiceLogsProps{
		Service: "checkout-api", Archive: archive, Analysis: analysis, Destination: router,
	}); err != nil {
		log.Fatal(err)
	}
}
