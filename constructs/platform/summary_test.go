package platform

import (
	"strings"
	"testing"
)

func TestAnEmptyPlatformSummarizesToNothingAndPassesTheLimits(t *testing.T) {
	s, err := Summarize(nil, t.TempDir())
	if err != nil || len(s.Stacks) != 0 || s.LimitsError() != nil {
		t.Fatalf("summary %+v, err %v", s, err)
	}
}

func TestLimitsErrorNamesEveryOverLimitTemplateAtOnce(t *testing.T) {
	s := &Summary{Stacks: []StackSummary{{Name: "p-us-east-1", Region: "us-east-1",
		Template: TemplateStats{File: "a.template.json", Parameters: 201},
		Nested:   []TemplateStats{{File: "n.nested.template.json", Outputs: 250, Resources: 500}}}}}
	err := s.LimitsError()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		"stack p-us-east-1 (account any account, region us-east-1), a.template.json: 201 parameters is over CloudFormation's limit of 200",
		"n.nested.template.json: 250 outputs is over CloudFormation's limit of 200",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v\nlacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "resources") {
		t.Errorf("500 resources is at the limit, not over it: %v", err)
	}
}

// Synth returns no Result when the budget guard stops it before writing;
// printing that nil Result prints nothing instead of panicking.
func TestPrintOfNoResultPrintsNothing(t *testing.T) {
	var r *Result
	var b strings.Builder
	r.Print(&b)
	if b.Len() != 0 {
		t.Fatalf("printed %q", b.String())
	}
}
