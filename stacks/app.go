// Package stacks is the config-driven side of the o11yscale app: it reads
// the platform config named by the CDK context (or the embedded default)
// and builds the platform construct from it. The stacks themselves are
// made by constructs/platform, which a consumer app can use directly.
package stacks

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/o11yscale/o11yscale/constructs/platform"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// LoadConfig returns the platform config named by the "config" context
// value, or the embedded default, and the name of its source.
func LoadConfig(app awscdk.App) (*config.Platform, string, error) {
	if v := app.Node().TryGetContext(strPtr("config")); v != nil {
		path, ok := v.(string)
		if !ok || path == "" {
			return nil, "", fmt.Errorf("context config: %v is not allowed; give a file path, e.g. -c config=platform.yaml", v)
		}
		cfg, err := config.Load(path)
		return cfg, path, err
	}
	return config.Default(), config.DefaultSource, nil
}

// Account picks the deploy account: the config, then the "account" context
// value, then CDK_DEFAULT_ACCOUNT (set by the CDK CLI from credentials).
// Empty means none is known, which still synthesizes.
func Account(app awscdk.App, cfg *config.Platform) string {
	if cfg.Account != "" {
		return cfg.Account
	}
	if v, ok := app.Node().TryGetContext(strPtr("account")).(string); ok && v != "" {
		return v
	}
	return os.Getenv("CDK_DEFAULT_ACCOUNT")
}

func strPtr(s string) *string { return &s }

// Build validates cfg and creates the platform under app, deploying to
// account (may be empty).
func Build(app constructs.Construct, cfg *config.Platform, account string) (*platform.Platform, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return platform.New(app, cfg.Props(account))
}
