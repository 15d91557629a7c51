package enrich

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
)

// MaxBodyBytes bounds the message body well below SNS's 256 KiB limit;
// every part of the body is length-limited, this is what they add up to.
const MaxBodyBytes = 64 << 10

// MaxSubjectLength is the longest subject published. SNS requires
// subjects "less than 100 characters long".
const MaxSubjectLength = 99

// Severities published in the severity message attribute.
const (
	SeverityCritical = contract.SeverityCritical
	SeverityHigh     = contract.SeverityHigh
	SeverityMedium   = contract.SeverityMedium
	SeverityLow      = contract.SeverityLow
	SeverityInfo     = contract.SeverityInfo
)

var severities = map[string]bool{SeverityCritical: true, SeverityHigh: true, SeverityMedium: true, SeverityLow: true, SeverityInfo: true}

// Incident is the enriched message published to the incidents topic.
type Incident struct {
	Subject  string
	Body     string
	Severity string
	Service  string
	Region   string
}

// Links configures the defaults for links the alarm description lacks.
type Links struct {
	// RunbookBaseURL, when set, gives <base>/<alarm name> as the runbook.
	RunbookBaseURL string
}

// descriptionField matches "Key: value" in the alarm description, e.g.
// "Runbook: https://wiki/runbooks/api-latency" on its own line.
// The keys are contract.Description*, matched ignoring case.
var descriptionField = regexp.MustCompile(`(?im)^[ \t]*(` + strings.ToLower(strings.Join([]string{
	contract.DescriptionRunbook, contract.DescriptionDashboard, contract.DescriptionSeverity, contract.DescriptionService,
}, "|")) + `)[ \t]*:[ \t]*(\S+)`)

// descriptionKey is the key of a contract.Description* line in the map
// descriptionFields returns.
func descriptionKey(line string) string { return strings.ToLower(line) }

// Bounds on what the description contributes. CloudWatch allows 1024
// characters of description.
const (
	maxDescriptionBytes = 4096
	maxFieldBytes       = 2048
)

