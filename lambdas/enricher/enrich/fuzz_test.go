package enrich

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func testdataPayloads(f *testing.F) [][]byte {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no testdata payloads: %v", err)
	}
	var out [][]byte
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzParseEvent feeds whole SNS events (seeded from testdata) through
// both decoding steps and the message composition.
func FuzzParseEvent(f *testing.F) {
	for _, p := range testdataPayloads(f) {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		ev, err := ParseEvent(payload)
		if err != nil {
			if !IsMalformed(err) {
				t.Fatalf("envelope error is not a MalformedError: %v", err)
			}
			return
		}
		for _, rec := range ev.Records {
			checkAlarm(t, rec.SNS.Message)
		}
	})
}

// FuzzParseAlarm feeds the alarm JSON carried in Sns.Message (seeded from
// the messages inside the testdata events).
func FuzzParseAlarm(f *testing.F) {
	for _, p := range testdataPayloads(f) {
		if ev, err := ParseEvent(p); err == nil {
			for _, rec := range ev.Records {
				f.Add(rec.SNS.Message)
			}
		}
	}
	f.Fuzz(checkAlarm)
}

// checkAlarm asserts the decoder's contract: it either returns a
// MalformedError or a state change whose request and incident are valid.
func checkAlarm(t *testing.T, message string) {
	c, err := ParseAlarm(message)
	if err != nil {
		if !IsMalformed(err) {
			t.Fatalf("error is not a MalformedError: %v", err)
		}
		if len(err.Error()) > 4096 {
			t.Fatalf("error message is %d bytes; hostile input must not blow up logs", len(err.Error()))
		}
		return
	}
	if c.Key != c.Alarm.AlarmARN+"|"+c.Alarm.StateChangeTime || c.RegionCode == "" {
		t.Fatalf("key %q region %q", c.Key, c.RegionCode)
	}
	if c.Composite != nil {
		checkComposite(t, c, message)
		return
	}
	tg := c.Target
	series, k, ok, err := parseBand(tg.BandExpression())
	if !ok || err != nil || series != tg.SeriesID || k != tg.BandWidth {
		t.Fatalf("band expression %q does not parse back to (%s, %v): %v", tg.BandExpression(), tg.SeriesID, tg.BandWidth, err)
	}
	w := WindowFor(tg, c.ChangedAt, time.Now())
	in := tg.Input(w, true)
	if n := len(in.MetricDataQueries); n > 500 {
		t.Fatalf("%d queries, more than GetMetricData's 500", n)
	}
	returning, ids := 0, map[string]bool{}
	for _, q := range in.MetricDataQueries {
		if ids[*q.Id] {
			t.Fatalf("query id %q twice", *q.Id)
		}
		ids[*q.Id] = true
		if *q.ReturnData {
			returning++
		}
	}
	if returning != 2 || !w.Start.Before(w.End) {
		t.Fatalf("%d queries return data (want series and band), window %s..%s", returning, w.Start, w.End)
	}
	pts := minutes(w.End, 1, 2, 3, 4, 5, 6, 7)
	for _, f := range []Fetched{{Window: w}, {Window: w, Points: pts}} {
		checkIncident(t, Compose(c, f, nil, Links{RunbookBaseURL: "https://wiki.example.com"}), message)
	}
}

// checkComposite asserts a composite alarm decodes to no metric and a
// bounded list of children, and composes a valid incident.
func checkComposite(t *testing.T, c StateChange, message string) {
	if c.Target.SeriesID != "" || len(c.Target.Queries) != 0 || c.Alarm.Trigger.hasMetric() {
		t.Fatalf("composite alarm has a metric target %+v", c.Target)
	}
	comp := c.Composite
	if strings.TrimSpace(comp.Rule) == "" || len(comp.Rule) > maxRuleLength || len(comp.Children) > maxChildrenListed ||
		(comp.More > 0 && len(comp.Children) != maxChildrenListed) {
		t.Fatalf("composite rule of %d bytes, %d children listed and %d more", len(comp.Rule), len(comp.Children), comp.More)
	}
	f := Fetched{}
	if br := c.BurnRate; br.usable() {
		in := br.BurnInput(WindowFor(Target{Period: burnPeriod}, c.ChangedAt, time.Now()))
		if len(in.MetricDataQueries) != 3 || br.Long < 1 || br.Short < 1 || br.Long > maxLookBackMinutes || br.Short > maxLookBackMinutes {
			t.Fatalf("burn-rate read %+v for %+v", in.MetricDataQueries, br)
		}
		f.Burn = BurnFigures{Long: math.NaN(), Short: math.NaN(), Attainment: math.NaN()}
	}
	inc := Compose(c, f, nil, Links{RunbookBaseURL: "https://wiki.example.com"})
	checkIncident(t, inc, message)
	if strings.Contains(inc.Body, "NaN") && !strings.Contains(message, "NaN") {
		t.Fatalf("body shows NaN:\n%s", inc.Body)
	}
	for _, ch := range comp.Children {
		if !strings.Contains(inc.Body, "  - "+ch.Name+": ") {
			t.Fatalf("body does not name child %q:\n%s", ch.Name, inc.Body)
		}
	}
}

// checkIncident asserts what SNS and the reader need of any incident.
func checkIncident(t *testing.T, inc Incident, message string) {
	if len(inc.Subject) > MaxSubjectLength || strings.ContainsFunc(inc.Subject, func(r rune) bool { return r < ' ' || r > '~' }) {
		t.Fatalf("subject %q is not printable ASCII of at most %d characters", inc.Subject, MaxSubjectLength)
	}
	for _, v := range []string{inc.Severity, inc.Service, inc.Region} {
		if v == "" || !utf8.ValidString(v) || strings.ContainsAny(v, "\r\n") {
			t.Fatalf("message attribute %q is empty, not UTF-8 or multi-line", v)
		}
	}
	if !utf8.ValidString(inc.Body) || len(inc.Body) > MaxBodyBytes {
		t.Fatalf("body is not UTF-8 or is %d bytes, more than %d", len(inc.Body), MaxBodyBytes)
	}
	if strings.Contains(inc.Body, "NaN") && !strings.Contains(message, "NaN") {
		t.Fatalf("body holds NaN:\n%s", inc.Body)
	}
}
