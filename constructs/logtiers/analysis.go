package logtiers

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesisfirehose"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsopensearchserverless"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/archive"
	"github.com/o11yscale/o11yscale/constructs/nag"
	"github.com/o11yscale/o11yscale/constructs/retention"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// PublicCollectionWarning is the id of the synth warning a public
// collection's network policy carries.
const PublicCollectionWarning = "o11yscale:PublicAnalysisCollection"

// IndexWritePermissions are what the data access policy grants the
// delivery role and the writers on the tier indexes, as Firehose needs
// them to create and fill an index
// (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-serverless).
var IndexWritePermissions = []string{"aoss:CreateIndex", "aoss:UpdateIndex", "aoss:DescribeIndex", "aoss:WriteDocument"}

// IndexReadPermissions are what the data access policy grants the readers
// (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-data-access.html).
var IndexReadPermissions = []string{"aoss:DescribeIndex", "aoss:ReadDocument"}

// Analysis is the analysis tier of one region: an OpenSearch Serverless
// time-series collection holding the ERROR and WARN documents (by
// default), its encryption, network, data access and lifecycle policies,
// and one Firehose stream per tier writing that tier's index.
type Analysis struct {
	constructs.Construct
	// Collection is the time-series collection.
	Collection awsopensearchserverless.CfnCollection
	// EncryptionPolicy, NetworkPolicy, AccessPolicy and LifecyclePolicy
	// are the collection's policies.
	EncryptionPolicy awsopensearchserverless.CfnSecurityPolicy
	NetworkPolicy    awsopensearchserverless.CfnSecurityPolicy
	AccessPolicy     awsopensearchserverless.CfnAccessPolicy
	LifecyclePolicy  awsopensearchserverless.CfnLifecyclePolicy
	// VpcEndpoint reaches a private collection; nil when public.
	VpcEndpoint awsopensearchserverless.CfnVpcEndpoint
	// ReaderVpcEndpoints are the endpoints created for ReaderVpcs (none
	// for a reader VPC that is Vpc).
	ReaderVpcEndpoints []awsopensearchserverless.CfnVpcEndpoint
	// Streams are the delivery streams by tier.
	Streams map[Tier]awskinesisfirehose.CfnDeliveryStream
	// DeliveryRole is the role every stream writes with; the data access
	// policy names it.
	DeliveryRole awsiam.Role
	// DeliveryLogGroup holds Firehose's delivery errors, a stream per tier.
	DeliveryLogGroup awslogs.LogGroup
	// Props are the props after defaults.
	Props AnalysisProps
}

