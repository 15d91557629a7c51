package gobuild

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMissingGoBinaryNamesThePackageAndTheCommand(t *testing.T) {
	o := Options{ImportPath: "example.com/fn", Arch: "arm64", GoBinary: "/nonexistent/go"}
	_, _, err := Locate(context.Background(), o)
	if err == nil {
		t.Fatal("a missing go binary was not reported")
	}
	for _, want := range []string{"example.com/fn", "/nonexistent/go", "not found"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestValidateRejectsFilePathsAndUnknownArchitectures(t *testing.T) {
	for _, o := range []Options{
		{ImportPath: "./lambdas/x", Arch: "arm64"},
		{ImportPath: "/abs/path", Arch: "arm64"},
		{ImportPath: "", Arch: "arm64"},
		{ImportPath: "example.com/x", Arch: "386"},
	} {
		if o.Validate() == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

func TestLocateRejectsANonMainPackage(t *testing.T) {
	_, _, err := Locate(context.Background(), Options{ImportPath: "github.com/o11yscale/o11yscale/internal/gobuild", Arch: "arm64"})
	if err == nil || !strings.Contains(err.Error(), "not main") {
		t.Fatalf("got %v", err)
	}
}

func TestCleanGOFLAGSDropsOnlyModuleFlags(t *testing.T) {
	got := cleanGOFLAGS("-buildvcs=false -mod=mod  --modfile=/tmp/x.mod -tags=x -modcacherw")
	if want := "-buildvcs=false -tags=x -modcacherw"; got != want {
		t.Fatalf("cleanGOFLAGS = %q, want %q", got, want)
	}
}

// TestGOFLAGSModModNeverRewritesTheModule builds with a caller's
// GOFLAGS=-mod=mod: once a module whose go.mod lacks a go directive (which
// -mod=mod would add) and once one of our own Lambdas. Neither module's
// go.mod or go.sum may change, the builds must work, and the fingerprint
// must be the one computed without GOFLAGS.
func TestGOFLAGSModModNeverRewritesTheModule(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":         "module example.com/fn\n",
		"cmd/fn/main.go": "package main\n\nfunc main() {}\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	for _, o := range []Options{
		{ImportPath: "example.com/fn/cmd/fn", Arch: "arm64", Dir: dir},
		{ImportPath: "github.com/o11yscale/o11yscale/internal/lambdatest/internal/echo", Arch: "arm64"},
	} {
		t.Run(o.ImportPath, func(t *testing.T) {
			t.Setenv("GOFLAGS", os.Getenv("GOFLAGS"))
			os.Unsetenv("GOFLAGS")
			_, located, err := Locate(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			want, err := Fingerprint(ctx, located)
			if err != nil {
				t.Fatal(err)
			}
			before := moduleFiles(t, located.Dir)

			t.Setenv("GOFLAGS", "-buildvcs=false -mod=mod")
			_, located, err = Locate(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Fingerprint(ctx, located)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("fingerprint with GOFLAGS=-mod=mod is %s, without %s", got, want)
			}
			out := t.TempDir()
			if err := Build(ctx, located, out); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(out, "bootstrap")); err != nil {
				t.Fatal(err)
			}
			if after := moduleFiles(t, located.Dir); after != before {
				t.Errorf("go.mod/go.sum in %s changed:\nbefore:\n%s\nafter:\n%s", located.Dir, before, after)
			}
		})
	}
}

// moduleFiles returns go.mod and go.sum (when present) of a module root.
func moduleFiles(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for _, name := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		b.WriteString(name + ":\n" + string(data))
	}
	return b.String()
}
