package slo_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/slo"
	"github.com/o11yscale/o11yscale/internal/cdktest"
	"github.com/o11yscale/o11yscale/lambdas/enricher/enrich"
)

func synthSLOs(t *testing.T, p slo.ServiceSLOsProps) (*slo.ServiceSLOs, assertions.Template, map[string]any) {
	t.Helper()
	app := cdktest.NewApp(t, "")
	stack := cdktest.NewStack(app, "Regional", "eu-west-1")
	slo.NewDiscovery(stack, "ApplicationSignals")
	p.AlertsTopic = awssns.NewTopic(stack, jsii.String("Alerts"), nil)
	s, err := slo.NewServiceSLOs(stack, "checkout-slos", p)
	if err != nil {
		t.Fatal(err)
	}
	tpl := assertions.Template_FromStack(stack, nil)
	return s, tpl, *tpl.ToJSON()
}

func resourcesOf(tpl map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range tpl["Resources"].(map[string]any) {
		r := r.(map[string]any)
		if r["Type"] == typ {
			props, _ := r["Properties"].(map[string]any)
			if props == nil {
				props = map[string]any{}
			}
			props["__deps"] = r["DependsOn"]
			out[id] = props
		}
	}
	return out
}

func TestAvailabilitySLOFromApplicationSignals(t *testing.T) {
	o := availability()
	o.Operation = "POST /orders"
	_, tpl, _ := synthSLOs(t, props(o))
	tpl.ResourceCountIs(jsii.String("AWS::ApplicationSignals::Discovery"), jsii.Number(1))
	tpl.HasResourceProperties(jsii.String("AWS::ApplicationSignals::ServiceLevelObjective"), map[string]any{
		"Name": "o11yscale-checkout-availability",
		"Goal": map[string]any{"AttainmentGoal": 99.9, "Interval": map[string]any{"RollingInterval": map[string]any{"Duration": 30, "DurationUnit": "DAY"}}},
		// The five distinct windows of the three default alerts.
		"BurnRateConfigurations": []any{
			map[string]any{"LookBackWindowMinutes": 5}, map[string]any{"LookBackWindowMinutes": 30}, map[string]any{"LookBackWindowMinutes": 60},
			map[string]any{"LookBackWindowMinutes": 360}, map[string]any{"LookBackWindowMinutes": 4320},
		},
		"RequestBasedSli": map[string]any{"RequestBasedSliMetric": map[string]any{
			"KeyAttributes": map[string]any{"Type": "Service", "Name": "checkout", "Environment": "lambda:default"},
			"OperationName": "POST /orders",
			"MetricType":    "AVAILABILITY",
		}},
	})
}

func TestLatencySLOIsPeriodBasedOnThePercentile(t *testing.T) {
	o := latency()
	o.Percentile = "p95"
	o.Goal = 99
	o.Window = 7 * 24 * time.Hour
	o.Alerts = []slo.BurnRateAlert{{ID: "fast", LongWindow: time.Hour, ShortWindow: 5 * time.Minute, BudgetPercent: 2}}
	_, tpl, _ := synthSLOs(t, props(o))
	tpl.HasResourceProperties(jsii.String("AWS::ApplicationSignals::ServiceLevelObjective"), map[string]any{
		"Goal": map[string]any{"AttainmentGoal": 99, "Interval": map[string]any{"RollingInterval": map[string]any{"Duration": 7, "DurationUnit": "DAY"}}},
		"Sli": map[string]any{
			"SliMetric":          map[string]any{"MetricType": "LATENCY", "Statistic": "p95", "PeriodSeconds": 60},
			"MetricThreshold":    300,
			"ComparisonOperator": "LessThan",
		},
	})
	// 2% of 7 days within 1 h: 0.02 x 168 = 3.36.
	tpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
		"AlarmName": "o11yscale-checkout-latency-fast-1h", "Threshold": 3.36,
	})
}