// NewAnalysis creates the collection, its policies and the delivery
// streams at scope/id.
func NewAnalysis(scope constructs.Construct, id string, props AnalysisProps) (*Analysis, error) {
	where := *scope.Node().Path() + "/" + id
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("logtiers analysis %s: %w", where, err)
	}
	if props.Archive == nil {
		var v validation.Errors
		v.Add("archive", nil, "the region's archive (NewArchive), whose bucket keeps the documents Firehose could not index")
		return nil, fmt.Errorf("logtiers analysis %s: %w", where, v.Err())
	}
	p := props.withDefaults()
	c := constructs.NewConstruct(scope, &id)
	stack := awscdk.Stack_Of(c)
	a := &Analysis{Construct: c, Streams: map[Tier]awskinesisfirehose.CfnDeliveryStream{}, Props: p}
	removal := awscdk.RemovalPolicy_RETAIN
	if p.DestroyOnRemoval {
		removal = awscdk.RemovalPolicy_DESTROY
	}
	coll := p.CollectionName
	collRes := []string{"collection/" + coll}
	json := func(v any) *string { return stack.ToJsonString(v, nil) }

	enc := map[string]any{"Rules": []any{map[string]any{"ResourceType": "collection", "Resource": collRes}}, "AWSOwnedKey": true}
	if p.EncryptionKey != nil {
		enc = map[string]any{"Rules": enc["Rules"], "AWSOwnedKey": false, "KmsARN": p.EncryptionKey.KeyArn()}
	}
	a.EncryptionPolicy = awsopensearchserverless.NewCfnSecurityPolicy(c, jsii.String("EncryptionPolicy"), &awsopensearchserverless.CfnSecurityPolicyProps{
		Name: jsii.String(coll + "-enc"), Type: jsii.String("encryption"), Policy: json(enc),
		Description: jsii.String("Encrypts the analysis collection at rest"),
	})

	net := map[string]any{
		"Rules": []any{
			map[string]any{"ResourceType": "collection", "Resource": collRes},
			map[string]any{"ResourceType": "dashboard", "Resource": collRes},
		},
	}
	if p.Network == NetworkPrivate {
		a.VpcEndpoint = awsopensearchserverless.NewCfnVpcEndpoint(c, jsii.String("VpcEndpoint"), &awsopensearchserverless.CfnVpcEndpointProps{
			Name: jsii.String(coll + "-vpc"), VpcId: jsii.String(p.Vpc.VpcID),
			SubnetIds: jsii.Strings(p.Vpc.SubnetIDs...), SecurityGroupIds: jsii.Strings(p.Vpc.SecurityGroupIDs...),
		})
		sources := []any{a.VpcEndpoint.AttrId()}
		for i, rv := range p.ReaderVpcs {
			if rv.VpcID == p.Vpc.VpcID {
				continue
			}
			e := awsopensearchserverless.NewCfnVpcEndpoint(c, jsii.String(fmt.Sprintf("ReaderVpcEndpoint%d", i+1)), &awsopensearchserverless.CfnVpcEndpointProps{
				Name: jsii.String(fmt.Sprintf("%s-rd%d", coll, i+1)), VpcId: jsii.String(rv.VpcID),
				SubnetIds: jsii.Strings(rv.SubnetIDs...), SecurityGroupIds: jsii.Strings(rv.SecurityGroupIDs...),
			})
			a.ReaderVpcEndpoints = append(a.ReaderVpcEndpoints, e)
			sources = append(sources, e.AttrId())
		}
		net["AllowFromPublic"], net["SourceVPCEs"] = false, sources
	} else {
		net["AllowFromPublic"] = true
	}
	a.NetworkPolicy = awsopensearchserverless.NewCfnSecurityPolicy(c, jsii.String("NetworkPolicy"), &awsopensearchserverless.CfnSecurityPolicyProps{
		Name: jsii.String(coll + "-net"), Type: jsii.String("network"), Policy: json([]any{net}),
		Description: jsii.String("Who may reach the analysis collection's endpoints"),
	})
	if p.Network == NetworkPublic {
		awscdk.Annotations_Of(a.NetworkPolicy).AddWarningV2(jsii.String(PublicCollectionWarning), jsii.String(fmt.Sprintf(
			"the analysis collection %s accepts requests from the internet (IAM and the data access policy still apply); chosen because: %s",
			coll, p.PublicReason)))
	}

	a.Collection = awsopensearchserverless.NewCfnCollection(c, jsii.String("Collection"), &awsopensearchserverless.CfnCollectionProps{
		Name: jsii.String(coll), Type: jsii.String("TIMESERIES"), StandbyReplicas: jsii.String(string(p.Redundancy)),
		Description: jsii.String("Error and warning logs for search and analysis"),
	})
	a.Collection.AddDependency(a.EncryptionPolicy)
	a.Collection.AddDependency(a.NetworkPolicy)
	a.Collection.ApplyRemovalPolicy(removal, nil)

	var rules []any
	for _, t := range p.Tiers {
		rules = append(rules, map[string]any{
			"ResourceType": "index", "Resource": []string{"index/" + coll + "/" + IndexName(p.Name, t)},
			"MinIndexRetention": fmt.Sprintf("%dd", p.Retention.get(t)),
		})
	}
	a.LifecyclePolicy = awsopensearchserverless.NewCfnLifecyclePolicy(c, jsii.String("LifecyclePolicy"), &awsopensearchserverless.CfnLifecyclePolicyProps{
		Name: jsii.String(coll + "-ret"), Type: jsii.String("retention"), Policy: json(map[string]any{"Rules": rules}),
		Description: jsii.String("Each tier's index keeps its documents for the tier's retention"),
	})

	a.DeliveryLogGroup = awslogs.NewLogGroup(c, jsii.String("DeliveryErrors"), &awslogs.LogGroupProps{
		Retention: retention.Enum(p.DeliveryLogRetentionDays), RemovalPolicy: removal,
	})
	var roleName *string
	if t := props.Archive.Central; t.On() {
		// Failed documents go to the central archive, whose policies
		// trust this account's roles named ArchiveDeliveryRoleName*.
		roleName = jsii.String(ArchiveDeliveryRoleName(t.Platform, "analysis-"+*stack.Region()))
	}
	a.DeliveryRole = awsiam.NewRole(c, jsii.String("DeliveryRole"), &awsiam.RoleProps{
		RoleName:    roleName,
		Description: jsii.String("Firehose writes the analysis collection"),
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("firehose.amazonaws.com"), &awsiam.ServicePrincipalOpts{
			Conditions: &map[string]any{"StringEquals": map[string]any{"sts:ExternalId": stack.Account()}},
		}),
	})
	a.grantDelivery(stack)

	indexes := []string{"index/" + coll + "/" + p.Name + "-*"}
	writers := append([]any{a.DeliveryRole.RoleArn()}, toAny(p.Writers)...)
	access := []any{map[string]any{
		"Description": "Firehose delivery and configured writers",
		"Rules":       []any{map[string]any{"ResourceType": "index", "Resource": indexes, "Permission": IndexWritePermissions}},
		"Principal":   writers,
	}}
	if len(p.Readers) > 0 {
		access = append(access, map[string]any{
			"Description": "Configured readers",
			"Rules": []any{
				map[string]any{"ResourceType": "index", "Resource": indexes, "Permission": IndexReadPermissions},
				map[string]any{"ResourceType": "collection", "Resource": collRes, "Permission": []string{"aoss:DescribeCollectionItems"}},
			},
			"Principal": toAny(p.Readers),
		})
	}
	a.AccessPolicy = awsopensearchserverless.NewCfnAccessPolicy(c, jsii.String("AccessPolicy"), &awsopensearchserverless.CfnAccessPolicyProps{
		Name: jsii.String(coll + "-acc"), Type: jsii.String("data"), Policy: json(access),
		Description: jsii.String("The delivery role and writers write the tier indexes; readers search them"),
	})

	for _, t := range p.Tiers {
		a.Streams[t] = a.newStream(stack, t)
	}
	return a, nil
}

