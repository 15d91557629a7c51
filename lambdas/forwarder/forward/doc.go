// Package forward is the regional metric forwarder: on each scheduled
// event it reads one window of a configured metric set from CloudWatch
// with GetMetricData and puts it to the central Kinesis data stream with
// PutRecords.
//
// # Windows
//
// The window is [End-interval, End) with End = event time - DelaySeconds,
// rounded down to a multiple of IntervalSeconds since the Unix epoch
// (WindowAt). It is computed from the event's "time", never the clock, so
// consecutive scheduled events forward adjacent windows with no gap and no
// overlap, and a late or retried delivery of one event forwards the same
// window again. With the cron schedule from contract.Config.ScheduleExpression
// (events on interval boundaries) and the default delay of 180 s on a
// 300 s interval, an event time up to 179 s late or 120 s early still maps
// to its own window.
//
// # Requests
//
// Each statistic of each metric is one MetricStat query; queries are
// packed 500 to a call and, by period, at most 100,800 expected datapoints
// to a call, with all statistics of a metric in the same call. NextToken
// pages are followed. Records are batched into PutRecords requests of at
// most 500 records and 5 MiB; a record (data plus partition key) is at most
// 1 MiB. Entries that fail with ProvisionedThroughputExceededException,
// InternalFailure or KMSThrottlingException, and whole calls that fail
// with a throttling or server error, are re-sent alone with exponential
// backoff and full jitter while the Lambda deadline allows (Retry). Every
// entry that still fails is counted, and Handle returns an error naming
// the counts so Lambda's retry and on-failure destination take over.
//
// # Record format
//
// A Kinesis record holds all datapoints of one series in the window: one
// JSON object per line, each line ending in "\n". Firehose concatenates
// records, so the objects in S3 stay newline-delimited JSON that Athena's
// JSON SerDe (org.openx.data.jsonserde.JsonSerDe) reads one row per line.
// A line is a Datapoint:
//
//	{"id":"9f2c...","region":"eu-west-1","account":"123456789012",
//	 "namespace":"AWS/Lambda","metric":"Duration",
//	 "dimensions":{"FunctionName":"checkout-api"},"periodSeconds":60,
//	 "timestamp":"2025-01-01T12:00:00Z",
//	 "values":{"Average":12.5,"Maximum":80,"Minimum":3},"unit":"Milliseconds"}
//
// (one line in the record). Athena columns: id string, region string,
// account string, namespace string, metric string, dimensions
// map<string,string>, periodSeconds int, `timestamp` string (ISO 8601;
// backquote the reserved name in DDL, convert with
// from_iso8601_timestamp), values map<string,double>, unit string,
// expression string. A statistic CloudWatch had no value for is absent
// from values. For a search expression, metric is the result's label,
// namespace is taken from the search schema and expression is set.
//
// The id is the first 128 bits, in hex, of SHA-256 over the region,
// account, namespace, metric, sorted dimensions, period, sorted statistic
// set (and the expression, for searches) and the timestamp. It names the
// datapoint, not its values: a retried invocation sends the same ids, and
// downstream keeps one row per id (for example
// row_number() over (partition by id) = 1).
//
// The partition key is 128 bits of SHA-256 over the namespace, metric name
// and sorted dimensions (for searches, the expression and label), so the
// series spread over all shards; the region is deliberately not part of
// it, unlike the seed, which put a whole region on one shard.
package forward
