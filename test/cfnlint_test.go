package test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

func readJSON(t testing.TB, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// runCfnLint lints templates with the preinstalled cfn-lint and fails on
// any error or warning.
func runCfnLint(t *testing.T, regions []string, files []string) {
	t.Helper()
	startCfnLint(t, regions, files).wait(t)
}

// lintSlots bounds the cfn-lint processes running at once, in the
// background or not: each takes a core while it lints.
var lintSlots = make(chan struct{}, max(1, runtime.NumCPU()))

// lintJob is a cfn-lint run started in the background.
type lintJob struct {
	done chan struct{}
	out  []byte
	err  error
}

// startCfnLint starts cfn-lint on files (as soon as a lint slot is free)
// and returns at once. A test that calls t.Parallel() next, then wait,
// lets the serial tests after it synthesize while cfn-lint runs on the
// other core. The process is stopped when t ends.
func startCfnLint(t testing.TB, regions []string, files []string) *lintJob {
	t.Helper()
	if _, err := exec.LookPath("cfn-lint"); err != nil {
		t.Fatalf("cfn-lint is not on PATH (./scripts/test puts it there, from PATH or installed into .venv): %v", err)
	}
	args := append([]string{"--non-zero-exit-code", "warning", "--format", "parseable", "--regions"}, regions...)
	args = append(args, "--")
	args = append(args, files...)
	ctx, cancel := context.WithCancel(context.Background())
	j := &lintJob{done: make(chan struct{})}
	go func() {
		defer close(j.done)
		select {
		case lintSlots <- struct{}{}:
			defer func() { <-lintSlots }()
		case <-ctx.Done():
			j.err = ctx.Err()
			return
		}
		j.out, j.err = exec.CommandContext(ctx, "cfn-lint", args...).CombinedOutput()
	}()
	t.Cleanup(func() {
		cancel()
		<-j.done
	})
	return j
}

// wait fails t with everything cfn-lint reported, if anything.
func (j *lintJob) wait(t *testing.T) {
	t.Helper()
	<-j.done
	if j.err != nil {
		t.Fatalf("cfn-lint found problems (%v):\n%s", j.err, strings.TrimSpace(string(j.out)))
	}
}

func TestCfnLintAcceptsEveryTemplateOfTheDefaultPlatform(t *testing.T) {
	s := synthDefault(t)
	regions := append([]string{s.platform.Props.CentralRegion}, s.platform.Props.Regions...)
	lint := startCfnLint(t, regions, s.templates(t))
	t.Parallel() // cfn-lint runs while the serial tests synthesize
	lint.wait(t)
}
