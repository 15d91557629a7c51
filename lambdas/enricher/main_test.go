package main_test

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/o11yscale/o11yscale/internal/lambdatest"
	"github.com/o11yscale/o11yscale/lambdas/enricher/internal/enrichtest"
)

const (
	region    = "us-east-1"
	namespace = "O11yscale/Pipeline"
	testdata  = "enrich/testdata"
)

var moto *lambdatest.Moto

func TestMain(m *testing.M) { os.Exit(lambdatest.RunWithMoto(m, &moto)) }

type stack struct {
	clients enrichtest.Clients
	topic   string
	rt      *lambdatest.Runtime
}

// start creates the incidents topic and the idempotency table in an empty
// moto and runs the real bootstrap against them. Tests are sequential.
func start(t *testing.T) stack { return startWith(t, nil) }

// startWith is start with extra environment for the bootstrap.
func startWith(t *testing.T, extra map[string]string) stack {
	moto.Reset(t)
	moto.SetEnv(t, region)
	c := enrichtest.NewClients(t)
	s := stack{clients: c, topic: c.CreateTopic(t, enrichtest.Name(t, "incidents"))}
	table := enrichtest.Name(t, "claims")
	c.CreateClaimsTable(t, table)
	env := moto.Env(region)
	env["INCIDENTS_TOPIC_ARN"] = s.topic
	env["IDEMPOTENCY_TABLE_NAME"] = table
	env["RUNBOOK_BASE_URL"] = "https://wiki.example.com/runbooks"
	env["ENRICHER_CLOUDWATCH_PROTOCOL"] = "awsquery"
	for k, v := range extra {
		env[k] = v
	}
	s.rt = lambdatest.StartRuntime(t, lambdatest.Build(t, "github.com/o11yscale/o11yscale/lambdas/enricher"), env)
	return s
}

// deliverTwice invokes the bootstrap with event twice, as SNS may deliver
// a message, and returns what reached the topic: exactly one incident.
func (s stack) deliverTwice(t *testing.T, event []byte) []enrichtest.Notification {
	t.Helper()
	for i := range 2 {
		res, err := s.rt.Invoke(event)
		if err != nil || res.Error != nil {
			t.Fatalf("delivery %d: %v %+v\n%s", i, err, res.Error, s.rt.Output())
		}
	}
	sent := enrichtest.Sent(t, moto.Endpoint, s.topic)
	if len(sent) != 1 {
		t.Fatalf("incidents topic received %d messages, want exactly 1\n%s", len(sent), s.rt.Output())
	}
	return sent
}

// wantMetrics checks the totals of the bootstrap's EMF metrics.
func (s stack) wantMetrics(t *testing.T, want map[string]float64) {
	t.Helper()
	got := lambdatest.MetricTotals(t, s.rt.Output(), namespace)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("EMF %s = %v, want %v (all %v)", k, got[k], v, got)
		}
	}
}

func meanOf(values []float64) (float64, int) {
	var sum float64
	n := 0
	for _, v := range values {
		if !math.IsNaN(v) {
			sum += v
			n++
		}
	}
	return sum / float64(n), n
}

