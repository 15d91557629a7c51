package test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/platform"
	"github.com/o11yscale/o11yscale/internal/cdktest"
	"github.com/o11yscale/o11yscale/stacks"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// alarmResources counts, per region, the alarm resources of every
// synthesized template the way CloudWatch bills them: a metric alarm on
// an ANOMALY_DETECTION_BAND is an anomaly alarm; any other metric alarm
// is one alarm metric per metric it reads (MetricStat entries of a
// metric-math alarm, else its one metric), high resolution under 60 s.
func alarmResources(t *testing.T, s *synthesized) map[string]cost.Alarms {
	t.Helper()
	out := map[string]cost.Alarms{}
	for _, st := range s.summary.Stacks {
		files := []string{st.Template.File}
		for _, n := range st.Nested {
			files = append(files, n.File)
		}
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(s.dir, f))
			if err != nil {
				t.Fatal(err)
			}
			var tpl struct {
				Resources map[string]struct {
					Type       string
					Properties struct {
						Period  float64
						Metrics []struct {
							Expression string
							MetricStat *struct{ Period float64 }
						}
					}
				}
			}
			if err := json.Unmarshal(b, &tpl); err != nil {
				t.Fatal(err)
			}
			a := out[st.Region]
			for _, r := range tpl.Resources {
				switch r.Type {
				case "AWS::CloudWatch::AnomalyDetector":
					a.Detectors++
				case "AWS::CloudWatch::CompositeAlarm":
					a.Composite++
				case "AWS::CloudWatch::Alarm":
					band, reads, highRes := false, 0, false
					for _, m := range r.Properties.Metrics {
						band = band || strings.Contains(m.Expression, "ANOMALY_DETECTION_BAND")
						if m.MetricStat != nil {
							reads++
							highRes = highRes || m.MetricStat.Period < 60
						}
					}
					switch {
					case band:
						a.Anomaly++
					case len(r.Properties.Metrics) == 0 && r.Properties.Period < 60:
						a.HighResolution++
					case len(r.Properties.Metrics) == 0:
						a.Standard++
					case highRes:
						a.HighResolution += reads
					default:
						a.Standard += reads
					}
				}
			}
			out[st.Region] = a
		}
	}
	return out
}

// pricedAlarms sums, per region, the alarm quantities of the declared
// report lines, and the detectors the cost config counted.
func pricedAlarms(s *synthesized) map[string]cost.Alarms {
	out := map[string]cost.Alarms{}
	for _, l := range s.platform.CostReport.Lines {
		if l.Architecture != cost.Declared || l.Component != cost.ComponentAlarms {
			continue
		}
		a := out[l.Region]
		switch l.Item {
		case "standard resolution alarm metrics":
			a.Standard += int(l.Quantity)
		case "high resolution alarm metrics":
			a.HighResolution += int(l.Quantity)
		case "anomaly detection alarms":
			a.Anomaly += int(l.Quantity) / 3
		case "composite alarms":
			a.Composite += int(l.Quantity)
		}
		out[l.Region] = a
	}
	c := s.platform.CostConfig
	for _, svc := range c.Volumes.Services {
		for _, r := range svc.Regions {
			a := out[r.Region]
			a.Detectors += svc.Alarms.Detectors
			out[r.Region] = a
		}
	}
	for region, sa := range c.Architecture.SharedAlarms {
		a := out[region]
		a.Detectors += sa.Detectors
		out[region] = a
	}
	return out
}

func assertAlarmsPricedAsSynthesized(t *testing.T, s *synthesized) {
	t.Helper()
	got, want := pricedAlarms(s), alarmResources(t, s)
	total := cost.Alarms{}
	for region, w := range want {
		total = total.Add(w)
		if got[region] != w {
			t.Errorf("%s: priced %+v, templates hold %+v", region, got[region], w)
		}
	}
	for region, g := range got {
		if _, ok := want[region]; !ok && g != (cost.Alarms{}) {
			t.Errorf("%s: priced %+v, but no template is in that region", region, g)
		}
	}
	// Guard the guard: the templates must hold alarms of every kind.
	if total.Anomaly == 0 || total.Composite == 0 || total.Detectors == 0 || total.Standard == 0 {
		t.Fatalf("templates hold too few alarms to compare: %+v", total)
	}
	t.Logf("alarms priced = alarms synthesized: %+v", total)
}

