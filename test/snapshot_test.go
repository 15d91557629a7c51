package test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/stacks/config"
)

// Asset hashes change with every code change; snapshots must not. The
// golambda tests prove hashes follow the code.
var assetHash = regexp.MustCompile(`[0-9a-f]{64}`)

func normalise(b []byte) []byte {
	return assetHash.ReplaceAll(b, []byte("ASSET_HASH"))
}

func TestSnapshotsOfEveryDefaultStackMatchGolden(t *testing.T) {
	s := synthDefault(t)
	compareSnapshots(t, s, filepath.Join("testdata", "snapshots"))
}

// The example documents every foundation option; its snapshot proves a
// refactor of the config layer leaves a user's file synthesizing the same.
func TestSnapshotsOfPlatformExampleMatchGolden(t *testing.T) {
	cfg, err := config.Load(filepath.Join("..", "platform.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := synth(t.TempDir(), cfg, "", false)
	if err != nil {
		t.Fatal(err)
	}
	compareSnapshots(t, s, filepath.Join("testdata", "snapshots-example"))
}

// A platform with its own name: every name the library creates derives
// from it, so this snapshot differs from the example's only in names.
func TestSnapshotsOfRenamedPlatformMatchGolden(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "platform.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(b), "\nname: o11yscale\n", "\nname: acme\n", 1)
	if doc == string(b) {
		t.Fatal("platform.example.yaml has no `name: o11yscale` line to rename")
	}
	cfg, err := config.Parse("acme.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	s, err := synth(t.TempDir(), cfg, "", false)
	if err != nil {
		t.Fatal(err)
	}
	compareSnapshots(t, s, filepath.Join("testdata", "snapshots-acme"))
}

// compareSnapshots compares every template and review file of s with the
// golden files in golden (or rewrites them with -update).
func compareSnapshots(t *testing.T, s *synthesized, golden string) {
	t.Helper()
	seen := map[string]bool{}
	var files []string
	files = append(files, s.templates(t)...)
	_ = filepath.WalkDir(filepath.Join(s.dir, "review"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	for _, f := range files {
		name := strings.ReplaceAll(strings.TrimPrefix(f, s.dir+string(filepath.Separator)), string(filepath.Separator), "__")
		seen[name] = true
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got := normalise(b)
		path := filepath.Join(golden, name)
		if *update {
			if err := os.MkdirAll(golden, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: no golden file (run go test ./test -run Snapshot -update and review the diff): %v", name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s/%s differs from its golden file:\n%s\nrun `go test -run Snapshot -update` in test/ and review the git diff", golden, name, firstDiff(want, got))
		}
	}
	entries, _ := os.ReadDir(golden)
	for _, e := range entries {
		if !seen[e.Name()] {
			if *update {
				os.Remove(filepath.Join(golden, e.Name()))
				continue
			}
			t.Errorf("golden file %s/%s has no synthesized counterpart any more", golden, e.Name())
		}
	}
}

// firstDiff shows the first differing line with a little context.
func firstDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n- " + wl + "\n+ " + gl
		}
	}
	return "(only trailing bytes differ)"
}
