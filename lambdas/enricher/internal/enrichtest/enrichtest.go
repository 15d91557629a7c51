// Package enrichtest holds the moto_server set-up shared by the enricher's
// handler tests and its bootstrap integration test: the incidents topic,
// the idempotency table, reading what the topic received, and summing the
// EMF metrics a run wrote.
package enrichtest

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"
)

// Clients are SDK clients pointed at moto through the AWS_* environment
// (lambdatest's Moto.SetEnv).
type Clients struct {
	CloudWatch *cloudwatch.Client
	SNS        *sns.Client
	DynamoDB   *dynamodb.Client
}

// AWSQuery switches a CloudWatch client from the SDK's default Smithy RPC
// v2 CBOR protocol, which moto_server 5.2.1 does not serve, to awsQuery.
func AWSQuery(o *cloudwatch.Options) {
	o.Protocol = awsquery.New(schemas.GraniteServiceVersion20100801)
}

// NewClients loads the default config, which honours AWS_ENDPOINT_URL.
func NewClients(t testing.TB) Clients {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatalf("loading AWS config: %v", err)
	}
	return Clients{
		CloudWatch: cloudwatch.NewFromConfig(cfg, AWSQuery),
		SNS:        sns.NewFromConfig(cfg),
		DynamoDB:   dynamodb.NewFromConfig(cfg),
	}
}

// CreateTopic creates an SNS topic and returns its ARN.
func (c Clients) CreateTopic(t testing.TB, name string) string {
	t.Helper()
	out, err := c.SNS.CreateTopic(context.Background(), &sns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		t.Fatalf("creating topic %s: %v", name, err)
	}
	return aws.ToString(out.TopicArn)
}

// CreateClaimsTable creates the idempotency table as the construct does:
// string partition key pk, on-demand billing.
func (c Clients) CreateClaimsTable(t testing.TB, name string) {
	t.Helper()
	_, err := c.DynamoDB.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatalf("creating table %s: %v", name, err)
	}
}

// Notification is one message a topic received.
type Notification struct {
	MessageID  string
	Message    string
	Subject    string
	Attributes map[string]string
}

// Sent returns the messages published to topicARN, read from moto's model
// dump (/moto-api/data.json, sns Topic.sent_notifications), which records
// subject and message attributes as published.
func Sent(t testing.TB, endpoint, topicARN string) []Notification {
	t.Helper()
	resp, err := http.Get(endpoint + "/moto-api/data.json")
	if err != nil {
		t.Fatalf("reading moto data: %v", err)
	}
	defer resp.Body.Close()
	var data struct {
		SNS struct {
			Topic []struct {
				ARN               string              `json:"arn"`
				SentNotifications [][]json.RawMessage `json:"sent_notifications"`
			} `json:"Topic"`
		} `json:"sns"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&data); err != nil {
		t.Fatalf("decoding moto data: %v", err)
	}
	var out []Notification
	for _, topic := range data.SNS.Topic {
		if topic.ARN != topicARN {
			continue
		}
		for _, raw := range topic.SentNotifications {
			// [message_id, message, subject, message_attributes, group_id]
			if len(raw) < 4 {
				t.Fatalf("unexpected sent_notifications entry %s", raw)
			}
			var n Notification
			var attrs map[string]struct {
				Value string `json:"Value"`
			}
			for i, dst := range []any{&n.MessageID, &n.Message, &n.Subject, &attrs} {
				if string(raw[i]) == "null" {
					continue
				}
				if err := json.Unmarshal(raw[i], dst); err != nil {
					t.Fatalf("decoding sent notification field %d %s: %v", i, raw[i], err)
				}
			}
			n.Attributes = map[string]string{}
			for k, v := range attrs {
				n.Attributes[k] = v.Value
			}
			out = append(out, n)
		}
	}
	return out
}

// Name returns a resource name unique to the test, usable for topics and
// tables.
func Name(t testing.TB, kind string) string {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return '-'
	}, kind+"-"+t.Name())
	if len(name) > 200 {
		name = name[:200]
	}
	return name
}

// PutMinutes writes one datapoint per minute for the minutes before end
// (values[len-1] in the last minute), 10 s into each minute. A NaN value
// leaves its minute without a datapoint. dims are name, value pairs in the
// order the alarm lists them: moto 5.2.1 sorts dimensions with a broken
// comparison, so a query only matches data put in the same order.
func (c Clients) PutMinutes(t testing.TB, namespace, metric string, dims []string, end time.Time, values []float64) {
	t.Helper()
	if len(dims)%2 != 0 {
		t.Fatalf("dims %q are not name, value pairs", dims)
	}
	var dimensions []cwtypes.Dimension
	for i := 0; i < len(dims); i += 2 {
		dimensions = append(dimensions, cwtypes.Dimension{Name: aws.String(dims[i]), Value: aws.String(dims[i+1])})
	}
	var data []cwtypes.MetricDatum
	for i, v := range values {
		if math.IsNaN(v) {
			continue
		}
		ts := end.Add(time.Duration(i-len(values))*time.Minute + 10*time.Second)
		data = append(data, cwtypes.MetricDatum{
			MetricName: aws.String(metric), Dimensions: dimensions, Timestamp: aws.Time(ts), Value: aws.Float64(v),
		})
	}
	_, err := c.CloudWatch.PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{Namespace: aws.String(namespace), MetricData: data})
	if err != nil {
		t.Fatalf("putting %s/%s: %v", namespace, metric, err)
	}
}

// Event reads an SNS event from a testdata file and lets edit change the
// alarm inside Sns.Message of its first record before encoding it again,
// so tests can move a real-shaped payload to their own alarm and time.
func Event(t testing.TB, path string, edit func(alarm map[string]any)) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	sns := ev["Records"].([]any)[0].(map[string]any)["Sns"].(map[string]any)
	var alarm map[string]any
	if err := json.Unmarshal([]byte(sns["Message"].(string)), &alarm); err != nil {
		t.Fatalf("%s: alarm: %v", path, err)
	}
	edit(alarm)
	msg, err := json.Marshal(alarm)
	if err != nil {
		t.Fatal(err)
	}
	sns["Message"] = string(msg)
	out, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Retarget points an anomaly-band alarm (Trigger.Metrics[0] is m1) of the
// testdata at its own alarm name, ApiName dimension value and state-change
// time, so tests sharing one moto_server do not see each other's data.
func Retarget(alarm map[string]any, name, apiName string, changedAt time.Time) {
	alarm["AlarmName"] = name
	alarm["AlarmArn"] = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:" + name
	alarm["StateChangeTime"] = changedAt.UTC().Format("2006-01-02T15:04:05.000-0700")
	trigger := alarm["Trigger"].(map[string]any)
	metric := trigger["Metrics"].([]any)[0].(map[string]any)["MetricStat"].(map[string]any)["Metric"].(map[string]any)
	metric["Dimensions"] = []any{map[string]any{"name": "ApiName", "value": apiName}}
}

// RetargetComposite moves a composite alarm of the testdata to its own
// alarm name and state-change time, as Retarget does for a metric alarm.
func RetargetComposite(alarm map[string]any, name string, changedAt time.Time) {
	alarm["AlarmName"] = name
	alarm["AlarmArn"] = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:" + name
	alarm["StateChangeTime"] = changedAt.UTC().Format("2006-01-02T15:04:05.000-0700")
}
