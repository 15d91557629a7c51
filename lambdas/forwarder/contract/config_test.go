package contract

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

func validConfig() Config {
	return Config{
		StreamName:    "o11yscale-central-metrics",
		CentralRegion: "us-east-1",
		Metrics: []Metric{{
			Namespace: "AWS/Lambda", MetricName: "Duration",
			Dimensions: map[string]string{"FunctionName": "checkout-api"},
			Statistics: []string{"Average", "Maximum", "Minimum", "SampleCount", "Sum", "p99"},
			Unit:       "Milliseconds",
		}},
	}
}

func TestConfigValidateReportsFieldValueAndAllowed(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*Config)
		path   string
		value  any
		allow  string
	}{
		{"missing stream", func(c *Config) { c.StreamName = "" }, "streamName", "", "Kinesis stream name"},
		{"stream with slash", func(c *Config) { c.StreamName = "a/b" }, "streamName", "a/b", "Kinesis stream name"},
		{"bad central region", func(c *Config) { c.CentralRegion = "us-east" }, "centralRegion", "us-east", "AWS region"},
		{"bad role arn", func(c *Config) { c.RoleARN = "arn:aws:iam::123:role/x" }, "roleArn", "arn:aws:iam::123:role/x", "IAM role ARN"},
		{"session name with a space", func(c *Config) { c.SessionName = "acme forwarder" }, "sessionName", "acme forwarder", "2-48 letters"},
		{"session name too long for a region", func(c *Config) { c.SessionName = strings.Repeat("s", 49) }, "sessionName", strings.Repeat("s", 49), "2-48 letters"},
		{"interval not dividing an hour", func(c *Config) { c.IntervalSeconds = 420 }, "intervalSeconds", 420, "whole minutes dividing an hour"},
		{"interval not whole minutes", func(c *Config) { c.IntervalSeconds = 90 }, "intervalSeconds", 90, "whole minutes"},
		{"negative delay", func(c *Config) { c.DelaySeconds = -1 }, "delaySeconds", -1, "0-86400"},
		{"nothing to forward", func(c *Config) { c.Metrics = nil }, "metrics", nil, "at least one metric"},
		{"empty namespace", func(c *Config) { c.Metrics[0].Namespace = "" }, "metrics[0].namespace", "", "1-255"},
		{"long metric name", func(c *Config) { c.Metrics[0].MetricName = strings.Repeat("m", 256) }, "metrics[0].metricName", strings.Repeat("m", 256), "1-255"},
		{"unknown statistic", func(c *Config) { c.Metrics[0].Statistics = []string{"Average", "Median"} }, "metrics[0].statistics[1]", "Median", "SampleCount"},
		{"repeated statistic", func(c *Config) { c.Metrics[0].Statistics = []string{"Sum", "Sum"} }, "metrics[0].statistics[1]", "Sum", "each statistic once"},
		{"percentile over 100", func(c *Config) { c.Metrics[0].Statistics = []string{"p101"} }, "metrics[0].statistics[0]", "p101", "pNN"},
		{"period not allowed", func(c *Config) { c.Metrics[0].PeriodSeconds = 45 }, "metrics[0].periodSeconds", 45, "multiple of 60"},
		{"period not dividing interval", func(c *Config) { c.Metrics[0].PeriodSeconds = 240 }, "metrics[0].periodSeconds", 240, "divides intervalSeconds (300)"},
		{"unknown unit", func(c *Config) { c.Metrics[0].Unit = "ms" }, "metrics[0].unit", "ms", "standard unit"},
		{"empty dimension value", func(c *Config) { c.Metrics[0].Dimensions = map[string]string{"FunctionName": ""} }, `metrics[0].dimensions["FunctionName"]`, "", "1-1024"},
		{"too many dimensions", func(c *Config) {
			c.Metrics[0].Dimensions = map[string]string{}
			for i := range 31 {
				c.Metrics[0].Dimensions[strings.Repeat("d", i+1)] = "v"
			}
		}, "metrics[0].dimensions", 31, "at most 30"},
		{"duplicate metric", func(c *Config) {
			d := c.Metrics[0]
			d.Statistics = []string{"p50"}
			c.Metrics = append(c.Metrics, d)
		}, "metrics[1]", "AWS/Lambda Duration", "metrics[0] is the same"},
		{"search with quote", func(c *Config) {
			c.SearchExpressions = []SearchExpression{{Expression: `{AWS/Lambda} 'x'`}}
		}, "searchExpressions[0].expression", `{AWS/Lambda} 'x'`, "without single quotes"},
		{"search bad statistic", func(c *Config) {
			c.SearchExpressions = []SearchExpression{{Expression: `{AWS/Lambda} x`, Statistic: "avg"}}
		}, "searchExpressions[0].statistic", "avg", "Average"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := validConfig()
			c.modify(&cfg)
			err := cfg.Validate()
			if err == nil {
				t.Fatal("Validate accepted an invalid config")
			}
			for _, fe := range validation.Fields(err) {
				if fe.Path == c.path && reflect.DeepEqual(fe.Value, c.value) && strings.Contains(fe.Allowed, c.allow) {
					return
				}
			}
			t.Fatalf("want an error at %s with value %v allowing %q; got:\n%v", c.path, c.value, c.allow, err)
		})
	}
}

