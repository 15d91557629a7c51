package config

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"

	"github.com/o11yscale/o11yscale/constructs/metricstream"
	"github.com/o11yscale/o11yscale/internal/cdktest"
)

const base = "regions: [us-east-1, eu-west-1]\nservices: [{name: a, apiName: a-api}]\nbilling: {monthlyUSD: 10}\n"

// The metrics section keeps its YAML keys and its error paths.
func TestMetricsErrorsKeepTheirConfigPaths(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"schedule", "metrics: {forwarder: {schedule: 90s}}\n", `metrics.forwarder.schedule: "1m30s" is not allowed; whole minutes`},
		{"period", "metrics: {forwarder: {metrics: [{namespace: n, metricName: m, period: 1500ms}]}}\n", `metrics.forwarder.metrics[0].period: "1.5s" is not allowed; whole seconds`},
		{"statistic", "metrics: {forwarder: {metrics: [{namespace: n, metricName: m, statistics: [Median]}]}}\n", `metrics.forwarder.metrics[0].statistics[0]: "Median" is not allowed`},
		{"unit", "metrics: {forwarder: {metrics: [{namespace: n, metricName: m, unit: ms}]}}\n", `metrics.forwarder.metrics[0].unit: "ms" is not allowed; empty or a CloudWatch standard unit`},
		{"search", "metrics: {forwarder: {searches: [{expression: \"'x'\"}]}}\n", `metrics.forwarder.searches[0].expression`},
		{"central account", "metrics: {forwarder: {centralAccount: '123'}}\n", `metrics.forwarder.centralAccount: "123" is not allowed; a 12-digit AWS account id`},
		{"output format", "metrics: {stream: {outputFormat: csv}}\n", `metrics.stream.outputFormat: "csv" is not allowed; json, opentelemetry1.0 or opentelemetry0.7`},
		{"provisioned without rate", "metrics: {central: {mode: provisioned}}\n", `metrics.central.recordsPerSecond: 0 is not allowed; a positive expected rate`},
		{"bad interval without declared metrics", "metrics: {forwarder: {schedule: 7m}}\n", `metrics.forwarder.schedule: 420 is not allowed`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(base+c.doc))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want %q in:\n%v", c.want, err)
			}
		})
	}
}

// A bad YAML value is reported once, at the config path, not again by
// the props it maps to.
func TestMetricsProblemsAreReportedOnce(t *testing.T) {
	_, err := Parse("p.yaml", []byte(base+"metrics: {central: {mode: fast}, stream: {outputFormat: csv}, forwarder: {centralAccount: '1', metrics: [{namespace: n, metricName: m, unit: ms}]}}\n"))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, path := range []string{"metrics.central.mode", "metrics.stream.outputFormat", "metrics.forwarder.centralAccount", "metrics.forwarder.metrics[0].unit"} {
		if n := strings.Count(err.Error(), path+":"); n != 1 {
			t.Errorf("%s reported %d times:\n%v", path, n, err)
		}
	}
}

func TestMetricsMapToTypedProps(t *testing.T) {
	p, err := Parse("p.yaml", []byte(base+`metrics:
  central: {mode: provisioned, recordsPerSecond: 2500}
  forwarder:
    schedule: 10m
    metrics: [{namespace: AWS/Lambda, metricName: Duration, unit: Milliseconds, period: 5m}]
  stream: {outputFormat: opentelemetry1.0}
  regions: {eu-west-1: both}
`))
	if err != nil {
		t.Fatal(err)
	}
	if c := p.CentralMetricsProps(); c.Mode != awskinesis.StreamMode_PROVISIONED || c.Name != "o11yscale" || c.RecordsPerSecond != 2500 {
		t.Errorf("central props: %+v", c)
	}
	target := p.centralTarget()
	f := p.forwarderProps(target)
	if f.Schedule != 10*time.Minute || len(f.Metrics) != 1 || f.Metrics[0].Unit != awscloudwatch.Unit_MILLISECONDS || f.Metrics[0].Period != 5*time.Minute {
		t.Errorf("forwarder props: %+v", f)
	}
	if f.Central.CentralNames().Stream() != "o11yscale-metrics" || f.Central.CentralRegion() != "us-east-1" {
		t.Errorf("forwarder target: %+v", f.Central)
	}
	if s := p.MetricStreamProps(target); s.OutputFormat != metricstream.OutputFormatOpenTelemetry1_0 {
		t.Errorf("stream props: %+v", s)
	}
	if p.Metrics.Delivery("eu-west-1") != DeliverBoth || p.Metrics.Delivery("us-east-1") != DeliverForwarder {
		t.Errorf("delivery: %v", p.Metrics.Regions)
	}
}

