package anomaly_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/internal/cdktest"
	"github.com/o11yscale/o11yscale/lambdas/enricher/enrich"
)

// synthesized is one app holding the regional alerting and a shard (a
// nested stack, as the platform uses) with two services.
type synthesized struct {
	app      awscdk.App
	regional assertions.Template
	shard    assertions.Template
	shardRaw map[string]any
	checkout *anomaly.ServiceAlarms
	auth     *anomaly.ServiceAlarms
	props    map[string]anomaly.ServiceAlarmsProps
}

var maintenance = anomaly.TimeRange{Start: time.Date(2026, 3, 1, 22, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}

func synth(t *testing.T) *synthesized {
	t.Helper()
	app := cdktest.NewApp(t, "")
	stack := cdktest.NewStack(app, "Regional", "eu-west-1")
	alerting, err := anomaly.NewAlerting(stack, "Alerting", anomaly.AlertingProps{
		RunbookBaseURL: "https://runbooks.example.com",
		Subscriptions: anomaly.Subscriptions{
			Email: []anomaly.Subscriber{{Endpoint: "oncall@example.com", Severities: []anomaly.Severity{anomaly.SeverityCritical, anomaly.SeverityHigh}}},
			HTTPS: []anomaly.Subscriber{{Endpoint: "https://pager.example.com/sns"}},
			Chat:  []anomaly.Subscriber{{Endpoint: "https://chat-relay.example.com/hooks/ops"}},
		},
		Budget:     anomaly.Budget{Services: 2, Regions: 1},
		EmfMetrics: []anomaly.MetricDeclaration{{Namespace: "Shop", Name: "RequestDuration", Dimensions: seedDims}},
	})
	if err != nil {
		t.Fatal(err)
	}
	shard := awscdk.NewNestedStack(stack, jsii.String("Services01"), nil)
	s := &synthesized{app: app, props: map[string]anomaly.ServiceAlarmsProps{
		"checkout": {Service: "checkout-api", APIName: "checkout-api", AlertsTopic: alerting.AlertsTopic,
			RunbookURL: "https://runbooks.example.com/checkout-api", Budget: anomaly.Budget{Services: 2}},
		"auth": {Service: "auth-service", AlertsTopic: alerting.AlertsTopicIn(shard), Notify: anomaly.NotifyAlarms,
			Anomaly: anomaly.Anomaly{BandWidth: 3, TimeZone: "Europe/Berlin", ExcludedTimeRanges: []anomaly.TimeRange{maintenance}},
			Budget:  anomaly.Budget{Services: 2}},
	}}
	if s.checkout, err = anomaly.NewServiceAlarms(shard, "checkout-api", s.props["checkout"]); err != nil {
		t.Fatal(err)
	}
	if s.auth, err = anomaly.NewServiceAlarms(shard, "auth-service", s.props["auth"]); err != nil {
		t.Fatal(err)
	}
	s.regional = assertions.Template_FromStack(stack, nil)
	s.shard = assertions.Template_FromStack(shard, nil)
	s.shardRaw = *s.shard.ToJSON()
	return s
}

func TestSynthesizedAlertingAndServiceAlarms(t *testing.T) {
	s := synth(t)

	t.Run("band alarm has exactly the seed's shape on ANOMALY_DETECTION_BAND(m1, 2)", func(t *testing.T) {
		has(t, s.shard, "AWS::CloudWatch::Alarm", map[string]any{
			"AlarmName":          "o11yscale-checkout-api-api-latency-anomaly",
			"ComparisonOperator": "LessThanLowerOrGreaterThanUpperThreshold",
			"EvaluationPeriods":  2,
			"DatapointsToAlarm":  2,
			"TreatMissingData":   "ignore",
			"ThresholdMetricId":  "ad1",
			"Threshold":          assertions.Match_Absent(),
			"Metrics": []any{
				map[string]any{"Id": "m1", "ReturnData": true, "MetricStat": map[string]any{
					"Metric": map[string]any{"Namespace": "AWS/ApiGateway", "MetricName": "Latency",
						"Dimensions": []any{map[string]any{"Name": "ApiName", "Value": "checkout-api"}}},
					"Period": 60, "Stat": "Average"}},
				map[string]any{"Id": "ad1", "Expression": "ANOMALY_DETECTION_BAND(m1, 2)", "ReturnData": true},
			},
			// By default only the composite notifies.
			"AlarmActions": assertions.Match_Absent(),
			"OKActions":    assertions.Match_Absent(),
		})
	})

	t.Run("single-metric detector matches its alarm's metric", func(t *testing.T) {
		has(t, s.shard, "AWS::CloudWatch::AnomalyDetector", map[string]any{
			"SingleMetricAnomalyDetector": map[string]any{"Namespace": "AWS/ApiGateway", "MetricName": "Latency", "Stat": "Average",
				"Dimensions": []any{map[string]any{"Name": "ApiName", "Value": "checkout-api"}}},
			"Configuration": assertions.Match_Absent(),
		})
	})

	t.Run("error-rate detector is metric math and its alarm repeats the queries", func(t *testing.T) {
		inputs := func(stat string) []any {
			q := func(id, name string) map[string]any {
				return map[string]any{"Id": id, "ReturnData": false, "MetricStat": map[string]any{
					"Metric": map[string]any{"Namespace": "AWS/Lambda", "MetricName": name,
						"Dimensions": []any{map[string]any{"Name": "FunctionName", "Value": "checkout-api"}}},
					"Period": 60, "Stat": stat}}
			}
			return []any{q("errors", "Errors"), q("invocations", "Invocations")}
		}
		has(t, s.shard, "AWS::CloudWatch::AnomalyDetector", map[string]any{
			"MetricMathAnomalyDetector": map[string]any{"MetricDataQueries": append(inputs("Sum"),
				map[string]any{"Id": "m1", "Expression": "100 * errors / invocations", "ReturnData": true})},
		})
		has(t, s.shard, "AWS::CloudWatch::Alarm", map[string]any{
			"AlarmName":          "o11yscale-checkout-api-error-rate-anomaly",
			"ComparisonOperator": "GreaterThanUpperThreshold",
			"ThresholdMetricId":  "ad1",
			"Metrics": append(inputs("Sum"),
				map[string]any{"Id": "m1", "Expression": "100 * errors / invocations", "Label": "error-rate", "ReturnData": true},
				map[string]any{"Id": "ad1", "Expression": "ANOMALY_DETECTION_BAND(m1, 2)", "ReturnData": true}),
		})
	})

	t.Run("time zone and excluded time ranges configure the detector and k applies", func(t *testing.T) {
		has(t, s.shard, "AWS::CloudWatch::AnomalyDetector", map[string]any{
			"SingleMetricAnomalyDetector": assertions.Match_ObjectLike(&map[string]any{"Dimensions": []any{map[string]any{"Name": "FunctionName", "Value": "auth-service"}}}),
			"Configuration": map[string]any{"MetricTimeZone": "Europe/Berlin",
				"ExcludedTimeRanges": []any{map[string]any{"StartTime": "2026-03-01T22:00:00", "EndTime": "2026-03-02T02:00:00"}}},
		})
		has(t, s.shard, "AWS::CloudWatch::Alarm", map[string]any{
			"AlarmName": "o11yscale-auth-service-latency-anomaly",
			"Metrics":   assertions.Match_ArrayWith(&[]any{map[string]any{"Id": "ad1", "Expression": "ANOMALY_DETECTION_BAND(m1, 3)", "ReturnData": true}}),
		})
	})

	t.Run("every band alarm depends on its detector", func(t *testing.T) {
		resources := s.shardRaw["Resources"].(map[string]any)
		n := 0
		for _, r := range resources {
			res := r.(map[string]any)
			props := res["Properties"].(map[string]any)
			if res["Type"] != "AWS::CloudWatch::Alarm" || props["ThresholdMetricId"] != "ad1" {
				continue
			}
			n++
			deps, _ := res["DependsOn"].([]any)
			if len(deps) != 1 || resources[deps[0].(string)].(map[string]any)["Type"] != "AWS::CloudWatch::AnomalyDetector" {
				t.Errorf("%s depends on %v, want its detector", props["AlarmName"], deps)
			}
		}
		if n != 5 { // checkout: latency, error-rate, api-latency; auth: latency, error-rate
			t.Errorf("%d band alarms, want 5 (auth has no API, so no api-latency)", n)
		}
	})

	t.Run("static error-rate alarm is 100 * errors / requests above 5 percent", func(t *testing.T) {
		has(t, s.shard, "AWS::CloudWatch::Alarm", map[string]any{
			"AlarmName": "o11yscale-checkout-api-error-rate-threshold", "ComparisonOperator": "GreaterThanThreshold", "Threshold": 5,
			"Metrics": assertions.Match_ArrayWith(&[]any{map[string]any{"Id": "rate", "Expression": "100 * errors / requests", "Label": "Error rate (%)", "ReturnData": true}}),
		})
	})

	t.Run("notify by default: only the composite notifies, one page per service", func(t *testing.T) {
		topic := map[string]any{"Ref": assertions.Match_AnyValue()}
		has(t, s.shard, "AWS::CloudWatch::CompositeAlarm", map[string]any{
			"AlarmName": "o11yscale-checkout-api-health", "AlarmActions": []any{topic}, "OKActions": []any{topic},
		})
		for _, name := range []string{"o11yscale-checkout-api-latency-anomaly", "o11yscale-checkout-api-api-latency-anomaly", "o11yscale-checkout-api-error-rate-threshold"} {
			has(t, s.shard, "AWS::CloudWatch::Alarm", map[string]any{
				"AlarmName": name, "AlarmActions": assertions.Match_Absent(), "OKActions": assertions.Match_Absent(),
			})
		}
	})

	t.Run("notify alarms: children notify, the composite only rolls up", func(t *testing.T) {
		has(t, s.shard, "AWS::CloudWatch::CompositeAlarm", map[string]any{
			"AlarmName": "o11yscale-auth-service-health", "AlarmActions": assertions.Match_Absent(), "OKActions": assertions.Match_Absent(),
		})
		for _, name := range []string{"o11yscale-auth-service-latency-anomaly", "o11yscale-auth-service-error-rate-threshold"} {
			has(t, s.shard, "AWS::CloudWatch::Alarm", map[string]any{
				"AlarmName": name, "AlarmActions": assertions.Match_AnyValue(), "OKActions": assertions.Match_AnyValue(),
			})
		}
	})

	t.Run("composite rule names every alarm of its service", func(t *testing.T) {
		for _, r := range s.shardRaw["Resources"].(map[string]any) {
			res := r.(map[string]any)
			props := res["Properties"].(map[string]any)
			if res["Type"] != "AWS::CloudWatch::CompositeAlarm" || props["AlarmName"] != "o11yscale-checkout-api-health" {
				continue
			}
			// The rule joins ALARM("<Ref>") terms; each Ref is one child.
			rule, _ := json.Marshal(props["AlarmRule"])
			if got := strings.Count(string(rule), `"Ref"`); got != 4 {
				t.Errorf("rule %s names %d alarms, want 4 (3 band alarms and the error-rate alarm)", rule, got)
			}
		}
	})

	t.Run("resources per service are what ResourceCount reports", func(t *testing.T) {
		got := len(s.shardRaw["Resources"].(map[string]any))
		want := s.props["checkout"].ResourceCount() + s.props["auth"].ResourceCount()
		if got != want || want != 14 {
			t.Errorf("shard has %d resources; ResourceCount says %d (8 + 6 expected)", got, want)
		}
	})

	t.Run("descriptions carry the lines the enricher reads, within 1024 characters", func(t *testing.T) {
		for _, r := range s.shardRaw["Resources"].(map[string]any) {
			props := r.(map[string]any)["Properties"].(map[string]any)
			desc, _ := props["AlarmDescription"].(string)
			name, _ := props["AlarmName"].(string)
			if name == "" {
				continue // a detector
			}
			if len(desc) > 1024 || len(name) > 255 {
				t.Errorf("%s: description %d, name %d characters", name, len(desc), len(name))
			}
			dashboard := "\nDashboard: " + enrich.ConsoleAlarmURL("aws", "eu-west-1", name)
			if !strings.Contains(desc, dashboard) {
				t.Errorf("%s: description lacks %q:\n%s", name, dashboard, desc)
			}
			if strings.HasPrefix(name, "o11yscale-checkout-api") && !strings.Contains(desc, "\nRunbook: https://runbooks.example.com/checkout-api\n") {
				t.Errorf("%s: runbook line missing:\n%s", name, desc)
			}
		}
	})

	t.Run("the enricher decodes our band alarm and uses its links, service and severity", func(t *testing.T) {
		for _, name := range []string{"o11yscale-checkout-api-api-latency-anomaly", "o11yscale-checkout-api-error-rate-anomaly", "o11yscale-checkout-api-error-rate-threshold"} {
			change := notification(t, s.shardRaw, name)
			sc, err := enrich.ParseAlarm(change)
			if err != nil {
				t.Fatalf("%s: enricher rejects it: %v", name, err)
			}
			inc := enrich.Compose(sc, enrich.Fetched{}, errors.New("not fetched in this test"), enrich.Links{})
			if inc.Service != "checkout-api" {
				t.Errorf("%s: service = %q", name, inc.Service)
			}
			if !strings.Contains(inc.Body, "Runbook: https://runbooks.example.com/checkout-api\n") ||
				!strings.Contains(inc.Body, "Dashboard: "+enrich.ConsoleAlarmURL("aws", "eu-west-1", name)) {
				t.Errorf("%s: links not taken from the description:\n%s", name, inc.Body)
			}
			wantSeverity := "medium"
			if strings.HasSuffix(name, "threshold") {
				wantSeverity = "high"
			}
			if inc.Severity != wantSeverity {
				t.Errorf("%s: severity %q, want %q", name, inc.Severity, wantSeverity)
			}
			if strings.HasSuffix(name, "anomaly") != sc.Target.Anomaly {
				t.Errorf("%s: enricher sees anomaly=%v", name, sc.Target.Anomaly)
			}
		}
	})

	t.Run("the enricher decodes our composite alarm and names its children, without a metric", func(t *testing.T) {
		name := "o11yscale-checkout-api-health"
		sc, err := enrich.ParseAlarm(compositeNotification(t, s.shardRaw, name))
		if err != nil {
			t.Fatalf("enricher rejects it: %v", err)
		}
		if sc.Composite == nil || len(sc.Target.Queries) != 0 {
			t.Fatalf("composite %v, target %+v; want a composite without a metric", sc.Composite, sc.Target)
		}
		inc := enrich.Compose(sc, enrich.Fetched{}, nil, enrich.Links{})
		if inc.Service != "checkout-api" || inc.Severity != "high" {
			t.Errorf("service %q severity %q, want checkout-api and high (the error-rate alarm's)", inc.Service, inc.Severity)
		}
		for _, child := range []string{"latency-anomaly", "error-rate-anomaly", "api-latency-anomaly", "error-rate-threshold"} {
			if want := "  - o11yscale-checkout-api-" + child + ": ALARM"; !strings.Contains(inc.Body, want) {
				t.Errorf("body lacks %q:\n%s", want, inc.Body)
			}
		}
		if !strings.Contains(inc.Body, "Runbook: https://runbooks.example.com/checkout-api\n") ||
			!strings.Contains(inc.Body, "Dashboard: "+enrich.ConsoleAlarmURL("aws", "eu-west-1", name)) {
			t.Errorf("links not taken from the description:\n%s", inc.Body)
		}
	})

	t.Run("topics are encrypted with a rotating customer key CloudWatch alarms may use", func(t *testing.T) {
		s.regional.ResourceCountIs(jsii.String("AWS::SNS::Topic"), jsii.Number(2))
		for _, name := range []string{"o11yscale-alerts", "o11yscale-incidents"} {
			has(t, s.regional, "AWS::SNS::Topic", map[string]any{
				"TopicName": name, "KmsMasterKeyId": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^AlertingKey")), "Arn"}},
			})
		}
		has(t, s.regional, "AWS::KMS::Key", map[string]any{
			"EnableKeyRotation": true,
			"KeyPolicy": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Sid": "CloudWatchAlarmsPublishToAlertTopics", "Effect": "Allow",
				"Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"},
				"Action":    []any{"kms:Decrypt", "kms:GenerateDataKey"},
				"Condition": assertions.Match_ObjectLike(&map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"}}),
			})})},
		})
	})

	t.Run("only CloudWatch alarms of this account publish alerts, over TLS", func(t *testing.T) {
		has(t, s.regional, "AWS::SNS::TopicPolicy", map[string]any{
			"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{
				assertions.Match_ObjectLike(&map[string]any{"Effect": "Deny", "Action": "sns:Publish",
					"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}}),
				assertions.Match_ObjectLike(&map[string]any{"Sid": "OnlyCloudWatchAlarmsOfThisAccount", "Effect": "Allow", "Action": "sns:Publish",
					"Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"},
					"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"},
						"ArnLike": map[string]any{"aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*"}}}),
			})},
		})
	})

	t.Run("only the enricher's role publishes incidents", func(t *testing.T) {
		has(t, s.regional, "AWS::SNS::TopicPolicy", map[string]any{
			"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{
				assertions.Match_ObjectLike(&map[string]any{"Sid": "OnlyTheEnricher", "Effect": "Allow", "Action": "sns:Publish"}),
				assertions.Match_ObjectLike(&map[string]any{"Sid": "NobodyElsePublishes", "Effect": "Deny", "Action": "sns:Publish", "Principal": map[string]any{"AWS": "*"},
					"Condition": map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^AlertingEnricherRole")), "Arn"}}}}}),
			})},
		})
	})

	t.Run("enricher subscription filters to ALARM transitions and has an encrypted DLQ", func(t *testing.T) {
		has(t, s.regional, "AWS::SNS::Subscription", map[string]any{
			"Protocol": "lambda", "FilterPolicyScope": "MessageBody",
			"FilterPolicy":  map[string]any{"$or": []any{map[string]any{"NewStateValue": []any{"ALARM"}}, map[string]any{"OldStateValue": []any{"ALARM"}}}},
			"RedrivePolicy": map[string]any{"deadLetterTargetArn": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^AlertingDeliveryDeadLetterQueue")), "Arn"}}},
		})
		has(t, s.regional, "AWS::SQS::Queue", map[string]any{"SqsManagedSseEnabled": true, "MessageRetentionPeriod": 1209600})
	})

	t.Run("human subscriptions receive incidents, filtered by severity", func(t *testing.T) {
		incidents := map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^AlertingIncidents"))}
		has(t, s.regional, "AWS::SNS::Subscription", map[string]any{"Protocol": "email", "Endpoint": "oncall@example.com", "TopicArn": incidents,
			"FilterPolicy": map[string]any{"severity": []any{"critical", "high"}}})
		has(t, s.regional, "AWS::SNS::Subscription", map[string]any{"Protocol": "https", "Endpoint": "https://pager.example.com/sns", "TopicArn": incidents})
		has(t, s.regional, "AWS::SNS::Subscription", map[string]any{"Protocol": "https", "Endpoint": "https://chat-relay.example.com/hooks/ops", "RawMessageDelivery": true})
	})

	t.Run("idempotency table matches the enricher's claims", func(t *testing.T) {
		has(t, s.regional, "AWS::DynamoDB::Table", map[string]any{
			"KeySchema":                        []any{map[string]any{"AttributeName": "pk", "KeyType": "HASH"}},
			"AttributeDefinitions":             []any{map[string]any{"AttributeName": "pk", "AttributeType": "S"}},
			"BillingMode":                      "PAY_PER_REQUEST",
			"TimeToLiveSpecification":          map[string]any{"AttributeName": "expiresAt", "Enabled": true},
			"PointInTimeRecoverySpecification": map[string]any{"PointInTimeRecoveryEnabled": true},
			"SSESpecification":                 map[string]any{"SSEEnabled": true},
		})
	})

	t.Run("enricher gets its environment and least-privilege grants", func(t *testing.T) {
		has(t, s.regional, "AWS::Lambda::Function", map[string]any{
			"Environment": map[string]any{"Variables": map[string]any{
				"INCIDENTS_TOPIC_ARN":    map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^AlertingIncidents"))},
				"IDEMPOTENCY_TABLE_NAME": map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^AlertingIdempotency"))},
				"RUNBOOK_BASE_URL":       "https://runbooks.example.com",
				"LOG_LEVEL":              "INFO",
				"METRIC_NAMESPACE":       "O11yscale/Pipeline",
			}},
		})
		has(t, s.regional, "AWS::IAM::Policy", map[string]any{
			"Roles": assertions.Match_AnyValue(),
			"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{
				map[string]any{"Effect": "Allow", "Action": []any{"dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"},
					"Resource": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^AlertingIdempotency")), "Arn"}}},
				map[string]any{"Effect": "Allow", "Action": "sns:Publish", "Resource": map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^AlertingIncidents"))}},
			})},
		})
		hasResource(t, s.regional, "AWS::IAM::Policy", map[string]any{
			"Properties": map[string]any{"PolicyDocument": map[string]any{"Statement": []any{
				map[string]any{"Effect": "Allow", "Action": "cloudwatch:GetMetricData", "Resource": "*"}}}},
			"Metadata": map[string]any{"cdk_nag": map[string]any{"rules_to_suppress": []any{assertions.Match_ObjectLike(&map[string]any{"id": "AwsSolutions-IAM5"})}}},
		})
	})

	t.Run("templates pass cfn-lint", func(t *testing.T) {
		asm := s.app.Synth(nil)
		files, _ := filepath.Glob(filepath.Join(*asm.Directory(), "*.template.json"))
		if len(files) < 2 {
			t.Fatalf("expected the regional and the nested template, got %v", files)
		}
		cmd := exec.Command("cfn-lint", append([]string{"--non-zero-exit-code", "warning", "--regions", "eu-west-1", "--"}, files...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("cfn-lint: %v\n%s", err, out)
		}
	})
}

