// Package namespace is the one definition of how our Lambdas pick and
// check the CloudWatch namespace of their self-metrics; each Lambda's
// contract exposes it with its own default.
package namespace

import "strings"

// FromEnv is the namespace read from key through getenv (os.Getenv in the
// Lambda), or def when it is unset or blank.
func FromEnv(getenv func(string) string, key, def string) string {
	if ns := strings.TrimSpace(getenv(key)); ns != "" {
		return ns
	}
	return def
}

// Valid reports whether ns is a CloudWatch namespace a Lambda may write
// to: 1-255 characters of letters, digits and . - _ / # : or space, not
// starting with "AWS/"
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html).
func Valid(ns string) bool {
	if len(ns) < 1 || len(ns) > 255 || strings.HasPrefix(ns, "AWS/") {
		return false
	}
	for _, r := range ns {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_/#: ", r)) {
			return false
		}
	}
	return true
}
