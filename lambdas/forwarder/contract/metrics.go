package contract

// The forwarder's self-metrics, written as CloudWatch embedded metric
// format (EMF) log lines once per invocation. Dashboards and alarms read
// them by these names.
const (
	// MetricNamespace holds the self-metrics of the pipeline Lambdas.
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
