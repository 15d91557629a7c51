package enrich

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/o11yscale/o11yscale/lambdas/enricher/internal/enrichtest"
)

func readPayload(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decodeFile runs both decoding steps on a testdata payload.
func decodeFile(t testing.TB, name string) (StateChange, error) {
	t.Helper()
	ev, err := ParseEvent(readPayload(t, name))
	if err != nil {
		return StateChange{}, err
	}
	return ParseAlarm(ev.Records[0].SNS.Message)
}

func TestParseAlarmDecodesRealPayloads(t *testing.T) {
	tests := []struct {
		file        string
		state       string
		key         string
		region      string
		changedAt   string
		anomaly     bool
		seriesID    string
		band        string
		queries     int
		period      int64
		describe    string
		description string
	}{
		{
			file: "anomaly-band-alarm.json", state: StateAlarm,
			key:    "arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-api-Latency-anomaly|2026-03-14T09:26:53.571+0000",
			region: "us-east-1", changedAt: "2026-03-14T09:26:53.571Z",
			anomaly: true, seriesID: "m1", band: "ANOMALY_DETECTION_BAND(m1, 2)", queries: 1, period: 60,
			describe: "AWS/ApiGateway Latency {ApiName=checkout-api} Average", description: "Runbook: https://runbooks.example.com/checkout-api/latency",
		},
		{
			file: "anomaly-band-ok.json", state: StateOK,
			key:    "arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-api-Latency-anomaly|2026-03-14T09:58:20.269+0000",
			region: "us-east-1", changedAt: "2026-03-14T09:58:20.269Z",
			anomaly: true, seriesID: "m1", band: "ANOMALY_DETECTION_BAND(m1, 2)", queries: 1, period: 60,
			describe: "AWS/ApiGateway Latency {ApiName=checkout-api} Average",
		},
		{
			file: "anomaly-band-insufficient-data.json", state: StateInsufficientData,
			key:    "arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-api-Latency-anomaly|2026-03-14T11:02:41.330+0000",
			region: "us-east-1", changedAt: "2026-03-14T11:02:41.33Z",
			anomaly: true, seriesID: "m1", band: "ANOMALY_DETECTION_BAND(m1, 2)", queries: 1, period: 60,
			describe: "AWS/ApiGateway Latency {ApiName=checkout-api} Average",
		},
		{
			file: "anomaly-band-decimal-k-null-description.json", state: StateAlarm,
			key:    "arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:ContainerInsights-pod_cpu_utilization|2026-03-14T13:53:39.351+0000",
			region: "ap-northeast-2", changedAt: "2026-03-14T13:53:39.351Z",
			anomaly: true, seriesID: "m1", band: "ANOMALY_DETECTION_BAND(m1, 0.592)", queries: 1, period: 60,
			describe: "ContainerInsights pod_cpu_utilization {ClusterName=prod-eks} Average",
		},
		{
			file: "anomaly-band-uppercase-dimension-keys.json", state: StateAlarm,
			key:    "arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-api-Latency-anomaly|2026-03-14T09:26:53.571+0000",
			region: "us-east-1", changedAt: "2026-03-14T09:26:53.571Z",
			anomaly: true, seriesID: "m1", band: "ANOMALY_DETECTION_BAND(m1, 2)", queries: 1, period: 60,
			describe: "AWS/ApiGateway Latency {ApiName=checkout-api} Average",
		},
		{
			file: "single-metric-alarm.json", state: StateAlarm,
			key:    "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-5XXError-static|2026-03-14T09:31:07.115+0000",
			region: "eu-west-1", changedAt: "2026-03-14T09:31:07.115Z",
			seriesID: "m1", band: "ANOMALY_DETECTION_BAND(m1, 2)", queries: 1, period: 60,
			describe: "AWS/ApiGateway 5XXError {ApiName=checkout-api, Stage=prod} Sum",
		},
		{
			file: "single-metric-extended-statistic.json", state: StateAlarm,
			key:    "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-Latency-p99|2026-03-14T09:31:07.115+0000",
			region: "eu-west-1", changedAt: "2026-03-14T09:31:07.115Z",
			seriesID: "m1", band: "ANOMALY_DETECTION_BAND(m1, 2)", queries: 1, period: 60,
			describe: "AWS/ApiGateway Latency {ApiName=checkout-api, Stage=prod} p99",
		},
		{
			file: "metric-math-expression-alarm.json", state: StateAlarm,
			key:    "arn:aws:cloudwatch:us-east-2:123456789012:alarm:payments-error-rate|2026-03-14T09:41:12.902+0000",
			region: "us-east-2", changedAt: "2026-03-14T09:41:12.902Z",
			seriesID: "e1", band: "ANOMALY_DETECTION_BAND(e1, 2)", queries: 3, period: 300,
			describe: "expression e1 = 100*errors/requests",
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			c, err := decodeFile(t, tc.file)
			if err != nil {
				t.Fatalf("decoding: %v", err)
			}
			wantTime, _ := time.Parse(time.RFC3339Nano, tc.changedAt)
			got := c.Target
			if c.Alarm.NewStateValue != tc.state || c.Key != tc.key || c.RegionCode != tc.region ||
				c.Partition != "aws" || !c.ChangedAt.Equal(wantTime) {
				t.Errorf("state %q key %q region %q partition %q changedAt %s; want %q %q %q aws %s",
					c.Alarm.NewStateValue, c.Key, c.RegionCode, c.Partition, c.ChangedAt, tc.state, tc.key, tc.region, wantTime)
			}
			if got.Anomaly != tc.anomaly || got.SeriesID != tc.seriesID || got.BandExpression() != tc.band ||
				len(got.Queries) != tc.queries || got.Period != tc.period || got.Describe != tc.describe {
				t.Errorf("target anomaly=%v series=%q band=%q queries=%d period=%d describe=%q; want %v %q %q %d %d %q",
					got.Anomaly, got.SeriesID, got.BandExpression(), len(got.Queries), got.Period, got.Describe,
					tc.anomaly, tc.seriesID, tc.band, tc.queries, tc.period, tc.describe)
			}
			if !strings.Contains(c.Alarm.AlarmDescription, tc.description) {
				t.Errorf("description %q lacks %q", c.Alarm.AlarmDescription, tc.description)
			}
		})
	}
}

