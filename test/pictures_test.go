package test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/platform"
	"github.com/o11yscale/o11yscale/constructs/platform/diagram"
	"github.com/o11yscale/o11yscale/internal/cdktest"
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

var dotLabel = regexp.MustCompile(`(?:^|[ ,\[])(?:tail)?label="((?:[^"\\]|\\.)*)"`)

// dotEdges reads a DOT file's edges as "from -label-> to" with each node
// named by its label, lines joined by " / ".
func dotEdges(t *testing.T, path string) map[string]bool {
	t.Helper()
	dot, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	labelOf := func(attrs string) string {
		m := dotLabel.FindStringSubmatch(attrs)
		if m == nil {
			return ""
		}
		return strings.ReplaceAll(m[1], `\n`, " / ")
	}
	label := map[string]string{}
	type edge struct{ from, to, attrs string }
	var es []edge
	for _, line := range strings.Split(string(dot), "\n") {
		line = strings.TrimSpace(line)
		head, attrs, ok := strings.Cut(line, " [")
		if !ok {
			continue
		}
		if from, to, isEdge := strings.Cut(head, " -> "); isEdge {
			es = append(es, edge{strings.Trim(from, `"`), strings.Trim(to, `"`), attrs})
		} else {
			label[strings.Trim(head, `"`)] = labelOf(attrs)
		}
	}
	edges := map[string]bool{}
	for _, e := range es {
		edges[label[e.from]+" -"+labelOf(e.attrs)+"-> "+label[e.to]] = true
	}
	return edges
}

func TestArchitectureSVGOfDefaultPlatformLabelsEveryStackAndDataPath(t *testing.T) {
	s := synthDefault(t)
	got := svgTexts(t, filepath.Join(s.dir, "review", "architecture.svg"))
	for _, st := range s.summary.Stacks {
		if !strings.Contains(got, "stack "+st.Name) {
			t.Errorf("architecture.svg has no box for stack %s", st.Name)
		}
	}
	edges := dotEdges(t, filepath.Join(s.dir, "review", "architecture.dot"))
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

// A region delivering its metrics with Metric Streams shows that path in
// the picture: the stream, its Firehose and the archive it delivers to,
// each a labelled node, joined by labelled edges.
func TestArchitectureShowsTheMetricStreamPathOfAStreamRegion(t *testing.T) {
	dir := t.TempDir()
	app := cdktest.NewApp(t, dir)
	p, err := platform.New(app, platform.Props{
		Name:     "acme",
		Account:  "123456789012",
		Regions:  []string{"us-east-1", "eu-west-1"},
		Services: []platform.Service{{Name: "checkout-api"}},
		Billing:  platform.Billing{BillingProps: governance.BillingProps{MonthlyUSD: 100}},
		Metrics:  platform.Metrics{Delivery: map[string]platform.Delivery{"eu-west-1": platform.DeliverStream}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := platform.Synth(app, p); err != nil {
		t.Fatal(err)
	}
	edges := dotEdges(t, filepath.Join(dir, "review", "architecture.dot"))
	for _, want := range []string{
		"metric stream / CloudWatch metric stream -metric updates-> metric stream delivery / Firehose stream",
		// to the central archive, found by the bucket's name in the ARN
		"metric stream delivery / Firehose stream -delivers-> metrics archive / S3 bucket",
		"forwarder / Lambda function -PutRecords-> acme-metrics / Kinesis data stream",
	} {
		if !edges[want] {
			t.Errorf("architecture.dot has no edge %q; edges: %v", want, edges)
		}
	}
	g, err := diagram.FromAssembly(dir)
	if err != nil {
		t.Fatal(err)
	}
	stacksOf := map[string][]string{}
	for _, n := range g.Nodes {
		stacksOf[n.Kind] = append(stacksOf[n.Kind], n.Stack)
	}
	if got := stacksOf["CloudWatch metric stream"]; len(got) != 1 || got[0] != "acme-eu-west-1" {
		t.Errorf("metric streams drawn in %v, want only in acme-eu-west-1", got)
	}
	svg := svgTexts(t, filepath.Join(dir, "review", "architecture.svg"))
	for _, l := range []string{"CloudWatch metric stream", "metric updates", "metric stream delivery", "metrics archive", "stack acme-eu-west-1"} {
		if !strings.Contains(svg, l) {
			t.Errorf("architecture.svg has no text %q", l)
		}
	}
}
