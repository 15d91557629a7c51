// Package review collects generated files that are not CloudFormation
// (collector configs, dashboards, cost reports) so they can be written next
// to the templates in cdk.out, where they are reviewed like any other
// synthesized output.
package review

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/aws/constructs-go/constructs/v10"
)

var (
	mu    sync.Mutex
	files = map[constructs.IConstruct]map[string][]byte{} // app root -> relative path -> content
)

// appKey is the root construct itself: every App's root has the same
// address (the empty path), but jsii hands back one Go proxy per object.
func appKey(scope constructs.Construct) constructs.IConstruct {
	return scope.Node().Root()
}

// Add registers content to be written at relPath (slash-separated, under
// the "review/" folder of the cloud assembly) for scope's app. Adding the
// same path twice with different content is an error, which catches two
// constructs fighting over one file.
func Add(scope constructs.Construct, relPath string, content []byte) error {
	clean := path.Clean(relPath)
	if clean != relPath || strings.HasPrefix(clean, "../") || path.IsAbs(clean) || clean == "." {
		return fmt.Errorf("review: path %q must be a clean relative path such as \"sampling/collector.yaml\"", relPath)
	}
	mu.Lock()
	defer mu.Unlock()
	key := appKey(scope)
	m := files[key]
	if m == nil {
		m = map[string][]byte{}
		files[key] = m
	}
	if old, ok := m[clean]; ok && string(old) != string(content) {
		return fmt.Errorf("review: %s was already added with different content", clean)
	}
	m[clean] = append([]byte(nil), content...)
	return nil
}

// Files returns the registered paths for scope's app, sorted.
func Files(scope constructs.Construct) []string {
	mu.Lock()
	defer mu.Unlock()
	var out []string
	for p := range files[appKey(scope)] {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Content returns one registered file.
func Content(scope constructs.Construct, relPath string) ([]byte, bool) {
	mu.Lock()
	defer mu.Unlock()
	b, ok := files[appKey(scope)][relPath]
	return b, ok
}

// Write writes every file registered for scope's app under
// outDir/review and returns the written paths.
func Write(scope constructs.Construct, outDir string) ([]string, error) {
	var written []string
	for _, p := range Files(scope) {
		b, _ := Content(scope, p)
		dst := filepath.Join(outDir, "review", filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return written, err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return written, err
		}
		written = append(written, dst)
	}
	return written, nil
}