// has asserts a resource with these properties.
func has(t *testing.T, tpl assertions.Template, typ string, props map[string]any) {
	t.Helper()
	failOnPanic(t, func() { tpl.HasResourceProperties(jsii.String(typ), props) })
}

// hasResource asserts a whole resource (properties and metadata).
func hasResource(t *testing.T, tpl assertions.Template, typ string, resource map[string]any) {
	t.Helper()
	failOnPanic(t, func() { tpl.HasResource(jsii.String(typ), resource) })
}

// failOnPanic turns a jsii assertion panic into a failure of this subtest
// instead of ending every other one.
func failOnPanic(t *testing.T, assert func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%v", r)
		}
	}()
	assert()
}

// notification builds the CloudWatch alarm notification (the JSON inside
// Sns.Message) that alarm name would send, from the synthesized template:
// dimensions in lower case, as CloudWatch writes them.
func notification(t *testing.T, tpl map[string]any, alarmName string) string {
	t.Helper()
	for _, r := range tpl["Resources"].(map[string]any) {
		props := r.(map[string]any)["Properties"].(map[string]any)
		if props["AlarmName"] != alarmName {
			continue
		}
		var metrics []any
		for _, q := range props["Metrics"].([]any) {
			q := q.(map[string]any)
			if ms, ok := q["MetricStat"].(map[string]any); ok {
				m := ms["Metric"].(map[string]any)
				var dims []any
				for _, d := range m["Dimensions"].([]any) {
					d := d.(map[string]any)
					dims = append(dims, map[string]any{"name": d["Name"], "value": d["Value"]})
				}
				m["Dimensions"] = dims
			}
			metrics = append(metrics, q)
		}
		trigger := map[string]any{"Period": 60, "EvaluationPeriods": props["EvaluationPeriods"], "ComparisonOperator": props["ComparisonOperator"],
			"TreatMissingData": props["TreatMissingData"], "Metrics": metrics}
		if id, ok := props["ThresholdMetricId"]; ok {
			trigger["ThresholdMetricId"] = id
		} else {
			trigger["Threshold"] = props["Threshold"]
		}
		msg, _ := json.Marshal(map[string]any{
			"AlarmName": alarmName, "AlarmDescription": props["AlarmDescription"], "AWSAccountId": "123456789012",
			"NewStateValue": "ALARM", "OldStateValue": "OK", "NewStateReason": "Thresholds Crossed",
			"StateChangeTime": "2026-03-14T09:26:53.571+0000", "Region": "EU (Ireland)",
			"AlarmArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:" + alarmName, "Trigger": trigger,
		})
		return string(msg)
	}
	t.Fatalf("no alarm %s in the template", alarmName)
	return ""
}

