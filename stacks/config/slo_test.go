package config

import (
	"strings"
	"testing"
	"time"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/platform"
	"github.com/o11yscale/o11yscale/constructs/slo"
)

const sloPlatform = `regions: [us-east-1, eu-west-1]
billing: {monthlyUSD: 10}
services:
  - name: checkout
    slos:
      - id: availability
        kind: availability
        environment: lambda:default
        goal: 99.95
        window: 28d
      - id: latency
        kind: latency
        environment: lambda:default
        operation: POST /orders
        percentile: p99.9
        threshold: 800ms
        alerts:
          - {id: fast, longWindow: 1h, shortWindow: 5m, budgetPercent: 2, severity: critical}
  - name: auth
`

func TestSLOsParseAndMapToTheServiceProps(t *testing.T) {
	p, err := Parse("p.yaml", []byte(sloPlatform))
	if err != nil {
		t.Fatal(err)
	}
	props := p.Props("")
	checkout := props.Services[0]
	if len(checkout.SLOs) != 2 || len(props.Services[1].SLOs) != 0 {
		t.Fatalf("services %+v", props.Services)
	}
	a, l := checkout.SLOs[0], checkout.SLOs[1]
	if a.Kind != slo.KindAvailability || a.Goal != 99.95 || a.Window != 28*24*time.Hour || a.Source != "" || a.Alerts != nil {
		t.Errorf("availability mapped %+v (nil alerts: the workbook defaults)", a)
	}
	if l.Kind != slo.KindLatency || l.Percentile != "p99.9" || l.Threshold != 800*time.Millisecond || l.Operation != "POST /orders" ||
		len(l.Alerts) != 1 || l.Alerts[0] != (slo.BurnRateAlert{ID: "fast", LongWindow: time.Hour, ShortWindow: 5 * time.Minute, BudgetPercent: 2, Severity: anomaly.SeverityCritical}) {
		t.Errorf("latency mapped %+v", l)
	}
	if props.ApplicationSignals.Discovery != "" {
		t.Errorf("discovery %q, want the default", props.ApplicationSignals.Discovery)
	}
	if err := props.Validate(); err != nil {
		t.Errorf("platform props: %v", err)
	}
}

func TestSLOProblemsNameTheConfigPath(t *testing.T) {
	bad := strings.NewReplacer("goal: 99.95", "goal: 100", "window: 28d", "window: 4w", "percentile: p99.9", "percentile: p101",
		"severity: critical", "severity: page", "kind: latency", "kind: latncy").Replace(sloPlatform) +
		"alarms: {applicationSignals: {discovery: sometimes}}\n"
	_, err := Parse("p.yaml", []byte(bad))
	if err == nil {
		t.Fatal("accepted")
	}
	// The window is a decode error; fix it to see the validation problems.
	if !strings.Contains(err.Error(), `p.yaml: services[0].slos[0].window: "4w" is not allowed; a window of whole days, hours or minutes such as 30d, 6h or 5m (line 10)`) {
		t.Errorf("window: %v", err)
	}
	_, err = Parse("p.yaml", []byte(strings.Replace(bad, "window: 4w", "window: 28d", 1)))
	for _, want := range []string{
		`p.yaml: services[0].slos[0].goal: 100 is not allowed; an attainment goal in percent above 0 and below 100`,
		`p.yaml: services[0].slos[1].kind: "latncy" is not allowed; one of availability, latency`,
		`p.yaml: services[0].slos[1].alerts[0].severity: "page" is not allowed; one of critical, high, medium, low, info`,
		`p.yaml: alarms.applicationSignals.discovery: "sometimes" is not allowed; one of always, auto, never`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("lacks %q:\n%v", want, err)
		}
	}
	// Every problem once: not again under grafana.slos, where the
	// dashboards hold the same SLOs.
	for _, s := range []string{"slos[1].kind", "slos[0].goal"} {
		if n := strings.Count(err.Error(), s); n != 1 {
			t.Errorf("%s reported %d times:\n%v", s, n, err)
		}
	}
}

func TestUnknownSLOFieldsAreReportedByPath(t *testing.T) {
	_, err := Parse("p.yaml", []byte(strings.Replace(sloPlatform, "goal: 99.95", "target: 99.95", 1)))
	if err == nil || !strings.Contains(err.Error(), `services[0].slos[0]: unknown field "target"; allowed: id, kind, description, goal, window`) {
		t.Fatalf("err = %v", err)
	}
}

func TestDiscoveryModeMaps(t *testing.T) {
	p, err := Parse("p.yaml", []byte(sloPlatform+"alarms: {applicationSignals: {discovery: never}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Props("").ApplicationSignals.Discovery; got != platform.DiscoveryNever {
		t.Errorf("discovery %q", got)
	}
}
