package contract

import "github.com/o11yscale/o11yscale/lambdas/internal/namespace"

// EnvMetricNamespace is the CloudWatch namespace of the forwarder's EMF
// self-metrics, "<Platform>/Pipeline" for the deploying platform.
// Optional: unset, the forwarder uses MetricNamespace
// ("O11yscale/Pipeline").
const EnvMetricNamespace = "METRIC_NAMESPACE"

// The forwarder's self-metrics, written as CloudWatch embedded metric
// format (EMF) log lines once per invocation. Dashboards and alarms read
// them by these names.
const (
	// MetricNamespace holds the self-metrics of the pipeline Lambdas when
	// EnvMetricNamespace is unset: the default platform's pipeline
	// namespace.
	MetricNamespace = "O11yscale/Pipeline"
	// DimensionFunction is the one dimension of every self-metric; its
	// value is FunctionName.
	DimensionFunction = "Function"
	// FunctionName is the DimensionFunction value of the forwarder.
	FunctionName = "forwarder"
)

// Self-metric names. All are counts per invocation except
// MetricLagSeconds, in seconds.
const (
	MetricDatapointsRead     = "DatapointsRead"
	MetricRecordsPut         = "RecordsPut"
	MetricRecordsRetried     = "RecordsRetried"
	MetricRecordsFailed      = "RecordsFailed"
	MetricQueriesFailed      = "QueriesFailed"
	MetricGetMetricDataCalls = "GetMetricDataCalls"
	MetricPutRecordsCalls    = "PutRecordsCalls"
	// MetricLagSeconds is how far the forwarded window's end trails the
	// invocation's clock.
	MetricLagSeconds = "LagSeconds"
)

// MetricNamespaceFromEnv is the namespace the Lambda writes its
// self-metrics to: EnvMetricNamespace read through getenv (os.Getenv in
// the Lambda), or MetricNamespace when it is unset or blank.
func MetricNamespaceFromEnv(getenv func(string) string) string {
	return namespace.FromEnv(getenv, EnvMetricNamespace, MetricNamespace)
}

// ValidMetricNamespace reports whether ns is a CloudWatch namespace the
// Lambda may write to: 1-255 characters of letters, digits and . - _ / #
// : or space, not starting with "AWS/"
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html).
func ValidMetricNamespace(ns string) bool {
	return namespace.Valid(ns)
}
