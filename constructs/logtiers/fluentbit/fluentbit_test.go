package fluentbit

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// section is one parsed [NAME] block; keys are kept as written and looked
// up case-insensitively, as Fluent Bit does.
type section struct {
	name    string
	entries [][2]string
}

func (s section) get(key string) string {
	for _, e := range s.entries {
		if strings.EqualFold(e[0], key) {
			return e[1]
		}
	}
	return ""
}

func (s section) all(key string) []string {
	var out []string
	for _, e := range s.entries {
		if strings.EqualFold(e[0], key) {
			out = append(out, e[1])
		}
	}
	return out
}

// parseClassic reads Fluent Bit's classic format: [SECTION] headers,
// indented "Key Value" entries, '#' comments and blank lines.
func parseClassic(text string) ([]section, error) {
	var out []section
	for n, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
			continue
		case strings.HasPrefix(trimmed, "["):
			if !strings.HasSuffix(trimmed, "]") || len(trimmed) < 3 || line != trimmed {
				return nil, fmt.Errorf("line %d: malformed section header %q", n+1, line)
			}
			out = append(out, section{name: strings.ToUpper(trimmed[1 : len(trimmed)-1])})
		default:
			if len(out) == 0 {
				return nil, fmt.Errorf("line %d: entry %q outside a section", n+1, trimmed)
			}
			if line == trimmed {
				return nil, fmt.Errorf("line %d: entry %q is not indented", n+1, trimmed)
			}
			fields := strings.Fields(trimmed)
			if len(fields) < 2 {
				return nil, fmt.Errorf("line %d: entry %q has no value", n+1, trimmed)
			}
			value := strings.TrimSpace(trimmed[len(fields[0]):])
			out[len(out)-1].entries = append(out[len(out)-1].entries, [2]string{fields[0], value})
		}
	}
	return out, nil
}

// pipeline simulates Fluent Bit's routing for the plugins our config and
// the seed's use: inputs tail (with the json parser), filters parser,
// rewrite_tag and grep, and outputs selected by Match or Match_Regex.
type pipeline struct {
	t        *testing.T
	sections []section
}

type delivery struct {
	output string
	tag    string
	record map[string]any
}

// describe names an output by plugin and destination.
func describe(s section) string {
	name := strings.ToLower(s.get("Name"))
	switch name {
	case "cloudwatch_logs":
		return "cloudwatch:" + s.get("log_group_name")
	case "s3":
		return "s3:" + s.get("bucket")
	case "es", "opensearch":
		return "index:" + s.get("Index")
	}
	return name
}

func matches(t *testing.T, s section, tag string) bool {
	if re := s.get("Match_Regex"); re != "" {
		return regexp.MustCompile(re).MatchString(tag)
	}
	m := s.get("Match")
	if m == "" {
		t.Fatalf("[%s] %s has neither Match nor Match_Regex", s.name, s.get("Name"))
	}
	return WildcardMatch(m, tag)
}

// ingest feeds one raw line as the input would and returns every output
// that receives a record.
func (p pipeline) ingest(tag, line string) []delivery {
	record := map[string]any{"log": line}
	for _, s := range p.sections {
		if s.name == "INPUT" && strings.EqualFold(s.get("Parser"), "json") {
			if parsed, ok := parseJSON(line); ok {
				record = parsed
			}
		}
	}
	return p.run(tag, record, 0)
}

func parseJSON(s string) (map[string]any, bool) {
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, false
	}
	return m, true
}

func (p pipeline) run(tag string, record map[string]any, depth int) []delivery {
	if depth > 3 {
		p.t.Fatalf("record re-tagged more than 3 times (loop?) at tag %s", tag)
	}
	for _, s := range p.sections {
		if s.name != "FILTER" || !matches(p.t, s, tag) {
			continue
		}
		switch strings.ToLower(s.get("Name")) {
		case "parser":
			raw, _ := record[s.get("Key_Name")].(string)
			parsed, ok := parseJSON(raw)
			if !ok {
				continue // Fluent Bit passes unparsable records on unchanged
			}
			if strings.EqualFold(s.get("Reserve_Data"), "On") {
				for k, v := range record {
					if k != s.get("Key_Name") {
						if _, exists := parsed[k]; !exists {
							parsed[k] = v
						}
					}
				}
			}
			record = parsed
		case "grep":
			f := strings.Fields(s.get("Regex"))
			v, _ := record[f[0]].(string)
			if !regexp.MustCompile(f[1]).MatchString(v) {
				return nil // grep drops the record for every later stage
			}
		case "rewrite_tag":
			for _, rule := range s.all("Rule") {
				f := strings.Fields(rule)
				if len(f) != 4 || !strings.HasPrefix(f[0], "$") {
					p.t.Fatalf("malformed rewrite_tag rule %q", rule)
				}
				v, ok := record[f[0][1:]].(string)
				if !ok || !regexp.MustCompile(f[1]).MatchString(v) {
					continue
				}
				emitted := p.run(f[2], record, depth+1)
				if f[3] == "false" {
					return emitted
				}
				return append(emitted, p.continueAfter(s, tag, record, depth)...)
			}
		default:
			p.t.Fatalf("simulator does not know filter %q", s.get("Name"))
		}
	}
	return p.outputs(tag, record)
}