// descriptionFields reads the Runbook, Dashboard, Severity and Service
// lines of an alarm description; the first of each wins, and overlong
// values are ignored.
func descriptionFields(desc string) map[string]string {
	fields := map[string]string{}
	for _, m := range descriptionField.FindAllStringSubmatch(prefix(desc, maxDescriptionBytes), -1) {
		k := descriptionKey(m[1])
		if _, seen := fields[k]; !seen && len(m[2]) <= maxFieldBytes {
			fields[k] = m[2]
		}
	}
	return fields
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// ConsoleAlarmURL is the CloudWatch console deep link to an alarm
// (contract.ConsoleAlarmURL, which the alarm constructs also write into
// descriptions). Regions reach it from alarm ARNs, which ParseAlarm has
// checked to hold only a-z, 0-9 and '-', so they need no escaping.
func ConsoleAlarmURL(partition, region, alarmName string) string {
	return contract.ConsoleAlarmURL(partition, region, alarmName)
}

// serviceDimensions are the dimension names that name a service, in the
// order they are preferred.
var serviceDimensions = []string{"Service", "ServiceName", "service", "ApiName", "FunctionName"}

// Compose builds the incident for a state change from the fetched data.
// fetchErr, when set, is reported in the message instead of figures: an
// incident without figures is better than no incident. A composite
// alarm's incident lists its rule and children instead of figures, and f
// and fetchErr are ignored.
func Compose(c StateChange, f Fetched, fetchErr error, links Links) Incident {
	a := c.Alarm
	fields := descriptionFields(a.AlarmDescription)
	inc := Incident{Region: c.RegionCode}

	switch a.NewStateValue {
	case StateOK:
		inc.Severity = SeverityInfo
	case StateInsufficientData:
		inc.Severity = SeverityLow
	default:
		inc.Severity = SeverityHigh
		if s := strings.ToLower(fields[descriptionKey(contract.DescriptionSeverity)]); severities[s] {
			inc.Severity = s
		}
	}
	inc.Service = attributeValue(fields[descriptionKey(contract.DescriptionService)])
	for _, name := range serviceDimensions {
		if inc.Service != "" {
			break
		}
		for _, d := range c.Target.Dimensions {
			if d.Name == name {
				inc.Service = attributeValue(d.Value)
				break
			}
		}
	}
	if inc.Service == "" {
		inc.Service = "unknown"
	}

	runbook := fields[descriptionKey(contract.DescriptionRunbook)]
	if !httpURL(runbook) {
		runbook = ""
		if links.RunbookBaseURL != "" {
			runbook = contract.RunbookURL(links.RunbookBaseURL, a.AlarmName)
		}
	}
	dashboard := fields[descriptionKey(contract.DescriptionDashboard)]
	if !httpURL(dashboard) {
		dashboard = ConsoleAlarmURL(c.Partition, c.RegionCode, a.AlarmName)
	}

	headline := headlineFor(a)
	inc.Subject = Subject(fmt.Sprintf("%s [%s] %s in %s", headline, inc.Severity, a.AlarmName, c.RegionCode))

	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", headline, oneLine(a.AlarmName, maxNameLength))
	fmt.Fprintf(&b, "Severity: %s | Service: %s | Region: %s | Account: %s\n", inc.Severity, inc.Service, c.RegionCode, field(a.AWSAccountID))
	fmt.Fprintf(&b, "State: %s -> %s at %s\n", field(a.OldStateValue), a.NewStateValue, c.ChangedAt.Format(time.RFC3339))
	fmt.Fprintf(&b, "Reason: %s\n", oneLine(a.NewStateReason, 1000))
	composite := c.Composite != nil
	switch {
	case a.NewStateValue == StateInsufficientData && composite:
		b.WriteString("Data missing: the composite alarm could not evaluate its rule, usually because an alarm it names is missing or has no state yet. Check the child alarms below; this notice is low severity and not an anomaly.\n")
	case a.NewStateValue == StateInsufficientData:
		b.WriteString("Data missing: the alarm could not evaluate because datapoints did not arrive. Check that the metric's producer is running and publishing; this notice is low severity and not an anomaly.\n")
	case a.NewStateValue == StateOK && a.OldStateValue == StateAlarm && composite:
		b.WriteString("Resolved: the composite alarm's rule no longer holds.\n")
	case a.NewStateValue == StateOK && a.OldStateValue == StateAlarm:
		b.WriteString("Resolved: the metric is back within the alarm's limits.\n")
	}
	b.WriteString("\n")

	if composite {
		burn := c.BurnRate.usable()
		if burn {
			writeBurnRate(&b, c.BurnRate, f.Burn, fetchErr)
			b.WriteString("\n")
		} else if c.BurnRate != nil {
			fmt.Fprintf(&b, "SLO figures: not read, %s\n\n", oneLine(c.BurnRate.Note, 300))
		}
		writeComposite(&b, c.Composite, !burn)
	} else {
		writeMetric(&b, c, f, fetchErr)
	}

	b.WriteString("\n")
	if runbook != "" {
		fmt.Fprintf(&b, "Runbook: %s\n", runbook)
	} else {
		b.WriteString("Runbook: none configured (add a \"Runbook: <url>\" line to the alarm description or set RUNBOOK_BASE_URL)\n")
	}
	fmt.Fprintf(&b, "Dashboard: %s\n", dashboard)
	fmt.Fprintf(&b, "Alarm ARN: %s\n", oneLine(a.AlarmARN, maxARNLength))
	inc.Body = b.String()
	return inc
}

// writeMetric writes what a metric alarm evaluates and the figures read.
func writeMetric(b *strings.Builder, c StateChange, f Fetched, fetchErr error) {
	t, tr := c.Target, c.Alarm.Trigger
	fmt.Fprintf(b, "Metric: %s, period %d s\n", oneLine(t.Describe, 500), t.Period)
	if t.Anomaly {
		fmt.Fprintf(b, "Alarm rule: %s outside %s (%s), %d evaluation periods\n", t.SeriesID, t.BandExpression(), field(tr.ComparisonOperator), tr.EvaluationPeriods)
	} else if tr.Threshold != nil {
		fmt.Fprintf(b, "Alarm rule: %s %s %s, %d evaluation periods\n", t.SeriesID, field(tr.ComparisonOperator), number(*tr.Threshold), tr.EvaluationPeriods)
	}
	if fetchErr != nil {
		fmt.Fprintf(b, "Figures: not available, reading the metric failed: %s\n", oneLine(fetchErr.Error(), 500))
	} else {
		writeFigures(b, t, f)
	}
}

func headlineFor(a Alarm) string {
	switch {
	case a.NewStateValue == StateInsufficientData:
		return "DATA MISSING"
	case a.NewStateValue == StateOK && a.OldStateValue == StateAlarm:
		return "RESOLVED"
	case a.NewStateValue == StateOK:
		return "OK"
	default:
		return "ALARM"
	}
}

func writeFigures(b *strings.Builder, t Target, f Fetched) {
	s := Summarize(f.Points, f.Band, f.Window.Periods)
	fmt.Fprintf(b, "Window: %s to %s, %d of %d datapoints present\n",
		f.Window.Start.UTC().Format(time.RFC3339), f.Window.End.UTC().Format(time.RFC3339), s.Present, s.Expected)
	if s.CurrentN == 0 {
		b.WriteString("Current: insufficient data (no datapoints in the window)\n")
	} else {
		fmt.Fprintf(b, "Current: %s (mean of the last %d datapoints)\n", number(s.Current), s.CurrentN)
	}
	if s.BaselineN == 0 {
		b.WriteString("Baseline: insufficient data (no earlier datapoints in the window)\n")
	} else {
		fmt.Fprintf(b, "Baseline: %s (mean of %d earlier datapoints)\n", number(s.Baseline), s.BaselineN)
	}
	if s.ChangeKnown {
		fmt.Fprintf(b, "Change: %s%%\n", signedPercent(s.ChangePercent))
	} else {
		fmt.Fprintf(b, "Change: %s\n", s.ChangeNote)
	}

	label := "Anomaly band"
	if !t.Anomaly {
		label = "Anomaly band (context; this alarm is not a band alarm)"
	}
	switch s.Position {
	case BandUnknown:
		note := f.BandNote
		if note == "" {
			note = "no band value at any datapoint present"
		}
		fmt.Fprintf(b, "%s: not available (%s)\n", label, oneLine(note, 400))
	default:
		verdict := map[Position]string{
			BandAbove:  "ABOVE the upper bound " + number(s.Band.Upper),
			BandBelow:  "BELOW the lower bound " + number(s.Band.Lower),
			BandWithin: "within the band",
		}[s.Position]
		fmt.Fprintf(b, "%s at %s: %s is %s (band %s to %s); %d of the last %d datapoints with a band were outside it\n",
			label, s.BandAt.Time.UTC().Format(time.RFC3339), number(s.BandAt.Value), verdict,
			number(s.Band.Lower), number(s.Band.Upper), s.OutsideRecent, s.RecentWithBand)
	}
	if len(s.Recent) > 0 {
		b.WriteString("Recent datapoints (UTC):\n")
		for _, p := range s.Recent {
			fmt.Fprintf(b, "  %s  %s\n", p.Time.UTC().Format("2006-01-02 15:04:05"), number(p.Value))
		}
	}
}

// number formats a finite value readably: two decimals in the usual range,
// scientific notation for very large or very small magnitudes.
func number(v float64) string {
	a := math.Abs(v)
	if a != 0 && (a >= 1e9 || a < 0.01) {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func signedPercent(p float64) string {
	s := strconv.FormatFloat(p, 'f', 1, 64)
	if math.Abs(p) >= 1e9 {
		s = strconv.FormatFloat(p, 'g', 4, 64)
	}
	if p >= 0 {
		s = "+" + s
	}
	return s
}

// Subject makes s a valid SNS subject: printable ASCII only (other runes
// become '?', line breaks and control characters a space), runs of spaces
// collapsed, at most MaxSubjectLength characters with "..." marking a cut.
func Subject(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r < ' ' || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			space = b.Len() > 0
			continue
		case r > '~':
			r = '?'
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if out == "" {
		return "Alarm notification"
	}
	if len(out) > MaxSubjectLength {
		// Every byte is ASCII here, so a byte cut is a rune cut.
		out = strings.TrimRight(out[:MaxSubjectLength-3], " ") + "..."
	}
	return out
}

// attributeValue bounds a message attribute value: one line, at most 256
// bytes, cut on a rune boundary.
func attributeValue(s string) string {
	return oneLine(s, 256)
}

// oneLine replaces control characters with spaces and bounds the length.
func oneLine(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	return strings.TrimSpace(prefix(s, n))
}

// field renders a short free-form notification field on one line, "-"
// when empty.
func field(s string) string {
	if s = oneLine(s, 100); s == "" {
		return "-"
	}
	return s
}
