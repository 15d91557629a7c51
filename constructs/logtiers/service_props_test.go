package logtiers

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"

	"github.com/o11yscale/o11yscale/constructs/logtiers/pattern"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// hasField reports whether err holds a field error at path whose message
// contains want.
func hasField(err error, path, want string) bool {
	for _, fe := range validation.Fields(err) {
		if fe.Path == path && strings.Contains(fe.Error(), want) {
			return true
		}
	}
	return false
}

func TestDefaultServiceLogsPropsAreValid(t *testing.T) {
	if err := (ServiceLogsProps{Service: "checkout-api"}).Validate(); err != nil {
		t.Fatalf("defaults rejected: %v", err)
	}
}

func TestDefaultsFollowTheSeedTiers(t *testing.T) {
	p := ServiceLogsProps{Service: "checkout-api"}.withDefaults()
	for _, tc := range []struct {
		tier Tier
		dest TierDestination
		days int
	}{{Error, CloudWatch, 30}, {Warn, CloudWatch, 7}, {Info, S3, 14}, {Debug, Drop, 3}} {
		got := p.Tiers.get(tc.tier)
		if got.Destination != tc.dest || got.RetentionDays != tc.days || got.Class != awslogs.LogGroupClass_STANDARD {
			t.Errorf("%s: got %+v, want %s for %d days", tc.tier, got, tc.dest, tc.days)
		}
	}
	if len(p.MetricFilters) != 1 || p.MetricFilters[0].Pattern != ErrorJSON || p.MetricFilters[0].DefaultValue != 0 || p.MetricFilters[0].NoDefaultValue ||
		p.MetricFilters[0].Namespace != "O11yscale/Logs/checkout-api" || p.MetricFilters[0].Unit != awscloudwatch.Unit_COUNT {
		t.Errorf("default metric filters: %+v", p.MetricFilters)
	}
	if len(p.Forwarding) != 0 {
		t.Errorf("forwarding without a wired router: %+v", p.Forwarding)
	}
}

