package sampling

import (
	"regexp"

	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/internal/otelcol"
)

// Exporter is how the collector sends the sampled traces.
type Exporter string

// Exporters.
const (
	// ExporterOTLP sends traces with otlphttp to the region's X-Ray OTLP
	// endpoint, https://xray.<region>.amazonaws.com/v1/traces, signed by
	// the sigv4auth extension for the service "xray". The endpoint needs
	// Transaction Search (TransactionSearchProps), and takes W3C trace IDs
	// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-OTLPEndpoint.html).
	ExporterOTLP Exporter = "otlp"
	// ExporterXRayLegacy keeps the awsxray exporter (PutTraceSegments).
	// ADOT marks its page deprecated in favour of OTLP
	// (https://aws-otel.github.io/docs/getting-started/x-ray/), and the
	// X-Ray SDKs and daemon reach end of support on 2027-02-25
	// (https://docs.aws.amazon.com/xray/latest/devguide/xray-daemon-eos.html).
	ExporterXRayLegacy Exporter = "xray-legacy"
)

// Enum lists the exporters, for tools that describe the config.
func (Exporter) Enum() []string { return []string{string(ExporterOTLP), string(ExporterXRayLegacy)} }

// RegionFromEnvironment is the region the collector config names when
// neither TailSamplingProps.Region nor the stack's region is known: the
// collector expands it from its AWS_REGION variable at startup.
const RegionFromEnvironment = "${env:AWS_REGION}"

// DefaultLogStreamName is the log stream the collector writes logs to.
const DefaultLogStreamName = "otel-collector"

// LogsExportProps sends logs the collector receives over OTLP to the
// CloudWatch Logs OTLP endpoint, https://logs.<region>.amazonaws.com/v1/logs,
// signed for the service "logs", into an existing log group and stream
// named by the x-aws-log-group and x-aws-log-stream headers
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_HTTP_Endpoints_OTLP.html).
type LogsExportProps struct {
	// Enabled adds the logs pipeline. Default: false (logs are not
	// received).
	Enabled bool
	// LogGroupName is the log group written to; required when Enabled.
	// The platform points it at one of its tiered log groups
	// (logtiers.LogGroupName) by default.
	LogGroupName string
	// LogStreamName is the log stream written to. It must exist; the
	// endpoint does not create it. Default: "otel-collector".
	LogStreamName string
}

func (l LogsExportProps) withDefaults() LogsExportProps {
	if l.Enabled && l.LogStreamName == "" {
		l.LogStreamName = DefaultLogStreamName
	}
	return l
}

var (
	// regionRE is an AWS region name such as us-east-1 or us-gov-west-1.
	regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	// logGroupNameRE and logStreamNameRE are CloudWatch Logs' name rules
	// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html,
	// API_CreateLogStream.html).
	logGroupNameRE  = regexp.MustCompile(`^[.\-_/#A-Za-z0-9]{1,512}$`)
	logStreamNameRE = regexp.MustCompile(`^[^:*]{1,512}$`)
)

func validateExport(v *validation.Errors, t TailSamplingProps) {
	switch t.Exporter {
	case ExporterOTLP, ExporterXRayLegacy:
	default:
		v.Add("tailSampling.exporter", string(t.Exporter), "one of %q (default) or %q", ExporterOTLP, ExporterXRayLegacy)
	}
	if t.Region != RegionFromEnvironment && !regionRE.MatchString(t.Region) {
		v.Add("tailSampling.region", t.Region, "an AWS region name such as us-east-1 (default: the stack's region)")
	}
	l := t.Logs
	if !l.Enabled {
		if l.LogGroupName != "" || l.LogStreamName != "" {
			v.Add("tailSampling.logs.enabled", false, "true when logGroupName or logStreamName is set")
		}
		return
	}
	if t.Exporter == ExporterXRayLegacy {
		v.Add("tailSampling.logs.enabled", true, "false with exporter %q: logs go to the OTLP endpoint only", ExporterXRayLegacy)
	}
	if !logGroupNameRE.MatchString(l.LogGroupName) {
		v.Add("tailSampling.logs.logGroupName", l.LogGroupName, "an existing log group's name: 1-512 of letters, digits, '.', '-', '_', '/', '#'")
	}
	if !logStreamNameRE.MatchString(l.LogStreamName) {
		v.Add("tailSampling.logs.logStreamName", l.LogStreamName, "1-512 characters without ':' or '*'")
	}
}

// exportConfig adds the exporters, extensions and pipelines' exporters of
// t to c.
func exportConfig(c *otelcol.Config, t TailSamplingProps) {
	tr := &c.Service.Pipelines.Traces
	if t.Exporter == ExporterXRayLegacy {
		c.Exporters.AWSXRay = &otelcol.AWSXRay{Region: t.Region}
		tr.Exporters = []string{otelcol.ExporterXRayLegacy}
		return
	}
	ext := &otelcol.Extensions{SigV4XRay: &otelcol.SigV4Auth{Region: t.Region, Service: "xray"}}
	c.Extensions = ext
	c.Service.Extensions = []string{otelcol.AuthXRay}
	c.Exporters.XRay = &otelcol.OTLPHTTP{
		TracesEndpoint: "https://xray." + t.Region + ".amazonaws.com/v1/traces",
		Auth:           otelcol.Auth{Authenticator: otelcol.AuthXRay},
	}
	tr.Exporters = []string{otelcol.ExporterXRay}
	if !t.Logs.Enabled {
		return
	}
	ext.SigV4Logs = &otelcol.SigV4Auth{Region: t.Region, Service: "logs"}
	c.Service.Extensions = append(c.Service.Extensions, otelcol.AuthLogs)
	c.Exporters.Logs = &otelcol.OTLPHTTP{
		LogsEndpoint: "https://logs." + t.Region + ".amazonaws.com/v1/logs",
		Headers:      map[string]string{"x-aws-log-group": t.Logs.LogGroupName, "x-aws-log-stream": t.Logs.LogStreamName},
		Auth:         otelcol.Auth{Authenticator: otelcol.AuthLogs},
	}
	// Logs are not sampled: memory_limiter protects the collector, batch
	// cuts requests.
	c.Service.Pipelines.Logs = &otelcol.Pipeline{
		Receivers:  []string{"otlp"},
		Processors: []string{"memory_limiter", "batch"},
		Exporters:  []string{otelcol.ExporterLogs},
	}
}