func TestConfigValidateAcceptsDocumentedForms(t *testing.T) {
	cases := map[string]func(*Config){
		"seed example":        func(*Config) {},
		"extended statistics": func(c *Config) { c.Metrics[0].Statistics = []string{"p99.9", "tm90", "TM(10%:90%)", "IQM", "p100"} },
		"high resolution":     func(c *Config) { c.Metrics[0].PeriodSeconds = 10 },
		"hourly":              func(c *Config) { c.IntervalSeconds = 3600; c.Metrics[0].PeriodSeconds = 900 },
		"cross-account role":  func(c *Config) { c.RoleARN = "arn:aws:iam::210987654321:role/o11yscale-central-put" },
		"search only": func(c *Config) {
			c.Metrics = nil
			c.SearchExpressions = []SearchExpression{{Expression: `{AWS/Lambda,FunctionName} MetricName="Duration"`}}
		},
		"same metric two periods": func(c *Config) {
			d := c.Metrics[0]
			d.PeriodSeconds = 300
			c.Metrics = append(c.Metrics, d)
		},
	}
	for name, modify := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := validConfig()
			modify(&cfg)
			if err := cfg.Validate(); err != nil {
				t.Fatalf("Validate rejected a valid config: %v", err)
			}
		})
	}
}

func TestConfigValidateReportsEveryProblemAtOnce(t *testing.T) {
	cfg := Config{IntervalSeconds: 7, Metrics: []Metric{{Statistics: []string{"bogus"}}}}
	got := map[string]bool{}
	for _, fe := range validation.Fields(cfg.Validate()) {
		got[fe.Path] = true
	}
	for _, p := range []string{"streamName", "centralRegion", "intervalSeconds", "metrics[0].namespace", "metrics[0].metricName", "metrics[0].statistics[0]"} {
		if !got[p] {
			t.Errorf("no error for %s; got %v", p, got)
		}
	}
}

func TestWithDefaultsFillsZeroFieldsOnly(t *testing.T) {
	cfg := Config{StreamName: "s", CentralRegion: "us-east-1",
		Metrics:           []Metric{{Namespace: "n", MetricName: "m"}, {Namespace: "n", MetricName: "m2", Statistics: []string{"Sum"}, PeriodSeconds: 300}},
		SearchExpressions: []SearchExpression{{Expression: "{n} x"}}}
	d := cfg.WithDefaults()
	if d.IntervalSeconds != 300 || d.DelaySeconds != 180 {
		t.Errorf("interval/delay defaults: %d/%d, want 300/180", d.IntervalSeconds, d.DelaySeconds)
	}
	if !reflect.DeepEqual(d.Metrics[0].Statistics, DefaultStatistics) || d.Metrics[0].PeriodSeconds != 60 {
		t.Errorf("metric defaults: %+v", d.Metrics[0])
	}
	if !reflect.DeepEqual(d.Metrics[1].Statistics, []string{"Sum"}) || d.Metrics[1].PeriodSeconds != 300 {
		t.Errorf("set fields were overwritten: %+v", d.Metrics[1])
	}
	if d.SearchExpressions[0].Statistic != "Average" || d.SearchExpressions[0].PeriodSeconds != 60 {
		t.Errorf("search defaults: %+v", d.SearchExpressions[0])
	}
	if cfg.Metrics[0].Statistics != nil || cfg.IntervalSeconds != 0 {
		t.Error("WithDefaults modified its receiver's data")
	}
}