// failedPrefix is where a tier's documents that Firehose could not index
// land in the archive bucket.
func (a *Analysis) failedPrefix(t Tier) string {
	return a.Props.Archive.ErrorPrefix + "analysis/" + t.lower() + "/"
}

func (a *Analysis) grantDelivery(stack awscdk.Stack) {
	p, arch, role := a.Props, a.Props.Archive, a.DeliveryRole
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid: jsii.String("WriteCollection"), Actions: jsii.Strings("aoss:APIAccessAll"),
		Resources: &[]*string{a.Collection.AttrArn()},
	}))
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ListArchive"),
		Actions:   jsii.Strings("s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"),
		Resources: jsii.Strings(arch.BucketArn()),
	}))
	failed := jsii.String(arch.BucketArn() + "/" + arch.ErrorPrefix + "analysis/*")
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("WriteFailedDocuments"),
		Actions:   jsii.Strings("s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"),
		Resources: &[]*string{failed},
	}))
	var streams []*string
	for _, t := range p.Tiers {
		streams = append(streams, jsii.String(archive.LogStreamArn(stack, *a.DeliveryLogGroup.LogGroupName(), deliveryLogStream(t))))
		a.DeliveryLogGroup.AddStream(jsii.String("Delivery"+string(t)), &awslogs.StreamOptions{LogStreamName: jsii.String(deliveryLogStream(t))})
	}
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid: jsii.String("ReportDeliveryErrors"), Actions: jsii.Strings("logs:PutLogEvents"), Resources: &streams,
	}))
	switch {
	case arch.Central.KMS:
		role.AddToPrincipalPolicy(arch.centralKeyStatement("EncryptFailedDocuments"))
	case arch.Key != nil:
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("EncryptFailedDocuments"),
			Actions:   jsii.Strings("kms:Decrypt", "kms:GenerateDataKey"),
			Resources: &[]*string{arch.Key.KeyArn()},
			Conditions: &map[string]any{
				"StringEquals": map[string]any{"kms:ViaService": fmt.Sprintf("s3.%s.amazonaws.com", *stack.Region())},
				"StringLike":   map[string]any{"kms:EncryptionContext:aws:s3:arn": []any{arch.BucketArn(), failed}},
			},
		}))
	}
	var appliesTo []string
	reason := "Firehose writes failed documents with generated keys under the archive's errors/analysis/ prefix only"
	if arch.Central.On() {
		appliesTo = []string{"Resource::" + nagArn(stack, *failed)}
		if arch.Central.KMS {
			appliesTo = append(appliesTo, "Resource::"+nagArn(stack, arch.centralKeyArn(stack)))
			reason += "; the central key's id is unknown in this account, so any key of the central account and region is named, usable only through S3 there (kms:ViaService) for this bucket (its encryption context)"
		}
	} else {
		bucketID := *stack.GetLogicalId(arch.Bucket.Node().DefaultChild().(awss3.CfnBucket))
		appliesTo = []string{"Resource::<" + bucketID + ".Arn>/" + arch.ErrorPrefix + "analysis/*"}
	}
	if p.Network == NetworkPrivate {
		// Firehose's ENIs in the collection's VPC; the Describe actions
		// support no resource-level permissions
		// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid: jsii.String("DescribeVpc"),
			Actions: jsii.Strings("ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeSubnets",
				"ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"),
			Resources: jsii.Strings("*"),
		}))
		eni := stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("ec2"), Resource: jsii.String("network-interface"), ResourceName: jsii.String("*")})
		res := []*string{eni}
		for _, s := range p.Vpc.SubnetIDs {
			res = append(res, stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("ec2"), Resource: jsii.String("subnet"), ResourceName: jsii.String(s)}))
		}
		for _, g := range p.Vpc.SecurityGroupIDs {
			res = append(res, stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("ec2"), Resource: jsii.String("security-group"), ResourceName: jsii.String(g)}))
		}
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("DeliveryEnis"),
			Actions:   jsii.Strings("ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface"),
			Resources: &res,
		}))
		// cdk-nag names the ARN as resolved: pseudo parameters in <>.
		pseudo := func(v *string, name string) string {
			if unresolved(*v) {
				return "<AWS::" + name + ">"
			}
			return *v
		}
		appliesTo = append(appliesTo, "Resource::*", fmt.Sprintf("Resource::arn:%s:ec2:%s:%s:network-interface/*",
			pseudo(stack.Partition(), "Partition"), pseudo(stack.Region(), "Region"), pseudo(stack.Account(), "AccountId")))
		reason += "; the EC2 Describe actions Firehose needs for its VPC delivery support no resource-level permissions, and the ENIs it creates have generated ids"
	}
	nag.Suppress(role.Node().FindChild(jsii.String("DefaultPolicy")), nag.Suppression{ID: "AwsSolutions-IAM5", Reason: reason + ".", AppliesTo: appliesTo})
}

