package config

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
)

const alarmsPlatform = "regions: [us-east-1, eu-west-1]\nservices: [{name: checkout-api, apiName: checkout-api}, {name: auth-service}]\nbilling: {monthlyUSD: 10}\n"

// TestAnomalyReadmeConfigParsesAndMaps keeps the anomaly README's YAML
// honest: it is part of a valid platform config and maps to the props.
func TestAnomalyReadmeConfigParsesAndMaps(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "constructs", "anomaly", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindSubmatch(b)
	if block == nil {
		t.Fatal("README has no yaml block")
	}
	p, err := Parse("README.md", append([]byte(alarmsPlatform), block[1]...))
	if err != nil {
		t.Fatal(err)
	}
	a := p.AlarmProps(p.Services[0], nil)
	if len(a.Metrics) != 2 || a.Metrics[1].Inputs[0].Namespace != "Shop" || a.Anomaly.ExcludedTimeRanges[0].Start.IsZero() {
		t.Errorf("mapped %+v", a)
	}
	if got := a.Metrics[1].Anomaly.ComparisonOperator; got != awscloudwatch.ComparisonOperator_GREATER_THAN_UPPER_THRESHOLD {
		t.Errorf("comparisonOperator mapped to %q", got)
	}
	if a.Metrics[1].Severity != anomaly.SeverityHigh || a.Notify != anomaly.NotifyComposite {
		t.Errorf("severity %q notify %q", a.Metrics[1].Severity, a.Notify)
	}
	al := p.AlertingProps(nil)
	if al.Name != "o11yscale" || len(al.EmfMetrics) != 1 || len(al.EmfMetrics[0].Dimensions) != 4 ||
		len(al.Subscriptions.Email[0].Severities) != 2 || al.Subscriptions.Email[0].Severities[1] != anomaly.SeverityHigh {
		t.Errorf("alerting mapped %+v", al)
	}
}