// continueAfter is only reached by rules with keep=true, which our config
// never writes.
func (p pipeline) continueAfter(_ section, tag string, record map[string]any, _ int) []delivery {
	p.t.Fatalf("rewrite_tag keep=true is not expected in generated configs (tag %s, record %v)", tag, record)
	return nil
}

func (p pipeline) outputs(tag string, record map[string]any) []delivery {
	var out []delivery
	for _, s := range p.sections {
		if s.name == "OUTPUT" && matches(p.t, s, tag) {
			out = append(out, delivery{output: describe(s), tag: tag, record: record})
		}
	}
	return out
}

func destinations(ds []delivery) string {
	var names []string
	for _, d := range ds {
		names = append(names, d.output)
	}
	sort.Strings(names)
	return strings.Join(names, " ")
}

func seedTiers() Spec {
	return Spec{
		Service:     "checkout-api",
		Region:      "us-east-1",
		Input:       InputFireLens,
		InputMatch:  "*-firelens-*",
		ParsersFile: "/fluent-bit/parsers/parsers.conf",
		LevelKey:    "level",
		Tiers: []Tier{
			{Name: "error", Levels: []string{"ERROR", "CRITICAL", "FATAL"}, LogGroupName: "/o11yscale/checkout-api/error", Index: true},
			{Name: "warn", Levels: []string{"WARN", "WARNING"}, LogGroupName: "/o11yscale/checkout-api/warn"},
			{Name: "info", Levels: []string{"INFO", "NOTICE"}, S3Bucket: "archive-bucket", S3KeyPrefix: "logs/service=checkout-api/tier=info/"},
			{Name: "debug", Levels: []string{"DEBUG", "TRACE"}},
		},
		UnmatchedTier: "info",
		OpenSearch:    OpenSearch{Endpoint: "search-logs.us-east-1.es.amazonaws.com", Index: "o11yscale-errors"},
	}
}

func TestEveryLevelReachesOnlyItsTiersOutputs(t *testing.T) {
	for _, input := range []Input{InputFireLens, InputTail} {
		t.Run(string(input), func(t *testing.T) {
			spec := seedTiers()
			tag := "app-firelens-0123456789abcdef"
			if input == InputTail {
				spec.Input, spec.InputMatch, spec.TailPath, tag = InputTail, "app.checkout-api", "/var/log/app/*.log", "app.checkout-api"
			}
			text, err := Generate(spec)
			if err != nil {
				t.Fatal(err)
			}
			sections, err := parseClassic(text)
			if err != nil {
				t.Fatalf("generated config does not parse: %v\n%s", err, text)
			}
			p := pipeline{t: t, sections: sections}
			const (
				errorOut = "cloudwatch:/o11yscale/checkout-api/error index:o11yscale-errors"
				warnOut  = "cloudwatch:/o11yscale/checkout-api/warn"
				infoOut  = "s3:archive-bucket"
				debugOut = "null"
			)
			for _, tc := range []struct {
				name, line, want string
			}{
				{"ERROR", `{"level":"ERROR","msg":"payment failed"}`, errorOut},
				{"lower-case error", `{"level":"error","msg":"x"}`, errorOut},
				{"Critical", `{"level":"Critical","msg":"x"}`, errorOut},
				{"FATAL", `{"level":"FATAL","msg":"x"}`, errorOut},
				{"WARN", `{"level":"WARN","msg":"slow"}`, warnOut},
				{"warning", `{"level":"warning","msg":"slow"}`, warnOut},
				{"INFO", `{"level":"INFO","msg":"ok","status_code":200}`, infoOut},
				{"NOTICE", `{"level":"NOTICE"}`, infoOut},
				{"DEBUG", `{"level":"DEBUG","msg":"detail"}`, debugOut},
				{"trace", `{"level":"trace"}`, debugOut},
				{"unknown level goes to the unmatched tier", `{"level":"VERBOSE"}`, infoOut},
				{"missing level goes to the unmatched tier", `{"msg":"no level"}`, infoOut},
				{"numeric level goes to the unmatched tier", `{"level":3}`, infoOut},
				{"plain text line goes to the unmatched tier", `plain text ERROR line`, infoOut},
				{"level as a substring is not a match", `{"level":"NOT_AN_ERROR"}`, infoOut},
			} {
				got := p.ingest(tag, tc.line)
				if d := destinations(got); d != tc.want {
					t.Errorf("%s: delivered to [%s], want [%s]", tc.name, d, tc.want)
				}
			}
		})
	}
}

