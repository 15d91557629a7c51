package anomaly

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/golambda"
	"github.com/o11yscale/o11yscale/constructs/nag"
	"github.com/o11yscale/o11yscale/constructs/review"
	"github.com/o11yscale/o11yscale/internal/naming"
	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
)

// AlertsTopicName is the alerts topic's name for a platform name.
func AlertsTopicName(platform string) string { return platform + "-alerts" }

// IncidentsTopicName is the incidents topic's name for a platform name.
func IncidentsTopicName(platform string) string { return platform + "-incidents" }

// alertsTopicArn is the alerts topic's ARN built from the pseudo
// parameters of scope's stack, so it needs no reference to the topic.
func alertsTopicArn(scope constructs.Construct, platform string) string {
	stack := awscdk.Stack_Of(scope)
	return fmt.Sprintf("arn:%s:sns:%s:%s:%s", *stack.Partition(), *stack.Region(), *stack.Account(), AlertsTopicName(platform))
}

// importedAlertsTopicID is the id of the topic AlertsTopicIn imports into
// another stack.
const importedAlertsTopicID = "ImportedAlertsTopic"

// AlertsTopicIn is the alerts topic as alarms in scope should use it: the
// topic itself in the Alerting's own stack; in any other stack (a nested
// stack shard, say) the topic imported by its deterministic ARN
// (arn:<partition>:sns:<region>:<account>:<name>-alerts, from that stack's
// pseudo parameters), once per stack. A reference to the topic would
// instead become a parameter of a nested stack. Alarms must be in the
// Alerting's account and region: NewServiceAlarms rejects a topic outside
// them.
func (a *Alerting) AlertsTopicIn(scope constructs.Construct) awssns.ITopic {
	stack := awscdk.Stack_Of(scope)
	if *stack.Node().Path() == *awscdk.Stack_Of(a.Construct).Node().Path() {
		return a.AlertsTopic
	}
	if existing := stack.Node().TryFindChild(jsii.String(importedAlertsTopicID)); existing != nil {
		return existing.(awssns.ITopic)
	}
	// The Alerting's own region and account: from another region the
	// import then names the real topic, which NewServiceAlarms rejects as
	// out of reach instead of pointing at a topic that does not exist.
	// (Pseudo parameters of an account-agnostic stack render the same in
	// every template.)
	return awssns.Topic_FromTopicArn(stack, jsii.String(importedAlertsTopicID), jsii.String(alertsTopicArn(a.Construct, a.name)))
}

// Alerting is one region's alert topics and the enricher between them.
type Alerting struct {
	constructs.Construct
	name string
	// Key encrypts both topics.
	Key awskms.IKey
	// AlertsTopic receives alarm notifications; only CloudWatch alarms of
	// this account may publish.
	AlertsTopic awssns.Topic
	// IncidentsTopic receives the enriched incidents; only the enricher
	// may publish. Subscriptions attach here. Nil when the incidents go
	// to a central topic (AlertingProps.Central).
	IncidentsTopic awssns.Topic
	// CentralPublishPolicy lets the enricher publish to the central topic
	// and use its key; nil without AlertingProps.Central.
	CentralPublishPolicy awsiam.Policy
	// Enricher is the alert-enrichment Lambda.
	Enricher *golambda.Function
	// IdempotencyTable remembers published state changes.
	IdempotencyTable awsdynamodb.Table
	// EnricherSubscription delivers alerts to the enricher.
	EnricherSubscription awssns.Subscription
	// DeliveryDeadLetterQueue keeps alerts SNS could not deliver to the
	// enricher (failed invocations go to Enricher.FailureQueue instead).
	DeliveryDeadLetterQueue awssqs.Queue
	// MetricReadPolicy allows cloudwatch:GetMetricData, which has no
	// resource-level permissions, so it stands apart from the scoped ones.
	MetricReadPolicy awsiam.Policy
	// CardinalityReport lists each declared EMF metric's series; it is
	// also written to cdk.out/review/anomaly/cardinality.txt.
	CardinalityReport string
}

