// Command platformapp is a user's own CDK app that builds the whole
// o11yscale platform with platform.New from code-only props (no config
// file), and runs the same synth pipeline as the o11yscale app. The props
// below describe the o11yscale app's embedded default platform, so its
// output can be compared with that app's golden snapshots.
//
// With -mismatch it instead composes the constructs by hand with a log
// group prefix the router does not cover, and prints the error.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/platform"
)

func main() {
	mismatch := flag.Bool("mismatch", false, "compose a router and a service whose prefixes disagree")
	flag.Parse()
	defer jsii.Close()
	var err error
	if *mismatch {
		err = composeMismatched()
	} else {
		err = buildPlatform()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "platformapp:", err)
		os.Exit(1)
	}
}

func buildPlatform() error {
	app := awscdk.NewApp(nil)
	c := cost.DefaultInputs()
	p, err := platform.New(app, platform.Props{
		Regions: []string{"us-east-1", "eu-west-1", "ap-southeast-1"},
		Services: []platform.Service{
			{Name: "checkout-api", APIName: "checkout-api"},
			{Name: "auth-service"}, {Name: "order-service"}, {Name: "health-check"},
		},
		Logs: platform.Logs{Service: logtiers.ServiceLogsProps{FluentBit: logtiers.FluentBitProps{Publish: true}}},
		Cost: &c,
	})
	if err != nil {
		return err
	}
	res, err := platform.Synth(app, p)
	if res != nil {
		res.Print(os.Stderr)
	}
	return err
}

// composeMismatched wires a service's log groups under /team-a to a router
// that covers only /o11yscale/: with typed wiring the service subscribes
// to the router object, and the construct names both prefixes.
func composeMismatched() error {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Composed"), &awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("eu-west-1")}})
	archive, err := logtiers.NewArchive(stack, "Archive", logtiers.ArchiveProps{})
	if err != nil {
		return err
	}
	router, err := logtiers.NewRouter(stack, "Router", logtiers.RouterProps{Archive: archive})
	if err != nil {
		return err
	}
	_, err = logtiers.NewServiceLogs(stack, "checkout-api", logtiers.ServiceLogsProps{
		Service: "checkout-api", LogGroupPrefix: "/team-a", Archive: archive, Destination: router,
	})
	return err
}
