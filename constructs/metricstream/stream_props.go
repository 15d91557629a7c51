package metricstream

import (
	"fmt"

	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/internal/naming"
)

// OutputFormat is the record format of a CloudWatch Metric Stream; the
// values are the CloudFormation strings of AWS::CloudWatch::MetricStream
// OutputFormat:
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-metricstream.html
type OutputFormat string

// Metric stream output formats.
const (
	OutputFormatJSON             OutputFormat = "json"
	OutputFormatOpenTelemetry1_0 OutputFormat = "opentelemetry1.0"
	OutputFormatOpenTelemetry0_7 OutputFormat = "opentelemetry0.7"
)

// StreamProps configures a CloudWatch Metric Stream feeding the central
// archive from one region.
type StreamProps struct {
	// Central is the central aggregation whose archive bucket receives the
	// stream. Required.
	Central CentralTarget
	// IncludeNamespaces or ExcludeNamespaces (not both). Default: include
	// AWS/ApiGateway, AWS/Lambda and the platform's pipeline namespace
	// "<Platform>/Pipeline" (Central's Names.Platform with its first letter
	// in upper case, e.g. O11yscale/Pipeline).
	IncludeNamespaces []string
	ExcludeNamespaces []string
	// OutputFormat of the records. Default: OutputFormatJSON (it keeps the
	// archive queryable with Athena).
	OutputFormat OutputFormat
	// Statistics adds percentiles etc. for specific metrics (at most 100).
	// Default: none.
	Statistics []StreamStatistics
	// CrossAccount is set when the central bucket is in another account:
	// the Firehose role is then named Names.StreamDeliveryRolePrefix() plus
	// the region, for the bucket policy's condition, and objects go under
	// metrics/account=<account>/ and errors/account=<account>/, the only
	// prefixes that policy grants the account (CentralProps.StreamAccounts).
	// Default: false (metrics/region=<region>/, an unnamed role).
	CrossAccount bool
}

// StreamStatistics asks the stream for extra statistics of some metrics.
type StreamStatistics struct {
	// Namespace, MetricName and at least one of Statistics are required.
	Namespace  string
	MetricName string
	Statistics []string
}

func (p StreamProps) withDefaults() StreamProps {
	if p.OutputFormat == "" {
		p.OutputFormat = OutputFormatJSON
	}
	if len(p.IncludeNamespaces) == 0 && len(p.ExcludeNamespaces) == 0 {
		platform := DefaultName
		if p.Central != nil && p.Central.CentralNames().Platform != "" {
			platform = p.Central.CentralNames().Platform
		}
		p.IncludeNamespaces = []string{"AWS/ApiGateway", "AWS/Lambda", naming.PipelineNamespace(platform)}
	}
	return p
}

// Validate reports every invalid field.
func (p StreamProps) Validate() error {
	p = p.withDefaults()
	var v validation.Errors
	if p.Central == nil {
		v.Add("central", nil, "the central metrics (a *Central, or a RemoteCentral)")
	} else {
		if p.Central.CentralNames().Platform == "" {
			v.Add("central", "", "a target whose Names.Platform is set")
		}
		if p.Central.CentralRegion() == "" {
			v.Add("central", "", "a target with a region")
		}
	}
	switch p.OutputFormat {
	case OutputFormatJSON, OutputFormatOpenTelemetry1_0, OutputFormatOpenTelemetry0_7:
	default:
		v.Add("outputFormat", string(p.OutputFormat), "json, opentelemetry1.0 or opentelemetry0.7")
	}
	if len(p.IncludeNamespaces) > 0 && len(p.ExcludeNamespaces) > 0 {
		v.Add("excludeNamespaces", p.ExcludeNamespaces, "empty when includeNamespaces is set: CloudWatch cannot combine include and exclude filters")
	}
	if len(p.Statistics) > 100 {
		v.Add("statistics", len(p.Statistics), "at most 100 statistics configurations")
	}
	for i, s := range p.Statistics {
		if s.Namespace == "" || s.MetricName == "" || len(s.Statistics) == 0 {
			v.Add(validation.Index("statistics", i), fmt.Sprintf("%+v", s), "a namespace, a metricName and at least one statistic")
		}
	}
	return v.Err()
}
