package enrich

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestSubjectIsValidForSNS(t *testing.T) {
	long := strings.Repeat("checkout-api-", 20)
	tests := []struct {
		name, in, want string
	}{
		{"short ASCII is kept", "ALARM [high] checkout in us-east-1", "ALARM [high] checkout in us-east-1"},
		{"line breaks and tabs become single spaces", "ALARM\r\n[high]\t\tcheckout\n", "ALARM [high] checkout"},
		{"non-ASCII runes become '?'", "ALARM Latenz über 1s 🚨", "ALARM Latenz ?ber 1s ?"},
		{"control characters are removed", "ALARM\x00\x07x\x7fy\u0085z", "ALARM x y z"},
		{"long subjects are cut to 99 with an ellipsis", "ALARM " + long, ("ALARM " + long)[:96] + "..."},
		{"nothing printable gives a default", "\n\t ", "Alarm notification"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Subject(tc.in)
			if got != tc.want {
				t.Errorf("Subject(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if len(got) > MaxSubjectLength {
				t.Errorf("subject is %d characters, more than %d", len(got), MaxSubjectLength)
			}
			for _, r := range got {
				if r < ' ' || r > '~' {
					t.Errorf("subject holds %q, not printable ASCII", r)
				}
			}
		})
	}
}

func TestSubjectCutsMultiByteNamesOnRuneBoundaries(t *testing.T) {
	// Every rune here is non-ASCII and becomes '?', so the cut can never
	// split a rune; the result is valid UTF-8 of exactly 99 bytes.
	got := Subject("ALARM " + strings.Repeat("日本語", 60))
	if !utf8.ValidString(got) || len(got) != MaxSubjectLength || !strings.HasSuffix(got, "...") {
		t.Fatalf("subject %q (%d bytes) is not a valid 99-byte cut", got, len(got))
	}
}

// minutes returns one datapoint per minute ending at end (exclusive).
func minutes(end time.Time, values ...float64) []Point {
	pts := make([]Point, len(values))
	for i, v := range values {
		pts[i] = Point{Time: end.Add(time.Duration(i-len(values)) * time.Minute), Value: v}
	}
	return pts
}

func TestComposeWritesFiguresLinksAndAttributes(t *testing.T) {
	c, err := decodeFile(t, "anomaly-band-alarm.json")
	if err != nil {
		t.Fatal(err)
	}
	w := WindowFor(c.Target, c.ChangedAt, c.ChangedAt)
	pts := minutes(w.End, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 300, 300, 300, 300, 300)
	var band []BandPoint
	for _, p := range pts {
		band = append(band, BandPoint{Time: p.Time, Lower: 50, Upper: 150})
	}
	inc := Compose(c, Fetched{Window: w, Points: pts, Band: band}, nil, Links{RunbookBaseURL: "https://wiki.example.com/runbooks"})

	if inc.Severity != "critical" || inc.Service != "checkout-api" || inc.Region != "us-east-1" {
		t.Errorf("attributes severity=%q service=%q region=%q, want critical (from the description), checkout-api, us-east-1", inc.Severity, inc.Service, inc.Region)
	}
	if inc.Subject != "ALARM [critical] checkout-api-Latency-anomaly in us-east-1" {
		t.Errorf("subject %q", inc.Subject)
	}
	for _, want := range []string{
		"State: OK -> ALARM at 2026-03-14T09:26:53Z",
		"Metric: AWS/ApiGateway Latency {ApiName=checkout-api} Average, period 60 s",
		"Alarm rule: m1 outside ANOMALY_DETECTION_BAND(m1, 2) (LessThanLowerOrGreaterThanUpperThreshold), 2 evaluation periods",
		"Window: 2026-03-14T09:12:00Z to 2026-03-14T09:27:00Z, 15 of 15 datapoints present",
		"Current: 300.00 (mean of the last 5 datapoints)",
		"Baseline: 100.00 (mean of 10 earlier datapoints)",
		"Change: +200.0%",
		"Anomaly band at 2026-03-14T09:26:00Z: 300.00 is ABOVE the upper bound 150.00 (band 50.00 to 150.00); 5 of the last 5 datapoints with a band were outside it",
		"  2026-03-14 09:22:00  300.00",
		// The description's links win over the defaults.
		"Runbook: https://runbooks.example.com/checkout-api/latency",
		"Dashboard: https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/checkout-api",
		"Alarm ARN: arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-api-Latency-anomaly",
	} {
		if !strings.Contains(inc.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, inc.Body)
		}
	}
}

