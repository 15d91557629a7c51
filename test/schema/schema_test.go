package schema

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/o11yscale/o11yscale/stacks/config"
)

var update = flag.Bool("update", false, "rewrite "+File+" from the config types")

// root moves the test into the repository root, where Generate and the
// committed paths are relative to.
func root(t *testing.T) {
	t.Helper()
	t.Chdir("../..")
}

func TestSchemaIsUpToDate(t *testing.T) {
	root(t)
	fresh, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(File, fresh, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", File)
		return
	}
	committed, err := os.ReadFile(File)
	if err != nil {
		t.Fatalf("%v; generate it with: cd test && go test ./schema -run Schema -update", err)
	}
	if !bytes.Equal(committed, fresh) {
		t.Fatalf("%s differs from a fresh generation from stacks/config; regenerate it with: cd test && go test ./schema -run Schema -update", File)
	}
}

// compiled compiles the committed schema with an independent validator,
// format assertions on (date-time).
func compiled(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(File)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(ID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(ID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// instance reads YAML as the JSON value a validator sees.
func instance(src []byte) (any, error) {
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

func validate(s *jsonschema.Schema, src []byte) error {
	v, err := instance(src)
	if err != nil {
		return err
	}
	return s.Validate(v)
}

func TestSchemaAcceptsExampleAndDefault(t *testing.T) {
	root(t)
	s := compiled(t)
	for _, path := range []string{"platform.example.yaml", "stacks/config/default.yaml"} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(s, b); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
	b, _ := os.ReadFile("platform.example.yaml")
	first, _, _ := strings.Cut(string(b), "\n")
	if want := "# yaml-language-server: $schema=./" + File; first != want {
		t.Errorf("platform.example.yaml first line = %q, want the modeline %q", first, want)
	}
}

// platformKeys are the schema's top-level properties.
func platformKeys(t *testing.T) []string {
	var doc struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	b, err := os.ReadFile(File)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range doc.Properties {
		keys = append(keys, k)
	}
	return keys
}

var yamlBlock = regexp.MustCompile("(?ms)^[ \t]*```ya?ml[ \t]*\n(.*?)^[ \t]*```")

// The README rule: a ```yaml block is a platform config when its top-level
// keys are a mapping and at least one of them is a platform key (so a
// misspelled key next to real ones is still checked, and fails). Other
// blocks (collector configs, CloudFormation, ...) are not platform configs
// and are skipped. A fragment without the required regions or services
// gets minimal ones (regions: [us-east-1], services: [{name: app}]) before
// validation; nothing else is added.
func TestSchemaAcceptsReadmeBlocks(t *testing.T) {
	root(t)
	s := compiled(t)
	keys := platformKeys(t)
	var readmes []string
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "cdk.out" || strings.HasPrefix(d.Name(), ".")) && p != "." {
			return filepath.SkipDir
		}
		if !d.IsDir() && d.Name() == "README.md" {
			readmes = append(readmes, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checked, skipped := 0, 0
	for _, readme := range readmes {
		b, err := os.ReadFile(readme)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range yamlBlock.FindAllSubmatchIndex(b, -1) {
			line := bytes.Count(b[:m[2]], []byte("\n")) + 1
			block := b[m[2]:m[3]]
			var top map[string]any
			if err := yaml.Unmarshal(block, &top); err != nil || top == nil || !slices.ContainsFunc(keys, func(k string) bool { _, ok := top[k]; return ok }) {
				skipped++
				continue
			}
			checked++
			if _, ok := top["regions"]; !ok {
				block = append([]byte("regions: [us-east-1]\n"), block...)
			}
			if _, ok := top["services"]; !ok {
				block = append([]byte("services: [{name: app}]\n"), block...)
			}
			if err := validate(s, block); err != nil {
				t.Errorf("%s:%d: YAML block is not a valid platform config: %v", readme, line, err)
			}
		}
	}
	t.Logf("checked %d platform-config YAML blocks in %d README.md files (%d other YAML blocks skipped)", checked, len(readmes), skipped)
	if checked == 0 {
		t.Fatal("no README YAML block was checked; the block pattern or the rule is broken")
	}
}

// Each malformed config is rejected by the schema and by config.Parse, so
// the schema is not looser than the loader on these.
func TestSchemaRejectsMalformed(t *testing.T) {
	root(t)
	s := compiled(t)
	const base = "regions: [us-east-1]\nservices: [{name: app}]\nbilling: {disabled: true}\n"
	cases := []struct{ name, yaml string }{
		{"unknown top-level key", "regionz: [us-east-1]\n"},
		{"unknown nested key", "logs:\n  archive:\n    bucket: x\n"},
		{"unknown key in inline struct", "alarms:\n  notifyy: none\n"},
		{"unknown key in list item", "services: [{name: a, api: b}]\n"},
		{"wrong type: string for list", "regions: us-east-1\n"},
		{"wrong type: string for integer", "servicesPerShard: many\n"},
		{"wrong type: list for mapping", "tags: [a, b]\n"},
		{"wrong type: mapping for bool", "billing:\n  disabled: {x: 1}\n"},
		{"bad duration", "sampling:\n  slowThreshold: two seconds\n"},
		{"bad timestamp", "alarms:\n  anomaly:\n    excludedTimeRanges: [{start: yesterday, end: 2026-01-02T00:00:00Z}]\n"},
		{"bad enum: severity", "alarms:\n  metrics: [{id: m1, namespace: N, metricName: M, severity: urgent}]\n"},
		{"bad enum: notify", "alarms:\n  notify: sometimes\n"},
		{"bad enum: grafana mode", "grafana:\n  mode: kibana\n"},
		{"bad enum: delivery", "metrics:\n  regions: {us-east-1: pigeon}\n"},
		{"bad enum: tier destination", "logs:\n  tiers:\n    info: {destination: tape}\n"},
		{"bad enum: forward tier", "logs:\n  forwardTiers: [FATAL]\n"},
		{"bad enum: cost destination", "cost:\n  architecture:\n    logs:\n      tiers:\n        debug: {destination: tape}\n"},
		{"bad enum: data source", "grafana:\n  dataSources: [SPLUNK]\n"},
		{"out of range: servicesPerShard 0", "servicesPerShard: -1\n"},
		{"out of range: servicesPerShard 101", "servicesPerShard: 101\n"},
		{"out of range: retention days", "logs:\n  tiers:\n    error: {retentionDays: 31}\n"},
		{"out of range: retention guard", "logs:\n  retention: {maxDays: 4000}\n"},
		{"out of range: billing share", "billing:\n  monthlyUSD: 100\n  actualShare: 11\n"},
		{"out of range: baseline percent", "sampling:\n  tailSampling: {baselinePercent: 150}\n"},
		{"out of range: fixed rate", "sampling:\n  rules: [{name: r, priority: 1, fixedRate: 1.5}]\n"},
		{"out of range: error share", "cost:\n  volumes:\n    services: [{name: app, regions: [{region: us-east-1, requestsPerSecond: 1}], traces: {errorShare: 2}}]\n"},
		{"missing required: services", "regions: [us-east-1]\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := c.yaml
			var top map[string]any
			if err := yaml.Unmarshal([]byte(doc), &top); err != nil {
				t.Fatal(err)
			}
			if _, ok := top["billing"]; !ok {
				doc = "billing: {disabled: true}\n" + doc
			}
			_, hasRegions := top["regions"]
			_, hasServices := top["services"]
			if !hasServices && !strings.HasPrefix(c.name, "missing") {
				doc = "services: [{name: app}]\n" + doc
			} else if !hasRegions && !strings.HasPrefix(c.name, "unknown top") {
				doc = "regions: [us-east-1]\n" + doc
			}
			if err := validate(s, []byte(doc)); err == nil {
				t.Errorf("schema accepts:\n%s", doc)
			} else {
				t.Logf("schema: %s", firstLine(err))
			}
			if _, err := config.Parse("case.yaml", []byte(doc)); err == nil {
				t.Errorf("config.Parse accepts (the case is not malformed for the loader):\n%s", doc)
			}
		})
	}
	// The base itself is valid for both, so each case fails for its own line.
	if err := validate(s, []byte(base)); err != nil {
		t.Errorf("base config rejected by the schema: %v", err)
	}
	if _, err := config.Parse("base.yaml", []byte(base)); err != nil {
		t.Errorf("base config rejected by config.Parse: %v", err)
	}
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(fmt.Sprint(err), "\n")
	return s
}
