package metricstream

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesisfirehose"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/archive"
	"github.com/o11yscale/o11yscale/constructs/nag"
	"github.com/o11yscale/o11yscale/constructs/retention"
)

// Stream is a regional CloudWatch Metric Stream and its Firehose.
type Stream struct {
	constructs.Construct
	MetricStream   awscloudwatch.CfnMetricStream
	DeliveryStream awskinesisfirehose.CfnDeliveryStream
}

// NewStream creates a metric stream that delivers, through a regional
// Firehose, into the central archive bucket under metrics/region=<region>/.
func NewStream(scope constructs.Construct, id string, props StreamProps) (*Stream, error) {
	if err := props.Validate(); err != nil {
		return nil, pathError(scope, id, err)
	}
	p := props.withDefaults()
	c := constructs.NewConstruct(scope, &id)
	stack := awscdk.Stack_Of(c)
	account := p.Central.CentralAccount()
	if account == "" {
		account = *stack.Account()
	}
	bucketArn := fmt.Sprintf("arn:%s:s3:::%s", *stack.Partition(), p.Central.CentralNames().Bucket(account, p.Central.CentralRegion()))
	prefix, errPrefix := "metrics/region="+*stack.Region()+"/", "errors/"
	var roleName *string
	if p.CrossAccount {
		prefix = "metrics/account=" + *stack.Account() + "/region=" + *stack.Region() + "/"
		errPrefix = "errors/account=" + *stack.Account() + "/"
		roleName = jsii.String(p.Central.CentralNames().StreamDeliveryRolePrefix() + *stack.Region())
	}

	logGroup := awslogs.NewLogGroup(c, jsii.String("DeliveryErrors"), &awslogs.LogGroupProps{Retention: retention.Enum(30), RemovalPolicy: awscdk.RemovalPolicy_RETAIN})
	logStream := logGroup.AddStream(jsii.String("S3Delivery"), nil)
	role := awsiam.NewRole(c, jsii.String("DeliveryRole"), &awsiam.RoleProps{
		RoleName: roleName,
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("firehose.amazonaws.com"), &awsiam.ServicePrincipalOpts{
			Conditions: &map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()}},
		}),
	})
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject"),
		Resources: jsii.Strings(bucketArn, bucketArn+"/"+prefix+"*", bucketArn+"/"+errPrefix+"*"),
	}))
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("logs:PutLogEvents"),
		Resources: jsii.Strings(archive.LogStreamArn(stack, *logGroup.LogGroupName(), *logStream.LogStreamName())),
	}))
	nag.Suppress(role.Node().TryFindChild(jsii.String("DefaultPolicy")), nag.Suppression{ID: "AwsSolutions-IAM5",
		AppliesTo: []string{"Resource::" + bucketArn + "/" + prefix + "*", "Resource::" + bucketArn + "/" + errPrefix + "*"},
		Reason:    "Firehose writes objects with generated names under this region's prefix and the error prefix only"})

	out := &Stream{Construct: c}
	out.DeliveryStream = awskinesisfirehose.NewCfnDeliveryStream(c, jsii.String("Delivery"), &awskinesisfirehose.CfnDeliveryStreamProps{
		DeliveryStreamType: jsii.String("DirectPut"),
		DeliveryStreamEncryptionConfigurationInput: &awskinesisfirehose.CfnDeliveryStream_DeliveryStreamEncryptionConfigurationInputProperty{
			KeyType: jsii.String("AWS_OWNED_CMK"),
		},
		ExtendedS3DestinationConfiguration: &awskinesisfirehose.CfnDeliveryStream_ExtendedS3DestinationConfigurationProperty{
			BucketArn:         jsii.String(bucketArn),
			RoleArn:           role.RoleArn(),
			CompressionFormat: jsii.String("GZIP"),
			BufferingHints:    &awskinesisfirehose.CfnDeliveryStream_BufferingHintsProperty{IntervalInSeconds: jsii.Number(300), SizeInMBs: jsii.Number(5)},
			Prefix:            jsii.String(prefix + "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"),
			ErrorOutputPrefix: jsii.String(errPrefix + "!{firehose:error-output-type}/region=" + *stack.Region() + "/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"),
			CloudWatchLoggingOptions: &awskinesisfirehose.CfnDeliveryStream_CloudWatchLoggingOptionsProperty{
				Enabled: jsii.Bool(true), LogGroupName: logGroup.LogGroupName(), LogStreamName: logStream.LogStreamName(),
			},
		},
	})
	out.DeliveryStream.Node().AddDependency(role.Node().TryFindChild(jsii.String("DefaultPolicy")))

	streamRole := awsiam.NewRole(c, jsii.String("StreamRole"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("streams.metrics.cloudwatch.amazonaws.com"), &awsiam.ServicePrincipalOpts{
			Conditions: &map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()}},
		}),
	})
	streamRole.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("firehose:PutRecord", "firehose:PutRecordBatch"),
		Resources: &[]*string{out.DeliveryStream.AttrArn()},
	}))
	filters := func(ns []string) *[]any {
		if len(ns) == 0 {
			return nil
		}
		out := make([]any, len(ns))
		for i, n := range ns {
			out[i] = &awscloudwatch.CfnMetricStream_MetricStreamFilterProperty{Namespace: jsii.String(n)}
		}
		return &out
	}
	msProps := &awscloudwatch.CfnMetricStreamProps{
		FirehoseArn:    out.DeliveryStream.AttrArn(),
		RoleArn:        streamRole.RoleArn(),
		OutputFormat:   jsii.String(string(p.OutputFormat)),
		IncludeFilters: filters(p.IncludeNamespaces),
		ExcludeFilters: filters(p.ExcludeNamespaces),
	}
	if len(p.Statistics) > 0 {
		stats := make([]any, len(p.Statistics))
		for i, s := range p.Statistics {
			stats[i] = &awscloudwatch.CfnMetricStream_MetricStreamStatisticsConfigurationProperty{
				AdditionalStatistics: jsii.Strings(s.Statistics...),
				IncludeMetrics: &[]any{&awscloudwatch.CfnMetricStream_MetricStreamStatisticsMetricProperty{
					Namespace: jsii.String(s.Namespace), MetricName: jsii.String(s.MetricName)}},
			}
		}
		msProps.StatisticsConfigurations = &stats
	}
	out.MetricStream = awscloudwatch.NewCfnMetricStream(c, jsii.String("Resource"), msProps)
	out.MetricStream.Node().AddDependency(streamRole.Node().TryFindChild(jsii.String("DefaultPolicy")))
	return out, nil
}