// NewAlerting creates the alerts and incidents topics, their key policy
// and topic policies, the enricher with its idempotency table, and the
// subscriptions. It fails when a declared EMF metric is over budget.
// Errors name the construct path.
func NewAlerting(scope constructs.Construct, id string, props AlertingProps) (*Alerting, error) {
	if err := props.Validate(); err != nil {
		return nil, pathError(scope, id, err)
	}
	p := props.withDefaults()
	c := constructs.NewConstruct(scope, &id)
	stack := awscdk.Stack_Of(c)
	a := &Alerting{Construct: c, name: p.Name, Key: p.Key}

	alarmSource := &map[string]any{
		"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()},
		"ArnLike":      map[string]any{"aws:SourceArn": fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:*", *stack.Partition(), *stack.Region(), *stack.Account())},
	}
	cloudwatch := awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)
	if a.Key == nil {
		a.Key = awskms.NewKey(c, jsii.String("Key"), &awskms.KeyProps{
			Description:       jsii.String("o11yscale " + p.Name + " alert topics"),
			EnableKeyRotation: jsii.Bool(true),
			RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
		})
	}
	// CloudWatch publishes to an encrypted topic only if the key lets it.
	added := a.Key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudWatchAlarmsPublishToAlertTopics"),
		Principals: &[]awsiam.IPrincipal{cloudwatch},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey"),
		Resources:  jsii.Strings("*"),
		Conditions: alarmSource,
	}), jsii.Bool(true))
	if added == nil || added.StatementAdded == nil || !*added.StatementAdded {
		return nil, pathError(scope, id, errors.New("key: an imported key's policy cannot be changed, so CloudWatch could not publish to the topics; pass a key this app defines or none"))
	}

	newTopic := func(id, name, display string) awssns.Topic {
		return awssns.NewTopic(c, jsii.String(id), &awssns.TopicProps{
			TopicName:   jsii.String(name),
			DisplayName: jsii.String(display),
			MasterKey:   a.Key,
			EnforceSSL:  jsii.Bool(true),
		})
	}
	a.AlertsTopic = newTopic("Alerts", AlertsTopicName(p.Name), p.Name+" alarms")
	a.AlertsTopic.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("OnlyCloudWatchAlarmsOfThisAccount"),
		Principals: &[]awsiam.IPrincipal{cloudwatch},
		Actions:    jsii.Strings("sns:Publish"),
		Resources:  &[]*string{a.AlertsTopic.TopicArn()},
		Conditions: alarmSource,
	}))
	central := p.Central
	if central.Enabled() && *awscdk.Token_IsUnresolved(stack.Region()) {
		return nil, pathError(scope, id, errors.New("central: the enricher role's name includes the region, so the stack needs a concrete region"))
	}
	if central.Account == "" {
		central.Account = *stack.Account()
	}
	// With a central topic the region has none of its own: incidents have
	// one place, where the subscriptions are.
	incidentsArn := contract.CentralIncidentsTopicArn(contract.PartitionOfRegion(central.Region), central.Region, central.Account, p.Name)
	if !central.Enabled() {
		a.IncidentsTopic = newTopic("Incidents", IncidentsTopicName(p.Name), p.Name+" incidents")
		incidentsArn = *a.IncidentsTopic.TopicArn()
	}

	a.IdempotencyTable = awsdynamodb.NewTable(c, jsii.String("Idempotency"), &awsdynamodb.TableProps{
		PartitionKey:        &awsdynamodb.Attribute{Name: jsii.String(contract.AttrKey), Type: awsdynamodb.AttributeType_STRING},
		BillingMode:         awsdynamodb.BillingMode_PAY_PER_REQUEST,
		TimeToLiveAttribute: jsii.String(contract.AttrExpiresAt),
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		Encryption: awsdynamodb.TableEncryption_AWS_MANAGED,
		// Claims expire after a week; a retained table would only be an
		// orphan after the stack is gone.
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})

	fp := p.Enricher
	fp.ImportPath = EnricherImportPath
	cfg := contract.Config{
		IncidentsTopicArn:    incidentsArn,
		IdempotencyTableName: *a.IdempotencyTable.TableName(),
		RunbookBaseURL:       p.RunbookBaseURL,
		MetricNamespace:      naming.PipelineNamespace(p.Name),
	}
	if err := cfg.Validate(); err != nil {
		return nil, pathError(scope, id, err)
	}
	env := cfg.Env()
	for k, v := range fp.Environment {
		env[k] = v
	}
	fp.Environment = env
	if central.Enabled() {
		// The central topic and key policies name this role.
		fp.RoleName = EnricherRoleName(p.Name, *stack.Region())
	}
	fn, err := golambda.NewFunction(c, "Enricher", fp)
	if err != nil {
		return nil, pathError(scope, id, err)
	}
	a.Enricher = fn

	// Least privilege: the claim operations the enricher makes, and
	// publishing (with the key) to the incidents topic only.
	fn.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
		Resources: &[]*string{a.IdempotencyTable.TableArn()},
	}))
	if central.Enabled() {
		a.CentralPublishPolicy = centralPublishPolicy(c, fn, central, incidentsArn, p.Name)
	} else {
		fn.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("sns:Publish"),
			Resources: &[]*string{a.IncidentsTopic.TopicArn()},
		}))
		fn.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("kms:GenerateDataKey", "kms:Decrypt"),
			Resources: &[]*string{a.Key.KeyArn()},
		}))
	}
	a.MetricReadPolicy = awsiam.NewPolicy(c, jsii.String("MetricRead"), &awsiam.PolicyProps{
		Roles: &[]awsiam.IRole{fn.Role},
		Statements: &[]awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("cloudwatch:GetMetricData"),
			Resources: jsii.Strings("*"),
		})},
	})
	nag.Suppress(a.MetricReadPolicy, nag.Suppression{ID: "AwsSolutions-IAM5", AppliesTo: []string{"Resource::*"},
		Reason: "cloudwatch:GetMetricData supports no resource-level permissions; it is the only statement of this policy"})

	// Only the enricher may publish incidents: an allow for its role, and
	// a deny for every other principal, so a broad IAM policy elsewhere in
	// the account cannot publish fake incidents either. (The central topic
	// has the same pair for every enricher role.)
	if a.IncidentsTopic != nil {
		a.localIncidentsPolicy(fn)
	}

	a.DeliveryDeadLetterQueue = awssqs.NewQueue(c, jsii.String("DeliveryDeadLetterQueue"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
	})
	nag.Suppress(a.DeliveryDeadLetterQueue, nag.Suppression{ID: "AwsSolutions-SQS3",
		Reason: "This queue is the dead-letter queue of the enricher's SNS subscription; a queue behind it would only move the same alerts"})
	a.EnricherSubscription = a.AlertsTopic.AddSubscription(awssnssubscriptions.NewLambdaSubscription(fn.Function, &awssnssubscriptions.LambdaSubscriptionProps{
		DeadLetterQueue: a.DeliveryDeadLetterQueue,
	}))
	if !p.AllTransitions {
		sub := a.EnricherSubscription.Node().DefaultChild().(awssns.CfnSubscription)
		sub.SetFilterPolicyScope(jsii.String("MessageBody"))
		sub.SetFilterPolicy(map[string]any{"$or": []any{
			map[string]any{"NewStateValue": []any{"ALARM"}},
			map[string]any{"OldStateValue": []any{"ALARM"}},
		}})
	}
	// No alert reaches the function before its permissions exist.
	a.EnricherSubscription.Node().AddDependency(fn.Role.Node().TryFindChild(jsii.String("DefaultPolicy")), a.MetricReadPolicy)

	if a.IncidentsTopic != nil {
		subscribe(a.IncidentsTopic, p.Subscriptions)
	}

	if len(p.EmfMetrics) > 0 {
		a.CardinalityReport = p.CardinalityReport()
		if err := review.Add(c, "anomaly/cardinality.txt", []byte(a.CardinalityReport)); err != nil {
			return nil, pathError(scope, id, err)
		}
	}
	return a, nil
}