func TestEveryInvalidFieldIsReportedWithItsPath(t *testing.T) {
	dims := func(d map[string]string) []MetricFilterProps {
		return []MetricFilterProps{{Name: "Latency", Pattern: `{ $.latency_ms > 0 }`, Dimensions: d}}
	}
	for _, tc := range []struct {
		name        string
		props       ServiceLogsProps
		path, cause string
	}{
		{"missing service", ServiceLogsProps{}, "service", "1-64 letters"},
		{"service with a space", ServiceLogsProps{Service: "check out"}, "service", "1-64 letters"},
		{"retention not allowed suggests nearest", ServiceLogsProps{Service: "s", Tiers: TiersProps{Warn: TierProps{RetentionDays: 10}}}, "tiers.warn.retentionDays", "nearest allowed: 7"},
		{"retention 45 suggests 60", ServiceLogsProps{Service: "s", Tiers: TiersProps{Error: TierProps{RetentionDays: 45}}}, "tiers.error.retentionDays", "nearest allowed: 60"},
		{"retention on an s3 tier", ServiceLogsProps{Service: "s", Tiers: TiersProps{Info: TierProps{RetentionDays: 30}}}, "tiers.info.retentionDays", "only a cloudwatch tier"},
		{"class on a dropped tier", ServiceLogsProps{Service: "s", Tiers: TiersProps{Debug: TierProps{Class: awslogs.LogGroupClass_STANDARD}}}, "tiers.debug.class", "only a cloudwatch tier"},
		{"unknown destination", ServiceLogsProps{Service: "s", Tiers: TiersProps{Debug: TierProps{Destination: "null"}}}, "tiers.debug.destination", "one of cloudwatch, s3, drop"},
		{"unknown class", ServiceLogsProps{Service: "s", Tiers: TiersProps{Error: TierProps{Class: "COLD"}}}, "tiers.error.class", "STANDARD, INFREQUENT_ACCESS"},
		{"level in two tiers", ServiceLogsProps{Service: "s", Tiers: TiersProps{Warn: TierProps{Levels: []string{"WARN", "error"}}}}, "tiers.warn.levels[1]", "already routed to ERROR"},
		{"unknown log format", ServiceLogsProps{Service: "s", LogFormat: "xml"}, "logFormat", "json, space"},
		{"reserved namespace", ServiceLogsProps{Service: "s", MetricNamespace: "AWS/Logs"}, "metricNamespace", "not starting with AWS/"},
		{"bad log group prefix", ServiceLogsProps{Service: "s", LogGroupPrefix: "o11yscale"}, "logGroupPrefix", "starting with '/'"},
		{"unbalanced pattern", ServiceLogsProps{Service: "s", MetricFilters: []MetricFilterProps{{Name: "X", Pattern: `{ $.level = "ERROR"`}}}, "metricFilters[0].pattern", `expected "}"`},
		{"metric filter on the s3 tier", ServiceLogsProps{Service: "s", MetricFilters: []MetricFilterProps{{Name: "X", Tier: Info, Pattern: "ERROR"}}}, "metricFilters[0].tier", "destination cloudwatch"},
		{"forwarding from an infrequent-access tier", ServiceLogsProps{Service: "s", DisableErrorCount: true, Tiers: TiersProps{Error: TierProps{Class: awslogs.LogGroupClass_INFREQUENT_ACCESS}}, Forwarding: []ForwardProps{{Tiers: []Tier{Error}}}}, "forwarding[0].tiers[0]", "Infrequent Access"},
		{"four dimensions", ServiceLogsProps{Service: "s", MetricFilters: dims(map[string]string{"A": "$.a", "B": "$.b", "C": "$.c", "D": "$.d"})}, "metricFilters[0].dimensions", "at most 3 dimensions"},
		{"dimensions with a default value", ServiceLogsProps{Service: "s", MetricFilters: []MetricFilterProps{{Name: "X", Pattern: `{ $.a = 1 }`, DefaultValue: 5, Dimensions: map[string]string{"Tier": "$.tier"}}}}, "metricFilters[0].defaultValue", "rejects a default value on a metric filter with dimensions"},
		{"user id dimension", ServiceLogsProps{Service: "s", MetricFilters: dims(map[string]string{"UserID": "$.user_id"})}, `metricFilters[0].dimensions["UserID"]`, "keep high-cardinality data (user IDs, request IDs, URLs, timestamps) in logs, not metrics"},
		{"innocent name on a request id field", ServiceLogsProps{Service: "s", MetricFilters: dims(map[string]string{"Req": "$.requestId"})}, `metricFilters[0].dimensions["Req"]`, "in logs, not metrics"},
		{"url dimension", ServiceLogsProps{Service: "s", MetricFilters: dims(map[string]string{"Page": "$.request.url"})}, `metricFilters[0].dimensions["Page"]`, "in logs, not metrics"},
		{"timestamp dimension", ServiceLogsProps{Service: "s", MetricFilters: dims(map[string]string{"Time": "$.time"})}, `metricFilters[0].dimensions["Time"]`, "in logs, not metrics"},
		{"dimension on a term pattern", ServiceLogsProps{Service: "s", MetricFilters: []MetricFilterProps{{Name: "X", Pattern: "ERROR", Dimensions: map[string]string{"Tier": "$.tier"}}}}, `metricFilters[0].dimensions["Tier"]`, "only with JSON or space-delimited patterns"},
		{"dimension on a field the space pattern lacks", ServiceLogsProps{Service: "s", MetricFilters: []MetricFilterProps{{Name: "X", Pattern: ErrorSpace, Dimensions: map[string]string{"Tier": "$tier"}}}}, `metricFilters[0].dimensions["Tier"]`, "one of $time, $request_id, $level"},
		{"value that is no selector", ServiceLogsProps{Service: "s", MetricFilters: []MetricFilterProps{{Name: "X", Pattern: `{ $.a = 1 }`, Value: "latency"}}}, "metricFilters[0].value", "a number such as 1, or a selector"},
		{"unknown unit", ServiceLogsProps{Service: "s", MetricFilters: []MetricFilterProps{{Name: "X", Pattern: "ERROR", Unit: awscloudwatch.Unit("Kilograms")}}}, "metricFilters[0].unit", "standard unit"},
		{"name taken by the default filter", ServiceLogsProps{Service: "s", MetricFilters: []MetricFilterProps{{Name: "ErrorCount", Pattern: "ERROR"}}}, "metricFilters[0].name", "already used by the default ErrorCount filter"},
		{"three subscription filters on one group", ServiceLogsProps{Service: "s", Forwarding: []ForwardProps{{Name: "a"}, {Name: "b"}, {Name: "c"}}}, "forwarding", "at most 2 subscription filters on the error log group"},
		{"distribution for a lambda", ServiceLogsProps{Service: "s", Destination: &LambdaDestination{}, Forwarding: []ForwardProps{{Distribution: awslogs.Distribution_RANDOM}}}, "forwarding[0].distribution", "kinesis only"},
		{"unknown distribution", ServiceLogsProps{Service: "s", Forwarding: []ForwardProps{{Distribution: "SHUFFLE"}}}, "forwarding[0].distribution", "one of ByLogStream, Random"},
		{"forwarding from a dropped tier", ServiceLogsProps{Service: "s", Forwarding: []ForwardProps{{Tiers: []Tier{Debug}}}}, "forwarding[0].tiers[0]", "DEBUG goes to drop"},
		{"forwarding pattern invalid", ServiceLogsProps{Service: "s", Forwarding: []ForwardProps{{Pattern: "[a,"}}}, "forwarding[0].pattern", "valid CloudWatch filter pattern"},
		{"unknown fluent bit input", ServiceLogsProps{Service: "s", FluentBit: FluentBitProps{Publish: true, Input: "forward"}}, "fluentBit.input", "firelens, tail"},
		{"unknown unmatched tier", ServiceLogsProps{Service: "s", FluentBit: FluentBitProps{Publish: true, UnmatchedTier: "TRACE"}}, "fluentBit.unmatchedTier", "ERROR, WARN, INFO, DEBUG"},
		{"fluent bit input that loops", ServiceLogsProps{Service: "s", FluentBit: FluentBitProps{Publish: true, InputMatch: "*"}}, "fluentBit", "would loop"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.props.Validate()
			if !hasField(err, tc.path, tc.cause) {
				t.Fatalf("want %s: ...%s...; got:\n%v", tc.path, tc.cause, err)
			}
		})
	}
}

