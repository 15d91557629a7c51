// Package gobuild compiles a Go main package into a Lambda `bootstrap`
// binary and fingerprints everything that binary is built from. It has no
// CDK dependency so that both the golambda construct and the Lambda
// integration tests build binaries with exactly the same flags.
package gobuild

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Flags are the go build flags every Lambda binary is built with.
// lambda.norpc drops the legacy RPC mode that provided.al2023 never uses.
// They enter the Fingerprint; ModFlag does not, because it changes whether
// go.mod may be rewritten, never the binary.
var Flags = []string{"-trimpath", "-tags", "lambda.norpc", "-ldflags", "-s -w"}

// ModFlag is passed to every `go list` and `go build`: the module that owns
// the Lambda is built as its go.mod and go.sum say, never rewritten, so a
// consumer's GOFLAGS=-mod=mod cannot edit our go.mod (and a read-only
// module cache cannot make the build fail). Flags on the command line take
// precedence over GOFLAGS; the inherited GOFLAGS also loses any -mod= and
// -modfile= entry (see cleanGOFLAGS). Reference:
// https://go.dev/ref/mod#build-commands
const ModFlag = "-mod=readonly"

// Options selects what to build.
type Options struct {
	// ImportPath of the main package, for example
	// "github.com/o11yscale/o11yscale/lambdas/logrouter".
	ImportPath string
	// Arch is the GOARCH: "arm64" or "amd64".
	Arch string
	// Dir is the directory go commands run in; it decides which module
	// (and so which versions of our packages) the import path resolves in.
	// Default: the current working directory.
	Dir string
	// GoBinary overrides the go command. Default: "go" from PATH.
	GoBinary string
}

func (o Options) goBin() string {
	if o.GoBinary != "" {
		return o.GoBinary
	}
	return "go"
}

// Validate checks the options without running anything.
func (o Options) Validate() error {
	var errs []error
	if o.ImportPath == "" {
		errs = append(errs, errors.New("gobuild: ImportPath is empty; give the Go import path of a main package"))
	} else if strings.HasPrefix(o.ImportPath, ".") || filepath.IsAbs(o.ImportPath) {
		errs = append(errs, fmt.Errorf("gobuild: ImportPath %q is a file path; give a Go import path (relative paths break when our module is used from the module cache)", o.ImportPath))
	}
	if o.Arch != "arm64" && o.Arch != "amd64" {
		errs = append(errs, fmt.Errorf("gobuild: Arch %q is not supported; allowed: arm64, amd64", o.Arch))
	}
	return errors.Join(errs...)
}

func (o Options) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, o.goBin(), args...)
	cmd.Dir = o.Dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+o.Arch)
	if flags, ok := os.LookupEnv("GOFLAGS"); ok {
		// The last GOFLAGS entry in Env wins.
		cmd.Env = append(cmd.Env, "GOFLAGS="+cleanGOFLAGS(flags))
	}
	return cmd
}

// cleanGOFLAGS drops -mod= and -modfile= from a GOFLAGS value and keeps
// every other flag. Both describe the caller's module: -mod=mod would let
// the go command rewrite the go.mod of the module that owns the Lambda,
// and -modfile names a file of another module.
func cleanGOFLAGS(flags string) string {
	var keep []string
	for _, f := range strings.Fields(flags) {
		name := strings.TrimLeft(f, "-")
		if strings.HasPrefix(name, "mod=") || strings.HasPrefix(name, "modfile=") {
			continue
		}
		keep = append(keep, f)
	}
	return strings.Join(keep, " ")
}

