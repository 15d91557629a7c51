package quotas

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Resource is one CloudFormation resource of the synthesized platform, as
// [Count] needs it: its type, where it is deployed and its properties with
// tokens resolved (as the template will carry them).
type Resource struct {
	Type            string
	Account, Region string
	// Stack is the path of the (nested) stack that holds it; references
	// ({"Ref": ...}) are only unique within it.
	Stack string
	// Ref is the resolved reference to the resource ({"Ref": "LogicalId"}).
	Ref any
	// Props are the resolved properties; keys may start in either case.
	Props map[string]any
}

type key struct{ quota, account, region, subject string }

// Count turns resources into usages: one per quota and account-region (or
// narrower subject) that the resources use at all.
func Count(resources []Resource) []Usage {
	counts := map[key]int{}
	add := func(quota string, r Resource, subject string, n int) {
		counts[key{quota, r.Account, r.Region, subject}] += n
	}
	roleNames := map[string]string{} // role key -> readable name
	// Distinct anomaly detection models per account-region: a detector and
	// the band alarm on its metric share one.
	models := map[key]map[string]bool{}
	for _, r := range resources {
		if k := (key{"", r.Account, r.Region, ""}); models[k] == nil {
			models[k] = map[string]bool{}
		}
		switch r.Type {
		case "AWS::XRay::SamplingRule":
			add("xray/samplingRules", r, "", 1)
		case "AWS::XRay::Group":
			add("xray/groups", r, "", 1)
		case "AWS::Oam::Sink":
			add("oam/sinks", r, "", 1)
		case "AWS::Oam::Link":
			add("oam/links", r, "", 1)
			// The sink's own account and region, when its ARN is written out.
			sink := compact(prop(r.Props, "sinkIdentifier"))
			at := Resource{Region: r.Region}
			if f := strings.Split(sink, ":"); len(f) >= 6 && f[0] == "arn" && f[2] == "oam" {
				at = Resource{Account: f[4], Region: f[3]}
			}
			add("oam/linksPerSink", at, sink, 1)
		case "AWS::CloudWatch::MetricStream":
			add("cloudwatch/metricStreamFilters", r, subjectOf(r, "name"), streamFilters(r.Props))
		case "AWS::CloudWatch::Alarm":
			// An anomaly-band alarm uses (or trains) the model of its metric.
			if id, ok := prop(r.Props, "thresholdMetricId").(string); ok {
				models[key{"", r.Account, r.Region, ""}][bandModel(prop(r.Props, "metrics"), id)] = true
			}
		case "AWS::CloudWatch::AnomalyDetector":
			models[key{"", r.Account, r.Region, ""}][detectorModel(r.Props)] = true
		case "AWS::CloudWatch::CompositeAlarm":
			name := subjectOf(r, "alarmName")
			rule := compact(prop(r.Props, "alarmRule"))
			add("cloudwatch/compositeChildren", r, name, len(alarmCallRE.FindAllString(rule, -1)))
			for _, c := range alarmRefs(rule) {
				add("cloudwatch/compositeParents", r, c, 1)
			}
		case "AWS::ApplicationSignals::ServiceLevelObjective":
			if cfgs, ok := prop(r.Props, "burnRateConfigurations").([]any); ok {
				add("applicationsignals/burnRateConfigurations", r, subjectOf(r, "name"), len(cfgs))
			}
		case "AWS::KinesisFirehose::DeliveryStream":
			add("firehose/deliveryStreams", r, "", 1)
		case "AWS::Events::Rule":
			bus := "default"
			if b := prop(r.Props, "eventBusName"); b != nil {
				bus = compact(b)
			}
			add("events/rulesPerBus", r, bus, 1)
		case "AWS::Logs::MetricFilter":
			add("logs/metricFiltersPerLogGroup", r, r.Stack+" "+compact(prop(r.Props, "logGroupName")), 1)
		case "AWS::Logs::SubscriptionFilter":
			add("logs/subscriptionFiltersPerLogGroup", r, r.Stack+" "+compact(prop(r.Props, "logGroupName")), 1)
		case "AWS::Lambda::Permission":
			add("lambda/resourcePolicySize", r, r.Stack+" "+compact(prop(r.Props, "functionName")), permissionBytes(r.Props))
		case "AWS::IAM::Policy":
			size := policyChars(prop(r.Props, "policyDocument"))
			if roles, ok := prop(r.Props, "roles").([]any); ok {
				for _, role := range roles {
					add("iam/rolePolicySize", r, r.Stack+" "+compact(role), size)
				}
			}
		case "AWS::IAM::RolePolicy":
			add("iam/rolePolicySize", r, r.Stack+" "+compact(prop(r.Props, "roleName")), policyChars(prop(r.Props, "policyDocument")))
		case "AWS::IAM::Role":
			k := r.Stack + " " + compact(r.Ref)
			if n, ok := prop(r.Props, "roleName").(string); ok {
				roleNames[k] = n
			}
			size := 0
			if policies, ok := prop(r.Props, "policies").([]any); ok {
				for _, p := range policies {
					if m, ok := p.(map[string]any); ok {
						size += policyChars(prop(m, "policyDocument"))
					}
				}
			}
			add("iam/rolePolicySize", r, k, size)
		case "AWS::SSM::Parameter":
			value := prop(r.Props, "value")
			n := len(compact(value))
			if s, ok := value.(string); ok {
				n = len([]rune(s))
			}
			quota := "ssm/standardParameterSize"
			if tier, _ := prop(r.Props, "tier").(string); tier == "Advanced" || tier == "Intelligent-Tiering" {
				quota = "ssm/advancedParameterSize"
			}
			add(quota, r, subjectOf(r, "name"), n)
		}
	}
	for k, set := range models {
		if len(set) > 0 {
			counts[key{"cloudwatch/anomalyDetectors", k.account, k.region, ""}] = len(set)
		}
	}
	out := make([]Usage, 0, len(counts))
	for k, n := range counts {
		subject := k.subject
		if name, ok := roleNames[subject]; ok {
			subject = name
		}
		out = append(out, Usage{Quota: k.quota, Account: k.account, Region: k.region, Subject: subject, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Quota != b.Quota {
			return a.Quota < b.Quota
		}
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.Subject < b.Subject
	})
	return out
}

// modelKey identifies one metric's model: namespace, name, dimensions
// (sorted) and statistic.
func modelKey(metric map[string]any, stat any) string {
	var dims []string
	if ds, ok := prop(metric, "dimensions").([]any); ok {
		for _, d := range ds {
			if m, ok := d.(map[string]any); ok {
				dims = append(dims, compact(prop(m, "name"))+"="+compact(prop(m, "value")))
			}
		}
	}
	sort.Strings(dims)
	return strings.Join([]string{compact(prop(metric, "namespace")), compact(prop(metric, "metricName")), strings.Join(dims, ","), compact(stat)}, "|")
}

// detectorModel is the model an AWS::CloudWatch::AnomalyDetector defines.
func detectorModel(p map[string]any) string {
	if single, ok := prop(p, "singleMetricAnomalyDetector").(map[string]any); ok {
		return modelKey(single, prop(single, "stat"))
	}
	if math, ok := prop(p, "metricMathAnomalyDetector").(map[string]any); ok {
		return mathModel(prop(math, "metricDataQueries"), "")
	}
	return modelKey(p, prop(p, "stat"))
}

var bandRE = regexp.MustCompile(`ANOMALY_DETECTION_BAND\s*\(\s*([A-Za-z0-9_]+)`)

// bandModel is the model a band alarm (ThresholdMetricId id) evaluates:
// the metric of the query its ANOMALY_DETECTION_BAND expression names.
func bandModel(metrics any, id string) string {
	queries, _ := metrics.([]any)
	byID := map[string]map[string]any{}
	for _, q := range queries {
		if m, ok := q.(map[string]any); ok {
			byID[compact(prop(m, "id"))] = m
		}
	}
	if band, ok := byID[id]; ok {
		if sm := bandRE.FindStringSubmatch(compact(prop(band, "expression"))); sm != nil {
			if stat, ok := prop(byID[sm[1]], "metricStat").(map[string]any); ok {
				if metric, ok := prop(stat, "metric").(map[string]any); ok {
					return modelKey(metric, prop(stat, "stat"))
				}
			}
		}
	}
	return mathModel(metrics, id)
}

// mathModel identifies a metric-math model by its queries (ids,
// expressions and metrics), leaving out the band query skip and labels,
// so a detector and the band alarm on the same expression agree.
func mathModel(queries any, skip string) string {
	qs, _ := queries.([]any)
	var parts []string
	for _, q := range qs {
		m, ok := q.(map[string]any)
		if !ok {
			continue
		}
		id := compact(prop(m, "id"))
		if id == skip {
			continue
		}
		part := id + "=" + compact(prop(m, "expression"))
		if stat, ok := prop(m, "metricStat").(map[string]any); ok {
			if metric, ok := prop(stat, "metric").(map[string]any); ok {
				part = id + "=" + modelKey(metric, prop(stat, "stat"))
			}
		}
		parts = append(parts, part)
	}
	sort.Strings(parts)
	return "math " + strings.Join(parts, ";")
}

// prop reads a property whether the key starts upper or lower case (L1
// props are camelCase, rendered templates PascalCase).
func prop(m map[string]any, name string) any {
	if v, ok := m[name]; ok {
		return v
	}
	if name == "" {
		return nil
	}
	return m[strings.ToUpper(name[:1])+name[1:]]
}

// streamFilters counts a metric stream's include and exclude filters, a
// filter that names metrics once per metric.
func streamFilters(props map[string]any) int {
	n := 0
	for _, key := range []string{"includeFilters", "excludeFilters"} {
		fs, _ := prop(props, key).([]any)
		for _, f := range fs {
			m, _ := f.(map[string]any)
			names, _ := prop(m, "metricNames").([]any)
			n += max(1, len(names))
		}
	}
	return n
}

func subjectOf(r Resource, nameProp string) string {
	if n, ok := prop(r.Props, nameProp).(string); ok {
		return n
	}
	return r.Stack + " " + compact(r.Ref)
}

// compact is v as compact JSON (a plain string as itself).
func compact(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// policyChars counts a policy document's non-whitespace characters, as IAM
// does. Intrinsic functions count as their JSON text, which is about the
// length of the ARNs and names they resolve to at deploy time.
func policyChars(doc any) int {
	if doc == nil {
		return 0
	}
	n := 0
	for _, r := range compact(doc) {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// permissionBytes estimates the statement Lambda adds to the function's
// policy for one permission: Sid, Effect, Principal, Action, Resource and
// the conditions its source properties become.
func permissionBytes(p map[string]any) int {
	stmt := map[string]any{
		"Sid":       "o11yscale-permission-0000000000000000",
		"Effect":    "Allow",
		"Principal": map[string]any{"Service": prop(p, "principal")},
		"Action":    prop(p, "action"),
		"Resource":  "arn:aws:lambda:xx-xxxxxxxxx-1:000000000000:function:" + compact(prop(p, "functionName")),
	}
	cond := map[string]any{}
	if v := prop(p, "sourceArn"); v != nil {
		cond["ArnLike"] = map[string]any{"AWS:SourceArn": v}
	}
	if v := prop(p, "sourceAccount"); v != nil {
		cond["StringEquals"] = map[string]any{"AWS:SourceAccount": v}
	}
	if v := prop(p, "principalOrgId"); v != nil {
		cond["StringEquals"] = map[string]any{"aws:PrincipalOrgID": v}
	}
	if len(cond) > 0 {
		stmt["Condition"] = cond
	}
	// Each statement also costs its share of {"Version":..,"Id":"default","Statement":[..]}.
	return len(compact(stmt)) + 1
}

// alarmCallRE finds each ALARM(...), OK(...) or INSUFFICIENT_DATA(...) of
// an alarm rule, also where tokens split the rule into an Fn::Join.
var alarmCallRE = regexp.MustCompile(`\b(?:ALARM|OK|INSUFFICIENT_DATA)\s*\(`)

// alarmRefRE captures the alarm name of a call written out in full.
var alarmRefRE = regexp.MustCompile(`\b(?:ALARM|OK|INSUFFICIENT_DATA)\s*\(\s*(?:\\?"([^"\\{}]+)\\?"|([A-Za-z0-9_.:/-]+))\s*\)`)

// alarmRefs lists the alarms a rule names in full, each once.
func alarmRefs(rule string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range alarmRefRE.FindAllStringSubmatch(rule, -1) {
		name := m[1] + m[2]
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}
