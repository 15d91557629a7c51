package logtiers

import "github.com/o11yscale/o11yscale/constructs/cardinality"

// highCardinality reports which of a dimension's name or the field it
// reads is known to be high-cardinality: each distinct value would become
// its own custom metric, and CloudWatch disables a metric filter that
// produces 1,000 dimension value pairs within an hour.
func highCardinality(dimension, selector string) (string, bool) {
	for _, name := range []string{dimension, selector} {
		if _, ok := cardinality.High(name); ok {
			return name, true
		}
	}
	return "", false
}