// severityFilter matches the enricher's severity message attribute.
func severityFilter(severities []Severity) *map[string]awssns.SubscriptionFilter {
	if len(severities) == 0 {
		return nil
	}
	allow := make([]*string, len(severities))
	for i, s := range severities {
		allow[i] = jsii.String(string(s))
	}
	return &map[string]awssns.SubscriptionFilter{
		contract.AttributeSeverity: awssns.SubscriptionFilter_StringFilter(&awssns.StringConditions{Allowlist: &allow}),
	}
}

// localIncidentsPolicy lets only the enricher publish to the region's
// incidents topic.
func (a *Alerting) localIncidentsPolicy(fn *golambda.Function) {
	publishOnly(a.IncidentsTopic, "OnlyTheEnricher", []awsiam.IPrincipal{fn.Role}, nil, fn.Role.RoleArn())
}

// publishOnly allows sns:Publish to principals (under conditions, if any)
// and denies it to every principal whose ARN is not one of roleArns.
func publishOnly(topic awssns.Topic, sid string, principals []awsiam.IPrincipal, conditions *map[string]any, roleArns any) {
	topic.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String(sid),
		Principals: &principals,
		Actions:    jsii.Strings("sns:Publish"),
		Resources:  &[]*string{topic.TopicArn()},
		Conditions: conditions,
	}))
	topic.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("NobodyElsePublishes"),
		Effect:     awsiam.Effect_DENY,
		Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
		Actions:    jsii.Strings("sns:Publish"),
		Resources:  &[]*string{topic.TopicArn()},
		Conditions: &map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": roleArns}},
	}))
}

