package platform

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"

	"github.com/o11yscale/o11yscale/constructs/platform/diagram"
	"github.com/o11yscale/o11yscale/constructs/quotas"
	"github.com/o11yscale/o11yscale/constructs/review"
)

// Result is what [Synth] produced.
type Result struct {
	// Dir is the cloud assembly directory (cdk.out).
	Dir string
	// Assembly is the synthesized cloud assembly.
	Assembly cxapi.CloudAssembly
	// Summary describes every template, nested ones included.
	Summary *Summary
	// Review lists the files written under Dir/review.
	Review []string
	// Platform is the synthesized platform.
	Platform *Platform
	// Warnings are the platform's [Platform.Warnings] at synth, also
	// recorded as CDK warning annotations.
	Warnings []Warning
}

// Synth synthesizes app, writes the review files of its construct tree
// under <cdk.out>/review, summarizes the platform's templates and checks
// them against CloudFormation's limits. It is the one pipeline behind
// `cdk synth` of the o11yscale app, the test suite and a consumer's own
// app: call it instead of app.Synth. Service quotas (constructs/quotas,
// attached by New) are checked while the app is validated, before the
// assembly is written: a breach returns Result.Dir and the error, and no
// template. Otherwise the returned error is the CloudFormation limit
// breach, if any; the Result is filled in either way once the assembly is
// written. Before writing anything it prices the alarms the construct tree
// holds (those added after New included) and runs the budget guard again;
// an over-budget platform then returns a nil Result and the error.
func Synth(app awscdk.App, p *Platform) (*Result, error) {
	// Alarms added after New are priced, and the budget guard runs again,
	// before anything is written.
	if err := p.repriceFromTree(); err != nil {
		return nil, err
	}
	warnings := p.Warnings()
	annotate(warnings)
	asm, err := synthAssembly(app, p)
	if err != nil {
		return &Result{Dir: *app.Outdir(), Platform: p, Warnings: warnings}, err
	}
	res := &Result{Dir: *asm.Directory(), Assembly: asm, Platform: p, Warnings: warnings}
	if res.Review, err = review.Write(app, res.Dir); err != nil {
		return res, err
	}
	if res.Summary, err = Summarize(p.Stacks(), res.Dir); err != nil {
		return res, err
	}
	pictures, err := writeArchitecture(res.Dir)
	if err != nil {
		return res, err
	}
	res.Review = append(res.Review, pictures...)
	sort.Strings(res.Review)
	return res, res.Summary.LimitsError()
}

// synthAssembly runs app.Synth and turns a failed validation (CDK throws,
// jsii panics) into an error; a service-quota breach is returned as the
// platform's own message, since nothing was written.
func synthAssembly(app awscdk.App, p *Platform) (asm cxapi.CloudAssembly, err error) {
	defer func() {
		if r := recover(); r != nil {
			if p != nil && p.QuotaError != nil {
				err = p.QuotaError
				return
			}
			err = fmt.Errorf("synth: %v", r)
		}
	}()
	return app.Synth(nil), nil
}

// writeArchitecture draws the assembly's architecture as
// review/architecture.dot and .svg and appends it as a Mermaid flowchart
// to review/cost/report.md when there is one. It returns the paths it
// created.
func writeArchitecture(dir string) ([]string, error) {
	g, err := diagram.FromAssembly(dir)
	if err != nil {
		return nil, err
	}
	svg, err := g.SVG(context.Background())
	if err != nil {
		return nil, err
	}
	var written []string
	for name, content := range map[string][]byte{"architecture.dot": g.DOT(), "architecture.svg": svg} {
		path := filepath.Join(dir, "review", name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return nil, err
		}
		written = append(written, path)
	}
	report := filepath.Join(dir, "review", "cost", "report.md")
	if md, err := os.ReadFile(report); err == nil {
		md = append(md, ArchitectureMarkdown(g)...)
		if err := os.WriteFile(report, md, 0o644); err != nil {
			return nil, err
		}
	}
	return written, nil
}

// ArchitectureMarkdown is the section Synth appends to the cost report:
// the architecture drawn from the templates as a Mermaid flowchart.
func ArchitectureMarkdown(g *diagram.Graph) []byte {
	return []byte("## Architecture\n\nThe data paths of the synthesized templates (also `review/architecture.svg`), one node per kind of resource per stack or nested stack.\n\n```mermaid\n" + g.Mermaid() + "```\n")
}

// Print writes the summary table, the cost table and any budget warning:
// what `cdk synth` of the app prints (to stderr, since the CDK CLI keeps
// stdout for templates).
func (r *Result) Print(w io.Writer) {
	if r == nil {
		return // Synth stopped before writing anything
	}
	if r.Summary != nil {
		fmt.Fprint(w, r.Summary.String())
	}
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "WARNING: %s\n", warn.Message)
	}
	if r.Platform == nil {
		return
	}
	if peaks := r.Platform.Props.Quotas.Peaks(r.Platform.QuotaUsage); len(peaks) > 0 && r.Platform.QuotaError == nil {
		fmt.Fprintf(w, "\nService quotas, highest use per account-region (checked before writing):\n%s", quotas.PeaksTable(peaks))
	}
	if rep := r.Platform.CostReport; rep != nil {
		fmt.Fprintf(w, "\nEstimated monthly cost (full report: %s/review/cost/report.md)\n%s", r.Dir, rep.Table())
	}
	if r.Platform.CostWarning != "" {
		fmt.Fprintln(w, "WARNING:", r.Platform.CostWarning)
	}
	for _, warn := range r.Platform.AccountCostWarnings {
		fmt.Fprintln(w, "WARNING:", warn)
	}
}
