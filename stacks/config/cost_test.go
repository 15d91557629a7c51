package config

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
)

// TestCostBlockMirrorsTheCostModel checks that every struct of the cost
// block has exactly the fields of its cost model counterpart, every one
// with a yaml key, so mirror can never drop or invent a field.
func TestCostBlockMirrorsTheCostModel(t *testing.T) {
	var walk func(path string, block, model reflect.Type)
	walk = func(path string, block, model reflect.Type) {
		switch block.Kind() {
		case reflect.Struct:
			if block.NumField() != model.NumField() {
				t.Errorf("%s: %s has %d fields, %s %d", path, block, block.NumField(), model, model.NumField())
			}
			for i := 0; i < block.NumField(); i++ {
				f := block.Field(i)
				if f.Tag.Get("yaml") == "" || f.Tag.Get("json") == "" {
					t.Errorf("%s.%s has no yaml or json key", path, f.Name)
				}
				m, ok := model.FieldByName(f.Name)
				if !ok {
					t.Errorf("%s.%s: no such field in %s", path, f.Name, model)
					continue
				}
				if m.Tag != "" {
					t.Errorf("%s.%s: the cost model's field carries tags %q", path, f.Name, m.Tag)
				}
				walk(path+"."+f.Name, f.Type, m.Type)
			}
		case reflect.Slice, reflect.Map:
			walk(path+"[]", block.Elem(), model.Elem())
		default:
			if !block.ConvertibleTo(model) || !model.ConvertibleTo(block) {
				t.Errorf("%s: %s and %s do not convert", path, block, model)
			}
		}
	}
	walk("cost", reflect.TypeOf(Cost{}), reflect.TypeOf(cost.Config{}))
}

func TestDefaultCostBlockMapsBackToTheDefaultModel(t *testing.T) {
	p := Default()
	got := p.costModel()
	want := cost.DefaultConfig()
	want.Architecture.CentralRegion = p.CentralRegion
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip changed the default:\n got %+v\nwant %+v", got, want)
	}
}

func TestCostBlockParsesEveryKindOfField(t *testing.T) {
	p, err := Parse("p.yaml", []byte(billingBase+`billing: {monthlyUSD: 10}
cost:
  pricing: {base: seed, overrides: {xray.tracesRecordedPerMillion: 5.5}}
  volumes:
    services:
      - name: a
        regions: [{region: us-east-1, requestsPerSecond: 3}]
        metrics: {groups: [{name: red, metrics: 3, dimensions: {Endpoint: 4}}]}
        traces: {fromRules: true}
  architecture:
    logs: {tiers: {info: {destination: cloudwatch, class: INFREQUENT_ACCESS}}}
    forwarder: {schedule: 10m}
`))
	if err != nil {
		t.Fatal(err)
	}
	c, ok := p.CostConfig()
	if !ok {
		t.Fatal("no cost config")
	}
	s := c.Volumes.Services[0]
	switch {
	case c.Pricing.Base != "seed" || c.Pricing.Overrides["xray.tracesRecordedPerMillion"] != 5.5:
		t.Errorf("pricing %+v", c.Pricing)
	case s.Regions[0].RequestsPerSecond != 3 || s.Metrics.Groups[0].Dimensions["Endpoint"] != 4:
		t.Errorf("service %+v", s)
	case s.Traces.FromRules:
		t.Errorf("fromRules was not resolved: %+v", s.Traces)
	case c.Architecture.Logs.Tiers.Info.Destination != cost.DestinationCloudWatch || c.Architecture.Logs.Tiers.Info.Class != cost.ClassInfrequentAccess:
		t.Errorf("tiers %+v", c.Architecture.Logs.Tiers)
	case c.Architecture.Forwarder.Schedule != 10*time.Minute || c.Architecture.CentralRegion != "us-east-1":
		t.Errorf("architecture %+v", c.Architecture)
	}
	if _, err := c.Estimate(); err != nil {
		t.Fatal(err)
	}
}

