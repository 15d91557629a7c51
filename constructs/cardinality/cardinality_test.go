package cardinality

import "testing"

func TestHighCardinalityNamesInEverySpelling(t *testing.T) {
	for name, kind := range map[string]string{
		"UserID": KindUser, "user_id": KindUser, "$.user.id": KindUser, "CallerUserId": KindUser,
		"request-id": KindRequest, "X-Trace-Id": KindRequest, "URL": KindURL, "image_url": KindURL,
		"Timestamp": KindTimestamp, "event_timestamp": KindTimestamp, "client_ip": KindAddress,
	} {
		if got, ok := High(name); !ok || got != kind {
			t.Errorf("High(%q) = %q, %v; want %q", name, got, ok, kind)
		}
	}
	for _, name := range []string{"Service", "Region", "Tier", "StatusClass", "Runtime", "Endpoint", "FunctionName"} {
		if kind, ok := High(name); ok {
			t.Errorf("High(%q) = %q; a low-cardinality name was rejected", name, kind)
		}
	}
}
