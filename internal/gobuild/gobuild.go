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
	"sync"
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
		Dir     string
		GoMod   string
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
//
// A synth of many account-regions fingerprints the same few Lambdas
// hundreds of times, and each fresh answer costs two go commands. So the
// answer is remembered for the life of the process, keyed by the options,
// the go binary and the environment, and reused only while every input go
// list read is byte-for-byte the same: each file of the hashed packages'
// directories (all of them, so a build-tag or import change shows), their
// embedded trees, and the go.mod, go.sum and go.work files that decide the
// module graph (see inputs). Like the go list it follows, it assumes the
// inputs do not change while one call runs.
func Fingerprint(ctx context.Context, o Options) (string, error) {
	if err := o.Validate(); err != nil {
		return "", err
	}
	key, keyErr := cacheKey(o)
	if keyErr == nil {
		if v, ok := fingerprints.Load(key); ok {
			e := v.(fingerprintEntry)
			if in, err := e.inputs.digest(); err == nil && in == e.digest {
				return e.sum, nil
			}
		}
	}
	sum, in, err := fingerprint(ctx, o)
	if err != nil {
		return "", err
	}
	if keyErr == nil {
		if d, err := in.digest(); err == nil {
			fingerprints.Store(key, fingerprintEntry{sum: sum, inputs: in, digest: d})
		}
	}
	return sum, nil
}

// fingerprints maps cacheKey to fingerprintEntry.
var fingerprints sync.Map

type fingerprintEntry struct {
	sum    string
	inputs inputs
	digest string
}

// cacheKey is everything outside the files that decides what go list and
// go env answer: the options, the go binary (path, size, modification
// time) and the whole environment (GOFLAGS, GOWORK, GOROOT, GOTOOLCHAIN...).
func cacheKey(o Options) (string, error) {
	bin, err := exec.LookPath(o.goBin())
	if err != nil {
		return "", err
	}
	st, err := os.Stat(bin)
	if err != nil {
		return "", err
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return "", err
	}
	env := os.Environ()
	sort.Strings(env)
	h := sha256.New()
	fmt.Fprintf(h, "%q %q %q %q %d %d\n", o.ImportPath, o.Arch, dir, bin, st.Size(), st.ModTime().UnixNano())
	for _, kv := range env {
		fmt.Fprintf(h, "%q\n", kv)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// inputs are the files a fingerprint depends on beyond its key.
type inputs struct {
	dirs  []string // every regular file directly inside
	trees []string // every file below (embedded directories)
	files []string // single files; a missing one counts as absent
}

// digest hashes the names and contents of every input file, so an added,
// removed, renamed or edited file changes it whatever its timestamps.
func (in inputs) digest() (string, error) {
	h := sha256.New()
	add := func(path string) error {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		fmt.Fprintf(h, "%q %x\n", path, sum)
		return nil
	}
	for _, d := range in.dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "dir %q\n", d)
		for _, e := range entries {
			if e.Type().IsRegular() {
				if err := add(filepath.Join(d, e.Name())); err != nil {
					return "", err
				}
			} else {
				fmt.Fprintf(h, "entry %q %v\n", e.Name(), e.Type())
			}
		}
	}
	for _, root := range in.trees {
		fmt.Fprintf(h, "tree %q\n", root)
		err := filepath.WalkDir(root, func(path string, e os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.Type().IsRegular() {
				return add(path)
			}
			fmt.Fprintf(h, "entry %q %v\n", path, e.Type())
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	for _, f := range in.files {
		if _, err := os.Stat(f); errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(h, "absent %q\n", f)
			continue
		}
		if err := add(f); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fingerprint computes the fingerprint and lists the inputs it read.
func fingerprint(ctx context.Context, o Options) (string, inputs, error) {
	var in inputs
	ver, err := o.run(ctx, "env", "GOVERSION")
	if err != nil {
		return "", in, err
	}
	out, err := o.run(ctx, "list", ModFlag, "-deps", "-json=ImportPath,Dir,Standard,GoFiles,EmbedFiles,Module", o.ImportPath)
	if err != nil {
		return "", in, err
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
			return "", in, fmt.Errorf("gobuild %s: reading go list output: %w", o.ImportPath, err)
		}
		if !p.Standard {
			pkgs = append(pkgs, p)
		}
	}
	// go.work in the build directory or above it decides the module graph.
	if dir, err := filepath.Abs(o.Dir); err == nil {
		for d := dir; ; d = filepath.Dir(d) {
			in.files = append(in.files, filepath.Join(d, "go.work"), filepath.Join(d, "go.work.sum"))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	modules := map[string]bool{}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].ImportPath < pkgs[j].ImportPath })
	for _, p := range pkgs {
		fmt.Fprintf(h, "pkg %s\n", p.ImportPath)
		if m := p.Module; m != nil && !m.Main && m.Replace == nil && m.Version != "" {
			// Module-cache content is immutable for a version.
			fmt.Fprintf(h, "mod %s@%s %s\n", m.Path, m.Version, m.Sum)
			continue
		}
		in.dirs = append(in.dirs, p.Dir)
		if m := p.Module; m != nil && m.Dir != "" && !modules[m.Dir] {
			modules[m.Dir] = true
			in.files = append(in.files, filepath.Join(m.Dir, "go.mod"), filepath.Join(m.Dir, "go.sum"))
			if m.GoMod != "" {
				in.files = append(in.files, m.GoMod)
			}
		}
		if len(p.EmbedFiles) > 0 {
			in.trees = append(in.trees, p.Dir)
		}
		files := append(append([]string(nil), p.GoFiles...), p.EmbedFiles...)
		sort.Strings(files)
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(p.Dir, f))
			if err != nil {
				return "", in, fmt.Errorf("gobuild %s: %w", o.ImportPath, err)
			}
			sum := sha256.Sum256(b)
			fmt.Fprintf(h, "file %s %x\n", f, sum)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), in, nil
}