func (o Options) run(ctx context.Context, args ...string) ([]byte, error) {
	if _, err := exec.LookPath(o.goBin()); err != nil {
		return nil, fmt.Errorf("gobuild %s: the go command %q was not found on PATH (install Go 1.26 or set GoBinary): %w", o.ImportPath, o.goBin(), err)
	}
	var stdout, stderr bytes.Buffer
	cmd := o.command(ctx, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("gobuild %s: go %s failed: %w\n%s", o.ImportPath, args[0], err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// Locate finds the package with `go list`, so it works from the module
// cache as well as a checkout. It returns the package's source directory and
// options whose Dir is the root of the module that owns the package: builds
// run there, with that module's own go.mod and go.sum, so a Lambda from our
// module builds the same from any consumer's module (whose go.sum lacks
// the Lambda's dependencies).
func Locate(ctx context.Context, o Options) (string, Options, error) {
	if err := o.Validate(); err != nil {
		return "", o, err
	}
	out, err := o.run(ctx, "list", ModFlag, "-e", "-f", "{{.Name}}\t{{.Dir}}\t{{with .Module}}{{.Dir}}{{end}}\t{{with .Error}}{{.Err}}{{end}}", o.ImportPath)
	if err != nil {
		return "", o, err
	}
	fields := strings.Split(strings.TrimRight(string(out), "\n"), "\t")
	if len(fields) != 4 {
		return "", o, fmt.Errorf("gobuild %s: unexpected go list output %q", o.ImportPath, out)
	}
	name, dir, modDir, listErr := fields[0], fields[1], fields[2], fields[3]
	if dir == "" || modDir == "" {
		return "", o, fmt.Errorf("gobuild %s: package not found: %s", o.ImportPath, listErr)
	}
	if name != "main" {
		return "", o, fmt.Errorf("gobuild %s: package is %q, not main; a Lambda needs a main package", o.ImportPath, name)
	}
	o.Dir = modDir
	return dir, o, nil
}

// Build compiles the package into outDir/bootstrap.
func Build(ctx context.Context, o Options, outDir string) error {
	if err := o.Validate(); err != nil {
		return err
	}
	args := append([]string{"build", ModFlag}, Flags...)
	args = append(args, "-o", filepath.Join(outDir, "bootstrap"), o.ImportPath)
	_, err := o.run(ctx, args...)
	return err
}

type listedPackage struct {
	ImportPath string
	Dir        string
	Standard   bool
	GoFiles    []string
	EmbedFiles []string
	Module     *struct {
		Path    string
		Version string
		Sum     string
		Main    bool
		Replace *struct {
			Path    string
			Version string
			Dir     string
		}
	}
}

// Fingerprint hashes everything the binary is built from: the Go version,
// the build flags and architecture, the source and embedded files of every
// package in the main module or a replaced module (our shared internal
// packages included), and the path@version of every other dependency.
// It is stable across runs and machines because it never includes paths.
func Fingerprint(ctx context.Context, o Options) (string, error) {
	if err := o.Validate(); err != nil {
		return "", err
	}
	ver, err := o.run(ctx, "env", "GOVERSION")
	if err != nil {
		return "", err
	}
	out, err := o.run(ctx, "list", ModFlag, "-deps", "-json=ImportPath,Dir,Standard,GoFiles,EmbedFiles,Module", o.ImportPath)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "go=%s arch=%s flags=%q\n", strings.TrimSpace(string(ver)), o.Arch, Flags)
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return "", fmt.Errorf("gobuild %s: reading go list output: %w", o.ImportPath, err)
		}
		if !p.Standard {
			pkgs = append(pkgs, p)
		}
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].ImportPath < pkgs[j].ImportPath })
	for _, p := range pkgs {
		fmt.Fprintf(h, "pkg %s\n", p.ImportPath)
		if m := p.Module; m != nil && !m.Main && m.Replace == nil && m.Version != "" {
			// Module-cache content is immutable for a version.
			fmt.Fprintf(h, "mod %s@%s %s\n", m.Path, m.Version, m.Sum)
			continue
		}
		files := append(append([]string(nil), p.GoFiles...), p.EmbedFiles...)
		sort.Strings(files)
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(p.Dir, f))
			if err != nil {
				return "", fmt.Errorf("gobuild %s: %w", o.ImportPath, err)
			}
			sum := sha256.Sum256(b)
			fmt.Fprintf(h, "file %s %x\n", f, sum)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
