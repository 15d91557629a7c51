package config

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"

	"github.com/o11yscale/o11yscale/constructs/logtiers"
)

const logsBase = "regions: [us-east-1]\nservices: [{name: a}, {name: b}]\nbilling: {monthlyUSD: 10}\n"

func TestLogsErrorsKeepTheirPathsAndAreListedOncePerPlatform(t *testing.T) {
	for _, c := range []struct{ name, logs, want string }{
		{"retention", "logs: {tiers: {warn: {retentionDays: 10}}}", "logs.tiers.warn.retentionDays: 10 is not allowed"},
		{"metric value", "logs: {metricFilters: [{name: X, pattern: '{ $.a = 1 }', value: latency}]}", `logs.metricFilters[0].value: "latency" is not allowed; a number such as 1`},
		{"default value with dimensions", "logs: {metricFilters: [{name: X, pattern: '{ $.a = 1 }', defaultValue: 0, dimensions: {Tier: $.tier}}]}", "logs.metricFilters[0].defaultValue: 0 is not allowed; no value when dimensions are set"},
		{"unit in enum spelling", "logs: {metricFilters: [{name: X, pattern: ERROR, unit: COUNT}]}", `logs.metricFilters[0].unit: "COUNT" is not allowed; a CloudWatch standard unit`},
		{"unknown unit", "logs: {metricFilters: [{name: X, pattern: ERROR, unit: Kilograms}]}", `logs.metricFilters[0].unit: "Kilograms" is not allowed`},
		{"forwarding destination", "logs: {forwarding: [{destination: sns}]}", `logs.forwarding[0].destination: "sns" is not allowed; one of lambda, firehose, kinesis`},
		{"distribution for a lambda", "logs: {forwarding: [{destination: lambda, distribution: Random}]}", `logs.forwarding[0].distribution: "Random" is not allowed; no value: distribution applies to kinesis only`},
		{"distribution value", "logs: {forwarding: [{destination: kinesis, distribution: Sharded}]}", `logs.forwarding[0].distribution: "Sharded" is not allowed; one of ByLogStream, Random`},
		{"fluent bit loop", "logs: {fluentBit: {publish: true, inputMatch: '*'}}", "logs.fluentBit: \"\" is not allowed; a config Fluent Bit can run"},
		{"service set", "logs: {service: a}", `logs.service: "a" is not allowed; empty`},
		{"archive", "logs: {archive: {transitionClass: DEEP_ARCHIVE}}", `logs.archive.transitionClass: "DEEP_ARCHIVE"`},
		{"retention guard", "logs: {retention: {defaultDays: 10}}", "logs.retention.defaultDays: 10"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(logsBase+c.logs+"\n"))
			if err == nil || !strings.Contains(err.Error(), "p.yaml: "+c.want) {
				t.Fatalf("want %q; got:\n%v", c.want, err)
			}
			if n := strings.Count(err.Error(), c.want); n != 1 {
				t.Fatalf("listed %d times (two services share the logs section):\n%v", n, err)
			}
		})
	}
}

func TestServiceSpecificLogsErrorsAreValidatedForEveryService(t *testing.T) {
	// 101 metric filters with the default ErrorCount: each service's
	// complete props are over the quota, in the same words.
	doc := logsBase + "logs: {metricFilters: ["
	for i := 0; i < logtiers.MaxMetricFilters; i++ {
		doc += "{name: F" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ", pattern: ERROR},"
	}
	doc += "]}\n"
	_, err := Parse("p.yaml", []byte(doc))
	if err == nil || strings.Count(err.Error(), "at most 100 metric filters on the error log group") != 1 {
		t.Fatalf("err = %v", err)
	}
}

func TestServiceLogsPropsMapsTheConfigForOneService(t *testing.T) {
	p, err := Parse("p.yaml", []byte(logsBase+`logs:
  logFormat: space
  tiers: {warn: {class: INFREQUENT_ACCESS, retentionDays: 14}}
  metricFilters: [{name: Bytes, pattern: '[ip, user, status, bytes]', value: $bytes, unit: Bytes/Second}]
  forwarding: [{name: k, destination: kinesis, distribution: Random, tiers: [ERROR]}]
`))
	if err != nil {
		t.Fatal(err)
	}
	props := p.ServiceLogsProps("b", LogsWiring{})
	if props.Service != "b" || props.LogFormat != logtiers.FormatSpace || props.Tiers.Warn.Class != awslogs.LogGroupClass_INFREQUENT_ACCESS {
		t.Errorf("props = %+v", props)
	}
	if f := props.MetricFilters[0]; f.Unit != awscloudwatch.Unit_BYTES_PER_SECOND {
		t.Errorf("unit = %s", f.Unit)
	}
	f := props.Forwarding[0]
	if f.Distribution != awslogs.Distribution_RANDOM || f.Destination == nil || f.Destination.SubscriptionKind() != logtiers.KindKinesis {
		t.Errorf("forwarding = %+v", f)
	}
	// The platform wires no Kinesis stream: binding the rule says so.
	if _, err := f.Destination.BindSubscription(nil, "/o11yscale/b/"); err == nil || !strings.Contains(err.Error(), `"kinesis" is not allowed; a destination the platform wires: lambda`) {
		t.Errorf("bind = %v", err)
	}
	if rp := p.LogRouterProps(nil); rp.LogGroupPrefix != "/o11yscale/" || len(rp.ForwardTiers) != 0 {
		t.Errorf("router props = %+v", rp)
	}
}