func TestAvailabilityFromOwnMetrics(t *testing.T) {
	o := slo.Objective{ID: "orders", Kind: slo.KindAvailability, Source: slo.SourceMetrics,
		Bad:   slo.MetricSource{Namespace: "AWS/Lambda", MetricName: "Errors", Dimensions: map[string]string{"FunctionName": "{service}"}},
		Total: slo.MetricSource{Namespace: "AWS/Lambda", MetricName: "Invocations", Dimensions: map[string]string{"FunctionName": "{service}"}}}
	_, tpl, _ := synthSLOs(t, props(o))
	q := func(id, name string) map[string]any {
		return map[string]any{"Id": id, "ReturnData": true, "MetricStat": map[string]any{"Period": 60, "Stat": "Sum",
			"Metric": map[string]any{"Namespace": "AWS/Lambda", "MetricName": name, "Dimensions": []any{map[string]any{"Name": "FunctionName", "Value": "checkout"}}}}}
	}
	tpl.HasResourceProperties(jsii.String("AWS::ApplicationSignals::ServiceLevelObjective"), map[string]any{
		"RequestBasedSli": map[string]any{"RequestBasedSliMetric": map[string]any{
			"TotalRequestCountMetric":     []any{q("total", "Invocations")},
			"MonitoredRequestCountMetric": map[string]any{"BadCountMetric": []any{q("bad", "Errors")}},
		}},
	})
}

func TestEachAlertIsTwoWindowAlarmsAndAnANDComposite(t *testing.T) {
	s, tpl, raw := synthSLOs(t, props(availability()))
	tpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(6))
	tpl.ResourceCountIs(jsii.String("AWS::CloudWatch::CompositeAlarm"), jsii.Number(3))
	for _, w := range []struct {
		name      string
		window    string
		threshold float64
	}{{"fast-burn-1h", "60", 14.4}, {"fast-burn-5m", "5", 14.4}, {"slow-burn-6h", "360", 6}, {"slow-burn-30m", "30", 6}, {"ticket-3d", "4320", 1}, {"ticket-6h", "360", 1}} {
		tpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
			"AlarmName": "o11yscale-checkout-availability-" + w.name,
			"Namespace": "AWS/ApplicationSignals", "MetricName": "BurnRate", "Statistic": "Maximum",
			"Dimensions": []any{
				map[string]any{"Name": "BurnRateWindowMinutes", "Value": w.window},
				map[string]any{"Name": "SloName", "Value": "o11yscale-checkout-availability"},
			},
			"Threshold": w.threshold, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
			"ActionsEnabled": false,
		})
	}
	// Children do not notify; each composite does, ALARM and OK.
	for _, a := range resourcesOf(raw, "AWS::CloudWatch::Alarm") {
		if a["AlarmActions"] != nil || a["OKActions"] != nil {
			t.Errorf("window alarm %v has actions", a["AlarmName"])
		}
		if deps, _ := a["__deps"].([]any); len(deps) != 1 || !strings.Contains(deps[0].(string), "availability") {
			t.Errorf("window alarm %v: DependsOn %v, want the SLO", a["AlarmName"], a["__deps"])
		}
	}
	fast := s.Objectives[0].Alerts[0]
	if fast.Threshold != 14.4 {
		t.Errorf("fast-burn threshold %v", fast.Threshold)
	}
	comps := resourcesOf(raw, "AWS::CloudWatch::CompositeAlarm")
	var found bool
	for _, c := range comps {
		if c["AlarmName"] != "o11yscale-checkout-availability-fast-burn" {
			continue
		}
		found = true
		ruleJSON := toJSON(t, c["AlarmRule"])
		if !strings.Contains(ruleJSON, `ALARM(\"`) || !strings.Contains(ruleJSON, `\") AND ALARM(\"`) {
			t.Errorf("rule %s, want ALARM(long) AND ALARM(short)", ruleJSON)
		}
		if len(c["AlarmActions"].([]any)) != 1 || len(c["OKActions"].([]any)) != 1 {
			t.Errorf("composite actions %v / %v", c["AlarmActions"], c["OKActions"])
		}
		d := c["AlarmDescription"].(string)
		for _, want := range []string{
			"threshold 14.4 = 2% of the error budget x 30d window / 1h long window; at goal 99.9% a burn rate of 14.4 is an error rate of 1.44%",
			"\nService: checkout\n", "\nSeverity: critical\n", "\nSLO: o11yscale-checkout-availability\n", "\nSLO goal: 99.9\n",
			"\nBurn windows: 60 5\n", "\nBurn threshold: 14.4\n",
			"\nDashboard: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/o11yscale-checkout-availability-fast-burn",
		} {
			if !strings.Contains(d, want) {
				t.Errorf("description lacks %q:\n%s", want, d)
			}
		}
	}
	if !found {
		t.Fatal("no fast-burn composite")
	}
}

