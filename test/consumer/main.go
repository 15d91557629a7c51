// Command consumer is a user's own CDK app that composes o11yscale
// constructs, proving the library works from another module.
package main

import (
	"log"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/golambda"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/sampling"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("ConsumerStack"), &awscdk.StackProps{
		Env: &awscdk.Environment{Region: jsii.String("eu-west-1")},
	})
	// A Lambda from the consumer's own module and one from ours, both by
	// import path, from whatever directory the app runs in.
	for id, pkg := range map[string]string{
		"Own":       "example.com/consumer/fn",
		"Forwarder": "github.com/o11yscale/o11yscale/internal/lambdatest/internal/echo",
	} {
		if _, err := golambda.NewFunction(stack, id, golambda.Props{ImportPath: pkg, MemorySize: 128}); err != nil {
			log.Fatal(err)
		}
	}
	// Two capabilities, as a user composes them: sampling rules with the
	// seed's defaults, and a tiered log archive.
	if _, err := sampling.NewTracing(stack, "Tracing", sampling.Props{}); err != nil {
		log.Fatal(err)
	}
	if _, err := logtiers.NewArchive(stack, "Archive", logtiers.ArchiveProps{}); err != nil {
		log.Fatal(err)
	}
	app.Synth(nil)
}