// compositeNotification is the SNS message CloudWatch would send for a
// composite alarm of the template set by hand (no TriggeringChildren), its
// rule's Refs resolved to the children's alarm names.
func compositeNotification(t *testing.T, tpl map[string]any, alarmName string) string {
	t.Helper()
	resources := tpl["Resources"].(map[string]any)
	for _, r := range resources {
		props := r.(map[string]any)["Properties"].(map[string]any)
		if props["AlarmName"] != alarmName {
			continue
		}
		var rule strings.Builder
		join := props["AlarmRule"].(map[string]any)["Fn::Join"].([]any)
		for _, part := range join[1].([]any) {
			switch p := part.(type) {
			case string:
				rule.WriteString(p)
			case map[string]any:
				child := resources[p["Ref"].(string)].(map[string]any)["Properties"].(map[string]any)
				rule.WriteString(child["AlarmName"].(string))
			}
		}
		msg, _ := json.Marshal(map[string]any{
			"AlarmName": alarmName, "AlarmDescription": props["AlarmDescription"], "AWSAccountId": "123456789012",
			"NewStateValue": "ALARM", "OldStateValue": "OK", "NewStateReason": "forced",
			"StateChangeTime": "2026-03-14T09:26:54.102+0000", "Region": "EU (Ireland)",
			"AlarmArn":  "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:" + alarmName,
			"AlarmRule": rule.String(), "TriggeringChildren": []any{},
		})
		return string(msg)
	}
	t.Fatalf("no alarm %s in the template", alarmName)
	return ""
}

