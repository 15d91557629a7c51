package policyeval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A nested stack's parameters resolve in its parent, and its policies
// (here a Lambda permission and an SQS queue policy) join the model.
func TestLoadAssemblyResolvesNestedStacks(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"manifest.json": `{"artifacts": {
		  "parent": {"type": "aws:cloudformation:stack", "environment": "aws://` + acctA + `/eu-west-1",
		    "properties": {"templateFile": "parent.template.json", "stackName": "parent"}},
		  "parent.assets": {"type": "cdk:asset-manifest", "properties": {"file": "parent.assets.json"}}}}`,
		"parent.assets.json": `{"files": {"abc123": {"source": {"path": "child.nested.template.json"}}}}`,
		"parent.template.json": `{"Resources": {
		  "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "alerts"}},
		  "Child": {"Type": "AWS::CloudFormation::Stack", "Properties": {
		    "Parameters": {"TopicArn": {"Ref": "Topic"}},
		    "TemplateURL": {"Fn::Join": ["", ["https://s3.eu-west-1.", {"Ref": "AWS::URLSuffix"}, "/cdk-assets/abc123.json"]]}}}}}`,
		"child.nested.template.json": `{"Parameters": {"TopicArn": {"Type": "String"}}, "Resources": {
		  "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "enricher"}},
		  "Invoke": {"Type": "AWS::Lambda::Permission", "Properties": {"FunctionName": {"Ref": "Fn"}, "Action": "lambda:InvokeFunction",
		    "Principal": "sns.amazonaws.com", "SourceArn": {"Ref": "TopicArn"}}},
		  "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "dlq"}},
		  "QueuePolicy": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": [{"Ref": "Queue"}], "PolicyDocument": {"Statement": [
		    {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": ["Queue", "Arn"]},
		     "Condition": {"ArnEquals": {"aws:SourceArn": {"Ref": "TopicArn"}}}}]}}}}}`,
	})
	stacks, err := LoadAssembly(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(stacks) != 2 || stacks[1].Parent != stacks[0] || stacks[1].Account != acctA {
		t.Fatalf("stacks %+v", stacks)
	}
	m, err := NewModel(stacks)
	if err != nil {
		t.Fatal(err)
	}
	topic := "arn:aws:sns:eu-west-1:" + acctA + ":alerts"
	for _, c := range []struct {
		action, resource, source string
		want                     bool
	}{
		{"lambda:InvokeFunction", "arn:aws:lambda:eu-west-1:" + acctA + ":function:enricher", topic, true},
		{"lambda:InvokeFunction", "arn:aws:lambda:eu-west-1:" + acctA + ":function:enricher", topic + "-other", false},
		{"sqs:SendMessage", "arn:aws:sqs:eu-west-1:" + acctA + ":dlq", topic, true},
		{"sqs:SendMessage", "arn:aws:sqs:eu-west-1:" + acctA + ":dlq", "arn:aws:sns:eu-west-1:" + acctB + ":alerts", false},
	} {
		d, err := m.Evaluate(Request{Principal: ServicePrincipal("sns.amazonaws.com"), Action: c.action, Resource: c.resource,
			Context: map[string][]string{"aws:SourceArn": {c.source}}})
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed != c.want {
			t.Errorf("%s on %s from %s: allowed %t, want %t (%s)", c.action, c.resource, c.source, d.Allowed, c.want, d.Reason)
		}
	}
}

func TestLoadAssemblyNeedsConcreteEnvironments(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"manifest.json": `{"artifacts": {"s": {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
		  "properties": {"templateFile": "s.template.json"}}}}`,
		"s.template.json": `{"Resources": {}}`,
	})
	if _, err := LoadAssembly(dir); err == nil || !strings.Contains(err.Error(), "no concrete account") {
		t.Errorf("an account-agnostic stack: %v, want an error", err)
	}
}
