package enrich

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Composite alarm limits.
const (
	// maxRuleLength is PutCompositeAlarm's limit on AlarmRule.
	maxRuleLength = 10240
	// maxChildrenListed bounds the children an incident lists; a rule
	// names at most 100 alarms, and the rest are counted, not listed, so
	// the body stays within MaxBodyBytes.
	maxChildrenListed = 20
)

// Composite is what a composite alarm's notification says instead of a
// metric: its rule and the child alarms behind the state change.
type Composite struct {
	// Rule is the AlarmRule.
	Rule string
	// Children are the child alarms from TriggeringChildren or, when
	// CloudWatch named none (FromRule), the alarms the rule names. At
	// most maxChildrenListed are kept; More counts the others.
	Children []Child
	FromRule bool
	More     int
}

// Child is a child alarm of a composite alarm.
type Child struct {
	// Name is the alarm name, taken from the ARN when there is one.
	Name string
	// State is the child's state when the composite changed or, for a
	// child read from the rule, the state the rule tests (ALARM in
	// ALARM("a")).
	State string
	// At is when the child changed state; zero when not known.
	At time.Time
	// URL is the console deep link to the child; empty when its ARN is
	// not a CloudWatch alarm ARN.
	URL string
}

// hasMetric reports whether the trigger names a metric at all, which
// makes the notification a metric alarm's.
func (t Trigger) hasMetric() bool {
	return len(t.Metrics) > 0 || t.MetricName != "" || t.Namespace != ""
}

// ruleFunction matches ALARM(name), OK("name") or
// INSUFFICIENT_DATA("arn:...") in an AlarmRule; names may be quoted (with
// backslash escapes) or bare.
var ruleFunction = regexp.MustCompile(`\b(ALARM|OK|INSUFFICIENT_DATA)\s*\(\s*(?:"((?:[^"\\]|\\.)*)"|([^\s()"]+))\s*\)`)

// parseComposite reads a composite alarm's rule and children. Children are
// secondary information: one CloudWatch sends oddly is shown as given,
// never a reason to drop the incident.
func parseComposite(a Alarm, partition string) (*Composite, error) {
	if len(a.AlarmRule) > maxRuleLength {
		return nil, malformed("AlarmRule is %d characters, more than the %d CloudWatch allows", len(a.AlarmRule), maxRuleLength)
	}
	comp := &Composite{Rule: a.AlarmRule}
	region := regionOf(a.AlarmARN)
	add := func(ch Child) {
		if len(comp.Children) == maxChildrenListed {
			comp.More++
			return
		}
		comp.Children = append(comp.Children, ch)
	}
	for _, tc := range a.TriggeringChildren {
		if strings.TrimSpace(tc.ARN) == "" {
			continue
		}
		ch := child(tc.ARN, partition, region)
		ch.State = oneLine(tc.State.Value, 40)
		if t, err := parseStateChangeTime(tc.State.Timestamp); err == nil {
			ch.At = t
		}
		add(ch)
	}
	if comp.Children != nil {
		return comp, nil
	}
	comp.FromRule = true
	seen := map[string]bool{}
	for _, m := range ruleFunction.FindAllStringSubmatch(a.AlarmRule, -1) {
		ref := m[3]
		if m[3] == "" {
			ref = unescapeRuleName(m[2])
		}
		if seen[m[1]+"\x00"+ref] || strings.TrimSpace(ref) == "" {
			continue
		}
		seen[m[1]+"\x00"+ref] = true
		ch := child(ref, partition, region)
		ch.State = m[1]
		add(ch)
	}
	return comp, nil
}

// child names a child alarm given by ARN or by name (a rule may use
// either) and links to it in the console.
func child(ref, partition, region string) Child {
	if strings.HasPrefix(ref, "arn:") {
		p, r, err := parseAlarmARN(ref)
		if err != nil {
			return Child{Name: oneLine(ref, maxARNLength)}
		}
		name := strings.SplitN(ref, ":", 7)[6]
		return Child{Name: oneLine(name, maxNameLength), URL: ConsoleAlarmURL(p, r, name)}
	}
	if len(ref) > maxNameLength {
		return Child{Name: oneLine(ref, maxNameLength)}
	}
	return Child{Name: oneLine(ref, maxNameLength), URL: ConsoleAlarmURL(partition, region, ref)}
}

func unescapeRuleName(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// regionOf returns the region of an alarm ARN ParseAlarm has checked.
func regionOf(arn string) string {
	return strings.SplitN(arn, ":", 7)[3]
}

// writeComposite writes the part of a composite alarm's incident that a
// metric alarm's figures take: the rule and the children to look at;
// noFigures adds that a composite has no figures (a burn-rate composite
// has its SLO's, written before).
func writeComposite(b *strings.Builder, comp *Composite, noFigures bool) {
	fmt.Fprintf(b, "Composite alarm rule: %s\n", oneLine(comp.Rule, 2000))
	if comp.FromRule {
		b.WriteString("Triggered by: not named by CloudWatch (the state may have been set by hand); the alarms in the rule are:\n")
	} else {
		b.WriteString("Triggered by:\n")
	}
	for _, ch := range comp.Children {
		fmt.Fprintf(b, "  - %s: %s", ch.Name, field(ch.State))
		if comp.FromRule {
			b.WriteString(" (the state the rule tests)")
		} else if !ch.At.IsZero() {
			fmt.Fprintf(b, " at %s", ch.At.Format(time.RFC3339))
		}
		b.WriteString("\n")
		if ch.URL != "" {
			fmt.Fprintf(b, "    %s\n", ch.URL)
		}
	}
	if comp.More > 0 {
		fmt.Fprintf(b, "  - and %d more\n", comp.More)
	}
	if len(comp.Children) == 0 {
		b.WriteString("  - none the enricher can read from the rule\n")
	}
	if noFigures {
		b.WriteString("Figures: none; a composite alarm has no metric of its own. Each child alarm's page shows its metric.\n")
	}
}