func deliveryLogStream(t Tier) string { return "Delivery-" + t.lower() }

func (a *Analysis) newStream(stack awscdk.Stack, t Tier) awskinesisfirehose.CfnDeliveryStream {
	p, arch := a.Props, a.Props.Archive
	logging := &awskinesisfirehose.CfnDeliveryStream_CloudWatchLoggingOptionsProperty{
		Enabled: jsii.Bool(true), LogGroupName: a.DeliveryLogGroup.LogGroupName(), LogStreamName: jsii.String(deliveryLogStream(t)),
	}
	backup := &awskinesisfirehose.CfnDeliveryStream_S3DestinationConfigurationProperty{
		BucketArn: jsii.String(arch.BucketArn()), RoleArn: a.DeliveryRole.RoleArn(),
		Prefix:            jsii.String(a.failedPrefix(t)),
		ErrorOutputPrefix: jsii.String(a.failedPrefix(t) + "s3-error/"),
		CompressionFormat: jsii.String("GZIP"),
	}
	if arch.Key != nil {
		backup.EncryptionConfiguration = &awskinesisfirehose.CfnDeliveryStream_EncryptionConfigurationProperty{
			KmsEncryptionConfig: &awskinesisfirehose.CfnDeliveryStream_KMSEncryptionConfigProperty{AwskmsKeyArn: arch.Key.KeyArn()},
		}
	}
	dest := &awskinesisfirehose.CfnDeliveryStream_AmazonOpenSearchServerlessDestinationConfigurationProperty{
		CollectionEndpoint: a.Collection.AttrCollectionEndpoint(),
		IndexName:          jsii.String(IndexName(p.Name, t)),
		RoleArn:            a.DeliveryRole.RoleArn(),
		BufferingHints: &awskinesisfirehose.CfnDeliveryStream_AmazonOpenSearchServerlessBufferingHintsProperty{
			IntervalInSeconds: jsii.Number(p.BufferInterval.Seconds()), SizeInMBs: jsii.Number(float64(p.BufferSizeMB)),
		},
		RetryOptions: &awskinesisfirehose.CfnDeliveryStream_AmazonOpenSearchServerlessRetryOptionsProperty{
			DurationInSeconds: jsii.Number(p.RetryDuration.Seconds()),
		},
		S3BackupMode:             jsii.String("FailedDocumentsOnly"),
		S3Configuration:          backup,
		CloudWatchLoggingOptions: logging,
	}
	if p.Network == NetworkPrivate {
		dest.VpcConfiguration = &awskinesisfirehose.CfnDeliveryStream_VpcConfigurationProperty{
			RoleArn: a.DeliveryRole.RoleArn(), SubnetIds: jsii.Strings(p.Vpc.SubnetIDs...), SecurityGroupIds: jsii.Strings(p.Vpc.SecurityGroupIDs...),
		}
	}
	sse := &awskinesisfirehose.CfnDeliveryStream_DeliveryStreamEncryptionConfigurationInputProperty{KeyType: jsii.String("AWS_OWNED_CMK")}
	if p.EncryptionKey != nil {
		sse = &awskinesisfirehose.CfnDeliveryStream_DeliveryStreamEncryptionConfigurationInputProperty{
			KeyType: jsii.String("CUSTOMER_MANAGED_CMK"), KeyArn: p.EncryptionKey.KeyArn(),
		}
	}
	s := awskinesisfirehose.NewCfnDeliveryStream(a.Construct, jsii.String("Stream"+string(t)), &awskinesisfirehose.CfnDeliveryStreamProps{
		DeliveryStreamType:                                 jsii.String("DirectPut"),
		DeliveryStreamEncryptionConfigurationInput:         sse,
		AmazonOpenSearchServerlessDestinationConfiguration: dest,
	})
	// Firehose checks its role and the collection's data access policy
	// when the stream is created.
	s.Node().AddDependency(a.DeliveryRole.Node().FindChild(jsii.String("DefaultPolicy")), a.AccessPolicy)
	return s
}

