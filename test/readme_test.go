package test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/stacks/config"
)

// notConfig, on the line before a ```yaml fence, marks a block that is not
// a platform config (say, a collector config); every other YAML block of
// every README is one.
const notConfig = "<!-- not a platform config -->"

var (
	fence    = regexp.MustCompile("(?m)^[ \t]*```([a-z]*)[ \t]*$")
	lineNote = regexp.MustCompile(`\(line (\d+)\)`)
)

// block is one fenced code block of a Markdown file.
type block struct {
	file, lang string
	line       int // the line of its first content line
	body       []byte
	optOut     bool
}

// repoFiles lists the repository's files named name (no node_modules,
// cdk.out, testdata or dot directories).
func repoFiles(t *testing.T, match func(name string) bool) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != ".." && (d.Name() == "node_modules" || d.Name() == "cdk.out" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if !d.IsDir() && match(d.Name()) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// markdownBlocks returns the fenced blocks of every README.md.
func markdownBlocks(t *testing.T) (readmes []string, blocks []block) {
	t.Helper()
	readmes = repoFiles(t, func(n string) bool { return n == "README.md" })
	for _, readme := range readmes {
		b, err := os.ReadFile(readme)
		if err != nil {
			t.Fatal(err)
		}
		fences := fence.FindAllSubmatchIndex(b, -1)
		for i := 0; i+1 < len(fences); i += 2 {
			open, closing := fences[i], fences[i+1]
			startLine := bytes.Count(b[:open[0]], []byte("\n")) + 1
			before := ""
			if lines := strings.Split(string(b[:open[0]]), "\n"); len(lines) >= 2 {
				before = strings.TrimSpace(lines[len(lines)-2])
			}
			blocks = append(blocks, block{file: strings.TrimPrefix(readme, "../"), lang: string(b[open[2]:open[3]]),
				line: startLine + 1, body: b[open[1]+1 : closing[0]], optOut: before == notConfig})
		}
	}
	return readmes, blocks
}

// Every YAML block of every README.md is a platform config fragment: it
// decodes strictly and validates merged onto the default platform (each
// top-level key it sets replaces the default's, see
// config.ParseFragment). A failure names the README and line, so whoever
// wrote the block can fix it.
func TestEveryReadmeYAMLBlockIsAValidPlatformConfigFragment(t *testing.T) {
	readmes, blocks := markdownBlocks(t)
	checked, optedOut := 0, 0
	for _, b := range blocks {
		if b.lang != "yaml" && b.lang != "yml" {
			continue
		}
		if b.optOut {
			optedOut++
			continue
		}
		checked++
		where := fmt.Sprintf("%s:%d", b.file, b.line)
		if _, err := config.ParseFragment(where, b.body); err != nil {
			// Shape errors carry the fragment's line: make it the README's.
			msg := lineNote.ReplaceAllStringFunc(err.Error(), func(s string) string {
				n, _ := strconv.Atoi(lineNote.FindStringSubmatch(s)[1])
				return fmt.Sprintf("(%s line %d)", b.file, b.line+n-1)
			})
			t.Errorf("the YAML block at %s is not a valid platform config fragment:\n%s", where, msg)
		}
	}
	t.Logf("%d YAML blocks in %d README.md files decoded and validated as platform config fragments (%d marked %q)", checked, len(readmes), optedOut, notConfig)
	if checked == 0 {
		t.Fatal("no README YAML block was found; the fence pattern is broken")
	}
}

// platform.example.yaml decodes strictly and validates on its own (the
// snapshot test synthesizes it), and shows every section of the config.
func TestPlatformExampleIsCompleteAndValid(t *testing.T) {
	path := filepath.Join("..", "platform.example.yaml")
	if _, err := config.Load(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, section := range []string{"sampling", "logs", "alarms", "metrics", "grafana", "cost", "billing"} {
		if !regexp.MustCompile(`(?m)^` + section + `:`).Match(b) {
			t.Errorf("platform.example.yaml has no %s: section", section)
		}
	}
}

// normalisedLines drops blank lines and whole-line comments and collapses
// runs of spaces and tabs (indentation, gofmt's comment alignment), so a
// README snippet can be found inside a test function's body.
func normalisedLines(src []byte) []string {
	var out []string
	for _, l := range strings.Split(string(src), "\n") {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" || strings.HasPrefix(l, "//") {
			continue
		}
		out = append(out, l)
	}
	return out
}

func containsRun(haystack, needle []string) bool {
	for i := 0; i+len(needle) <= len(haystack); i++ {
		if slicesEqual(haystack[i:i+len(needle)], needle) {
			return true
		}
	}
	return false
}

func slicesEqual(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Every Go snippet of every README is compiled: its lines (ignoring
// indentation, blank lines and comments) appear, in order, in a _test.go
// file of the repository, which go vet and go test compile.
func TestEveryReadmeGoSnippetIsCompiledByATest(t *testing.T) {
	var tests [][]string
	var testFiles []string
	for _, f := range repoFiles(t, func(n string) bool { return strings.HasSuffix(n, "_test.go") }) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tests, testFiles = append(tests, normalisedLines(b)), append(testFiles, f)
	}
	_, blocks := markdownBlocks(t)
	checked := 0
	for _, b := range blocks {
		if b.lang != "go" {
			continue
		}
		checked++
		want := normalisedLines(b.body)
		found := ""
		for i, lines := range tests {
			if containsRun(lines, want) {
				found = testFiles[i]
				break
			}
		}
		if found == "" {
			t.Errorf("the Go snippet at %s:%d is not in any _test.go file (make it an Example test, or copy it there verbatim)", b.file, b.line)
		}
	}
	t.Logf("%d Go snippets in README.md files checked against %d test files", checked, len(testFiles))
}
