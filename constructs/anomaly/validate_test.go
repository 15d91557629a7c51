package anomaly_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/golambda"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// errorsAt validates and returns the error message per path.
func errorsAt(err error) map[string]string {
	got := map[string]string{}
	for _, f := range validation.Fields(err) {
		got[f.Path] = f.Error()
	}
	return got
}

func TestServiceAlarmsDefaultsAreValid(t *testing.T) {
	for _, p := range []anomaly.ServiceAlarmsProps{
		{Service: "s"},
		{Service: "checkout-api", APIName: "checkout-api"},
		{Service: "auth-service", Budget: anomaly.Budget{Services: 200, Regions: 4}},
	} {
		if err := p.ValidateIn("ap-southeast-1"); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
	}
}

func TestServiceAlarmsRequireTheService(t *testing.T) {
	// Complete props only: the service is not optional.
	if _, ok := errorsAt(anomaly.ServiceAlarmsProps{}.Validate())["service"]; !ok {
		t.Error("props without a service accepted")
	}
}

func TestServiceAlarmsValidationNamesEveryBadField(t *testing.T) {
	// GIVEN props with one mistake per rule
	p := anomaly.ServiceAlarmsProps{
		Name:           "bad name",
		Service:        "svc/1",
		Notify:         "everyone",
		RunbookURL:     "wiki/runbooks",
		RunbookBaseURL: "ftp://runbooks",
		Budget:         anomaly.Budget{SeriesPerMetric: -5},
		Anomaly: anomaly.Anomaly{
			BandWidth: -1, EvaluationPeriods: -1, DatapointsToAlarm: -2,
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, TreatMissingData: "zero", TimeZone: "Mars/Olympus",
			ExcludedTimeRanges: []anomaly.TimeRange{{Start: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}, {}},
		},
		Metrics: []anomaly.Metric{
			{ID: "Latency", MetricSource: anomaly.MetricSource{Namespace: "AWS/Lambda", MetricName: "Duration", Stat: "Mean"}, Period: 90 * time.Second, Severity: "urgent"},
			{ID: "dup", MetricSource: anomaly.MetricSource{Namespace: "", MetricName: ""}},
			{ID: "dup", Expression: "ANOMALY_DETECTION_BAND(m1)", MetricSource: anomaly.MetricSource{MetricName: "X"},
				Inputs: []anomaly.MathInput{{ID: "m1", MetricSource: anomaly.MetricSource{Namespace: "N", MetricName: "M"}}, {ID: "Bad", MetricSource: anomaly.MetricSource{Namespace: "N", MetricName: "M"}}}},
			{ID: "orphan-inputs", MetricSource: anomaly.MetricSource{Namespace: "N", MetricName: "M"}, Inputs: []anomaly.MathInput{{ID: "a"}}},
			{ID: "too-long", MetricSource: anomaly.MetricSource{Namespace: "N", MetricName: "M"}, Period: 10 * time.Minute,
				Anomaly: anomaly.Anomaly{EvaluationPeriods: 200, DatapointsToAlarm: 300}},
		},
		ErrorRate: anomaly.ErrorRate{ThresholdPercent: 150, Period: 30 * time.Second, TreatMissingData: "zero", Severity: "loud", EvaluationPeriods: 2, DatapointsToAlarm: 3},
	}
	// WHEN validated
	got := errorsAt(p.Validate())
	// THEN every rule reports at its own path
	for _, path := range []string{
		"name", "service", "notify", "runbookUrl", "runbookBaseUrl", "budget.seriesPerMetric",
		"anomaly.bandWidth", "anomaly.evaluationPeriods", "anomaly.datapointsToAlarm", "anomaly.comparisonOperator",
		"anomaly.treatMissingData", "anomaly.timeZone", "anomaly.excludedTimeRanges[0].end", "anomaly.excludedTimeRanges[1]",
		"metrics[0].id", "metrics[0].stat", "metrics[0].period", "metrics[0].severity",
		"metrics[1].namespace", "metrics[1].metricName",
		"metrics[2].id", "metrics[2].expression", "metrics[2].metricName", "metrics[2].inputs[0].id", "metrics[2].inputs[1].id",
		"metrics[3].inputs",
		"metrics[4].anomaly.datapointsToAlarm", "metrics[4].anomaly.evaluationPeriods",
		"errorRate.thresholdPercent", "errorRate.period", "errorRate.treatMissingData", "errorRate.severity", "errorRate.datapointsToAlarm",
	} {
		if _, ok := got[path]; !ok {
			t.Errorf("no error at %s", path)
		}
	}
	if t.Failed() {
		t.Logf("got:\n%s", strings.Join(mapValues(got), "\n"))
	}
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func TestServiceAlarmsAcceptsEachAllowedComparisonAndMissingDataValue(t *testing.T) {
	for _, op := range []awscloudwatch.ComparisonOperator{
		awscloudwatch.ComparisonOperator_LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD,
		awscloudwatch.ComparisonOperator_LESS_THAN_LOWER_THRESHOLD,
		awscloudwatch.ComparisonOperator_GREATER_THAN_UPPER_THRESHOLD,
	} {
		for _, missing := range []awscloudwatch.TreatMissingData{
			awscloudwatch.TreatMissingData_BREACHING, awscloudwatch.TreatMissingData_NOT_BREACHING,
			awscloudwatch.TreatMissingData_IGNORE, awscloudwatch.TreatMissingData_MISSING,
		} {
			p := anomaly.ServiceAlarmsProps{Service: "s", Anomaly: anomaly.Anomaly{ComparisonOperator: op, TreatMissingData: missing}}
			if err := p.Validate(); err != nil {
				t.Errorf("%s/%s: %v", op, missing, err)
			}
		}
	}
	for _, op := range []awscloudwatch.ComparisonOperator{
		awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, awscloudwatch.ComparisonOperator_LESS_THAN_THRESHOLD,
		awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD, "outside",
		// The CloudFormation string is not the jsii enum value.
		"GreaterThanUpperThreshold",
	} {
		p := anomaly.ServiceAlarmsProps{Service: "s", Anomaly: anomaly.Anomaly{ComparisonOperator: op}}
		if _, ok := errorsAt(p.Validate())["anomaly.comparisonOperator"]; !ok {
			t.Errorf("%s accepted on a band alarm", op)
		}
	}
}

func TestServiceAlarmsRejectsHighCardinalityAlarmDimensions(t *testing.T) {
	// GIVEN an alarm metric split by request id and an undeclared Stage
	p := anomaly.ServiceAlarmsProps{Service: "s", Metrics: []anomaly.Metric{{ID: "latency", MetricSource: anomaly.MetricSource{
		Namespace: "Shop", MetricName: "Latency", Dimensions: map[string]string{"RequestId": "r-1", "Stage": "prod", "Service": "{service}"}}}}}
	// WHEN validated
	got := errorsAt(p.Validate())
	// THEN the request id is rejected by dimension name and Stage asks for its cardinality
	if !strings.Contains(got[`metrics[0].dimensions["RequestId"]`], "keep high-cardinality data in logs, not metrics") {
		t.Errorf("RequestId: %q", got[`metrics[0].dimensions["RequestId"]`])
	}
	if _, ok := got[`metrics[0].cardinality["Stage"]`]; !ok {
		t.Errorf("undeclared Stage accepted: %v", got)
	}
}

func TestServiceAlarmsBudgetCountsServicesForServicePlaceholders(t *testing.T) {
	// GIVEN 200 services and a metric split by service and a declared 100-value Endpoint
	p := anomaly.ServiceAlarmsProps{Service: "s", Budget: anomaly.Budget{Services: 200},
		Metrics: []anomaly.Metric{{ID: "latency", MetricSource: anomaly.MetricSource{
			Namespace: "Shop", MetricName: "Latency", Dimensions: map[string]string{"Svc": "{service}", "Endpoint": "/checkout"},
			Cardinality: map[string]int{"Endpoint": 100}}}}}
	// WHEN validated
	got := errorsAt(p.Validate())
	// THEN the product 100 x 200 is over budget, shown with the arithmetic
	if want := "Endpoint(100) x Svc(200) = 20,000 series"; !strings.Contains(got["metrics[0].dimensions"], want) {
		t.Errorf("got %v, want %q", got, want)
	}
}

func TestServiceAlarmsRejectsCardinalityForUnknownDimensions(t *testing.T) {
	p := anomaly.ServiceAlarmsProps{Service: "s", Metrics: []anomaly.Metric{{ID: "x", MetricSource: anomaly.MetricSource{
		Namespace: "N", MetricName: "M", Cardinality: map[string]int{"Tier": 3}}}}}
	if _, ok := errorsAt(p.Validate())[`metrics[0].cardinality["Tier"]`]; !ok {
		t.Error("cardinality of a dimension the metric lacks accepted")
	}
}

func TestServiceAlarmsRejectsARunbookTooLongForTheDescription(t *testing.T) {
	p := anomaly.ServiceAlarmsProps{Service: "s", RunbookURL: "https://wiki.example.com/" + strings.Repeat("x", 1000)}
	got := errorsAt(p.ValidateIn("eu-west-1"))
	if !strings.Contains(got["runbookUrl"], "1024 characters") {
		t.Errorf("overlong runbook accepted: %v", got)
	}
	// The description ends with the console link of the region, so the
	// limit depends on it.
	fits := anomaly.ServiceAlarmsProps{Service: "s", RunbookURL: "https://wiki.example.com/" + strings.Repeat("x", 700)}
	if err := fits.ValidateIn("eu-west-1"); err != nil {
		t.Errorf("a runbook that fits rejected: %v", err)
	}
}

func TestServiceAlarmsRejectsAnEmptyMetricList(t *testing.T) {
	if _, ok := errorsAt(anomaly.ServiceAlarmsProps{Service: "s", Metrics: []anomaly.Metric{}}.Validate())["metrics"]; !ok {
		t.Error("empty metrics accepted")
	}
}

func TestServiceAlarmsResourceCountIsTwoPerMetricPlusErrorRateAndComposite(t *testing.T) {
	cases := []struct {
		name  string
		props anomaly.ServiceAlarmsProps
		want  int
	}{
		{"defaults without an API", anomaly.ServiceAlarmsProps{Service: "auth"}, 6},
		{"defaults with an API", anomaly.ServiceAlarmsProps{Service: "checkout", APIName: "checkout"}, 8},
		{"error rate disabled", anomaly.ServiceAlarmsProps{Service: "auth", ErrorRate: anomaly.ErrorRate{Disabled: true}}, 5},
		{"one metric", anomaly.ServiceAlarmsProps{Service: "auth", Metrics: anomaly.DefaultMetrics()[:1]}, 4},
	}
	for _, tc := range cases {
		if got := tc.props.ResourceCount(); got != tc.want {
			t.Errorf("%s: %d resources, want %d", tc.name, got, tc.want)
		}
	}
}

func TestAlarmNamesAreDeterministicAndWithinLimits(t *testing.T) {
	long := strings.Repeat("s", 64)
	for _, name := range []string{
		anomaly.AlarmName(strings.Repeat("p", 40), long, strings.Repeat("m", 32)),
		anomaly.ErrorRateAlarmName(strings.Repeat("p", 40), long),
		anomaly.CompositeAlarmName(strings.Repeat("p", 40), long),
	} {
		if len(name) > 255 {
			t.Errorf("%d characters: %s", len(name), name)
		}
	}
	if got := anomaly.AlarmName("o11yscale", "checkout-api", "latency"); got != "o11yscale-checkout-api-latency-anomaly" {
		t.Errorf("AlarmName = %q", got)
	}
}

func TestAlertingValidationNamesEveryBadField(t *testing.T) {
	p := anomaly.AlertingProps{
		Name:           "bad name",
		RunbookBaseURL: "runbooks",
		Subscriptions: anomaly.Subscriptions{
			Email: []anomaly.Subscriber{{Endpoint: "not-an-address"}, {Endpoint: "oncall@example.com", Severities: []anomaly.Severity{"sev1"}}},
			HTTPS: []anomaly.Subscriber{{Endpoint: "http://hooks.example.com/x"}, {Endpoint: "https://a.example.com"}, {Endpoint: "https://a.example.com"}},
			Chat:  []anomaly.Subscriber{{Endpoint: "slack"}},
		},
		Enricher: golambda.Props{MemorySize: 64},
	}
	got := errorsAt(p.Validate())
	for _, path := range []string{"name", "runbookBaseUrl", "subscriptions.email[0].endpoint", "subscriptions.email[1].severities[0]",
		"subscriptions.https[0].endpoint", "subscriptions.https[2].endpoint", "subscriptions.chat[0].endpoint", "enricher.memorySize"} {
		if _, ok := got[path]; !ok {
			t.Errorf("no error at %s; got %v", path, got)
		}
	}
	if err := (anomaly.AlertingProps{}).Validate(); err != nil {
		t.Errorf("defaults invalid: %v", err)
	}
}

func TestErrorRateOnAPIMetricsSkipsServicesWithoutAnAPI(t *testing.T) {
	api := anomaly.ErrorRate{
		Errors:   anomaly.MetricSource{Namespace: "AWS/ApiGateway", MetricName: "5XXError", Dimensions: map[string]string{"ApiName": "{apiName}"}},
		Requests: anomaly.MetricSource{Namespace: "AWS/ApiGateway", MetricName: "Count", Dimensions: map[string]string{"ApiName": "{apiName}"}},
	}
	withAPI := anomaly.ServiceAlarmsProps{Service: "checkout", APIName: "checkout", ErrorRate: api}
	withoutAPI := anomaly.ServiceAlarmsProps{Service: "worker", ErrorRate: api}
	if err := withAPI.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := withAPI.ResourceCount(); got != 8 {
		t.Errorf("service with an API: %d resources, want 8", got)
	}
	if got := withoutAPI.ResourceCount(); got != 5 {
		t.Errorf("service without an API: %d resources, want 5 (no api-latency, no error-rate alarm)", got)
	}
}

func TestAlertingCentralValidation(t *testing.T) {
	err := anomaly.AlertingProps{
		Central:       anomaly.CentralTarget{Region: "Europe", Account: "1111"},
		Subscriptions: anomaly.Subscriptions{Chat: []anomaly.Subscriber{{Endpoint: "https://relay.example.com"}}},
	}.Validate()
	for _, want := range []string{
		`central.region: "Europe" is not allowed; an AWS region code`,
		`central.account: "1111" is not allowed; a 12-digit AWS account id`,
		`subscriptions.chat: 1 is not allowed; none with central`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v\nlacks %q", err, want)
		}
	}
	if err := (anomaly.AlertingProps{Central: anomaly.CentralTarget{Account: "111111111111"}}).Validate(); err == nil || !strings.Contains(err.Error(), "central.account") {
		t.Errorf("an account without a region: %v", err)
	}
	if err := (anomaly.AlertingProps{Central: anomaly.CentralTarget{Region: "eu-west-1"}}).Validate(); err != nil {
		t.Errorf("a central region alone: %v", err)
	}
}
