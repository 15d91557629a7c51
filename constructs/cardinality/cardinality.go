// Package cardinality knows which metric dimension names carry unbounded
// values (the seed's "bad dimensions": user IDs, request IDs, full URLs,
// timestamps), so every construct that makes metrics rejects them the same
// way: keep high-cardinality data in logs, not metrics.
package cardinality

import (
	"strings"
	"unicode"
)

// Kinds of high-cardinality dimension.
const (
	KindUser      = "user id"
	KindRequest   = "request id"
	KindURL       = "full URL"
	KindTimestamp = "timestamp"
	KindAddress   = "client address"
)

// Advice is the seed's answer to a high-cardinality dimension.
const Advice = "keep high-cardinality data in logs, not metrics"

// names are normalized names with unbounded values.
var names = map[string]string{
	"user": KindUser, "userid": KindUser, "username": KindUser, "useremail": KindUser, "email": KindUser,
	"customerid": KindUser, "accountid": KindUser,
	"requestid": KindRequest, "reqid": KindRequest, "traceid": KindRequest, "spanid": KindRequest,
	"correlationid": KindRequest, "sessionid": KindRequest, "messageid": KindRequest,
	"url": KindURL, "uri": KindURL, "fullurl": KindURL, "requesturl": KindURL, "requesturi": KindURL,
	"rawurl": KindURL, "querystring": KindURL, "query": KindURL, "href": KindURL,
	"pathwithquery": KindURL, "fullpath": KindURL, "rawpath": KindURL,
	"timestamp": KindTimestamp, "time": KindTimestamp, "ts": KindTimestamp, "datetime": KindTimestamp,
	"date": KindTimestamp, "eventtime": KindTimestamp,
	"ip": KindAddress, "ipaddress": KindAddress, "clientip": KindAddress, "sourceip": KindAddress, "remoteaddr": KindAddress,
}

// suffixes catch qualified names such as CallerUserId or image_url. "time"
// is deliberately not a suffix: Runtime is a fine dimension.
var suffixes = []struct{ suffix, kind string }{
	{"userid", KindUser}, {"sessionid", KindRequest}, {"requestid", KindRequest}, {"traceid", KindRequest},
	{"spanid", KindRequest}, {"correlationid", KindRequest}, {"url", KindURL}, {"uri", KindURL},
	{"querystring", KindURL}, {"timestamp", KindTimestamp}, {"ipaddress", KindAddress},
}

// High reports whether a dimension or field name is known to carry
// unbounded values, and which kind. Names are compared ignoring case and
// everything but letters and digits, so UserID, user_id, USER-ID and
// $.user.id match.
func High(name string) (kind string, ok bool) {
	n := Normalize(name)
	if kind, ok := names[n]; ok {
		return kind, true
	}
	for _, s := range suffixes {
		if strings.HasSuffix(n, s.suffix) {
			return s.kind, true
		}
	}
	return "", false
}

// Normalize lower-cases a name and keeps only letters and digits, the form
// in which dimension names are compared.
func Normalize(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