func TestBootstrapPublishesOneEnrichedIncidentPerStateChange(t *testing.T) {
	s := start(t)
	name, api := enrichtest.Name(t, "alarm"), enrichtest.Name(t, "api")
	minute := time.Now().UTC().Truncate(time.Minute)
	gap := math.NaN()
	// Fifteen minutes ending with the minute of the state change: ten
	// baseline minutes with two missing, then five current minutes.
	baseline := []float64{100, 110, gap, 90, 100, 120, gap, 80, 100, 100}
	current := []float64{300, 310, 290, 305, 295}
	s.clients.PutMinutes(t, "AWS/ApiGateway", "Latency", []string{"ApiName", api}, minute.Add(time.Minute), append(append([]float64{}, baseline...), current...))

	event := enrichtest.Event(t, filepath.Join(testdata, "anomaly-band-alarm.json"), func(a map[string]any) {
		enrichtest.Retarget(a, name, api, minute.Add(30*time.Second))
	})
	sent := s.deliverTwice(t, event) // the second delivery is an SNS duplicate
	cur, _ := meanOf(current)
	base, nBase := meanOf(baseline)
	change := (cur - base) / base * 100
	msg := sent[0].Message
	for _, want := range []string{
		"ALARM: " + name,
		"13 of 15 datapoints present",
		"Current: " + strconv.FormatFloat(cur, 'f', 2, 64) + " (mean of the last 5 datapoints)",
		"Baseline: " + strconv.FormatFloat(base, 'f', 2, 64) + " (mean of " + strconv.Itoa(nBase) + " earlier datapoints)",
		"Change: +" + strconv.FormatFloat(change, 'f', 1, 64) + "%",
		"Anomaly band: not available (CloudWatch returned no band values for ANOMALY_DETECTION_BAND(m1, 2))",
		"Runbook: https://runbooks.example.com/checkout-api/latency",
		"Dashboard: https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/checkout-api",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if want := "ALARM [critical] " + name + " in us-east-1"; sent[0].Subject != want {
		t.Errorf("subject %q, want %q", sent[0].Subject, want)
	}
	for k, v := range map[string]string{"severity": "critical", "service": "checkout-api", "region": region} {
		if sent[0].Attributes[k] != v {
			t.Errorf("message attribute %s = %q, want %q", k, sent[0].Attributes[k], v)
		}
	}
	s.wantMetrics(t, map[string]float64{"AlertsReceived": 2, "IncidentsPublished": 1, "DuplicatesSkipped": 1, "MalformedMessages": 0, "Failures": 0})
}

func TestBootstrapPublishesACompositeAlarmWithoutReadingMetrics(t *testing.T) {
	// CloudWatch points at a closed port: any metric read would fail and
	// be counted as MetricDataErrors.
	s := startWith(t, map[string]string{"AWS_ENDPOINT_URL_CLOUDWATCH": "http://127.0.0.1:9"})
	name := enrichtest.Name(t, "health")
	event := enrichtest.Event(t, filepath.Join(testdata, "composite-alarm.json"), func(a map[string]any) {
		enrichtest.RetargetComposite(a, name, time.Now())
	})
	res, err := s.rt.Invoke(event)
	if err != nil || res.Error != nil {
		t.Fatalf("%v %+v\n%s", err, res.Error, s.rt.Output())
	}
	sent := enrichtest.Sent(t, moto.Endpoint, s.topic)
	if len(sent) != 1 {
		t.Fatalf("incidents topic received %d messages, want 1\n%s", len(sent), s.rt.Output())
	}
	if want := "ALARM [high] " + name + " in us-east-1"; sent[0].Subject != want {
		t.Errorf("subject %q, want %q", sent[0].Subject, want)
	}
	if !strings.Contains(sent[0].Message, "Triggered by:\n  - o11yscale-checkout-api-latency-anomaly: ALARM") || sent[0].Attributes["service"] != "checkout-api" {
		t.Errorf("service %q, message:\n%s", sent[0].Attributes["service"], sent[0].Message)
	}
	s.wantMetrics(t, map[string]float64{"AlertsReceived": 1, "IncidentsPublished": 1, "MetricDataErrors": 0, "Failures": 0})
}

func TestBootstrapPublishesAnIncidentWhenTheMetricHasNoData(t *testing.T) {
	s := start(t)
	name, api := enrichtest.Name(t, "alarm"), enrichtest.Name(t, "api")
	event := enrichtest.Event(t, filepath.Join(testdata, "anomaly-band-insufficient-data.json"), func(a map[string]any) {
		enrichtest.Retarget(a, name, api, time.Now())
	})
	res, err := s.rt.Invoke(event)
	if err != nil || res.Error != nil {
		t.Fatalf("%v %+v\n%s", err, res.Error, s.rt.Output())
	}
	sent := enrichtest.Sent(t, moto.Endpoint, s.topic)
	if len(sent) != 1 {
		t.Fatalf("incidents topic received %d messages, want 1", len(sent))
	}
	for _, want := range []string{
		"DATA MISSING: " + name,
		"0 of 15 datapoints present",
		"Current: insufficient data (no datapoints in the window)",
		"Change: insufficient data: no datapoints in the window",
		"Anomaly band: not available",
	} {
		if !strings.Contains(sent[0].Message, want) {
			t.Errorf("message lacks %q:\n%s", want, sent[0].Message)
		}
	}
	if strings.Contains(sent[0].Message, "NaN") || sent[0].Attributes["severity"] != "low" {
		t.Errorf("severity %q, message:\n%s", sent[0].Attributes["severity"], sent[0].Message)
	}
}

func TestBootstrapFailsMalformedEventsWithoutPublishing(t *testing.T) {
	s := start(t)
	files := []string{"malformed-envelope-truncated.json", "malformed-message-not-json.json", "malformed-band-unknown-series.json"}
	for _, f := range files {
		payload, err := os.ReadFile(filepath.Join(testdata, f))
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.rt.Invoke(payload)
		if err != nil {
			t.Fatal(err)
		}
		if res.Error == nil || !strings.Contains(res.Error.ErrorMessage, "malformed") {
			t.Errorf("%s: invocation returned %+v, want a malformed-notification error", f, res.Error)
		}
	}
	if sent := enrichtest.Sent(t, moto.Endpoint, s.topic); len(sent) != 0 {
		t.Fatalf("malformed events published %d messages", len(sent))
	}
	out := s.rt.Output()
	got := lambdatest.MetricTotals(t, out, namespace)
	if got["MalformedMessages"] != float64(len(files)) || got["IncidentsPublished"] != 0 {
		t.Errorf("EMF MalformedMessages %v IncidentsPublished %v, want %d and 0\n%s", got["MalformedMessages"], got["IncidentsPublished"], len(files), out)
	}
	if n := strings.Count(out, `"level":"ERROR","msg":"malformed`); n != len(files) {
		t.Errorf("%d malformed error logs, want %d\n%s", n, len(files), out)
	}
}

func TestBootstrapExplainsABurnRateCompositeWithBothWindowsAndTheBudget(t *testing.T) {
	s := start(t)
	name, slo := "o11yscale-checkout-availability-fast-burn", enrichtest.Name(t, "slo")
	minute := time.Now().UTC().Truncate(time.Minute)
	// What Application Signals publishes for the SLO: a burn rate per
	// burn-rate configuration, and the attainment.
	s.clients.PutMinutes(t, "AWS/ApplicationSignals", "BurnRate", []string{"SloName", slo, "BurnRateWindowMinutes", "60"}, minute.Add(time.Minute), []float64{14, 16.5})
	s.clients.PutMinutes(t, "AWS/ApplicationSignals", "BurnRate", []string{"SloName", slo, "BurnRateWindowMinutes", "5"}, minute.Add(time.Minute), []float64{30, 42})
	s.clients.PutMinutes(t, "AWS/ApplicationSignals", "AttainmentRate", []string{"SloName", slo}, minute.Add(time.Minute), []float64{99.99, 99.975})
	event := enrichtest.Event(t, filepath.Join(testdata, "burn-rate-composite.json"), func(a map[string]any) {
		enrichtest.RetargetComposite(a, name, minute.Add(30*time.Second))
		a["AlarmDescription"] = strings.ReplaceAll(a["AlarmDescription"].(string), "SLO: o11yscale-checkout-availability", "SLO: "+slo)
	})
	sent := s.deliverTwice(t, event) // the second delivery is an SNS duplicate
	msg := sent[0].Message
	at := minute.Format(time.RFC3339)
	for _, want := range []string{
		"ALARM: " + name,
		"SLO: " + slo + ", goal 99.9% (error budget 0.1% of requests or periods)\n",
		"Burn rate over 1h: 16.50 at " + at + " (threshold 14.4)\n",
		"Burn rate over 5m: 42.00 at " + at + " (threshold 14.4)\n",
		// (99.975 - 99.9) / (100 - 99.9) = 75% of the budget left.
		"Error budget remaining: 75.00% (attainment 99.975% against the goal 99.9%)\n",
		"Composite alarm rule: ALARM(\"o11yscale-checkout-availability-fast-burn-1h\") AND ALARM(\"o11yscale-checkout-availability-fast-burn-5m\")",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if want := "ALARM [critical] " + name + " in us-east-1"; sent[0].Subject != want {
		t.Errorf("subject %q, want %q", sent[0].Subject, want)
	}
	s.wantMetrics(t, map[string]float64{"AlertsReceived": 2, "IncidentsPublished": 1, "DuplicatesSkipped": 1, "MetricDataErrors": 0, "Failures": 0})
}

func TestBootstrapPublishesABurnRateCompositeWhenCloudWatchIsUnreachable(t *testing.T) {
	// CloudWatch points at a closed port: the read fails, the incident is
	// still published without figures and counted as a data error.
	s := startWith(t, map[string]string{"AWS_ENDPOINT_URL_CLOUDWATCH": "http://127.0.0.1:9"})
	name := enrichtest.Name(t, "fast-burn")
	event := enrichtest.Event(t, filepath.Join(testdata, "burn-rate-composite.json"), func(a map[string]any) {
		enrichtest.RetargetComposite(a, name, time.Now())
	})
	res, err := s.rt.Invoke(event)
	if err != nil || res.Error != nil {
		t.Fatalf("%v %+v\n%s", err, res.Error, s.rt.Output())
	}
	sent := enrichtest.Sent(t, moto.Endpoint, s.topic)
	if len(sent) != 1 || !strings.Contains(sent[0].Message, "Figures: not available, reading the SLO metrics failed") {
		t.Fatalf("sent %+v\n%s", sent, s.rt.Output())
	}
	got := lambdatest.MetricTotals(t, s.rt.Output(), namespace)
	if got["IncidentsPublished"] != 1 || got["MetricDataErrors"] != 1 {
		t.Errorf("EMF %v, want 1 published and 1 data error", got)
	}
}
