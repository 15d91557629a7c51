package logtiers

import (
	"strings"
	"unicode"
)

// highCardinalityNames are field names (lower case, letters and digits
// only) whose values are unbounded: each distinct value becomes its own
// custom metric, and CloudWatch disables a metric filter that produces
// 1,000 dimension value pairs within an hour. The seed's list: user IDs,
// request IDs, full URLs with query parameters, timestamps.
var highCardinalityNames = map[string]bool{
	"user": true, "userid": true, "username": true, "useremail": true, "email": true,
	"customerid": true, "accountid": true,
	"requestid": true, "reqid": true, "traceid": true, "spanid": true, "correlationid": true, "sessionid": true,
	"url": true, "uri": true, "fullurl": true, "requesturl": true, "requesturi": true, "rawurl": true,
	"pathwithquery": true, "fullpath": true, "rawpath": true, "querystring": true, "query": true,
	"timestamp": true, "time": true, "ts": true, "datetime": true, "eventtime": true,
	"ip": true, "ipaddress": true, "clientip": true, "sourceip": true, "remoteaddr": true,
}

// highCardinalitySuffixes catch qualified names such as order_request_id
// or image_url.
var highCardinalitySuffixes = []string{"userid", "requestid", "traceid", "spanid", "sessionid", "correlationid", "url", "uri", "timestamp", "ipaddress", "querystring"}

// normalize lower-cases a name and drops everything but letters and digits,
// so userId, user_id, USER-ID and $.user.id compare equal.
func normalize(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// highCardinality reports which of a dimension's name or the field it
// reads is known to be high-cardinality.
func highCardinality(dimension, selector string) (string, bool) {
	for _, name := range []string{dimension, selector} {
		n := normalize(name)
		if highCardinalityNames[n] {
			return name, true
		}
		for _, suffix := range highCardinalitySuffixes {
			if strings.HasSuffix(n, suffix) {
				return name, true
			}
		}
	}
	return "", false
}