// StreamNames are the delivery streams' names (CDK tokens) by tier name,
// for the log router (contract.Config.AnalysisStreams).
func (a *Analysis) StreamNames() map[string]string {
	out := map[string]string{}
	for t, s := range a.Streams {
		out[string(t)] = *s.Ref()
	}
	return out
}

// Endpoint is the collection endpoint's host name (a CDK token), for
// clients such as Fluent Bit's opensearch output and Grafana.
func (a *Analysis) Endpoint() string {
	return *awscdk.Fn_Select(jsii.Number(2), awscdk.Fn_Split(jsii.String("/"), a.Collection.AttrCollectionEndpoint(), nil))
}

// GrantPutRecords lets grantee send records to every tier's stream.
func (a *Analysis) GrantPutRecords(grantee awsiam.IGrantable) awsiam.Grant {
	var arns []*string
	for _, t := range a.Props.Tiers {
		arns = append(arns, a.Streams[t].AttrArn())
	}
	return awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee: grantee, Actions: jsii.Strings("firehose:PutRecord", "firehose:PutRecordBatch"), ResourceArns: &arns,
	})
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// GrantWrite lets grantee (e.g. a task role running Fluent Bit's opensearch
// output) call the collection's API; the data access policy must also name
// it among the Writers.
func (a *Analysis) GrantWrite(grantee awsiam.IGrantable) awsiam.Grant {
	return awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee: grantee, Actions: jsii.Strings("aoss:APIAccessAll"), ResourceArns: &[]*string{a.Collection.AttrArn()},
	})
}
