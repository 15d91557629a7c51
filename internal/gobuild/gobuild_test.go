package gobuild

import (
	"context"
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
