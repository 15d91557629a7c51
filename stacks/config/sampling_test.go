package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/o11yscale/o11yscale/constructs/sampling"
)

const twoServices = "regions: [us-east-1]\nservices: [{name: checkout-api}, {name: search}]\nbilling: {monthlyUSD: 10}\n"

func TestSamplingYAMLMapsToCompleteProps(t *testing.T) {
	p, err := Parse("p.yaml", []byte(twoServices+`name: shop
sampling:
  rules:
    - {name: pay, serviceName: checkout-api, serviceType: "AWS::ECS::Container", host: "*.example.com", httpMethod: POST,
       urlPath: "/pay/*", resourceArn: "*", attributes: {tier: gold}, priority: 1, fixedRate: 0.5, reservoirSize: 2,
       boost: {maxRate: 0.9, cooldownWindowMinutes: 5}}
    - {priority: 9999, fixedRate: 0.05, reservoirSize: 1}
  slowThreshold: 1500ms
  groups: {namePrefix: shop-, insights: true, notifications: true}
  tailSampling: {baselinePercent: 1, decisionWait: 30s, numTraces: 1000, receiverHost: 0.0.0.0, parameterName: /shop/otel,
                 exporter: otlp, logs: {enabled: true, logGroupName: /shop/checkout-api/warn, logStreamName: collector}}
  transactionSearch: {indexingPercentage: 10, retentionDays: 14, policyName: shop-ts}
`))
	if err != nil {
		t.Fatal(err)
	}
	got := p.SamplingProps()
	want := sampling.Props{
		Name: "shop",
		Rules: []sampling.Rule{
			{Name: "pay", ServiceName: "checkout-api", ServiceType: "AWS::ECS::Container", Host: "*.example.com", HTTPMethod: "POST",
				URLPath: "/pay/*", ResourceARN: "*", Attributes: map[string]string{"tier": "gold"}, Priority: 1, FixedRate: 0.5, ReservoirSize: 2,
				Boost: sampling.Boost{MaxRate: 0.9, CooldownWindowMinutes: 5}},
			{Priority: 9999, FixedRate: 0.05, ReservoirSize: 1},
		},
		SlowThreshold: 1500 * time.Millisecond,
		Groups:        sampling.GroupsProps{NamePrefix: "shop-", Insights: true, Notifications: true},
		TailSampling: sampling.TailSamplingProps{BaselinePercent: 1, DecisionWait: 30 * time.Second, NumTraces: 1000,
			ReceiverHost: "0.0.0.0", ParameterName: "/shop/otel", Exporter: sampling.ExporterOTLP,
			Logs: sampling.LogsExportProps{Enabled: true, LogGroupName: "/shop/checkout-api/warn", LogStreamName: "collector"}},
		TransactionSearch: sampling.TransactionSearchProps{IndexingPercentage: 10, RetentionDays: 14, PolicyName: "shop-ts"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("SamplingProps() =\n%+v\nwant\n%+v", got, want)
	}
}

func TestPerServiceSamplingGroupsAreOptIn(t *testing.T) {
	p, err := Parse("p.yaml", []byte(twoServices))
	if err != nil {
		t.Fatal(err)
	}
	// X-Ray's 25 groups per account-region are not adjustable, so omitting
	// the list creates only the errors and slow groups.
	if got := p.SamplingProps().Groups.Services; len(got) != 0 {
		t.Errorf("omitted groups.services = %v, want no per-service group", got)
	}
	p, err = Parse("p.yaml", []byte(twoServices+"sampling: {groups: {services: []}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.SamplingProps().Groups.Services; len(got) != 0 {
		t.Errorf("groups.services: [] = %v, want no per-service group", got)
	}
	p, err = Parse("p.yaml", []byte(twoServices+"sampling: {groups: {services: [payments]}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.SamplingProps().Groups.Services; strings.Join(got, ",") != "payments" {
		t.Errorf("groups.services: [payments] = %v", got)
	}
}

func TestSamplingDefaultsMapToTheDefaultProps(t *testing.T) {
	p := Default()
	got := p.SamplingProps()
	if got.Name != "o11yscale" || got.Rules != nil || got.SlowThreshold != 0 || got.TailSampling != (sampling.TailSamplingProps{}) ||
		got.TransactionSearch != (sampling.TransactionSearchProps{}) {
		t.Errorf("default sampling props = %+v, want only the name set", got)
	}
	if len(got.Groups.Services) != 0 {
		t.Errorf("groups.services = %v, want none (opt-in)", got.Groups.Services)
	}
	if err := got.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestSamplingErrorsNameTheConfigPath(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"empty boost", "sampling: {rules: [{serviceName: a, priority: 1, fixedRate: 0.5, boost: {}}]}\n",
			`p.yaml: sampling.rules[0].boost.maxRate: 0 is not allowed; above the rule's fixedRate (0.5) and at most 1`},
		{"boost without maxRate", "sampling: {rules: [{serviceName: a, priority: 1, boost: {cooldownWindowMinutes: 5}}]}\n",
			`p.yaml: sampling.rules[0].boost.maxRate: 0 is not allowed; above the rule's fixedRate (0) and at most 1`},
		{"shadowed rule", "sampling: {rules: [{priority: 1}, {serviceName: a, priority: 2}]}\n", `p.yaml: sampling.rules[1]: "a" is not allowed`},
		{"tail sampling", "sampling: {tailSampling: {decisionWait: 10ms}}\n", `p.yaml: sampling.tailSampling.decisionWait: "10ms" is not allowed`},
		{"group prefix", "sampling: {groups: {namePrefix: a/b}}\n", `p.yaml: sampling.groups.namePrefix: "a/b"`},
		// A listed service whose group would be named like the
		// slow-requests group is reported before synth.
		{"service group named like the slow group", "sampling: {groups: {services: [slow]}}\nservices: [{name: slow}]\n",
			`p.yaml: sampling.groups: "o11yscale-slow" is not allowed; distinct group names`},
		{"unknown key", "sampling: {tailsampling: {}}\n", "tailsampling"},
		// The collector's baseline defaults to the catch-all's rate: a 0%
		// catch-all needs an explicit baseline, and the error names both.
		{"0% catch-all without a baseline", "sampling: {rules: [{priority: 1, fixedRate: 0}]}\n",
			`p.yaml: sampling.tailSampling.baselinePercent: 0 is not allowed; a percentage above 0 and at most 100; it defaults to the catch-all rule rules[0] (priority 1) with fixedRate 0`},
		{"exporter", "sampling: {tailSampling: {exporter: jaeger}}\n",
			`p.yaml: sampling.tailSampling.exporter: "jaeger" is not allowed; one of "otlp" (default) or "xray-legacy"`},
		{"indexing percentage", "sampling: {transactionSearch: {indexingPercentage: 150}}\n",
			`p.yaml: sampling.transactionSearch.indexingPercentage: 150 is not allowed`},
		{"OTLP without Transaction Search", "sampling: {transactionSearch: {disabled: true}}\n",
			`p.yaml: sampling.transactionSearch.disabled: true is not allowed`},
		{"logs into a group the platform does not have", "sampling: {tailSampling: {logs: {enabled: true, logGroupName: /other/group}}}\n",
			`p.yaml: sampling.tailSampling.logs.logGroupName: "/other/group" is not allowed; one of the platform's tiered log groups`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := "regions: [us-east-1]\nbilling: {monthlyUSD: 10}\n" + c.doc
			if !strings.Contains(c.doc, "services:") {
				doc += "services: [{name: a}]\n"
			}
			_, err := Parse("p.yaml", []byte(doc))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v\nlacks %q", err, c.want)
			}
			if n := strings.Count(err.Error(), c.want); n > 1 {
				t.Errorf("%q reported %d times:\n%v", c.want, n, err)
			}
		})
	}
	if _, err := Parse("p.yaml", []byte(twoServices+"sampling: {rules: [{serviceName: a, priority: 1, fixedRate: 0.1, boost: {maxRate: 0.5}}, {priority: 2, fixedRate: 0.05}]}\n")); err != nil {
		t.Fatalf("a boost with maxRate only: %v", err)
	}
}
