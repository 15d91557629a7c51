package gobuild

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tempModule writes a main package that imports a package of its own
// module, the shape of our Lambdas and their shared internal packages.
func tempModule(t testing.TB) (dir string, o Options) {
	t.Helper()
	dir = t.TempDir()
	for name, body := range map[string]string{
		"go.mod":            "module example.com/fn\n\ngo 1.24\n",
		"cmd/fn/main.go":    "package main\n\nimport \"example.com/fn/shared\"\n\nfunc main() { println(shared.Greeting) }\n",
		"shared/shared.go":  "package shared\n\nconst Greeting = \"hi\"\n",
		"shared/ignored.go": "//go:build ignore\n\npackage shared\n",
	} {
		write(t, filepath.Join(dir, name), body)
	}
	return dir, Options{ImportPath: "example.com/fn/cmd/fn", Arch: "arm64", Dir: dir}
}

func write(t testing.TB, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRememberedFingerprintFollowsEveryInput checks the cached answer
// against a fresh computation after each kind of change: one that changes
// the binary must change the fingerprint at once, however quickly it
// follows the last call and even when the file keeps its size.
func TestRememberedFingerprintFollowsEveryInput(t *testing.T) {
	dir, o := tempModule(t)
	ctx := context.Background()
	check := func(step string) string {
		t.Helper()
		got, err := Fingerprint(ctx, o)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		fresh, _, err := fingerprint(ctx, o)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if got != fresh {
			t.Fatalf("%s: remembered fingerprint %s, fresh %s", step, got, fresh)
		}
		return got
	}
	first := check("first call")
	if again := check("second call"); again != first {
		t.Fatalf("unchanged inputs gave %s then %s", first, again)
	}
	steps := []struct {
		name   string
		change func()
		same   bool // the binary does not change, nor must the fingerprint
	}{
		{"edit of a shared file, same size", func() {
			write(t, filepath.Join(dir, "shared/shared.go"), "package shared\n\nconst Greeting = \"ho\"\n")
		}, false},
		{"a new file in a shared package", func() {
			write(t, filepath.Join(dir, "shared/more.go"), "package shared\n\nconst More = 1\n")
		}, false},
		{"an excluded file's build tag removed", func() {
			write(t, filepath.Join(dir, "shared/ignored.go"), "\npackage shared\n\nconst X = 2\n")
		}, false},
		{"a file removed", func() {
			if err := os.Remove(filepath.Join(dir, "shared/more.go")); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"a new package imported", func() {
			write(t, filepath.Join(dir, "extra/extra.go"), "package extra\n\nconst E = 3\n")
			write(t, filepath.Join(dir, "cmd/fn/main.go"), "package main\n\nimport (\n\t\"example.com/fn/extra\"\n\t\"example.com/fn/shared\"\n)\n\nfunc main() { println(shared.Greeting, extra.E) }\n")
		}, false},
		{"a test file added", func() {
			write(t, filepath.Join(dir, "shared/shared_test.go"), "package shared\n")
		}, true},
	}
	prev := check("after setup")
	for _, s := range steps {
		s.change()
		got := check(s.name)
		if changed := got != prev; changed == s.same {
			t.Errorf("%s: fingerprint changed = %v, want %v", s.name, changed, !s.same)
		}
		prev = got
	}
	o.Arch = "amd64"
	if check("other architecture") == prev {
		t.Error("the architecture does not enter the remembered fingerprint")
	}
}

// BenchmarkFingerprint compares a fresh fingerprint (two go commands) of
// one of our Lambdas with a remembered one in the same run; the ratio is
// what each further function of a large synth costs against the first.
func BenchmarkFingerprint(b *testing.B) {
	o := Options{ImportPath: "github.com/o11yscale/o11yscale/lambdas/forwarder", Arch: "arm64"}
	ctx := context.Background()
	if _, err := Fingerprint(ctx, o); err != nil {
		b.Fatal(err)
	}
	var freshNs, cachedNs float64
	runs := 0
	for b.Loop() {
		start := time.Now()
		if _, _, err := fingerprint(ctx, o); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if _, err := Fingerprint(ctx, o); err != nil {
			b.Fatal(err)
		}
		freshNs += float64(mid.Sub(start).Nanoseconds())
		cachedNs += float64(time.Now().Sub(mid).Nanoseconds())
		runs++
	}
	b.ReportMetric(freshNs/float64(runs)/1e6, "fresh-ms/op")
	b.ReportMetric(cachedNs/float64(runs)/1e6, "remembered-ms/op")
	b.ReportMetric(cachedNs/freshNs, "remembered/fresh")
}

// TestUnchangedInputsRunNoGoCommand counts the go commands through a
// wrapper: a second fingerprint of unchanged inputs runs none, and one
// after an edit runs them again.
func TestUnchangedInputsRunNoGoCommand(t *testing.T) {
	dir, o := tempModule(t)
	realGo, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(t.TempDir(), "calls")
	wrapper := filepath.Join(t.TempDir(), "go")
	write(t, wrapper, "#!/bin/sh\necho \"$1\" >> "+log+"\nexec "+realGo+" \"$@\"\n")
	if err := os.Chmod(wrapper, 0o755); err != nil {
		t.Fatal(err)
	}
	o.GoBinary = wrapper
	calls := func() int {
		b, _ := os.ReadFile(log)
		return strings.Count(string(b), "\n")
	}
	ctx := context.Background()
	first, err := Fingerprint(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if n := calls(); n != 2 {
		t.Fatalf("a fresh fingerprint ran %d go commands, want 2 (go env, go list)", n)
	}
	if again, err := Fingerprint(ctx, o); err != nil || again != first {
		t.Fatalf("second fingerprint %s (%v), want %s", again, err, first)
	}
	if n := calls(); n != 2 {
		t.Errorf("the second fingerprint of unchanged inputs ran %d more go commands, want none", n-2)
	}
	write(t, filepath.Join(dir, "shared/shared.go"), "package shared\n\nconst Greeting = \"ho\"\n")
	if changed, err := Fingerprint(ctx, o); err != nil || changed == first {
		t.Fatalf("fingerprint after an edit %s (%v), want a new one", changed, err)
	}
	if n := calls(); n != 4 {
		t.Errorf("after an edit %d go commands ran in all, want 4", n)
	}
}
