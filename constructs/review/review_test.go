package review_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/review"
)

func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

func TestWriteWritesTheFilesOfItsOwnAppOnly(t *testing.T) {
	// GIVEN two apps in one process, each with review files
	a, b := awscdk.NewApp(nil), awscdk.NewApp(nil)
	sa := awscdk.NewStack(a, jsii.String("A"), nil)
	sb := awscdk.NewStack(b, jsii.String("B"), nil)
	must(t, review.Add(sa, "sampling/collector.yaml", []byte("a")))
	must(t, review.Add(sa, "cost/report.md", []byte("report")))
	must(t, review.Add(sb, "sampling/collector.yaml", []byte("b")))

	// WHEN app a's files are written
	dir := t.TempDir()
	written, err := review.Write(a, dir)
	must(t, err)

	// THEN exactly a's files are there, with a's content
	want := []string{filepath.Join(dir, "review", "cost", "report.md"), filepath.Join(dir, "review", "sampling", "collector.yaml")}
	if !slices.Equal(written, want) {
		t.Fatalf("written %v, want %v", written, want)
	}
	if got, _ := os.ReadFile(want[1]); string(got) != "a" {
		t.Fatalf("collector.yaml = %q, want app a's content", got)
	}
	if files := review.Files(b); !slices.Equal(files, []string{"sampling/collector.yaml"}) {
		t.Fatalf("app b files = %v", files)
	}
}

func TestAddingOnePathTwiceUnderOneScope(t *testing.T) {
	app := awscdk.NewApp(nil)
	st := awscdk.NewStack(app, jsii.String("S"), nil)
	must(t, review.Add(st, "x/y.txt", []byte("same")))
	if err := review.Add(st, "x/y.txt", []byte("same")); err != nil {
		t.Fatalf("identical content again: %v", err)
	}
	err := review.Add(st, "x/y.txt", []byte("other"))
	if err == nil || !strings.Contains(err.Error(), "S: x/y.txt was already added with different content") {
		t.Fatalf("different content: got %v", err)
	}
}

func TestTwoConstructsDisagreeingAboutOnePathIsReportedWithBothPaths(t *testing.T) {
	app := awscdk.NewApp(nil)
	one := awscdk.NewStack(app, jsii.String("One"), nil)
	two := awscdk.NewStack(app, jsii.String("Two"), nil)
	must(t, review.Add(one, "shared.txt", []byte("1")))
	must(t, review.Add(two, "shared.txt", []byte("2")))
	_, err := review.Write(app, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "shared.txt: written by One/") || !strings.Contains(err.Error(), "by Two/") {
		t.Fatalf("got %v", err)
	}
	// The same content from two constructs is one file.
	three := awscdk.NewStack(app, jsii.String("Three"), nil)
	must(t, review.Add(three, "agreed.txt", []byte("x")))
	must(t, review.Add(one, "agreed.txt", []byte("x")))
	if b, ok := review.Content(three, "agreed.txt"); ok || review.Files(app) != nil {
		t.Fatalf("Content and Files must fail while the app has a conflict, got %q", b)
	}
}

func TestAddRejectsPathsOutsideTheReviewFolder(t *testing.T) {
	app := awscdk.NewApp(nil)
	for _, p := range []string{"../x", "/abs", "a//b", ".", "a/../b"} {
		if err := review.Add(app, p, nil); err == nil {
			t.Errorf("%q accepted", p)
		}
	}
}

func TestReviewFilesAddNothingToTheTemplate(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	st := awscdk.NewStack(app, jsii.String("S"), nil)
	awscdk.NewCfnWaitConditionHandle(st, jsii.String("H"), nil)
	must(t, review.Add(st, "a.txt", []byte("a")))
	asm := app.Synth(nil)
	b, err := os.ReadFile(filepath.Join(*asm.Directory(), "S.template.json"))
	must(t, err)
	var tpl struct{ Resources map[string]any }
	must(t, json.Unmarshal(b, &tpl))
	if strings.Contains(string(b), "Review") || len(tpl.Resources) != 1 {
		t.Fatalf("template changed by a review file:\n%s", b)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