func TestParsedFireLensRecordKeepsItsFieldsAndMetadata(t *testing.T) {
	text, err := Generate(seedTiers())
	if err != nil {
		t.Fatal(err)
	}
	sections, err := parseClassic(text)
	if err != nil {
		t.Fatal(err)
	}
	p := pipeline{t: t, sections: sections}
	got := p.ingest("app-firelens-1", `{"level":"ERROR","request_id":"r-1"}`)
	if len(got) == 0 || got[0].record["request_id"] != "r-1" || got[0].tag != "logtiers.error" {
		t.Fatalf("delivered %+v", got)
	}
}

func TestTheSeedConfigLosesEveryRecord(t *testing.T) {
	b, err := os.ReadFile("testdata/seed-fluent-bit.conf")
	if err != nil {
		t.Fatal(err)
	}
	sections, err := parseClassic(string(b))
	if err != nil {
		t.Fatal(err)
	}
	p := pipeline{t: t, sections: sections}
	// All three greps match app.* and run before any output, so a record
	// would have to be ERROR, WARN and INFO at once.
	for _, level := range []string{"ERROR", "WARN", "INFO", "DEBUG"} {
		if got := p.ingest("app.var.log.app.api.log", `{"level":"`+level+`"}`); len(got) != 0 {
			t.Errorf("%s reached [%s]; the seed config was expected to drop it", level, destinations(got))
		}
	}
}

func TestOpenSearchOutputOnlyWhenConfigured(t *testing.T) {
	spec := seedTiers()
	spec.OpenSearch = OpenSearch{}
	spec.Tiers[0].Index = false
	text, err := Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "opensearch") {
		t.Fatalf("config without an endpoint has an OpenSearch output:\n%s", text)
	}
	spec.Tiers[0].Index = true
	if _, err := Generate(spec); err == nil || !strings.Contains(err.Error(), "no OpenSearch endpoint") {
		t.Fatalf("indexed tier without endpoint: err = %v", err)
	}
}

func TestS3KeysArePartitionedByServiceTierAndDate(t *testing.T) {
	text, err := Generate(seedTiers())
	if err != nil {
		t.Fatal(err)
	}
	sections, _ := parseClassic(text)
	for _, s := range sections {
		if s.get("Name") == "s3" {
			want := "/logs/service=checkout-api/tier=info/year=%Y/month=%m/day=%d/hour=%H/%M%S-$UUID.gz"
			if got := s.get("s3_key_format"); got != want || s.get("compression") != "gzip" {
				t.Fatalf("s3_key_format = %q, compression = %q", got, s.get("compression"))
			}
			return
		}
	}
	t.Fatal("no s3 output")
}

func TestCheckRejectsLoopsDuplicatesAndUnknownTiers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*Spec)
		reason string
	}{
		{"input match catches tier tags", func(s *Spec) { s.InputMatch = "*" }, "would loop"},
		{"level in two tiers", func(s *Spec) { s.Tiers[1].Levels = append(s.Tiers[1].Levels, "error") }, "routed to both"},
		{"unknown unmatched tier", func(s *Spec) { s.UnmatchedTier = "trace" }, `unmatched tier "trace"`},
		{"level with a space", func(s *Spec) { s.Tiers[0].Levels = []string{"ERR OR"} }, "letters, digits or _"},
		{"both destinations", func(s *Spec) { s.Tiers[2].LogGroupName = "/x" }, "not both"},
		{"endpoint with scheme", func(s *Spec) { s.OpenSearch.Endpoint = "https://x" }, "without scheme"},
		{"bad input", func(s *Spec) { s.Input = "forward" }, "is not firelens or tail"},
		{"bad level key", func(s *Spec) { s.LevelKey = "$level" }, "level key"},
	} {
		s := seedTiers()
		tc.mutate(&s)
		if err := s.Check(); err == nil || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: Check() = %v, want %q", tc.name, err, tc.reason)
		}
	}
}

func TestParserRejectsMalformedConfigs(t *testing.T) {
	for _, text := range []string{"Name x\n", "[SERVICE\n    Flush 5\n", "[SERVICE]\nFlush 5\n", "[SERVICE]\n    Flush\n"} {
		if _, err := parseClassic(text); err == nil {
			t.Errorf("parseClassic(%q) accepted a malformed config", text)
		}
	}
}

func TestCheckRoutingLeavesTheDeploymentValuesOut(t *testing.T) {
	spec := seedTiers()
	spec.Region = ""
	for i := range spec.Tiers {
		spec.Tiers[i].S3Bucket = ""
	}
	if err := spec.CheckRouting(); err != nil {
		t.Fatalf("routing without region and bucket rejected: %v", err)
	}
	if err := spec.Check(); err == nil || !strings.Contains(err.Error(), "region") {
		t.Fatalf("Check accepted an empty region: %v", err)
	}
	spec.InputMatch = "*"
	if err := spec.CheckRouting(); err == nil || !strings.Contains(err.Error(), "would loop") {
		t.Fatalf("CheckRouting accepted a looping input match: %v", err)
	}
}
