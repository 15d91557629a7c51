package logtiers

import (
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"

	"github.com/o11yscale/o11yscale/constructs/logtiers/pattern"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// MetricFilterProps is one metric filter on a tier's log group.
type MetricFilterProps struct {
	// Name, unique per service: 1-100 letters, digits, '-', '_' or '.'.
	// The CloudWatch filter is named <service>-<name>. Required.
	Name string
	// Tier whose log group is filtered. Default: Error.
	Tier Tier
	// Pattern is a CloudWatch filter pattern, checked at synth. Required.
	Pattern string
	// MetricName, 1-255 characters. Default: Name.
	MetricName string
	// Namespace, 1-255 characters, not starting with "AWS/". Default:
	// <MetricNamespace>/<service>.
	Namespace string
	// Value published per match: a number, or a selector of the pattern
	// ($.latency_ms for JSON, $latency for space-delimited). Default: "1".
	Value string
	// DefaultValue is published when no event matches, so the metric has
	// data points when all is well. Default: 0. CloudWatch forbids a
	// default value with Dimensions, so a filter with dimensions publishes
	// none and DefaultValue must stay 0.
	DefaultValue float64
	// NoDefaultValue publishes nothing when no event matches (instead of
	// DefaultValue). Default: false; implied by Dimensions.
	NoDefaultValue bool
	// Dimensions map a dimension name to a selector of the pattern, at most
	// 3. High-cardinality fields (user or request ids, URLs, timestamps)
	// are rejected. Default: none.
	Dimensions map[string]string
	// Unit of the metric. Default: awscloudwatch.Unit_COUNT when Value is
	// "1", else none.
	Unit awscloudwatch.Unit
}

// standardUnits are CloudWatch's standard units as CloudFormation names
// them (MetricTransformation.Unit); the awscloudwatch.Unit of each is its
// upper-case form with "/" spelled "_PER_".
var standardUnits = []string{
	"Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
	"Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
	"Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
	"Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
}

func unitOf(name string) awscloudwatch.Unit {
	return awscloudwatch.Unit(strings.ToUpper(strings.ReplaceAll(name, "/", "_PER_")))
}

// ParseUnit returns the unit CloudFormation names name (e.g.
// "Bytes/Second" is awscloudwatch.Unit_BYTES_PER_SECOND), and whether it
// is a standard unit.
func ParseUnit(name string) (awscloudwatch.Unit, bool) {
	if slices.Contains(standardUnits, name) {
		return unitOf(name), true
	}
	return "", false
}

// unitName is the CloudFormation name of u, or "" if u is no standard unit.
func unitName(u awscloudwatch.Unit) string {
	for _, name := range standardUnits {
		if unitOf(name) == u {
			return name
		}
	}
	return ""
}

// withDefaults fills the filter's zero fields; namespace is the service's
// metric namespace.
func (f MetricFilterProps) withDefaults(namespace string) MetricFilterProps {
	if f.Tier == "" {
		f.Tier = Error
	}
	if f.MetricName == "" {
		f.MetricName = f.Name
	}
	if f.Namespace == "" {
		f.Namespace = namespace
	}
	if f.Value == "" {
		f.Value = "1"
	}
	if len(f.Dimensions) > 0 {
		f.NoDefaultValue = true
	}
	if f.Unit == "" && f.Value == "1" {
		f.Unit = awscloudwatch.Unit_COUNT
	}
	return f
}

// validate checks one filter's own fields (after defaults) at path. It
// returns the parsed pattern and whether it parsed.
func (f MetricFilterProps) validate(v *validation.Errors, path string) (pattern.Pattern, bool) {
	pat, err := pattern.Parse(f.Pattern)
	if err != nil {
		v.Add(path+".pattern", f.Pattern, "a valid CloudWatch filter pattern (%v)", err)
	}
	if f.MetricName == "" || len(f.MetricName) > 255 {
		v.Add(path+".metricName", f.MetricName, "1-255 characters")
	}
	if !namespaceRE.MatchString(f.Namespace) || strings.HasPrefix(f.Namespace, "AWS/") {
		v.Add(path+".namespace", f.Namespace, "1-255 letters, digits and . - _ / # : space, not starting with AWS/")
	}
	if err == nil && !numberRE.MatchString(f.Value) && !selects(pat, f.Value) {
		v.Add(path+".value", f.Value, "a number such as 1, or a selector of the pattern (%s)", selectorHint(pat))
	}
	if f.Unit != "" && unitName(f.Unit) == "" {
		v.Add(path+".unit", string(f.Unit), "a CloudWatch standard unit such as Count, Milliseconds, Bytes or None")
	}
	if len(f.Dimensions) == 0 {
		return pat, err == nil
	}
	if f.DefaultValue != 0 {
		v.Add(path+".defaultValue", f.DefaultValue, "no value when dimensions are set: CloudWatch Logs rejects a default value on a metric filter with dimensions")
	}
	if len(f.Dimensions) > MaxDimensions {
		v.Add(path+".dimensions", len(f.Dimensions), "at most %d dimensions per metric filter", MaxDimensions)
	}
	for _, k := range sortedKeys(f.Dimensions) {
		sel := f.Dimensions[k]
		dpath := validation.Key(path+".dimensions", k)
		if k == "" || len(k) > 255 {
			v.Add(dpath, k, "a dimension name of 1-255 characters")
		}
		if err == nil && pat.Kind() == pattern.KindTerms {
			v.Add(dpath, sel, "no dimensions on a term pattern: CloudWatch Logs supports dimensions only with JSON or space-delimited patterns")
		} else if err == nil && !selects(pat, sel) {
			v.Add(dpath, sel, "a selector of the pattern (%s)", selectorHint(pat))
		}
		if field, high := highCardinality(k, sel); high {
			v.Add(dpath, sel, "a low-cardinality field such as service, region, tier or status class; %q is high-cardinality: keep high-cardinality data (user IDs, request IDs, URLs, timestamps) in logs, not metrics", field)
		}
	}
	return pat, err == nil
}

// selects reports whether ref is a selector the pattern can read: a JSON
// selector ($.a.b) for JSON patterns, $field for a named space field.
func selects(p pattern.Pattern, ref string) bool {
	switch p.Kind() {
	case pattern.KindJSON:
		probe, err := pattern.Parse("{ " + ref + " = 1 }")
		return err == nil && len(probe.Selectors()) == 1 && probe.Selectors()[0] == ref
	case pattern.KindSpace:
		return strings.HasPrefix(ref, "$") && p.HasField(ref[1:])
	}
	return false
}

func selectorHint(p pattern.Pattern) string {
	switch p.Kind() {
	case pattern.KindJSON:
		return "e.g. $.latency_ms"
	case pattern.KindSpace:
		fs := p.Fields()
		for i := range fs {
			fs[i] = "$" + fs[i]
		}
		return "one of " + strings.Join(fs, ", ")
	}
	return "term patterns have no fields"
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