// The cost block's YAML uses lowerCamelCase keys and durations as strings.
func TestCostBlockDecodesLikeTheCostModelDocumentsIt(t *testing.T) {
	const doc = billingBase + "billing: {monthlyUSD: 10}\n" + `
cost:
  pricing:
    base: seed
    overrides:
      xray.tracesRecordedPerMillion: 5
  volumes:
    services:
      - name: checkout-api
        regions:
          - {region: us-east-1, requestsPerSecond: 50000}
        logs: {linesPerRequest: 2, bytesPerLine: 500, tiers: {error: 0.01, warn: 0.04, info: 0.55, debug: 0.4}}
        traces: {baselineRate: 0.001, errorShare: 0.005, slowShare: 0.004}
        metrics:
          publishers: 10
          groups:
            - {name: red, metrics: 3, dimensions: {Endpoint: 8, StatusClass: 3}}
        alarms: {standard: 4, highResolution: 1, anomaly: 2}
        forwardedMetrics: 10
        streamedMetrics: 20
    grafana: {editors: 2, viewers: 10}
  architecture:
    logs:
      tiers:
        warn: {destination: cloudwatch, class: INFREQUENT_ACCESS, retentionDays: 14}
        info: {destination: s3, retentionDays: 365, glacierAfterDays: 30, glacierClass: flexibleRetrieval}
    metricPublishing: {mode: statisticSets, flushInterval: 30s}
    forwarder: {schedule: 10m, statisticsPerMetric: 2}
    metricArchive: {glacierAfterDays: 30, expireAfterDays: 365}
  budget: {monthlyUSD: 20000, warnShare: 0.9}
`
	p, err := Parse("p.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := p.CostConfig()
	s := c.Volumes.Services[0]
	if s.Metrics.Groups[0].Dimensions["StatusClass"] != 3 || s.Alarms.Anomaly != 2 || s.Traces.SlowShare != 0.004 {
		t.Errorf("service decoded as %+v", s)
	}
	if c.Architecture.MetricPublishing.FlushInterval != 30*time.Second || c.Architecture.Forwarder.Schedule != 10*time.Minute {
		t.Errorf("durations decoded as %v and %v", c.Architecture.MetricPublishing.FlushInterval, c.Architecture.Forwarder.Schedule)
	}
	if got := c.Architecture.Logs.Tiers.Info.GlacierClass; got != cost.GlacierFlexibleRetrieval {
		t.Errorf("glacierClass = %q", got)
	}
	if got := c.Architecture.Logs.Tiers.Warn.Class; got != cost.ClassInfrequentAccess {
		t.Errorf("class = %q", got)
	}
	r, err := c.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	if r.PriceSet.Name != "seed+overrides" || r.PriceSet.Prices[cost.PriceXRayTracesRecorded].USD != 5 {
		t.Errorf("price set %q with trace price %g", r.PriceSet.Name, r.PriceSet.Prices[cost.PriceXRayTracesRecorded].USD)
	}
}

func TestCostPricesTransactionSearchAsSamplingConfiguresIt(t *testing.T) {
	base := "regions: [us-east-1]\nservices: [{name: a}]\nbilling: {monthlyUSD: 10}\n" +
		"cost: {volumes: {services: [{name: a, regions: [{region: us-east-1, requestsPerSecond: 10}]}]}%s}\n"
	cases := []struct {
		name, cost, sampling string
		disabled             bool
		pct                  float64
	}{
		{"sampling's percentage", "", "sampling: {transactionSearch: {indexingPercentage: 5}}\n", false, 5},
		{"the cost block's own percentage wins", ", architecture: {transactionSearch: {indexingPercentage: 2}}", "sampling: {transactionSearch: {indexingPercentage: 5}}\n", false, 2},
		{"off when sampling turns it off", "",
			"sampling: {tailSampling: {exporter: xray-legacy}, transactionSearch: {disabled: true}}\n", true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse("p.yaml", []byte(fmt.Sprintf(base, c.cost)+c.sampling))
			if err != nil {
				t.Fatal(err)
			}
			cc, ok := p.CostConfig()
			ts := cc.Architecture.TransactionSearch
			if !ok || ts.Disabled != c.disabled || ts.IndexingPercentage != c.pct {
				t.Errorf("transactionSearch = %+v, want disabled %v, indexingPercentage %g", ts, c.disabled, c.pct)
			}
		})
	}
}
