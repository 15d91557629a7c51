// Package metricstream implements cross-region metric aggregation (the
// seed's Example 2): a central Kinesis stream, a Firehose that archives it to
// S3 partitioned by region and date, the role regional forwarders assume to
// write, the scheduled regional forwarder Lambda, and CloudWatch Metric
// Streams as the push-based alternative.
//
// Central and regional resources find each other by deterministic names
// (see Names), so regional stacks in other regions need no cross-region
// exports; only the deploy order matters. The regional constructs take the
// central one as a CentralTarget (a *Central satisfies it), so the platform
// name and central region they use cannot differ from the central's own.
//
// What the construct and the forwarder Lambda must agree on (environment
// variables, the configuration document, self-metric names) is in
// lambdas/forwarder/contract; this package does not import the Lambda's
// logic or the AWS SDK.
package metricstream
