// Command o11yscale is the deployable o11yscale app. It reads a platform
// config (`cdk synth -c config=platform.yaml`, YAML or JSON), or uses the
// embedded default, and synthesizes the platform construct: one central
// stack and one stack per workload region (for an organization: per
// workload account and region, plus one OAM sink stack per region).
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/platform"
	"github.com/o11yscale/o11yscale/stacks"
)

func main() {
	defer jsii.Close()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "o11yscale:", err)
		os.Exit(1)
	}
}

func run() error {
	app := awscdk.NewApp(nil)
	cfg, source, err := stacks.LoadConfig(app)
	if err != nil {
		// Nothing has been synthesized yet: a bad config writes no templates.
		return err
	}
	p, err := stacks.Build(app, cfg, stacks.Account(app, cfg))
	if err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	res, err := platform.Synth(app, p)
	// stderr: the CDK CLI reads the cloud assembly, not our stdout, and
	// keeps stdout for `cdk synth`'s own template output.
	res.Print(os.Stderr)
	return err
}
