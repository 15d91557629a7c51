package platform

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
)

var twelveDigits = regexp.MustCompile(`^[0-9]{12}$`)

// CheckAlarmAccounts checks that alarms stay in their account: every
// CloudWatch alarm, composite alarm and anomaly detector of a stack with
// a concrete account (nested stacks included) notifies only ARNs of that
// account (alarm, OK and insufficient-data actions) and reads only that
// account's metrics (accountId of its metric queries). Incidents reach
// the monitoring account through the enricher and the central topic
// (Props.Alarms.Central), never through an alarm action on another
// account's topic, and an alarm on a workload account's metrics belongs
// in that account's stacks. Synth runs it before writing anything; every
// breach is listed, naming the account, region, alarm and the foreign ARN
// or account. Values set through property overrides are not seen.
func (p *Platform) CheckAlarmAccounts() error {
	if p == nil {
		return nil
	}
	var errs []error
	for _, ta := range p.treeAlarmResources() {
		account, region, c := ta.account, ta.region, ta.c
		if account == "" {
			continue // account-agnostic: every ARN is this stack's own
		}
		res := c.(awscdk.CfnResource)
		// Resolving all properties is the expensive part (metric-math
		// queries are large), so only values holding a token are resolved:
		// an L2 alarm's actions are a lazy list.
		var props map[string]any
		if raw := res.UpdatedProperties(); raw != nil {
			props = *raw
		}
		resolve := func(v any) any {
			if !hasToken(v) {
				return v
			}
			return awscdk.Stack_Of(res).Resolve(v)
		}
		where := func() string { // only on a breach: it costs jsii calls
			return fmt.Sprintf("%s %s in account %s, region %s (stack %s)", ta.kind, alarmName(res, props), account, region, *ta.stack.StackName())
		}
		for _, key := range []string{"alarmActions", "okActions", "insufficientDataActions"} {
			for _, action := range asList(resolve(field(props, key))) {
				arn := render(action, account)
				if other := arnAccount(arn); other != "" && other != account {
					errs = append(errs, fmt.Errorf("%s: %s %s is in account %s; alarms stay in their account: notify this account's alerts topic, whose enricher publishes to the central incidents topic (alarms.alerting.central)", where(), key, arn, other))
				}
			}
		}
		for _, q := range metricQueries(props) {
			if other, _ := resolve(field(q.value, "accountId")).(string); twelveDigits.MatchString(other) && other != account {
				errs = append(errs, fmt.Errorf("%s: %s.accountId %s reads another account's metrics; an alarm on account %s's metrics belongs in that account's stacks", where(), q.path, other, other))
			}
		}
	}
	return errors.Join(errs...)
}

// alarmName is the resource's alarm name when it is literal, else its
// construct path.
func alarmName(res awscdk.CfnResource, props map[string]any) string {
	if n, ok := field(props, "alarmName").(string); ok && n != "" {
		return n
	}
	return *res.Node().Path()
}

type query struct {
	path  string
	value any
}

// metricQueries are the metric queries of an alarm (metrics[i]) or of an
// anomaly detector (its metric-math queries, or the single metric).
func metricQueries(props map[string]any) []query {
	var out []query
	for i, m := range asList(field(props, "metrics")) {
		out = append(out, query{fmt.Sprintf("metrics[%d]", i), m})
	}
	for i, m := range asList(field(field(props, "metricMathAnomalyDetector"), "metricDataQueries")) {
		out = append(out, query{fmt.Sprintf("metricMathAnomalyDetector.metricDataQueries[%d]", i), m})
	}
	if s := field(props, "singleMetricAnomalyDetector"); s != nil {
		out = append(out, query{"singleMetricAnomalyDetector", s})
	}
	return out
}

// field reads a key of a resolved property map in either spelling
// (camelCase before rendering, PascalCase after).
func field(v any, key string) any {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	if x, ok := m[key]; ok {
		return x
	}
	return m[strings.ToUpper(key[:1])+key[1:]]
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// render writes a resolved value as a string: the stack's own AccountId
// pseudo parameter becomes account, any other reference (a resource or
// parameter of the same template, an import, another pseudo parameter)
// "<ref>", which is never another account's literal id.
func render(v any, account string) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if ref, ok := x["Ref"]; ok && ref == "AWS::AccountId" {
			return account
		}
		if j, ok := x["Fn::Join"].([]any); ok && len(j) == 2 {
			sep, _ := j[0].(string)
			var parts []string
			for _, part := range asList(j[1]) {
				parts = append(parts, render(part, account))
			}
			return strings.Join(parts, sep)
		}
	}
	return "<ref>"
}

// arnAccount is the literal account field of an ARN, or "" when it has
// none (a reference, or no account, as in arn:aws:automate actions).
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || !twelveDigits.MatchString(parts[4]) {
		return ""
	}
	return parts[4]
}

// hasToken reports whether a property value holds an unresolved token
// anywhere (a string such as "${Token[TOKEN.5]}" or "#{Token[...]}", or a
// value jsii could not turn into plain data).
func hasToken(v any) bool {
	switch x := v.(type) {
	case nil, bool, float64:
		return false
	case string:
		return strings.Contains(x, "{Token[")
	case []any:
		for _, e := range x {
			if hasToken(e) {
				return true
			}
		}
		return false
	case map[string]any:
		for _, e := range x {
			if hasToken(e) {
				return true
			}
		}
		return false
	}
	return true
}
