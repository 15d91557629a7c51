// Package review collects generated files that are not CloudFormation
// (collector configs, dashboards, cost reports) so they can be written next
// to the templates in cdk.out, where they are reviewed like any other
// synthesized output.
//
// Each file is a [File] construct in the construct tree, under the
// construct that generated it, so an app's review files are exactly those
// of its constructs: there is no package-level state, and two apps in one
// process never see each other's files.
package review

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// File is one review file: a construct that synthesizes nothing into
// CloudFormation and carries the file's path and content.
type File struct {
	constructs.Construct
	relPath string
	content []byte
}

// ToString is the construct's display name. jsii needs at least one
// method with a pointer receiver to register File as a Go subclass, which
// is what lets [Write] find it again in the tree.
func (f *File) ToString() *string { return jsii.String("review file " + f.relPath) }

// RelPath is the slash-separated path under the assembly's review folder.
func (f *File) RelPath() string { return f.relPath }

// Content is the file's content.
func (f *File) Content() []byte { return f.content }

// Add adds content to be written at relPath (slash-separated, under the
// "review/" folder of the cloud assembly) as a [File] child of scope.
// Adding the same path twice under one scope is fine with identical content
// and an error otherwise; two scopes claiming one path with different
// content is reported by [Files] and [Write].
func Add(scope constructs.Construct, relPath string, content []byte) error {
	clean := path.Clean(relPath)
	if clean != relPath || strings.HasPrefix(clean, "../") || path.IsAbs(clean) || clean == "." {
		return fmt.Errorf("review: path %q must be a clean relative path such as \"sampling/collector.yaml\"", relPath)
	}
	// Construct ids cannot contain "/".
	id := "Review(" + strings.ReplaceAll(clean, "/", "|") + ")"
	if existing := scope.Node().TryFindChild(jsii.String(id)); existing != nil {
		if f, ok := existing.(*File); ok && string(f.content) == string(content) {
			return nil
		}
		return fmt.Errorf("review: %s: %s was already added with different content", *scope.Node().Path(), clean)
	}
	f := &File{relPath: clean, content: append([]byte(nil), content...)}
	constructs.NewConstruct_Override(f, scope, jsii.String(id))
	return nil
}

// Replace sets the content of the file scope holds at relPath, adding it
// when there is none: for a generator that learns more about the tree
// after it first added the file (the platform's cost report, priced again
// from the alarms of the final construct tree before synth).
func Replace(scope constructs.Construct, relPath string, content []byte) error {
	id := "Review(" + strings.ReplaceAll(path.Clean(relPath), "/", "|") + ")"
	if existing, ok := scope.Node().TryFindChild(jsii.String(id)).(*File); ok {
		existing.content = append([]byte(nil), content...)
		return nil
	}
	return Add(scope, relPath, content)
}

// collect returns every review file of scope's app by path, or an error
// naming both constructs when two disagree about one path.
func collect(scope constructs.Construct) (map[string]*File, error) {
	out := map[string]*File{}
	var problems []string
	for _, c := range *scope.Node().Root().Node().FindAll(constructs.ConstructOrder_PREORDER) {
		f, ok := c.(*File)
		if !ok {
			continue
		}
		if prev, dup := out[f.relPath]; dup {
			if string(prev.content) != string(f.content) {
				problems = append(problems, fmt.Sprintf("%s: written by %s and, with different content, by %s", f.relPath, *prev.Node().Path(), *f.Node().Path()))
			}
			continue
		}
		out[f.relPath] = f
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("review: conflicting files:\n  %s", strings.Join(problems, "\n  "))
	}
	return out, nil
}

// Files returns the paths of scope's app's review files, sorted; nil
// while two constructs disagree about a path ([Write] names them).
func Files(scope constructs.Construct) []string {
	files, err := collect(scope)
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(files))
	for p := range files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Content returns one review file of scope's app.
func Content(scope constructs.Construct, relPath string) ([]byte, bool) {
	files, err := collect(scope)
	if err != nil {
		return nil, false
	}
	f, ok := files[relPath]
	if !ok {
		return nil, false
	}
	return f.content, true
}

// Write writes every review file of scope's app under outDir/review and
// returns the written paths, sorted.
func Write(scope constructs.Construct, outDir string) ([]string, error) {
	files, err := collect(scope)
	if err != nil {
		return nil, err
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var written []string
	for _, p := range paths {
		dst := filepath.Join(outDir, "review", filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return written, err
		}
		if err := os.WriteFile(dst, files[p].content, 0o644); err != nil {
			return written, err
		}
		written = append(written, dst)
	}
	return written, nil
}
