package test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// svgTexts parses an SVG file as XML and returns its text elements.
func svgTexts(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	dec := xml.NewDecoder(bytes.NewReader(b))
	in := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return strings.Join(texts, "|")
		}
		if err != nil {
			t.Fatalf("%s is not XML: %v", path, err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			in = x.Name.Local == "text"
		case xml.CharData:
			if in {
				texts = append(texts, string(x))
			}
		case xml.EndElement:
			in = false
		}
	}
}

func TestArchitectureSVGOfDefaultPlatformLabelsEveryStackAndDataPath(t *testing.T) {
	s := synthDefault(t)
	got := svgTexts(t, filepath.Join(s.dir, "review", "architecture.svg"))
	for _, st := range s.summary.Stacks {
		if !strings.Contains(got, "stack "+st.Name) {
			t.Errorf("architecture.svg has no box for stack %s", st.Name)
		}
	}
	dot, err := os.ReadFile(filepath.Join(s.dir, "review", "architecture.dot"))
	if err != nil {
		t.Fatal(err)
	}
	// Each data path of the brief, hop by hop, as labelled edges between
	// labelled nodes, for every regional stack.
	label := map[string]string{}
	for _, line := range strings.Split(string(dot), "\n") {
		if id, rest, ok := strings.Cut(strings.TrimSpace(line), ` [label="`); ok && !strings.Contains(id, "->") {
			l, _, _ := strings.Cut(rest, `"`)
			label[strings.Trim(id, `"`)] = strings.ReplaceAll(l, `\n`, " / ")
		}
	}
	edges := map[string]bool{}
	for _, line := range strings.Split(string(dot), "\n") {
		from, rest, ok := strings.Cut(strings.TrimSpace(line), " -> ")
		if !ok {
			continue
		}
		to, attrs, _ := strings.Cut(rest, " [label=")
		edges[label[strings.Trim(from, `"`)]+" -"+strings.Trim(strings.TrimSuffix(attrs, "];"), `"`)+"-> "+label[strings.Trim(to, `"`)]] = true
	}
	for _, want := range []string{
		"8 log groups -log events-> 8 subscription filters",
		"8 subscription filters -matching events-> log router / Lambda function",
		"log router / Lambda function -PutRecordBatch-> log archive delivery stream / Firehose stream",
		"log archive delivery stream / Firehose stream -delivers-> log archive bucket / S3 bucket",
		"forwarder / Lambda function -PutRecords-> o11yscale-metrics / Kinesis data stream",
		"o11yscale-metrics / Kinesis data stream -reads-> metrics delivery / Firehose stream",
		"metrics delivery / Firehose stream -delivers-> metrics archive / S3 bucket",
		"17 alarms / (4 composite) -state changes-> o11yscale-alerts / SNS topic",
		"o11yscale-alerts / SNS topic -subscription-> alerting enricher / Lambda function",
		"alerting enricher / Lambda function -Publish-> o11yscale-incidents / SNS topic",
	} {
		if !edges[want] {
			t.Errorf("architecture.dot has no edge %q; edges: %v", want, edges)
		}
	}
	for _, l := range []string{"log events", "matching events", "PutRecordBatch", "PutRecords", "delivers", "reads", "state changes", "subscription", "Publish", "8 log groups", "log router", "o11yscale-metrics"} {
		if !strings.Contains(got, l) {
			t.Errorf("architecture.svg has no text %q", l)
		}
	}
	cost := svgTexts(t, filepath.Join(s.dir, "review", "cost", "cost.svg"))
	for _, l := range []string{"By component", "Declared by region", "us-east-1", "checkout-api"} {
		if !strings.Contains(cost, l) {
			t.Errorf("cost.svg has no text %q", l)
		}
	}
}

// Every Mermaid block of the review files must parse with Mermaid itself.
func TestMermaidBlocksOfReviewReportsParse(t *testing.T) {
	s := synthDefault(t)
	report := filepath.Join(s.dir, "review", "cost", "report.md")
	bad := filepath.Join(t.TempDir(), "bad.md")
	if err := os.WriteFile(bad, []byte("```mermaid\nflowchart LR\n  a -->| b[[\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	results := func(files ...string) ([]map[string]any, error) {
		cmd := exec.Command("node", append([]string{filepath.Join("..", "scripts", "mermaid-check.mjs")}, files...)...)
		out, err := cmd.Output()
		var rs []map[string]any
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			var r map[string]any
			if json.Unmarshal([]byte(line), &r) == nil {
				rs = append(rs, r)
			}
		}
		return rs, err
	}
	rs, err := results(report)
	if err != nil {
		t.Fatalf("mermaid: %v %v", err, rs)
	}
	types := map[any]bool{}
	for _, r := range rs {
		types[r["type"]] = true
	}
	if len(rs) != 2 || !types["flowchart-v2"] || !types["xychart"] {
		t.Errorf("report.md: want a flowchart and an xychart, parsed %v", rs)
	}
	// Guard the guard: a broken block fails.
	if rs, err := results(bad); err == nil || len(rs) != 1 || rs[0]["error"] == nil {
		t.Errorf("a broken block passed: %v %v", err, rs)
	}
}
