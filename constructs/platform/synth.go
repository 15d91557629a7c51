package platform

import (
	"fmt"
	"io"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"

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
}

// Synth synthesizes app, writes the review files of its construct tree
// under <cdk.out>/review, summarizes the platform's templates and checks
// them against CloudFormation's limits. It is the one pipeline behind
// `cdk synth` of the o11yscale app, the test suite and a consumer's own
// app: call it instead of app.Synth. The returned error is the limit
// breach, if any; the Result is filled in either way once the assembly is
// written.
func Synth(app awscdk.App, p *Platform) (*Result, error) {
	asm := app.Synth(nil)
	res := &Result{Dir: *asm.Directory(), Assembly: asm, Platform: p}
	var err error
	if res.Review, err = review.Write(app, res.Dir); err != nil {
		return res, err
	}
	if res.Summary, err = Summarize(p.Stacks(), res.Dir); err != nil {
		return res, err
	}
	return res, res.Summary.LimitsError()
}

// Print writes the summary table, the cost table and any budget warning:
// what `cdk synth` of the app prints (to stderr, since the CDK CLI keeps
// stdout for templates).
func (r *Result) Print(w io.Writer) {
	if r.Summary != nil {
		fmt.Fprint(w, r.Summary.String())
	}
	if r.Platform == nil {
		return
	}
	if rep := r.Platform.CostReport; rep != nil {
		fmt.Fprintf(w, "\nEstimated monthly cost (full report: %s/review/cost/report.md)\n%s", r.Dir, rep.Table())
	}
	if r.Platform.CostWarning != "" {
		fmt.Fprintln(w, "WARNING:", r.Platform.CostWarning)
	}
}
