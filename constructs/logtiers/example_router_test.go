package logtiers_test

import (
	"log"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/logtiers"
)

// One capability alone, wired with typed collaborators instead of names
// that must match (the README's "Two ways to use it"). The router is a Go
// Lambda built at synth, so this example is compiled but not run.
func ExampleNewRouter() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Logs"), &awscdk.StackProps{
		Env: &awscdk.Environment{Region: jsii.String("eu-west-1")},
	})

	archive, _ := logtiers.NewArchive(stack, "Archive", logtiers.ArchiveProps{})
	router, _ := logtiers.NewRouter(stack, "Router", logtiers.RouterProps{Archive: archive})
	// Subscribes to the router object: a log group outside the router's prefix
	// is an error naming both prefixes, not a deploy without invoke permission.
	_, err := logtiers.NewServiceLogs(stack, "checkout-api", logtiers.ServiceLogsProps{
		Service: "checkout-api", Archive: archive, Destination: router,
	})
	if err != nil {
		log.Fatal(err)
	}
}