func TestScheduleExpressionFiresOnIntervalBoundaries(t *testing.T) {
	cases := map[int]string{0: "cron(0/5 * * * ? *)", 60: "cron(0/1 * * * ? *)", 900: "cron(0/15 * * * ? *)",
		3600: "cron(0 0/1 * * ? *)", 21600: "cron(0 0/6 * * ? *)", 86400: "cron(0 0 * * ? *)"}
	for interval, want := range cases {
		if got := (Config{IntervalSeconds: interval}).ScheduleExpression(); got != want {
			t.Errorf("interval %d: %s, want %s", interval, got, want)
		}
	}
}

func TestParseConfigRejectsUnknownFieldsAndTrailingData(t *testing.T) {
	cases := map[string]string{
		"typo":          `{"streamName":"s","centralRegion":"us-east-1","metrics":[{"namespace":"n","metricNme":"m"}]}`,
		"trailing":      `{"streamName":"s","centralRegion":"us-east-1","metrics":[{"namespace":"n","metricName":"m"}]} {}`,
		"wrong type":    `{"streamName":"s","centralRegion":"us-east-1","intervalSeconds":"300"}`,
		"not an object": `[]`,
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseConfig([]byte(doc)); err == nil {
				t.Fatalf("ParseConfig accepted %s", doc)
			}
		})
	}
}

func TestConfigRoundTripsThroughJSONAsTheConstructWritesIt(t *testing.T) {
	cfg := validConfig()
	cfg.SearchExpressions = []SearchExpression{{Expression: `{AWS/Lambda,FunctionName} MetricName="Errors"`, Statistic: "Sum"}}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseConfig(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, cfg.WithDefaults()) {
		t.Fatalf("round trip changed the config:\n got %+v\nwant %+v", got, cfg.WithDefaults())
	}
}

func TestParseConfigAcceptsTheTestdataExample(t *testing.T) {
	b, err := os.ReadFile("testdata/config.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Metrics) == 0 || len(cfg.SearchExpressions) == 0 {
		t.Fatalf("example lost its metrics or searches: %+v", cfg)
	}
}

// FuzzParseConfig checks that no document makes ParseConfig panic, and
// that every accepted config is valid and survives a JSON round trip.
func FuzzParseConfig(f *testing.F) {
	b, err := os.ReadFile("testdata/config.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"streamName":"s","centralRegion":"us-east-1","searchExpressions":[{"expression":"{AWS/EC2} CPU"}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		cfg, err := ParseConfig(doc)
		if err != nil {
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("ParseConfig returned an invalid config: %v", err)
		}
		again, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseConfig(again)
		if err != nil {
			t.Fatalf("re-parsing an accepted config failed: %v\n%s", err, again)
		}
		// Compare as JSON: an empty dimensions map comes back nil.
		if twice, _ := json.Marshal(back); !bytes.Equal(twice, again) {
			t.Fatalf("round trip changed an accepted config:\n%s\n%s", again, twice)
		}
	})
}

// The self-metric names are what dashboards query; a rename must be
// deliberate.
func TestSelfMetricNamesAreStable(t *testing.T) {
	got := []string{MetricNamespace, DimensionFunction, FunctionName, MetricDatapointsRead, MetricRecordsPut, MetricRecordsRetried,
		MetricRecordsFailed, MetricQueriesFailed, MetricGetMetricDataCalls, MetricPutRecordsCalls, MetricLagSeconds}
	want := []string{"O11yscale/Pipeline", "Function", "forwarder", "DatapointsRead", "RecordsPut", "RecordsRetried",
		"RecordsFailed", "QueriesFailed", "GetMetricDataCalls", "PutRecordsCalls", "LagSeconds"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestRoleSessionNameIsThePlatformsAndTheRegion(t *testing.T) {
	if got := (Config{}).RoleSessionName("eu-west-1"); got != "o11yscale-forwarder-eu-west-1" {
		t.Errorf("default session %q", got)
	}
	c := Config{SessionName: "acme-forwarder"}
	if got := c.RoleSessionName("ap-southeast-5"); got != "acme-forwarder-ap-southeast-5" {
		t.Errorf("session %q", got)
	}
	// The longest name allowed still fits STS's 64 characters.
	if got := (Config{SessionName: strings.Repeat("s", 48)}).RoleSessionName("ap-southeast-5"); len(got) > 64 {
		t.Errorf("%d characters: %s", len(got), got)
	}
}
