package main_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/o11yscale/o11yscale/internal/lambdatest"
	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
	"github.com/o11yscale/o11yscale/lambdas/enricher/internal/enrichtest"
)

// The monitoring account's central region; the bootstrap runs in region.
const centralRegion = "eu-west-1"

// motoAccount is the account moto_server puts every resource in.
const motoAccount = "123456789012"

// central is the central incidents topic in centralRegion with an SQS
// queue subscribed to it, which reads the incidents back.
type central struct {
	topic, queueURL string
	sqs             *sqs.Client
}

// newCentral creates the topic under its contract name and checks that
// its ARN is the deterministic one the constructs give the enricher.
// moto does not enforce the topic and key policies (nor cross-account
// access: every resource is in one account), so this proves the
// publishing path, not the policies; constructs/platform tests those.
func newCentral(t *testing.T) central {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(centralRegion))
	if err != nil {
		t.Fatal(err)
	}
	snsC, sqsC := sns.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
	topic, err := snsC.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(contract.CentralIncidentsTopicName("o11yscale"))})
	if err != nil {
		t.Fatal(err)
	}
	c := central{topic: aws.ToString(topic.TopicArn), sqs: sqsC}
	if want := contract.CentralIncidentsTopicArn("aws", centralRegion, motoAccount, "o11yscale"); c.topic != want {
		t.Fatalf("topic %s, want the contract's %s", c.topic, want)
	}
	q, err := sqsC.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("central-incidents-reader")})
	if err != nil {
		t.Fatal(err)
	}
	c.queueURL = aws.ToString(q.QueueUrl)
	attrs, err := sqsC.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := snsC.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(attrs.Attributes["QueueArn"])}); err != nil {
		t.Fatal(err)
	}
	return c
}

type envelope struct {
	TopicArn          string
	Subject           string
	Message           string
	MessageAttributes map[string]struct{ Value string }
}

// drain reads every message the queue holds (moto delivers on publish).
func (c central) drain(t *testing.T) []envelope {
	t.Helper()
	var out []envelope
	for {
		res, err := c.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(c.queueURL), MaxNumberOfMessages: 10, VisibilityTimeout: 300})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Messages) == 0 {
			return out
		}
		for _, m := range res.Messages {
			var e envelope
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &e); err != nil {
				t.Fatalf("queue message %s: %v", aws.ToString(m.Body), err)
			}
			out = append(out, e)
		}
	}
}

// startCentral runs the bootstrap in region with INCIDENTS_TOPIC_ARN set to
// the central topic's ARN in centralRegion. CloudWatch points at a closed
// port: the composite alarm needs no metric reads.
func startCentral(t *testing.T, topicArn string) *lambdatest.Runtime {
	t.Helper()
	c := enrichtest.NewClients(t)
	table := enrichtest.Name(t, "claims")
	c.CreateClaimsTable(t, table)
	env := moto.Env(region)
	env["INCIDENTS_TOPIC_ARN"] = topicArn
	env["IDEMPOTENCY_TABLE_NAME"] = table
	env["AWS_ENDPOINT_URL_CLOUDWATCH"] = "http://127.0.0.1:9"
	return lambdatest.StartRuntime(t, lambdatest.Build(t, "github.com/o11yscale/o11yscale/lambdas/enricher"), env)
}

func TestBootstrapPublishesToTheCentralTopicInAnotherRegionExactlyOnce(t *testing.T) {
	moto.Reset(t)
	moto.SetEnv(t, region)
	c := newCentral(t)
	rt := startCentral(t, c.topic)
	name := "health-central" // short: SNS subjects are cut at 100 characters
	event := enrichtest.Event(t, filepath.Join(testdata, "composite-alarm.json"), func(a map[string]any) {
		enrichtest.RetargetComposite(a, name, time.Now())
	})
	for i := range 2 { // the second delivery is an SNS duplicate
		res, err := rt.Invoke(event)
		if err != nil || res.Error != nil {
			t.Fatalf("delivery %d: %v %+v\n%s", i, err, res.Error, rt.Output())
		}
	}
	got := c.drain(t)
	if len(got) != 1 {
		t.Fatalf("the central topic's queue holds %d incidents, want exactly 1\n%s", len(got), rt.Output())
	}
	if got[0].TopicArn != c.topic || got[0].Subject != "ALARM [high] "+name+" in "+region {
		t.Errorf("incident from %s, subject %q", got[0].TopicArn, got[0].Subject)
	}
	if got[0].MessageAttributes["region"].Value != region || got[0].MessageAttributes["service"].Value != "checkout-api" {
		t.Errorf("attributes %+v", got[0].MessageAttributes)
	}
	m := lambdatest.MetricTotals(t, emfOutput(t, rt, 2), namespace)
	if m["IncidentsPublished"] != 1 || m["DuplicatesSkipped"] != 1 || m["Failures"] != 0 {
		t.Errorf("EMF %v", m)
	}
}

func TestBootstrapFailsWhileTheCentralTopicIsUnreachableAndPublishesOnRetry(t *testing.T) {
	moto.Reset(t)
	moto.SetEnv(t, region)
	// The central topic does not exist yet (say the central stack is not
	// deployed, or its policy refuses this role): the invocation must
	// fail, so Lambda's async retries and on-failure destination apply.
	arn := contract.CentralIncidentsTopicArn("aws", centralRegion, motoAccount, "o11yscale")
	rt := startCentral(t, arn)
	name := "health-retry"
	event := enrichtest.Event(t, filepath.Join(testdata, "composite-alarm.json"), func(a map[string]any) {
		enrichtest.RetargetComposite(a, name, time.Now())
	})
	res, err := rt.Invoke(event)
	if err != nil || res.Error == nil {
		t.Fatalf("invocation %v %+v, want an error\n%s", err, res.Error, rt.Output())
	}
	if m := lambdatest.MetricTotals(t, emfOutput(t, rt, 1), namespace); m["Failures"] != 1 || m["IncidentsPublished"] != 0 {
		t.Errorf("EMF %v, want 1 failure and nothing published", m)
	}
	c := newCentral(t)
	if c.topic != arn {
		t.Fatalf("topic %s, want %s", c.topic, arn)
	}
	// Lambda's retry of the same event.
	if res, err := rt.Invoke(event); err != nil || res.Error != nil {
		t.Fatalf("retry: %v %+v\n%s", err, res.Error, rt.Output())
	}
	if got := c.drain(t); len(got) != 1 || got[0].Subject != "ALARM [high] "+name+" in "+region {
		t.Fatalf("after the retry the queue holds %+v, want the one incident\n%s", got, rt.Output())
	}
}

// emfOutput returns the function's output once it holds n EMF events: the
// harness copies the binary's stdout asynchronously, so an invocation's
// last lines may arrive after its answer. It fails after 5 s.
func emfOutput(t *testing.T, rt *lambdatest.Runtime, n int) string {
	t.Helper()
	for range 100 {
		if out := rt.Output(); strings.Count(out, `"_aws"`) >= n {
			return out
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the function printed fewer than %d EMF events:\n%s", n, rt.Output())
	return ""
}