func TestAtMostOneHundredMetricFiltersPerLogGroup(t *testing.T) {
	p := ServiceLogsProps{Service: "s"}
	for i := 0; i < MaxMetricFilters; i++ { // plus the default ErrorCount
		p.MetricFilters = append(p.MetricFilters, MetricFilterProps{Name: fmt.Sprintf("F%d", i), Pattern: "ERROR"})
	}
	if !hasField(p.Validate(), "metricFilters", "at most 100 metric filters on the error log group") {
		t.Fatalf("101 filters accepted: %v", p.Validate())
	}
	p.DisableErrorCount = true
	if err := p.Validate(); err != nil {
		t.Fatalf("100 filters rejected: %v", err)
	}
}

func TestAtMostFiveRegexPatternsPerLogGroup(t *testing.T) {
	p := ServiceLogsProps{Service: "s"}
	for i := 0; i < 6; i++ {
		p.MetricFilters = append(p.MetricFilters, MetricFilterProps{Name: fmt.Sprintf("R%d", i), Pattern: `{ $.msg = %timeout% }`})
	}
	if !hasField(p.Validate(), "metricFilters", "at most 5 filter patterns with a regular expression") {
		t.Fatalf("6 regex patterns accepted: %v", p.Validate())
	}
}

func TestAllProblemsAreReportedAtOnce(t *testing.T) {
	err := ServiceLogsProps{
		Service:   "s",
		Tiers:     TiersProps{Error: TierProps{RetentionDays: 10}, Warn: TierProps{Class: awslogs.LogGroupClass("X")}},
		LogFormat: "xml",
	}.Validate()
	if n := len(validation.Fields(err)); n != 3 {
		t.Fatalf("want 3 errors, got %d:\n%v", n, err)
	}
}