func TestAlarmPropsAreCompleteForEachService(t *testing.T) {
	p, err := Parse("p.yaml", []byte(alarmsPlatform+"alarms: {budget: {seriesPerMetric: 500}, metrics: [], anomaly: {treatMissingData: breaching}}\n"))
	if err == nil || !strings.Contains(err.Error(), "alarms.metrics: \"[]\" is not allowed") {
		t.Fatalf("empty metrics: %v", err)
	}
	p, err = Parse("p.yaml", []byte(alarmsPlatform+"alarms: {budget: {seriesPerMetric: 500}, anomaly: {treatMissingData: breaching}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := p.AlarmProps(p.Services[0], nil)
	if a.Name != "o11yscale" || a.Service != "checkout-api" || a.APIName != "checkout-api" || a.Metrics != nil ||
		a.Budget != (anomaly.Budget{SeriesPerMetric: 500, Services: 2, Regions: 2}) ||
		a.Anomaly.TreatMissingData != awscloudwatch.TreatMissingData_BREACHING {
		t.Errorf("mapped %+v", a)
	}
	if err := a.ValidateIn("eu-west-1"); err != nil {
		t.Error(err)
	}
}

func TestBadAlarmsConfigNamesEveryFieldOnce(t *testing.T) {
	doc := alarmsPlatform + `alarms:
  alerting:
    runbookBaseUrl: runbooks
    subscriptions:
      email: [{endpoint: nope}, {endpoint: oncall@example.com, severities: [sev1]}]
      https: [{endpoint: "http://x.example.com"}]
    emfMetrics:
      - {namespace: Shop, name: RequestDuration, dimensions: [{name: UserId}, {name: Tier}]}
    budget: {seriesPerMetric: -1}
  notify: everyone
  runbookUrl: wiki/x
  runbookBaseUrl: ftp://x
  budget: {seriesPerMetric: -5}
  anomaly:
    bandWidth: -1
    evaluationPeriods: -1
    comparisonOperator: GreaterThanThreshold
    treatMissingData: zero
    timeZone: Mars/Olympus
    excludedTimeRanges: [{start: 2026-03-02T00:00:00Z, end: 2026-03-01T00:00:00Z}]
  errorRate: {thresholdPercent: 150, period: 30s, treatMissingData: zero, severity: loud, evaluationPeriods: 2, datapointsToAlarm: 3}
  metrics:
    - {id: Latency, namespace: AWS/Lambda, metricName: Duration, stat: Mean, period: 90s, severity: urgent}
    - {id: dup}
    - {id: dup, expression: "ANOMALY_DETECTION_BAND(m1)", metricName: X, inputs: [{id: m1, namespace: N, metricName: M}, {id: Bad, namespace: N, metricName: M}]}
    - {id: too-long, namespace: N, metricName: M, period: 10m, anomaly: {evaluationPeriods: 200, datapointsToAlarm: 300}}
    - {id: api, namespace: AWS/ApiGateway, metricName: Latency, dimensions: {ApiName: "{apiName}", RequestId: x}}
`
	_, err := Parse("bad.yaml", []byte(doc))
	if err == nil {
		t.Fatal("accepted")
	}
	// The messages of the config before construct props lost their YAML
	// tags, path for path.
	want := []string{
		`alarms.alerting.runbookBaseUrl: "runbooks" is not allowed; an http(s) URL with a host and no spaces`,
		`alarms.alerting.subscriptions.email[0].endpoint: "nope" is not allowed; an email address such as oncall@example.com`,
		`alarms.alerting.subscriptions.email[1].severities[0]: "sev1" is not allowed; one of critical, high, medium, low, info`,
		`alarms.alerting.subscriptions.https[0].endpoint: "http://x.example.com" is not allowed; an https URL (SNS delivers incidents over TLS only)`,
		`alarms.alerting.budget.seriesPerMetric: -1 is not allowed; 1 or more (0 means the default, 10,000)`,
		`alarms.alerting.emfMetrics[0].dimensions[0].name: "UserId" is not allowed; a low-cardinality dimension such as Service, Region, Tier or StatusClass; UserId is a user id, which makes one series per value: keep high-cardinality data in logs, not metrics`,
		`alarms.alerting.emfMetrics[0].dimensions[1].cardinality: 0 is not allowed; the number of distinct values of "Tier", 1 or more; only Service, ServiceName, FunctionName, ApiName and Region are derived`,
		`alarms.notify: "everyone" is not allowed; one of alarms, composite, none`,
		`alarms.budget.seriesPerMetric: -5 is not allowed; 1 or more (0 means the default, 10,000)`,
		`alarms.anomaly.bandWidth: -1 is not allowed; a band width k above 0 and at most 100 standard deviations`,
		`alarms.anomaly.evaluationPeriods: -1 is not allowed; 1 or more`,
		`alarms.anomaly.comparisonOperator: "GreaterThanThreshold" is not allowed; one of LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold, GreaterThanUpperThreshold`,
		`alarms.anomaly.treatMissingData: "zero" is not allowed; one of breaching, notBreaching, ignore, missing`,
		`alarms.anomaly.timeZone: "Mars/Olympus" is not allowed; an IANA time zone such as Europe/Berlin or UTC`,
		`alarms.anomaly.excludedTimeRanges[0].end: "2026-03-01T00:00:00Z" is not allowed; a time after start (2026-03-02T00:00:00Z)`,
		`alarms.runbookUrl: "wiki/x" is not allowed; an http(s) URL with a host and no spaces`,
		`alarms.runbookBaseUrl: "ftp://x" is not allowed; an http(s) URL with a host and no spaces`,
		`alarms.metrics[0].id: "Latency" is not allowed; a lowercase letter, then lowercase letters, digits or '-', at most 32 characters`,
		`alarms.metrics[0].period: "1m30s" is not allowed; whole minutes, at least 1m`,
		`alarms.metrics[0].severity: "urgent" is not allowed; one of critical, high, medium, low, info`,
		`alarms.metrics[0].stat: "Mean" is not allowed; Average, Sum, Minimum, Maximum, SampleCount, IQM or a percentile-style statistic such as p99 or tm90`,
		`alarms.metrics[1].namespace: "" is not allowed; a namespace of 1-255 characters, e.g. AWS/Lambda`,
		`alarms.metrics[1].metricName: "" is not allowed; a metric name of 1-255 characters`,
		`alarms.metrics[2].id: "dup" is not allowed; an id unique among the metrics; metrics[1] has it too`,
		`alarms.metrics[2].metricName: "X" is not allowed; empty when expression is set (the expression reads inputs)`,
		`alarms.metrics[2].expression: "ANOMALY_DETECTION_BAND(m1)" is not allowed; the expression of the series; the band is added by the alarm`,
		`alarms.metrics[2].inputs[0].id: "m1" is not allowed; a lowercase letter, then letters, digits or '_'; not m1 or ad1`,
		`alarms.metrics[2].inputs[1].id: "Bad" is not allowed; a lowercase letter, then letters, digits or '_'; not m1 or ad1`,
		`alarms.metrics[3].anomaly.datapointsToAlarm: 300 is not allowed; at most evaluationPeriods (200)`,
		`alarms.metrics[3].anomaly.evaluationPeriods: 200 is not allowed; evaluationPeriods x period (10m0s) of at most one day`,
		`alarms.metrics[4].dimensions["RequestId"]: "RequestId" is not allowed; a low-cardinality dimension such as Service, Region, Tier or StatusClass; RequestId is a request id, which makes one series per value: keep high-cardinality data in logs, not metrics`,
		`alarms.errorRate.thresholdPercent: 150 is not allowed; a percentage above 0 and at most 100`,
		`alarms.errorRate.period: "30s" is not allowed; whole minutes, at least 1m`,
		`alarms.errorRate.treatMissingData: "zero" is not allowed; one of breaching, notBreaching, ignore, missing`,
		`alarms.errorRate.severity: "loud" is not allowed; one of critical, high, medium, low, info`,
		`alarms.errorRate.datapointsToAlarm: 3 is not allowed; at most evaluationPeriods (2)`,
	}
	lines := strings.Split(err.Error(), "\n")[1:]
	got := map[string]int{}
	for _, l := range lines {
		got[strings.TrimPrefix(l, "bad.yaml: ")]++
	}
	for _, w := range want {
		if got[w] != 1 {
			t.Errorf("listed %d times, want once: %s", got[w], w)
		}
	}
	if len(lines) != len(want) {
		t.Errorf("%d problems, want %d:\n%s", len(lines), len(want), err)
	}
}

// An {apiName} metric is validated on the services that have an API: the
// config is checked on the real services, not a stand-in.
func TestAlarmMetricsAreValidatedOnTheServicesThatGetThem(t *testing.T) {
	api := "alarms:\n  metrics: [{id: api, namespace: AWS/ApiGateway, metricName: Latency, dimensions: {ApiName: \"{apiName}\", Stage: prod}}]\n"
	noAPI := "regions: [us-east-1]\nservices: [{name: worker}]\nbilling: {monthlyUSD: 10}\n"
	if _, err := Parse("p.yaml", []byte(noAPI+api)); err != nil {
		t.Errorf("no service gets the metric, yet: %v", err)
	}
	_, err := Parse("p.yaml", []byte(alarmsPlatform+api))
	if err == nil || !strings.Contains(err.Error(), `alarms.metrics[0].cardinality["Stage"]`) {
		t.Errorf("undeclared Stage on checkout-api's API accepted: %v", err)
	}
}

func TestAlarmNamesAreCheckedWithTheRealServiceNames(t *testing.T) {
	long := strings.Repeat("a", 40)
	doc := "name: " + strings.Repeat("p", 20) + "\nregions: [us-east-1]\nservices: [{name: " + long + "}]\nbilling: {monthlyUSD: 10}\n" +
		"alarms: {runbookUrl: \"https://wiki.example.com/" + strings.Repeat("x", 780) + "\"}\n"
	_, err := Parse("p.yaml", []byte(doc))
	if err == nil || !strings.Contains(err.Error(), "alarms.runbookUrl") || !strings.Contains(err.Error(), "1024 characters") {
		t.Errorf("a runbook too long for %s's descriptions accepted: %v", long, err)
	}
}