func TestComposeHandlesEachStateDeliberately(t *testing.T) {
	tests := []struct {
		file, severity, subject, says string
	}{
		{"anomaly-band-alarm.json", "critical", "ALARM [critical] checkout-api-Latency-anomaly in us-east-1", "ALARM: checkout-api-Latency-anomaly"},
		{"anomaly-band-ok.json", "info", "RESOLVED [info] checkout-api-Latency-anomaly in us-east-1", "Resolved: the metric is back within the alarm's limits."},
		{"anomaly-band-insufficient-data.json", "low", "DATA MISSING [low] checkout-api-Latency-anomaly in us-east-1", "Data missing: the alarm could not evaluate"},
		{"single-metric-alarm.json", "high", "ALARM [high] checkout-api-5XXError-static in eu-west-1", "Alarm rule: m1 GreaterThanThreshold 5.00, 1 evaluation periods"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			c, err := decodeFile(t, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			inc := Compose(c, Fetched{Window: WindowFor(c.Target, c.ChangedAt, c.ChangedAt)}, nil, Links{})
			if inc.Severity != tc.severity || inc.Subject != tc.subject || !strings.Contains(inc.Body, tc.says) {
				t.Errorf("severity %q subject %q; want %q %q and a body saying %q:\n%s", inc.Severity, inc.Subject, tc.severity, tc.subject, tc.says, inc.Body)
			}
		})
	}
}

func TestComposeWithoutDataSaysInsufficientDataAndNeverNaN(t *testing.T) {
	c, err := decodeFile(t, "anomaly-band-alarm.json")
	if err != nil {
		t.Fatal(err)
	}
	w := WindowFor(c.Target, c.ChangedAt, c.ChangedAt)
	tests := []struct {
		name    string
		fetched Fetched
		err     error
		want    []string
	}{
		{"empty data", Fetched{Window: w, BandNote: "CloudWatch returned no band values for ANOMALY_DETECTION_BAND(m1, 2)"}, nil, []string{
			"0 of 15 datapoints present",
			"Current: insufficient data (no datapoints in the window)",
			"Baseline: insufficient data (no earlier datapoints in the window)",
			"Change: insufficient data: no datapoints in the window",
			"Anomaly band: not available (CloudWatch returned no band values for ANOMALY_DETECTION_BAND(m1, 2))",
		}},
		{"three datapoints", Fetched{Window: w, Points: minutes(w.End, 1, 2, 3)}, nil, []string{
			"3 of 15 datapoints present",
			"Current: 2.00 (mean of the last 3 datapoints)",
			"Baseline: insufficient data",
			"Change: insufficient data: no datapoints before the recent ones to form a baseline",
			"Anomaly band: not available (no band value at any datapoint present)",
		}},
		{"metric read failed", Fetched{Window: w}, errors.New("GetMetricData: throttled"), []string{
			"Figures: not available, reading the metric failed: GetMetricData: throttled",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inc := Compose(c, tc.fetched, tc.err, Links{})
			for _, want := range tc.want {
				if !strings.Contains(inc.Body, want) {
					t.Errorf("body lacks %q:\n%s", want, inc.Body)
				}
			}
			for _, bad := range []string{"NaN", "Inf"} {
				if strings.Contains(inc.Body, bad) {
					t.Errorf("body holds %s:\n%s", bad, inc.Body)
				}
			}
		})
	}
}

