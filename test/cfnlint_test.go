package test

import (
	"encoding/json"
	"os"
	"os/exec"
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
	if _, err := exec.LookPath("cfn-lint"); err != nil {
		t.Fatalf("cfn-lint is not on PATH (./scripts/test puts it there, from PATH or installed into .venv): %v", err)
	}
	args := append([]string{"--non-zero-exit-code", "warning", "--format", "parseable", "--regions"}, regions...)
	args = append(args, "--")
	args = append(args, files...)
	out, err := exec.Command("cfn-lint", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("cfn-lint found problems (%v):\n%s", err, strings.TrimSpace(string(out)))
	}
}

func TestCfnLintAcceptsEveryTemplateOfTheDefaultPlatform(t *testing.T) {
	s := synthDefault(t)
	regions := append([]string{s.platform.Props.CentralRegion}, s.platform.Props.Regions...)
	runCfnLint(t, regions, s.templates(t))
}
