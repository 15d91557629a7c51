package contract_test

import (
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
)

func TestConfigRoundTripsThroughTheEnvironment(t *testing.T) {
	c := contract.Config{IncidentsTopicArn: "arn:aws:sns:eu-west-1:123456789012:o11yscale-incidents", IdempotencyTableName: "claims",
		RunbookBaseURL: "https://wiki.example.com/runbooks", CloudWatchProtocol: contract.ProtocolAWSQuery, LogLevel: "DEBUG"}
	env := c.Env()
	if got := contract.FromEnv(func(k string) string { return env[k] }); got != c {
		t.Fatalf("FromEnv(Env()) = %+v, want %+v", got, c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigEnvSetsLogLevelInfoAndLeavesOutUnsetOptionals(t *testing.T) {
	env := contract.Config{IncidentsTopicArn: "t", IdempotencyTableName: "d"}.Env()
	want := map[string]string{"INCIDENTS_TOPIC_ARN": "t", "IDEMPOTENCY_TABLE_NAME": "d", "LOG_LEVEL": "INFO"}
	if len(env) != len(want) {
		t.Fatalf("env %v, want %v", env, want)
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
}

func TestConfigValidateNamesMissingVariablesAndABadProtocol(t *testing.T) {
	err := contract.Config{CloudWatchProtocol: "json"}.Validate()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"INCIDENTS_TOPIC_ARN and IDEMPOTENCY_TABLE_NAME must both be set", `ENRICHER_CLOUDWATCH_PROTOCOL="json": allowed are empty (the SDK default) or awsquery`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if err := (contract.Config{IncidentsTopicArn: "${Token[TOKEN.1]}", IdempotencyTableName: "${Token[TOKEN.2]}"}).Validate(); err != nil {
		t.Errorf("tokens rejected: %v", err)
	}
}

func TestConsoleAlarmURLEscapesNamesAndFollowsThePartition(t *testing.T) {
	tests := []struct {
		partition, region, name, want string
	}{
		{"aws", "us-east-1", "RDS Prod - CPU Util", "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/RDS%20Prod%20-%20CPU%20Util"},
		{"aws-cn", "cn-north-1", "a", "https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#alarmsV2:alarm/a"},
		{"aws-us-gov", "us-gov-west-1", "a/b", "https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#alarmsV2:alarm/a%2Fb"},
		// A CDK token stands for the region and must survive unescaped.
		{"aws", "${Token[AWS.Region.8]}", "a", "https://${Token[AWS.Region.8]}.console.aws.amazon.com/cloudwatch/home?region=${Token[AWS.Region.8]}#alarmsV2:alarm/a"},
	}
	for _, tc := range tests {
		if got := contract.ConsoleAlarmURL(tc.partition, tc.region, tc.name); got != tc.want {
			t.Errorf("ConsoleAlarmURL(%q, %q, %q) = %q, want %q", tc.partition, tc.region, tc.name, got, tc.want)
		}
	}
}

func TestPartitionOfRegion(t *testing.T) {
	for region, want := range map[string]string{"eu-west-1": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov", "${Token[AWS.Region.8]}": "aws"} {
		if got := contract.PartitionOfRegion(region); got != want {
			t.Errorf("PartitionOfRegion(%q) = %q, want %q", region, got, want)
		}
	}
}

func TestRunbookURLTrimsTheBaseAndEscapesTheName(t *testing.T) {
	if got := contract.RunbookURL("https://wiki.example.com/runbooks//", "a b/c"); got != "https://wiki.example.com/runbooks/a%20b%2Fc" {
		t.Errorf("RunbookURL = %q", got)
	}
}

func TestSeveritiesAreMostSevereFirst(t *testing.T) {
	if got := strings.Join(contract.Severities(), ","); got != "critical,high,medium,low,info" {
		t.Errorf("Severities() = %s", got)
	}
}

func TestCentralIncidentsTopicArnAndRegion(t *testing.T) {
	arn := contract.CentralIncidentsTopicArn("aws", "eu-west-1", "111111111111", "acme")
	if arn != "arn:aws:sns:eu-west-1:111111111111:acme-central-incidents" {
		t.Fatalf("arn %q", arn)
	}
	if got := contract.CentralIncidentsKeyAlias("acme"); got != "alias/acme-central-incidents" {
		t.Errorf("alias %q", got)
	}
	for in, want := range map[string]string{
		arn: "eu-west-1",
		"arn:aws-cn:sns:cn-north-1:111111111111:t": "cn-north-1",
		"arn:aws:sqs:eu-west-1:111111111111:q":     "",
		"arn:aws:sns::111111111111:t":              "",
		"arn":                                      "",
		"arn:${Token[AWS.Partition.1]}:sns:${Token[AWS.Region.2]}:1:t": "",
	} {
		if got := contract.TopicRegion(in); got != want {
			t.Errorf("TopicRegion(%q) = %q, want %q", in, got, want)
		}
	}
}