func TestDefaultPlatformPricesTheAlarmsItSynthesizes(t *testing.T) {
	assertAlarmsPricedAsSynthesized(t, synthDefault(t))
}

// An alarm added through the escape hatch after platform.New is priced by
// platform.Synth before the assembly is written: the declared estimate
// moves by one standard alarm metric, and the counts still equal the
// templates'.
func TestAnAlarmAddedAfterNewIsPricedBeforeTheAssemblyIsWritten(t *testing.T) {
	ctx, err := cdktest.Context()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(dir), Context: &ctx})
	p, err := stacks.Build(app, config.Default(), "")
	if err != nil {
		t.Fatal(err)
	}
	before := p.CostReport.Total.Declared
	awscloudwatch.NewAlarm(p.Regional[1].Stack, jsii.String("QueueDepth"), &awscloudwatch.AlarmProps{
		Metric:    awscloudwatch.NewMetric(&awscloudwatch.MetricProps{Namespace: jsii.String("AWS/SQS"), MetricName: jsii.String("ApproximateNumberOfMessagesVisible")}),
		Threshold: jsii.Number(100), EvaluationPeriods: jsii.Number(1),
	})
	res, err := platform.Synth(app, p)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := cost.LoadPriceSet(cost.PriceSetUSEast1)
	if err != nil {
		t.Fatal(err)
	}
	alarm, _ := ps.UnitPrice(cost.PriceAlarmStandard)
	if got := p.CostReport.Total.Declared - before; math.Abs(got-alarm) > 1e-9 {
		t.Fatalf("declared estimate moved by %v, want one standard alarm metric (%v)", got, alarm)
	}
	md, err := os.ReadFile(filepath.Join(dir, "review", "cost", "report.md"))
	if err != nil || !strings.Contains(string(md), "| (shared) | "+p.Regional[1].Region+" | alarms | standard resolution alarm metrics | 1 alarm metric-month |") {
		t.Fatalf("report.md lacks the added alarm's line (%v)", err)
	}
	assertAlarmsPricedAsSynthesized(t, &synthesized{dir: res.Dir, asm: res.Assembly, platform: p, summary: res.Summary})
}

// The budget guard runs again on the final tree: an alarm added after New
// that takes the estimate over the budget stops Synth before it writes a
// template or the manifest.
func TestAnAlarmThatBreaksTheBudgetStopsSynthBeforeAnythingIsWritten(t *testing.T) {
	cfg := config.Default()
	c := *cfg.Cost
	est, err := cfg.CostConfig()
	if err != nil {
		t.Fatal(err)
	}
	r, err := est.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	c.Budget.MonthlyUSD = r.Total.Declared + 0.05 // an alarm metric costs $0.10
	cfg.Cost = &c
	ctx, err := cdktest.Context()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(dir), Context: &ctx})
	p, err := stacks.Build(app, cfg, "")
	if err != nil {
		t.Fatalf("within budget before the extra alarm: %v", err)
	}
	awscloudwatch.NewAlarm(p.Central.Stack, jsii.String("Extra"), &awscloudwatch.AlarmProps{
		Metric:    awscloudwatch.NewMetric(&awscloudwatch.MetricProps{Namespace: jsii.String("AWS/Kinesis"), MetricName: jsii.String("IncomingRecords")}),
		Threshold: jsii.Number(1), EvaluationPeriods: jsii.Number(1),
	})
	res, err := platform.Synth(app, p)
	if err == nil || !strings.Contains(err.Error(), "exceeds the budget") || res != nil {
		t.Fatalf("Synth over budget: result %v, error %v", res, err)
	}
	if templates, _ := filepath.Glob(filepath.Join(dir, "*.template.json")); len(templates) != 0 {
		t.Fatalf("templates were written: %v", templates)
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err == nil {
		t.Fatal("a cloud assembly manifest was written")
	}
}
