// Package cost estimates the monthly cost of an observability platform
// before it is deployed, for two architectures: the naive one (every log
// tier in CloudWatch Logs Standard, every request traced, one API call per
// datapoint) and the declared one (the platform's tier routing, sampling
// and metric publishing). It is pure Go with no CDK imports, so tests run
// without synthesizing. Its types carry no YAML or JSON tags: the platform
// config's cost: block (stacks/config) mirrors Config field for field and
// maps to it; Report.JSON has its own private wire format.
//
// # Derived, not declared
//
// In a platform, Config is derived (platform.Props.CostConfig): the
// architecture and the alarm, detector, composite and forwarder counts
// come from the props the constructs are built from, and the platform
// prices the alarms its construct tree holds before synth writes anything.
// Only Inputs (traffic, a few assumptions, prices, budget) is the user's;
// traffic nobody declared is AssumedTraffic, labelled on every line it
// prices. Every Line names its Source.
//
// # Units
//
// Money is USD. A month is 30 days = 2,592,000 s = 720 h = 43,200 min,
// as the seed computes ($2,160/day = $64,800/month). A GB is
// PriceSet.BytesPerGB bytes: 1e9 (decimal) in both embedded price sets,
// because the seed's arithmetic only holds with decimal units
// (50 MB/s × 86,400 s = 4.32 TB/day; 4.32 TB × $0.50/GB = $2,160/day).
// Set Pricing.BytesPerGB to 1073741824 to bill in GiB. Lambda memory uses
// 1 GB = 1,024 MB, as Lambda bills it. Storage figures are steady state:
// a store holds its retention days of volume.
//
// # Formulas (per service and region unless noted)
//
//	requests          = requestsPerSecond × 2,592,000
//	log GB            = requests × linesPerRequest × bytesPerLine ÷ bytesPerGB
//	tier GB           = log GB × tier share (ERROR, WARN, INFO, DEBUG)
//	cloudwatch        ingestion = tier GB × ($0.50 STANDARD | $0.25 INFREQUENT_ACCESS class)
//	                  storage   = tier GB ÷ 30 × retentionDays × compressionRatio × $0.03
//	                  Insights  = insightsScanShare × tier GB × $0.005
//	                  (naive: the same queries scan all tiers' GB, one group)
//	S3 (direct)       Standard  = tier GB ÷ 30 × min(retention, glacierAfter) × ratio × $0.023
//	                  Glacier   = tier GB ÷ 30 × max(retention − glacierAfter, 90) × ratio × $0.004
//	                  PUTs      = tier GB × ratio × bytesPerGB ÷ (s3ObjectMB × 1e6) × $0.005/1,000
//	                  (+ Firehose tier GB × $0.029 when s3Delivery is "firehose")
//	drop              a zero-priced line, so the volume stays visible
//	traces (naive)    = requests
//	traces (declared) = requests × k + (1 − k) × (R + (requests − R) × baselineRate)
//	                  where k = errorShare + slowShare, R = min(rps, reservoir) × 2,592,000
//	series            = Σ groups metrics × Π dimension cardinalities
//	series cost       = region's tiered cost (10k at $0.30, 240k at $0.10,
//	                  750k at $0.05, rest at $0.02) ÷ region's series, per series
//	PutMetricData     naive: requests × metric names (one call per datapoint)
//	                  statisticSets: publishers × flushes × ⌈active series ÷ 1,000⌉
//	                  emf: no calls; events = publishers × flushes × Σ active
//	                  combinations × ⌈metrics ÷ 100⌉, × emfBytesPerEvent as
//	                  Standard ingestion plus storage
//	                  (active = at most the requests one publisher sees per flush)
//	alarms            standard × $0.10 + highResolution × $0.30 + anomaly × 3 × $0.10
//	                  + composite × $0.50 (alarm metrics: one per metric an alarm reads)
//	forwarding        runs = 2,592,000 ÷ schedule; window = schedule ÷ period datapoints
//	                  naive: GetMetricStatistics metrics × runs requests (one call
//	                  returns every statistic); one record per datapoint
//	                  declared: GetMetricData metrics × statistics × runs metrics
//	                  requested (one query per statistic); one record per series
//	                  per run holding its window
//	                  Kinesis PUT payload units = records × ⌈record bytes ÷ 25 KB⌉
//	                  (on-demand: records × record bytes rounded up to 1 KB ÷ bytesPerGB)
//	                  Firehose GB = records × record bytes rounded up to 5 KB ÷ bytesPerGB
//	                  (Kinesis and Firehose are billed in the central region)
//	metric archive    forwarded and streamed metrics in S3: Standard until
//	                  glacierAfterDays, then Glacier Flexible Retrieval until
//	                  expireAfterDays (billed at least 90 days), both architectures
//	metric streams    updates = streamed metrics × 43,200; naive polls each with
//	                  GetMetricData every minute; declared pays updates × $0.003/1,000
//	                  plus Firehose updates × updateBytes
//	shared            per region with forwarded metrics: forwarder Lambda runs ×
//	                  $0.20/M + runs × duration × memory GB × $/GB-s; central:
//	                  shards × 720 h (shards sized from the average write rate,
//	                  1,000 records/s and 1 MB/s per shard) or 720 stream-hours on
//	                  demand; Grafana max(editors, 1) × $9 + viewers × $5
//
// The figures above are the us-east-1 list prices; every report line shows
// quantity × unit price = cost with the price key, and the report carries
// the price table with the source of every figure. Free tiers are not
// applied.
//
// # Price sets
//
// Price sets are versioned JSON files embedded from pricing/:
// "us-east-1-2026-11" (list prices, the default) and "seed" (exactly the
// seed's figures, merged over the list prices for everything the seed does
// not price). Pricing.Overrides merges a partial map over the named base.
//
// # Reproducing the seed
//
// The seed tests reproduce the seed's figures with the seed price set and
// document, one test each, where the seed's "After" figures do not follow
// from its own prices (WARN retention, the INFO S3 figure, the trace count
// of Example 1, the Example 3 total).
package cost
