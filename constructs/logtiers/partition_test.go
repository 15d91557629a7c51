package logtiers

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestPartitionQueryKeysEveryRecordByServiceAndTier runs Firehose's
// MetadataExtractionQuery through jq 1.6 (the JsonParsingEngine Firehose
// names), so the query's syntax and results are checked before a deploy.
func TestPartitionQueryKeysEveryRecordByServiceAndTier(t *testing.T) {
	jq, err := exec.LookPath("jq")
	if err != nil {
		t.Fatalf("jq is not on PATH (the toolchain image has jq 1.6): %v", err)
	}
	for _, tc := range []struct {
		record, service, tier string
	}{
		{`{"service":"checkout-api","tier":"error","msg":"x"}`, "checkout-api", "error"},
		{`{"service":"checkout-api","level":"ERROR"}`, "checkout-api", "error"},
		{`{"service":"auth","level":"Critical"}`, "auth", "error"},
		{`{"service":"auth","level":"WARNING"}`, "auth", "warn"},
		{`{"service":"auth","level":"info"}`, "auth", "info"},
		{`{"service":"auth","level":"TRACE"}`, "auth", "debug"},
		{`{"service":"auth","tier":"INFO","level":"ERROR"}`, "auth", "info"},
		{`{"service":"auth","level":"VERBOSE"}`, "auth", "other"},
		{`{"msg":"no service, no level"}`, "unknown", "unknown"},
		{`{"service":"","level":"ERROR"}`, "unknown", "error"},
		{`{"service":"a/b c","level":"ERROR"}`, "a_b_c", "error"},
		{`{"service":42,"level":3}`, "42", "other"},
		// The log router's records name the tier log group instead.
		{`{"logGroup":"/o11yscale/checkout-api/error","logStream":"s","id":"1","timestamp":1,"tier":"ERROR","status":503,"message":"x"}`, "checkout-api", "error"},
		{`{"logGroup":"/o11yscale/auth/warn","tier":"UNKNOWN","message":"x"}`, "auth", "unknown"},
		{`{"logGroup":"/aws/lambda/fn","tier":"ERROR"}`, "unknown", "error"},
		{`{"logGroup":"/o11yscale/svc/error","service":"explicit","tier":"WARN"}`, "explicit", "warn"},
	} {
		cmd := exec.Command(jq, "-c", partitionQuery)
		cmd.Stdin = strings.NewReader(tc.record)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("jq rejected the query or record %s: %v\n%s", tc.record, err, out)
		}
		var keys map[string]string
		if err := json.Unmarshal(out, &keys); err != nil {
			t.Fatalf("%s: jq output %q is not an object of strings: %v", tc.record, out, err)
		}
		if keys["service"] != tc.service || keys["tier"] != tc.tier {
			t.Errorf("%s: partition %v, want service=%s tier=%s", tc.record, keys, tc.service, tc.tier)
		}
	}
}