func TestDefaultForwardedListsServicesThenSwitchesToSearches(t *testing.T) {
	p := &Platform{Services: []Service{{Name: "a", ApiName: "a-api"}, {Name: "b"}}}
	if m, s := p.DefaultForwarded(); len(m) != 5 || s != nil || m[1].Dimensions["ApiName"] != "a-api" {
		t.Fatalf("curated set: %+v %+v", m, s)
	}
	for i := range 21 {
		p.Services = append(p.Services, Service{Name: strings.Repeat("s", i+1)})
	}
	if m, s := p.DefaultForwarded(); m != nil || len(s) != 5 {
		t.Fatalf("search set: %+v %+v", m, s)
	}
}

// metrics.forwarder.centralAccount must be the central stack's account.
func TestForwarderPropsRejectACentralAccountThatIsNotTheCentralStacks(t *testing.T) {
	p, err := Parse("p.yaml", []byte(base+"metrics: {forwarder: {centralAccount: '210987654321'}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	app := cdktest.NewApp(t, "")
	central, err := metricstream.NewCentral(cdktest.NewStack(app, "Central", "us-east-1"), "Metrics", p.CentralMetricsProps())
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.ForwarderProps(central)
	if err == nil || !strings.Contains(err.Error(), "metrics.forwarder.centralAccount") || !strings.Contains(err.Error(), "123456789012") || !strings.Contains(err.Error(), "210987654321") {
		t.Fatalf("got %v", err)
	}
	p.Metrics.Forwarder.CentralAccount = ""
	f, err := p.ForwarderProps(central)
	if err != nil || f.Central != metricstream.CentralTarget(central) {
		t.Fatalf("without centralAccount the central itself is the target: %v", err)
	}
}

// removalPolicy is one spelling for every fixed-named resource of the
// config: metrics.central, logs, logs.archive and logs.analysis.
func TestRemovalPolicyMapsAndIsCheckedWhereverItIsWritten(t *testing.T) {
	p, err := Parse("p.yaml", []byte(base+"metrics: {central: {removalPolicy: destroy}}\nlogs: {removalPolicy: destroy, archive: {removalPolicy: retain}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.CentralMetricsProps().RemovalPolicy; got != awscdk.RemovalPolicy_DESTROY {
		t.Errorf("metrics.central.removalPolicy maps to %q", got)
	}
	if !p.ServiceLogsProps("a", LogsWiring{}).DestroyOnRemoval || p.Logs.ArchiveProps().DestroyOnRemoval {
		t.Errorf("logs removal policies mapped wrong")
	}
	if !(Logs{Analysis: LogAnalysis{RemovalPolicy: "destroy"}}).AnalysisProps().DestroyOnRemoval {
		t.Errorf("logs.analysis.removalPolicy: destroy maps to a retained collection")
	}
	d, err := Parse("d.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.CentralMetricsProps().RemovalPolicy; got != "" {
		t.Errorf("default removal policy maps to %q, want the construct's default", got)
	}
	_, err = Parse("p.yaml", []byte(base+"metrics: {central: {removalPolicy: keep}}\nlogs: {removalPolicy: Destroy, archive: {removalPolicy: snapshot}, analysis: {removalPolicy: never}}\n"))
	for _, want := range []string{`metrics.central.removalPolicy: "keep" is not allowed; retain or destroy`,
		`logs.removalPolicy: "Destroy" is not allowed; retain or destroy`, `logs.archive.removalPolicy: "snapshot" is not allowed; retain or destroy`,
		`logs.analysis.removalPolicy: "never" is not allowed; retain or destroy`} {
		if err == nil || strings.Count(err.Error(), want) != 1 {
			t.Errorf("want %q once in:\n%v", want, err)
		}
	}
}