func TestLowCardinalityDimensionsAndValueSelectorsAreAccepted(t *testing.T) {
	p := ServiceLogsProps{Service: "s", MetricFilters: []MetricFilterProps{
		{Name: "Latency", Pattern: `{ $.latency_ms > 0 }`, Value: "$.latency_ms", Unit: awscloudwatch.Unit_MILLISECONDS,
			Dimensions: map[string]string{"StatusClass": "$.status_class", "Endpoint": "$.route", "Region": "$.region"}},
		{Name: "Bytes", Pattern: `[ip, user, status, bytes]`, Value: "$bytes", Dimensions: map[string]string{"Status": "$status"}},
	}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := p.withDefaults().MetricFilters[1]; !got.NoDefaultValue {
		t.Fatalf("a filter with dimensions got default value %v", got.DefaultValue)
	}
}

func TestHighCardinalityNamesMatchWhateverTheCaseOrSeparator(t *testing.T) {
	for _, name := range []string{"userId", "user_id", "USER-ID", "$.user.id", "requestId", "request_id", "$.requestID",
		"url", "URL", "$.request.url", "image_url", "path_with_query", "timestamp", "@timestamp", "time", "ts", "trace_id", "ipAddress"} {
		if _, high := highCardinality(name, ""); !high {
			t.Errorf("%s not recognised as high-cardinality", name)
		}
	}
	for _, name := range []string{"service", "region", "tier", "status_class", "StatusClass", "$.http.path", "endpoint", "route", "level", "runtime"} {
		if _, high := highCardinality(name, ""); high {
			t.Errorf("%s wrongly rejected as high-cardinality", name)
		}
	}
}

func TestErrorCountNeedsAStandardCloudWatchErrorTier(t *testing.T) {
	for _, tiers := range []TiersProps{{Error: TierProps{Class: awslogs.LogGroupClass_INFREQUENT_ACCESS}}, {Error: TierProps{Destination: S3}}} {
		p := ServiceLogsProps{Service: "s", Tiers: tiers}
		if err := p.Validate(); err != nil {
			t.Errorf("%+v: %v", tiers.Error, err)
		}
		if n := len(p.withDefaults().MetricFilters); n != 0 {
			t.Errorf("%+v: %d metric filters, want none", tiers.Error, n)
		}
	}
}

func TestDefaultForwardingSkipsInfrequentAccessTiers(t *testing.T) {
	p := ServiceLogsProps{Service: "s", DisableErrorCount: true, Tiers: TiersProps{Warn: TierProps{Class: awslogs.LogGroupClass_INFREQUENT_ACCESS}}}
	p.Forwarding = []ForwardProps{{}}
	if got := p.withDefaults().Forwarding[0].Tiers; len(got) != 1 || got[0] != Error {
		t.Fatalf("default forwarding tiers = %v, want [ERROR]", got)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestFluentBitSpecFollowsTheTiers(t *testing.T) {
	p := ServiceLogsProps{Service: "checkout-api", Tiers: TiersProps{Warn: TierProps{Destination: Drop}, Debug: TierProps{Destination: CloudWatch, RetentionDays: 1}},
		FluentBit: FluentBitProps{Publish: true, OpenSearchEndpoint: "search-x.us-east-1.es.amazonaws.com"}}.withDefaults()
	spec := p.fluentBitSpec("us-east-1", "bucket", "")
	want := map[string]string{
		"error": "group=/o11yscale/checkout-api/error index=true",
		"warn":  "dropped",
		"info":  "s3=bucket:logs/service=checkout-api/tier=info/ index=false",
		"debug": "group=/o11yscale/checkout-api/debug index=false",
	}
	for _, tier := range spec.Tiers {
		got := "dropped"
		switch {
		case tier.LogGroupName != "":
			got = fmt.Sprintf("group=%s index=%v", tier.LogGroupName, tier.Index)
		case tier.S3Bucket != "":
			got = fmt.Sprintf("s3=%s:%s index=%v", tier.S3Bucket, tier.S3KeyPrefix, tier.Index)
		}
		if got != want[tier.Name] {
			t.Errorf("%s: %s, want %s", tier.Name, got, want[tier.Name])
		}
	}
	if spec.UnmatchedTier != "info" || spec.InputMatch != "*-firelens-*" {
		t.Errorf("unmatched %q input %q", spec.UnmatchedTier, spec.InputMatch)
	}
}

func TestArchivePropsValidation(t *testing.T) {
	if err := (ArchiveProps{}).Validate(); err != nil {
		t.Fatalf("defaults rejected: %v", err)
	}
	for _, tc := range []struct {
		name        string
		props       ArchiveProps
		path, cause string
	}{
		{"expiry before transition", ArchiveProps{TransitionDays: 90, ExpirationDays: 60}, "expirationDays", "more than transitionDays (90)"},
		{"expiry equal to transition", ArchiveProps{TransitionDays: 30, ExpirationDays: 30}, "expirationDays", "more than transitionDays"},
		{"unknown storage class", ArchiveProps{TransitionClass: "DEEP_ARCHIVE"}, "transitionClass", "GLACIER_IR"},
		{"unknown encryption", ArchiveProps{Encryption: awss3.BucketEncryption("AES")}, "encryption", "S3_MANAGED, KMS"},
		{"bucket name with capitals", ArchiveProps{BucketName: "Log_Archive"}, "bucketName", "lower-case"},
		{"buffer below dynamic partitioning minimum", ArchiveProps{BufferSizeMB: 5}, "bufferSizeMB", "64-128"},
		{"buffer interval too short", ArchiveProps{BufferInterval: 30 * time.Second}, "bufferInterval", "60s to 900s"},
		{"delivery log retention not allowed", ArchiveProps{DeliveryLogRetentionDays: 10}, "deliveryLogRetentionDays", "nearest allowed: 7"},
		{"stream name with a space", ArchiveProps{DeliveryStreamName: "log archive"}, "deliveryStreamName", "1-64"},
	} {
		if err := tc.props.Validate(); !hasField(err, tc.path, tc.cause) {
			t.Errorf("%s: want %s: ...%s...; got %v", tc.name, tc.path, tc.cause, err)
		}
	}
}

func TestRetentionGuardPropsValidation(t *testing.T) {
	for _, tc := range []struct {
		props       RetentionGuardProps
		path, cause string
	}{
		{RetentionGuardProps{DefaultDays: 10}, "defaultDays", "nearest allowed: 7"},
		{RetentionGuardProps{MaxDays: 100}, "maxDays", "nearest allowed: 90"},
		{RetentionGuardProps{DefaultDays: 90, MaxDays: 30}, "defaultDays", "at most maxDays (30)"},
		{RetentionGuardProps{AllowNeverExpire: []string{" "}}, "allowNeverExpire[0]", "log group name"},
	} {
		if err := tc.props.Validate(); !hasField(err, tc.path, tc.cause) {
			t.Errorf("%+v: want %s: ...%s...; got %v", tc.props, tc.path, tc.cause, err)
		}
	}
	if err := (RetentionGuardProps{DefaultDays: 30, MaxDays: 365}).Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultPatternsAreWhatTheBuilderRenders(t *testing.T) {
	for _, tc := range []struct{ constant, built string }{
		{CriticalJSON, pattern.JSON(pattern.Eq("$.level", "ERROR")).Or(pattern.Ge("$.status_code", 500)).String()},
		{ErrorJSON, pattern.JSON(pattern.Eq("$.level", "ERROR")).String()},
		{ErrorSpace, pattern.Space("time", "request_id", pattern.Field("level").Like("ERROR*"), "...").String()},
	} {
		if tc.constant != tc.built {
			t.Errorf("constant %s, builder %s", tc.constant, tc.built)
		}
	}
}