// TestTwentyServicesFitOneShard sizes the platform's default shard (20
// services per nested stack) with APIs, the largest default: the resource
// count is what ResourceCount predicts and the written template stays far
// below CloudFormation's 500 resources and 1 MB.
func TestTwentyServicesFitOneShard(t *testing.T) {
	app := cdktest.NewApp(t, "")
	stack := cdktest.NewStack(app, "Regional", "us-east-1")
	shard := awscdk.NewNestedStack(stack, jsii.String("Services01"), nil)
	// The alerts topic by its deterministic ARN, as Alerting.AlertsTopicIn
	// gives it to a nested stack.
	topic := awssns.Topic_FromTopicArn(shard, jsii.String("Alerts"), jsii.String(fmt.Sprintf("arn:%s:sns:%s:%s:o11yscale-alerts",
		*shard.Partition(), *shard.Region(), *shard.Account())))
	want := 0
	for i := range 20 {
		name := fmt.Sprintf("service-%02d", i)
		p := anomaly.ServiceAlarmsProps{Service: name, APIName: name, AlertsTopic: topic,
			RunbookBaseURL: "https://wiki.example.com/runbooks", Budget: anomaly.Budget{Services: 200, Regions: 4}}
		if _, err := anomaly.NewServiceAlarms(shard, name, p); err != nil {
			t.Fatal(err)
		}
		want += p.ResourceCount()
	}
	asm := app.Synth(nil)
	files, _ := filepath.Glob(filepath.Join(*asm.Directory(), "*.nested.template.json"))
	if len(files) != 1 {
		t.Fatalf("nested templates: %v", files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var tpl struct {
		Resources  map[string]any
		Parameters map[string]any
	}
	if err := json.Unmarshal(b, &tpl); err != nil {
		t.Fatal(err)
	}
	if len(tpl.Resources) != want || want != 160 {
		t.Errorf("%d resources, ResourceCount predicts %d (20 x 8 = 160 expected)", len(tpl.Resources), want)
	}
	if len(tpl.Parameters) != 0 {
		t.Errorf("a deterministic topic ARN needs no parameters, got %d", len(tpl.Parameters))
	}
	if len(b) > 1<<20 {
		t.Errorf("template is %d bytes, over 1 MB", len(b))
	}
	t.Logf("20 services with APIs: %d resources, %d bytes (%d bytes per service)", len(tpl.Resources), len(b), len(b)/20)
}