func TestTicketSeverityIsLowAndPagesAreCriticalAndHigh(t *testing.T) {
	_, _, raw := synthSLOs(t, props(availability()))
	want := map[string]string{"fast-burn": "critical", "slow-burn": "high", "ticket": "low"}
	for _, c := range resourcesOf(raw, "AWS::CloudWatch::CompositeAlarm") {
		name := c["AlarmName"].(string)
		id := strings.TrimPrefix(name, "o11yscale-checkout-availability-")
		if !strings.Contains(c["AlarmDescription"].(string), "\nSeverity: "+want[id]+"\n") {
			t.Errorf("%s: want severity %s", name, want[id])
		}
	}
}

func TestNoAlertsCreatesOnlyTheSLO(t *testing.T) {
	o := availability()
	o.Alerts = []slo.BurnRateAlert{}
	_, tpl, raw := synthSLOs(t, props(o))
	tpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(0))
	for _, s := range resourcesOf(raw, "AWS::ApplicationSignals::ServiceLevelObjective") {
		if s["BurnRateConfigurations"] != nil {
			t.Errorf("burn-rate configurations without alerts: %v", s["BurnRateConfigurations"])
		}
	}
}

func TestInvalidPropsFailWithTheConstructPath(t *testing.T) {
	app := cdktest.NewApp(t, "")
	stack := cdktest.NewStack(app, "Regional", "eu-west-1")
	o := availability()
	o.Goal = 100
	_, err := slo.NewServiceSLOs(stack, "checkout-slos", props(o))
	if err == nil || !strings.HasPrefix(err.Error(), "slo Regional/checkout-slos: objectives[0].goal: 100 is not allowed; ") {
		t.Fatalf("err = %v", err)
	}
	if _, err := slo.NewServiceSLOs(stack, "no-topic", props(availability())); err == nil || !strings.Contains(err.Error(), "alertsTopic") {
		t.Fatalf("missing topic: err = %v", err)
	}
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The composite's description is what the enricher reads: built here,
// parsed there, the SLO lines must come through.
func TestTheEnricherReadsTheCompositeDescription(t *testing.T) {
	_, _, raw := synthSLOs(t, props(availability()))
	for _, c := range resourcesOf(raw, "AWS::CloudWatch::CompositeAlarm") {
		if c["AlarmName"] != "o11yscale-checkout-availability-slow-burn" {
			continue
		}
		alarm, _ := json.Marshal(map[string]any{
			"AlarmName": c["AlarmName"], "AlarmDescription": c["AlarmDescription"], "NewStateValue": "ALARM", "OldStateValue": "OK",
			"StateChangeTime": "2026-03-14T09:26:54.102+0000", "AlarmArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:o11yscale-checkout-availability-slow-burn",
			"AlarmRule": `ALARM("a") AND ALARM("b")`,
		})
		change, err := enrich.ParseAlarm(string(alarm))
		if err != nil {
			t.Fatal(err)
		}
		br := change.BurnRate
		if br == nil || br.Note != "" || br.SLO != "o11yscale-checkout-availability" || br.Goal != 99.9 || br.Long != 360 || br.Short != 30 || br.Threshold != 6 {
			t.Fatalf("enricher read %+v", br)
		}
		return
	}
	t.Fatal("no slow-burn composite")
}