func TestComposeFallsBackToConfiguredLinks(t *testing.T) {
	tests := []struct {
		file, base, runbook, dashboard string
	}{
		{"anomaly-band-decimal-k-null-description.json", "https://wiki.example.com/runbooks/",
			"Runbook: https://wiki.example.com/runbooks/ContainerInsights-pod_cpu_utilization",
			"Dashboard: https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#alarmsV2:alarm/ContainerInsights-pod_cpu_utilization"},
		{"anomaly-band-decimal-k-null-description.json", "",
			`Runbook: none configured (add a "Runbook: <url>" line to the alarm description or set RUNBOOK_BASE_URL)`,
			"Dashboard: https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#alarmsV2:alarm/ContainerInsights-pod_cpu_utilization"},
		{"single-metric-alarm.json", "https://wiki.example.com/runbooks",
			"Runbook: https://runbooks.example.com/checkout-api/5xx",
			"Dashboard: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/checkout-api-5XXError-static"},
	}
	for _, tc := range tests {
		t.Run(tc.file+" base="+tc.base, func(t *testing.T) {
			c, err := decodeFile(t, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			inc := Compose(c, Fetched{}, nil, Links{RunbookBaseURL: tc.base})
			if !strings.Contains(inc.Body, tc.runbook+"\n") || !strings.Contains(inc.Body, tc.dashboard+"\n") {
				t.Errorf("body lacks %q or %q:\n%s", tc.runbook, tc.dashboard, inc.Body)
			}
		})
	}
}

func TestComposeFindsTheService(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		{"anomaly-band-alarm.json", "checkout-api"},                 // "Service:" line
		{"single-metric-alarm.json", "checkout-api"},                // ApiName dimension
		{"metric-math-expression-alarm.json", "payments"},           // Service dimension of the inputs
		{"anomaly-band-decimal-k-null-description.json", "unknown"}, // nothing names one
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			c, err := decodeFile(t, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if got := Compose(c, Fetched{}, nil, Links{}).Service; got != tc.want {
				t.Errorf("service %q, want %q", got, tc.want)
			}
		})
	}
}

func TestConsoleAlarmURLEscapesNamesAndFollowsThePartition(t *testing.T) {
	tests := []struct {
		partition, region, name, want string
	}{
		{"aws", "us-east-1", "RDS Prod - CPU Util", "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/RDS%20Prod%20-%20CPU%20Util"},
		{"aws-cn", "cn-north-1", "a", "https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#alarmsV2:alarm/a"},
		{"aws-us-gov", "us-gov-west-1", "a/b", "https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#alarmsV2:alarm/a%2Fb"},
	}
	for _, tc := range tests {
		if got := ConsoleAlarmURL(tc.partition, tc.region, tc.name); got != tc.want {
			t.Errorf("ConsoleAlarmURL(%q, %q, %q) = %q, want %q", tc.partition, tc.region, tc.name, got, tc.want)
		}
	}
}