// centralPublishPolicy lets the enricher publish to exactly the central
// topic, and use its key. The key's id is not known in this account, so
// the statement names the monitoring account's keys in the central region
// and narrows them to the one with the central alias: IAM policies match
// a key by its key ARN (wildcards allowed in the key id) and by
// kms:ResourceAliases
// (https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html,
// https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html).
// The key policy of the central key grants the same role in turn.
func centralPublishPolicy(c constructs.Construct, fn *golambda.Function, central CentralTarget, topicArn, name string) awsiam.Policy {
	keys := fmt.Sprintf("arn:%s:kms:%s:%s:key/*", contract.PartitionOfRegion(central.Region), central.Region, central.Account)
	policy := awsiam.NewPolicy(c, jsii.String("CentralPublish"), &awsiam.PolicyProps{
		Roles: &[]awsiam.IRole{fn.Role},
		Statements: &[]awsiam.PolicyStatement{
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("PublishToTheCentralTopic"),
				Actions:   jsii.Strings("sns:Publish"),
				Resources: jsii.Strings(topicArn),
			}),
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("UseTheCentralTopicKey"),
				Actions:   jsii.Strings("kms:GenerateDataKey", "kms:Decrypt"),
				Resources: jsii.Strings(keys),
				Conditions: &map[string]any{
					"ForAnyValue:StringEquals": map[string]any{"kms:ResourceAliases": contract.CentralIncidentsKeyAlias(name)},
					"StringEquals":             map[string]any{"kms:ViaService": "sns." + central.Region + ".amazonaws.com"},
				},
			}),
		},
	})
	nag.Suppress(policy, nag.Suppression{ID: "AwsSolutions-IAM5", AppliesTo: []string{fmt.Sprintf("Resource::arn:%s:kms:%s:%s:key/*", contract.PartitionOfRegion(central.Region), central.Region, nagAccount(central.Account))},
		Reason: "The central key's id is unknown in this account; the statement is narrowed to the key with the central alias (kms:ResourceAliases) used through SNS"})
	return policy
}

// nagAccount is an account as cdk-nag writes it in a finding: the
// AccountId pseudo parameter as <AWS::AccountId>.
func nagAccount(account string) string {
	if *awscdk.Token_IsUnresolved(jsii.String(account)) {
		return "<AWS::AccountId>"
	}
	return account
}
