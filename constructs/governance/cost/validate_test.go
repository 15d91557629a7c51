package cost

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

func TestDefaultConfigIsValid(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (Config{}).Validate(); err != nil {
		t.Fatalf("zero config must be valid (all defaults): %v", err)
	}
}

func TestConfigValidateNamesFieldValueAndAllowed(t *testing.T) {
	for _, tc := range []struct {
		name      string
		mutate    func(*Config)
		wantPath  string
		wantValue any
		wantHint  string
	}{
		{"empty service name", func(c *Config) { c.Volumes.Services[0].Name = "" }, "volumes.services[0].name", "", "1-64 characters"},
		{"duplicate service name", func(c *Config) { c.Volumes.Services[1].Name = c.Volumes.Services[0].Name }, "volumes.services[1].name", "checkout-api", "services[0]"},
		{"service without regions", func(c *Config) { c.Volumes.Services[0].Regions = nil }, "volumes.services[0].regions", nil, "at least one region"},
		{"bad region name", func(c *Config) { c.Volumes.Services[0].Regions[1].Region = "Europe" }, "volumes.services[0].regions[1].region", "Europe", "AWS region"},
		{"duplicate region", func(c *Config) { c.Volumes.Services[0].Regions[1].Region = "us-east-1" }, "volumes.services[0].regions[1].region", "us-east-1", "regions[0]"},
		{"negative traffic", func(c *Config) { c.Volumes.Services[0].Regions[0].RequestsPerSecond = -1 }, "volumes.services[0].regions[0].requestsPerSecond", -1.0, "from 0 to 10000000"},
		{"NaN traffic", func(c *Config) { c.Volumes.Services[0].Regions[0].RequestsPerSecond = math.NaN() }, "volumes.services[0].regions[0].requestsPerSecond", nil, "from 0"},
		{"line above the 1 MB event limit", func(c *Config) { c.Volumes.Services[0].Logs.BytesPerLine = 2 << 20 }, "volumes.services[0].logs.bytesPerLine", float64(2 << 20), "1048576"},
		{"tier shares not summing to 1", func(c *Config) { c.Volumes.Services[0].Logs.Tiers = TierMix{Error: 0.5, Info: 0.4} }, "volumes.services[0].logs.tiers", 0.9, "summing to 1"},
		{"tier share above 1", func(c *Config) { c.Volumes.Services[0].Logs.Tiers = TierMix{Info: 1.5} }, "volumes.services[0].logs.tiers.info", 1.5, "from 0 to 1"},
		{"baseline rate above 1", func(c *Config) { c.Volumes.Services[1].Traces.BaselineRate = 5 }, "volumes.services[1].traces.baselineRate", 5.0, "from 0 to 1"},
		{"errors and slow above all requests", func(c *Config) { c.Volumes.Services[1].Traces = TraceSampling{ErrorShare: 0.7, SlowShare: 0.5} }, "volumes.services[1].traces.slowShare", 0.5, "1 - errorShare"},
		{"negative reservoir", func(c *Config) { c.Volumes.Services[1].Traces.ReservoirPerSecond = -1 }, "volumes.services[1].traces.reservoirPerSecond", -1.0, "from 0"},
		{"zero cardinality", func(c *Config) { c.Volumes.Services[0].Metrics.Groups[0].Dimensions["Tier"] = 0 }, `volumes.services[0].metrics.groups[0].dimensions["Tier"]`, 0, "from 1 to 1000000000"},
		{"duplicate metric group", func(c *Config) { c.Volumes.Services[0].Metrics.Groups[1].Name = "red" }, "volumes.services[0].metrics.groups[1].name", "red", "groups[0]"},
		{"negative publishers", func(c *Config) { c.Volumes.Services[0].Metrics.Publishers = -2 }, "volumes.services[0].metrics.publishers", -2, "from 1"},
		{"negative alarms", func(c *Config) { c.Volumes.Services[0].Alarms.Anomaly = -1 }, "volumes.services[0].alarms.anomaly", -1, "from 0"},
		{"negative forwarded metrics", func(c *Config) { c.Volumes.Services[0].ForwardedMetrics = -1 }, "volumes.services[0].forwardedMetrics", -1, "from 0"},
		{"negative viewers", func(c *Config) { c.Volumes.Grafana.Viewers = -3 }, "volumes.grafana.viewers", -3, "from 0"},
		{"unknown destination", func(c *Config) { c.Architecture.Logs.Tiers.Warn.Destination = "opensearch" }, "architecture.logs.tiers.warn.destination", "opensearch", "cloudwatch, s3, drop"},
		{"unknown log group class", func(c *Config) { c.Architecture.Logs.Tiers.Warn.Class = "ARCHIVE" }, "architecture.logs.tiers.warn.class", "ARCHIVE", "STANDARD, INFREQUENT_ACCESS"},
		{"class on an S3 tier", func(c *Config) { c.Architecture.Logs.Tiers.Info.Class = ClassStandard }, "architecture.logs.tiers.info.class", "STANDARD", "unless destination is cloudwatch"},
		{"CloudWatch retention not accepted by RetentionInDays", func(c *Config) { c.Architecture.Logs.Tiers.Error.RetentionDays = 31 }, "architecture.logs.tiers.error.retentionDays", 31, "RetentionInDays"},
		{"retention on a dropped tier", func(c *Config) { c.Architecture.Logs.Tiers.Debug.RetentionDays = 7 }, "architecture.logs.tiers.debug.retentionDays", 7, "0 for destination drop"},
		{"Glacier transition after retention", func(c *Config) { c.Architecture.Logs.Tiers.Info.GlacierAfterDays = 120 }, "architecture.logs.tiers.info.glacierAfterDays", 120, "1 to retentionDays-1 (119)"},
		{"Glacier on a CloudWatch tier", func(c *Config) { c.Architecture.Logs.Tiers.Error.GlacierAfterDays = 10 }, "architecture.logs.tiers.error.glacierAfterDays", 10, "unless destination is s3"},
		{"unknown Glacier class", func(c *Config) { c.Architecture.Logs.Tiers.Info.GlacierClass = "deepArchive" }, "architecture.logs.tiers.info.glacierClass", "deepArchive", "instantRetrieval"},
		{"Insights on an S3 tier", func(c *Config) { c.Architecture.Logs.Tiers.Info.InsightsScanShare = 1 }, "architecture.logs.tiers.info.insightsScanShare", 1.0, "Logs Insights cannot scan s3"},
		{"archive expiring before Glacier", func(c *Config) {
			c.Architecture.MetricArchive = MetricArchive{GlacierAfterDays: 90, ExpireAfterDays: 60}
		}, "architecture.metricArchive.expireAfterDays", 60, "more than glacierAfterDays (90)"},
		{"too many statistics", func(c *Config) { c.Architecture.Forwarder.StatisticsPerMetric = 500 }, "architecture.forwarder.statisticsPerMetric", 500, "from 1 to 100"},
		{"compression above 1", func(c *Config) { c.Architecture.Logs.CompressionRatio = 2 }, "architecture.logs.compressionRatio", 2.0, "at most 1"},
		{"unknown S3 delivery", func(c *Config) { c.Architecture.Logs.S3Delivery = "kinesis" }, "architecture.logs.s3Delivery", "kinesis", "direct, firehose"},
		{"unknown publishing mode", func(c *Config) { c.Architecture.MetricPublishing.Mode = "statsd" }, "architecture.metricPublishing.mode", "statsd", "emf, statisticSets, perDatapoint"},
		{"flush interval above an hour", func(c *Config) { c.Architecture.MetricPublishing.FlushInterval = 2 * time.Hour }, "architecture.metricPublishing.flushInterval", "2h0m0s", "1s to 1h0m0s"},
		{"period CloudWatch does not store", func(c *Config) { c.Architecture.Forwarder.Period = 45 * time.Second }, "architecture.forwarder.period", "45s", "multiple of 60s"},
		{"schedule shorter than period", func(c *Config) {
			c.Architecture.Forwarder.Period = 10 * time.Minute
			c.Architecture.Forwarder.Schedule = 5 * time.Minute
		}, "architecture.forwarder.schedule", "5m0s", "at least forwarder.period"},
		{"record above the 1 MiB Kinesis limit", func(c *Config) {
			c.Architecture.Forwarder.Schedule = time.Hour
			c.Architecture.Forwarder.DatapointBytes = 20000
		}, "architecture.forwarder.datapointBytes", 20000, "60 datapoints a window"},
		{"Lambda memory below 128 MB", func(c *Config) { c.Architecture.Forwarder.LambdaMemoryMB = 64 }, "architecture.forwarder.lambdaMemoryMB", 64, "from 128 to 10240"},
		{"unknown Lambda architecture", func(c *Config) { c.Architecture.Forwarder.LambdaArchitecture = "riscv" }, "architecture.forwarder.lambdaArchitecture", "riscv", "arm64, x86_64"},
		{"shards in on-demand mode", func(c *Config) { c.Architecture.Kinesis = KinesisStream{Mode: KinesisOnDemand, Shards: 4} }, "architecture.kinesis.shards", 4, "onDemand"},
		{"bad central region", func(c *Config) { c.Architecture.CentralRegion = "virginia" }, "architecture.centralRegion", "virginia", "AWS region"},
		{"naive retention not a RetentionInDays value", func(c *Config) { c.Architecture.Naive.LogRetentionDays = 45 }, "architecture.naive.logRetentionDays", 45, "RetentionInDays"},
		{"unknown price set", func(c *Config) { c.Pricing.Base = "eu-west-1-2020" }, "pricing.base", "eu-west-1-2020", "seed, us-east-1-2026-11"},
		{"unknown price key", func(c *Config) { c.Pricing.Overrides = map[string]float64{"xray.perTrace": 1} }, `pricing.overrides["xray.perTrace"]`, "xray.perTrace", "logs.ingestionStandardPerGB"},
		{"negative price", func(c *Config) { c.Pricing.Overrides = map[string]float64{PriceKinesisShardHour: -0.015} }, `pricing.overrides["kinesis.shardHour"]`, -0.015, "0 or more"},
		{"negative budget", func(c *Config) { c.Budget.MonthlyUSD = -5 }, "budget.monthlyUSD", -5.0, "finite USD"},
		{"warn share above 1", func(c *Config) { c.Budget.WarnShare = 1.5 }, "budget.warnShare", 1.5, "at most 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.mutate(&c)
			err := c.Validate()
			if err == nil {
				t.Fatal("Validate accepted the config")
			}
			for _, fe := range validation.Fields(err) {
				if fe.Path != tc.wantPath {
					continue
				}
				if tc.wantValue != nil && fe.Value != tc.wantValue {
					t.Errorf("value = %#v, want %#v", fe.Value, tc.wantValue)
				}
				if !strings.Contains(fe.Allowed, tc.wantHint) {
					t.Errorf("allowed = %q, want it to mention %q", fe.Allowed, tc.wantHint)
				}
				return
			}
			t.Fatalf("no error at %s; got:\n%v", tc.wantPath, err)
		})
	}
}

func TestConfigValidateReportsEveryProblemAtOnce(t *testing.T) {
	c := DefaultConfig()
	c.Volumes.Services[0].Regions[0].RequestsPerSecond = -1
	c.Volumes.Services[2].Traces.BaselineRate = 2
	c.Architecture.Logs.Tiers.Warn.RetentionDays = 8
	c.Pricing.Base = "nope"
	if got := len(validation.Fields(c.Validate())); got != 4 {
		t.Fatalf("got %d field errors, want 4: %v", got, c.Validate())
	}
}

func TestEstimateRejectsInvalidInputWithoutPricing(t *testing.T) {
	c := DefaultConfig()
	c.Volumes.Services[0].Logs.Tiers = TierMix{Info: 0.3}
	if r, err := c.Estimate(); err == nil || r != nil {
		t.Fatalf("Estimate = %v, %v; want an error and no report", r, err)
	}
	_, err := Estimate(c.Volumes, c.Architecture, mustPrices(t, PriceSetUSEast1))
	if err == nil || !strings.Contains(err.Error(), "services[0].logs.tiers") {
		t.Fatalf("Estimate error = %v, want the tiers path", err)
	}
}
