package review_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/review"
)

// A construct records a generated file under itself; after synth the app
// writes every review file of its tree next to the templates.
func ExampleAdd() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Tracing"), nil)
	if err := review.Add(stack, "sampling/otel-collector.yaml", []byte("processors: {}\n")); err != nil {
		fmt.Println(err)
		return
	}
	// The same path with other content is a mistake, reported at once.
	fmt.Println(review.Add(stack, "sampling/otel-collector.yaml", []byte("processors: {tail_sampling: {}}\n")))
	fmt.Println(review.Files(app))

	// Usually outDir is the assembly's directory: *app.Synth(nil).Directory().
	outDir, err := os.MkdirTemp("", "cdk.out")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(outDir)
	written, err := review.Write(app, outDir)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range written {
		rel, _ := filepath.Rel(outDir, p)
		fmt.Println(filepath.ToSlash(rel))
	}
	// Output:
	// review: Tracing: sampling/otel-collector.yaml was already added with different content
	// [sampling/otel-collector.yaml]
	// review/sampling/otel-collector.yaml
}
