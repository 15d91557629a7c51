package stacks

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"

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

// Summary and TemplateStats describe a synthesized platform.
type (
	Summary       = platform.Summary
	TemplateStats = platform.TemplateStats
	StackSummary  = platform.StackSummary
)

// Summarize reads the platform's templates in the cloud assembly dir.
func Summarize(p *Platform, dir string) (*Summary, error) {
	return platform.Summarize(p.Stacks(), dir)
}

// Stacks lists the platform's top-level stacks: central, regional, billing.
func (p *Platform) Stacks() []awscdk.Stack {
	var out []awscdk.Stack
	if p.Central != nil {
		out = append(out, p.Central.Stack)
	}
	for _, r := range p.Regional {
		out = append(out, r.Stack)
	}
	if p.BillingStack != nil {
		out = append(out, p.BillingStack)
	}
	return out
}