func TestParseRejectsMalformedPayloadsNamingTheProblem(t *testing.T) {
	tests := []struct {
		file string
		want string // part of the error that names the field or value
	}{
		{"malformed-envelope-truncated.json", "not valid JSON"},
		{"malformed-no-records.json", "no Records"},
		{"malformed-message-empty.json", "Sns.Message is empty"},
		{"malformed-message-not-json.json", `not a JSON object (starts with "Hello from SNS!")`},
		{"malformed-message-truncated.json", "not a CloudWatch alarm notification"},
		{"malformed-trigger-wrong-type.json", "not a CloudWatch alarm notification"},
		{"malformed-state.json", `NewStateValue "ALARMING" is not one of ALARM, OK, INSUFFICIENT_DATA`},
		{"malformed-arn.json", `AlarmArn "arn:aws:sns:us-east-1:123456789012:checkout" is not arn:<partition>:cloudwatch`},
		{"malformed-time.json", `StateChangeTime "yesterday"`},
		{"malformed-no-metric.json", "neither Metrics nor MetricName and Namespace"},
		{"malformed-composite-no-rule.json", "AlarmRule is empty: neither a metric alarm nor a composite alarm"},
		{"malformed-band-unknown-series.json", `refers to "m9", which is not among Trigger.Metrics`},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			_, err := decodeFile(t, tc.file)
			if err == nil {
				t.Fatal("decoded without error")
			}
			if !IsMalformed(err) {
				t.Errorf("error %v is not a MalformedError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestParseAlarmRejectsInvalidMetricMath(t *testing.T) {
	base := `{"AlarmName":"a","NewStateValue":"ALARM","StateChangeTime":"2026-03-14T09:26:53.571+0000","AlarmArn":"arn:aws:cloudwatch:us-east-1:1:alarm:a","Trigger":%s}`
	stat := `"MetricStat":{"Metric":{"Namespace":"N","MetricName":"M"},"Period":60,"Stat":"Average"}`
	tests := []struct {
		name, trigger, want string
	}{
		{"two series return data", `{"Metrics":[{"Id":"a",` + stat + `,"ReturnData":true},{"Id":"b",` + stat + `,"ReturnData":true}]}`, `both "a" and "b" have ReturnData true`},
		{"no series returns data", `{"Metrics":[{"Id":"a",` + stat + `}]}`, "no query has ReturnData true"},
		{"duplicate id", `{"Metrics":[{"Id":"a",` + stat + `,"ReturnData":true},{"Id":"a","Expression":"a*2"}]}`, `Id "a" appears twice`},
		{"upper-case id", `{"Metrics":[{"Id":"M1",` + stat + `,"ReturnData":true}]}`, `Id "M1" must start with a lower-case letter`},
		{"neither stat nor expression", `{"Metrics":[{"Id":"a","ReturnData":true}]}`, "neither MetricStat nor Expression"},
		{"zero band width", `{"ThresholdMetricId":"ad1","Metrics":[{"Id":"m1",` + stat + `,"ReturnData":true},{"Id":"ad1","Expression":"ANOMALY_DETECTION_BAND(m1, 0)"}]}`, "band width"},
		{"period zero", `{"Metrics":[{"Id":"a","MetricStat":{"Metric":{"Namespace":"N","MetricName":"M"},"Period":0,"Stat":"Average"},"ReturnData":true}]}`, "Period 0 s is not between 1"},
		{"statistic with spaces", `{"MetricName":"M","Namespace":"N","Statistic":"AVG OF","Period":60}`, `statistic "AVG OF"`},
		{"empty dimension value", `{"MetricName":"M","Namespace":"N","Statistic":"SUM","Period":60,"Dimensions":[{"name":"ApiName","value":""}]}`, "dimension 0 has an empty name or value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAlarm(strings.Replace(base, "%s", tc.trigger, 1))
			if err == nil || !IsMalformed(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v; want a MalformedError containing %q", err, tc.want)
			}
		})
	}
}

func TestInputAsksForSeriesAndBandInOneRequest(t *testing.T) {
	tests := []struct {
		file string
		// want lists each query: id, ReturnData, then metric or expression.
		want []string
	}{
		{"anomaly-band-alarm.json", []string{"m1 true AWS/ApiGateway/Latency Average 60", "ad1 true ANOMALY_DETECTION_BAND(m1, 2)"}},
		{"anomaly-band-decimal-k-null-description.json", []string{"m1 true ContainerInsights/pod_cpu_utilization Average 60", "ad1 true ANOMALY_DETECTION_BAND(m1, 0.592)"}},
		{"single-metric-alarm.json", []string{"m1 true AWS/ApiGateway/5XXError Sum 60", "ad1 true ANOMALY_DETECTION_BAND(m1, 2)"}},
		{"single-metric-extended-statistic.json", []string{"m1 true AWS/ApiGateway/Latency p99 60", "ad1 true ANOMALY_DETECTION_BAND(m1, 2)"}},
		{"metric-math-expression-alarm.json", []string{"e1 true 100*errors/requests", "errors false O11yscale/App/Errors Sum 300", "requests false O11yscale/App/Requests Sum 300", "ad1 true ANOMALY_DETECTION_BAND(e1, 2)"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			c, err := decodeFile(t, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			w := WindowFor(c.Target, c.ChangedAt, c.ChangedAt)
			in := c.Target.Input(w, true)
			var got []string
			for _, q := range in.MetricDataQueries {
				s := aws.ToString(q.Id) + " " + map[bool]string{true: "true", false: "false"}[aws.ToBool(q.ReturnData)] + " "
				if q.MetricStat != nil {
					s += aws.ToString(q.MetricStat.Metric.Namespace) + "/" + aws.ToString(q.MetricStat.Metric.MetricName) + " " +
						aws.ToString(q.MetricStat.Stat) + " " + strconv.Itoa(int(aws.ToInt32(q.MetricStat.Period)))
				} else {
					s += aws.ToString(q.Expression)
				}
				got = append(got, s)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("queries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if !aws.ToTime(in.StartTime).Equal(w.Start) || !aws.ToTime(in.EndTime).Equal(w.End) {
				t.Errorf("request range %s..%s, window %s..%s", aws.ToTime(in.StartTime), aws.ToTime(in.EndTime), w.Start, w.End)
			}
		})
	}
}

func TestWindowCoversFifteenMinutesOrTenPeriodsEndingAtTheStateChange(t *testing.T) {
	changed := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	later := changed.Add(3 * time.Hour)
	tests := []struct {
		name       string
		period     int64
		changedAt  time.Time
		now        time.Time
		start, end time.Time
		periods    int
	}{
		{"one-minute period", 60, changed, later, time.Date(2026, 3, 14, 9, 12, 0, 0, time.UTC), time.Date(2026, 3, 14, 9, 27, 0, 0, time.UTC), 15},
		{"five-minute period keeps ten periods", 300, changed, later, time.Date(2026, 3, 14, 8, 40, 0, 0, time.UTC), time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC), 10},
		{"seven-minute period rounds the window to whole periods", 420, changed, later, changed.Truncate(420 * time.Second).Add(-9 * 420 * time.Second), changed.Truncate(420 * time.Second).Add(420 * time.Second), 10},
		{"state change in the future is capped at now", 60, later, changed, time.Date(2026, 3, 14, 9, 12, 0, 0, time.UTC), time.Date(2026, 3, 14, 9, 27, 0, 0, time.UTC), 15},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := WindowFor(Target{Period: tc.period}, tc.changedAt, tc.now)
			if !w.Start.Equal(tc.start) || !w.End.Equal(tc.end) || w.Periods != tc.periods {
				t.Errorf("window %s..%s (%d periods), want %s..%s (%d)", w.Start, w.End, w.Periods, tc.start, tc.end, tc.periods)
			}
			if w.End.Sub(w.Start) != time.Duration(w.Periods)*time.Duration(tc.period)*time.Second {
				t.Errorf("window length %s is not %d periods", w.End.Sub(w.Start), w.Periods)
			}
		})
	}
}

// editedAlarm returns the alarm JSON of a testdata payload after edit.
func editedAlarm(t *testing.T, file string, edit func(a map[string]any)) string {
	t.Helper()
	ev, err := ParseEvent(enrichtest.Event(t, filepath.Join("testdata", file), edit))
	if err != nil {
		t.Fatal(err)
	}
	return ev.Records[0].SNS.Message
}

func TestParseAlarmDecodesCompositeAlarmsWithoutAMetric(t *testing.T) {
	const checkout = "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/"
	manyChildren := func(a map[string]any) {
		var terms []string
		for i := range 25 {
			terms = append(terms, `ALARM("child-`+strconv.Itoa(i)+`")`)
		}
		a["AlarmRule"] = strings.Join(terms, " OR ")
		a["TriggeringChildren"] = nil
	}
	tests := []struct {
		name     string
		message  string
		key      string
		fromRule bool
		children []string // name state [at] [url]
		more     int
	}{
		{
			name: "ALARM names the triggering child", message: editedAlarm(t, "composite-alarm.json", func(map[string]any) {}),
			key:      "arn:aws:cloudwatch:us-east-1:123456789012:alarm:o11yscale-checkout-api-health|2026-03-14T09:26:54.102+0000",
			children: []string{"o11yscale-checkout-api-latency-anomaly ALARM 2026-03-14T09:26:53Z " + checkout + "o11yscale-checkout-api-latency-anomaly"},
		},
		{
			name: "OK names the child that recovered", message: editedAlarm(t, "composite-ok.json", func(map[string]any) {}),
			key:      "arn:aws:cloudwatch:us-east-1:123456789012:alarm:o11yscale-checkout-api-health|2026-03-14T09:58:20.811+0000",
			children: []string{"o11yscale-checkout-api-latency-anomaly OK 2026-03-14T09:58:20Z " + checkout + "o11yscale-checkout-api-latency-anomaly"},
		},
		{
			name: "state set by hand: children read from the rule, bare names and ARNs", message: editedAlarm(t, "composite-set-by-hand.json", func(map[string]any) {}),
			key:      "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:o11yscale-payments-health|2026-03-14T10:12:03.496+0000",
			fromRule: true,
			children: []string{
				"o11yscale-payments-latency-anomaly ALARM https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/o11yscale-payments-latency-anomaly",
				"o11yscale-payments-error-rate-threshold ALARM https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/o11yscale-payments-error-rate-threshold",
			},
		},
		{
			name: "TriggeringChildren absent: quoted names with escapes, each state function, duplicates once",
			message: editedAlarm(t, "composite-alarm.json", func(a map[string]any) {
				a["AlarmRule"] = `(ALARM("a \"b\"") OR ALARM("a \"b\"")) AND NOT OK( "c" ) AND INSUFFICIENT_DATA(d) OR TRUE`
				delete(a, "TriggeringChildren")
			}),
			key:      "arn:aws:cloudwatch:us-east-1:123456789012:alarm:o11yscale-checkout-api-health|2026-03-14T09:26:54.102+0000",
			fromRule: true,
			children: []string{`a "b" ALARM ` + checkout + `a%20%22b%22`, "c OK " + checkout + "c", "d INSUFFICIENT_DATA " + checkout + "d"},
		},
		{
			name: "a child that is not an alarm ARN is named as given, without a link",
			message: editedAlarm(t, "composite-alarm.json", func(a map[string]any) {
				a["TriggeringChildren"] = []any{map[string]any{"Arn": "arn:aws:sns:us-east-1:1:x", "State": map[string]any{"Value": "ALARM", "Timestamp": "soon"}}, map[string]any{"Arn": ""}}
			}),
			key:      "arn:aws:cloudwatch:us-east-1:123456789012:alarm:o11yscale-checkout-api-health|2026-03-14T09:26:54.102+0000",
			children: []string{"arn:aws:sns:us-east-1:1:x ALARM"},
		},
		{
			name: "a rule naming 25 alarms lists 20 and counts the rest", message: editedAlarm(t, "composite-alarm.json", manyChildren),
			key: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:o11yscale-checkout-api-health|2026-03-14T09:26:54.102+0000", fromRule: true,
			more: 5,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseAlarm(tc.message)
			if err != nil {
				t.Fatalf("decoding: %v", err)
			}
			if c.Composite == nil || c.Target.SeriesID != "" || len(c.Target.Queries) != 0 {
				t.Fatalf("composite %v, target %+v; want a composite with no metric target", c.Composite, c.Target)
			}
			if c.Key != tc.key || c.Composite.FromRule != tc.fromRule || c.Composite.More != tc.more {
				t.Errorf("key %q fromRule %v more %d; want %q %v %d", c.Key, c.Composite.FromRule, c.Composite.More, tc.key, tc.fromRule, tc.more)
			}
			if tc.more > 0 {
				if len(c.Composite.Children) != maxChildrenListed || c.Composite.Children[19].Name != "child-19" {
					t.Errorf("%d children listed, last %+v; want child-0 to child-19", len(c.Composite.Children), c.Composite.Children[len(c.Composite.Children)-1])
				}
				return
			}
			var got []string
			for _, ch := range c.Composite.Children {
				s := ch.Name + " " + ch.State
				if !ch.At.IsZero() {
					s += " " + ch.At.Format(time.RFC3339)
				}
				if ch.URL != "" {
					s += " " + ch.URL
				}
				got = append(got, s)
			}
			if strings.Join(got, "\n") != strings.Join(tc.children, "\n") {
				t.Errorf("children:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.children, "\n"))
			}
		})
	}
}

func TestParseAlarmPrefersTheMetricWhenANotificationHasBothTriggerAndRule(t *testing.T) {
	msg := editedAlarm(t, "anomaly-band-alarm.json", func(a map[string]any) { a["AlarmRule"] = `ALARM("x")` })
	c, err := ParseAlarm(msg)
	if err != nil || c.Composite != nil || c.Target.SeriesID != "m1" {
		t.Fatalf("err %v composite %v series %q; want the metric alarm's target m1", err, c.Composite, c.Target.SeriesID)
	}
}

func TestParseAlarmRejectsMalformedCompositeAlarms(t *testing.T) {
	tests := []struct {
		name string
		edit func(a map[string]any)
		want string
	}{
		{"blank rule", func(a map[string]any) { a["AlarmRule"] = " \n" }, "AlarmRule is empty: neither a metric alarm nor a composite alarm"},
		{"rule longer than CloudWatch allows", func(a map[string]any) { a["AlarmRule"] = strings.Repeat(`ALARM("a") OR `, 800) + `ALARM("a")` }, "AlarmRule is 11210 characters, more than the 10240"},
		{"rule of the wrong type", func(a map[string]any) { a["AlarmRule"] = []any{"ALARM(a)"} }, "not a CloudWatch alarm notification"},
		{"children of the wrong type", func(a map[string]any) { a["TriggeringChildren"] = "a" }, "not a CloudWatch alarm notification"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAlarm(editedAlarm(t, "composite-alarm.json", tc.edit))
			if err == nil || !IsMalformed(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v; want a MalformedError containing %q", err, tc.want)
			}
		})
	}
}