func TestComposeCompositeAlarmNamesItsChildrenInsteadOfFigures(t *testing.T) {
	const console = "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/"
	insufficient := func(a map[string]any) {
		a["NewStateValue"], a["OldStateValue"] = "INSUFFICIENT_DATA", "OK"
		a["TriggeringChildren"] = []any{}
	}
	tests := []struct {
		name, message                      string
		subject, severity, service, region string
		says                               []string
	}{
		{
			name: "ALARM", message: editedAlarm(t, "composite-alarm.json", func(map[string]any) {}),
			subject: "ALARM [high] o11yscale-checkout-api-health in us-east-1", severity: "high", service: "checkout-api", region: "us-east-1",
			says: []string{
				"ALARM: o11yscale-checkout-api-health\n",
				"State: OK -> ALARM at 2026-03-14T09:26:54Z\n",
				"Reason: arn:aws:cloudwatch:us-east-1:123456789012:alarm:o11yscale-checkout-api-latency-anomaly transitioned to ALARM",
				`Composite alarm rule: ALARM("o11yscale-checkout-api-latency-anomaly") OR ALARM("o11yscale-checkout-api-error-rate-anomaly") OR ALARM("o11yscale-checkout-api-api-latency-anomaly") OR ALARM("o11yscale-checkout-api-error-rate-threshold")` + "\n",
				"Triggered by:\n  - o11yscale-checkout-api-latency-anomaly: ALARM at 2026-03-14T09:26:53Z\n    " + console + "o11yscale-checkout-api-latency-anomaly\n",
				"Figures: none; a composite alarm has no metric of its own.",
				"Runbook: https://runbooks.example.com/checkout-api\n",
				"Dashboard: " + console + "o11yscale-checkout-api-health\n",
				"Alarm ARN: arn:aws:cloudwatch:us-east-1:123456789012:alarm:o11yscale-checkout-api-health\n",
			},
		},
		{
			name: "OK after ALARM is resolved", message: editedAlarm(t, "composite-ok.json", func(map[string]any) {}),
			subject: "RESOLVED [info] o11yscale-checkout-api-health in us-east-1", severity: "info", service: "checkout-api", region: "us-east-1",
			says: []string{
				"Resolved: the composite alarm's rule no longer holds.\n",
				"  - o11yscale-checkout-api-latency-anomaly: OK at 2026-03-14T09:58:20Z\n",
			},
		},
		{
			name: "INSUFFICIENT_DATA is a low-severity notice", message: editedAlarm(t, "composite-alarm.json", insufficient),
			subject: "DATA MISSING [low] o11yscale-checkout-api-health in us-east-1", severity: "low", service: "checkout-api", region: "us-east-1",
			says: []string{
				"Data missing: the composite alarm could not evaluate its rule",
				"Triggered by: not named by CloudWatch (the state may have been set by hand); the alarms in the rule are:\n",
				"  - o11yscale-checkout-api-error-rate-threshold: ALARM (the state the rule tests)\n",
			},
		},
		{
			name: "set by hand without a description: defaults for links, service unknown", message: editedAlarm(t, "composite-set-by-hand.json", func(map[string]any) {}),
			subject: "ALARM [high] o11yscale-payments-health in eu-west-1", severity: "high", service: "unknown", region: "eu-west-1",
			says: []string{
				"Reason: forced test reason\n",
				"  - o11yscale-payments-latency-anomaly: ALARM (the state the rule tests)\n    https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/o11yscale-payments-latency-anomaly\n",
				"Runbook: https://wiki.example.com/runbooks/o11yscale-payments-health\n",
				"Dashboard: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/o11yscale-payments-health\n",
			},
		},
		{
			name: "a rule with no alarm the enricher can read says so", message: editedAlarm(t, "composite-set-by-hand.json", func(a map[string]any) { a["AlarmRule"] = "TRUE" }),
			subject: "ALARM [high] o11yscale-payments-health in eu-west-1", severity: "high", service: "unknown", region: "eu-west-1",
			says: []string{"Composite alarm rule: TRUE\n", "  - none the enricher can read from the rule\n"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseAlarm(tc.message)
			if err != nil {
				t.Fatal(err)
			}
			inc := Compose(c, Fetched{}, nil, Links{RunbookBaseURL: "https://wiki.example.com/runbooks"})
			if inc.Subject != tc.subject || inc.Severity != tc.severity || inc.Service != tc.service || inc.Region != tc.region {
				t.Errorf("subject %q severity %q service %q region %q; want %q %q %q %q",
					inc.Subject, inc.Severity, inc.Service, inc.Region, tc.subject, tc.severity, tc.service, tc.region)
			}
			for _, want := range tc.says {
				if !strings.Contains(inc.Body, want) {
					t.Errorf("body lacks %q:\n%s", want, inc.Body)
				}
			}
			for _, metricOnly := range []string{"Metric:", "Window:", "Current:", "Anomaly band"} {
				if strings.Contains(inc.Body, metricOnly) {
					t.Errorf("composite body holds the metric alarm's %q:\n%s", metricOnly, inc.Body)
				}
			}
		})
	}
}
