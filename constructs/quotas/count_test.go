package quotas

import (
	"strings"
	"testing"
)

func usageOf(us []Usage, quota, subject string) int {
	for _, u := range us {
		if u.Quota == quota && u.Subject == subject {
			return u.Count
		}
	}
	return -1
}

func TestRoleInlinePoliciesAddUpAcrossPolicyResources(t *testing.T) {
	doc := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}}
	docChars := policyChars(doc)
	ref := map[string]any{"Ref": "Role1"}
	us := Count([]Resource{
		{Type: "AWS::IAM::Role", Region: "eu-west-1", Stack: "S", Ref: ref, Props: map[string]any{"roleName": "r", "policies": []any{map[string]any{"policyName": "a", "policyDocument": doc}}}},
		{Type: "AWS::IAM::Policy", Region: "eu-west-1", Stack: "S", Props: map[string]any{"policyDocument": doc, "roles": []any{ref}}},
		{Type: "AWS::IAM::RolePolicy", Region: "eu-west-1", Stack: "S", Props: map[string]any{"policyDocument": doc, "roleName": ref}},
		// The same logical id in another (nested) stack is another role.
		{Type: "AWS::IAM::Policy", Region: "eu-west-1", Stack: "S/Nested", Props: map[string]any{"policyDocument": doc, "roles": []any{ref}}},
	})
	if got := usageOf(us, "iam/rolePolicySize", "r"); got != 3*docChars {
		t.Errorf("role r: %d characters, want 3 x %d", got, docChars)
	}
	if got := usageOf(us, "iam/rolePolicySize", `S/Nested {"Ref":"Role1"}`); got != docChars {
		t.Errorf("nested stack's role: %d characters, want %d", got, docChars)
	}
}

func TestPolicyCharactersSkipWhiteSpace(t *testing.T) {
	if got := policyChars(map[string]any{"Sid": "a b"}); got != len(`{"Sid":"ab"}`) {
		t.Errorf("policyChars = %d", got)
	}
}

func TestCompositeRuleChildrenAreCountedAlsoWhenTokensSplitTheRule(t *testing.T) {
	joined := map[string]any{"Fn::Join": []any{"", []any{`ALARM("`, map[string]any{"Ref": "A"}, `") OR OK("`, map[string]any{"Ref": "B"}, `") OR ALARM("plain")`}}}
	us := Count([]Resource{{Type: "AWS::CloudWatch::CompositeAlarm", Region: "eu-west-1", Props: map[string]any{"alarmName": "c", "alarmRule": joined}}})
	if got := usageOf(us, "cloudwatch/compositeChildren", "c"); got != 3 {
		t.Errorf("children = %d, want 3", got)
	}
	if got := usageOf(us, "cloudwatch/compositeParents", "plain"); got != 1 {
		t.Errorf("parents of plain = %d, want 1", got)
	}
}

func bandAlarm(metric string) map[string]any {
	return map[string]any{"thresholdMetricId": "ad1", "metrics": []any{
		map[string]any{"id": "m1", "metricStat": map[string]any{"stat": "Average", "metric": map[string]any{"namespace": "App", "metricName": metric,
			"dimensions": []any{map[string]any{"name": "Service", "value": "a"}}}}},
		map[string]any{"id": "ad1", "expression": "ANOMALY_DETECTION_BAND(m1, 2)"},
	}}
}

func TestEventRulesCountPerBusAndAModelIsCountedOncePerMetric(t *testing.T) {
	us := Count([]Resource{
		{Type: "AWS::Events::Rule", Region: "r", Props: map[string]any{}},
		{Type: "AWS::Events::Rule", Region: "r", Props: map[string]any{"eventBusName": "ops"}},
		// The detector and the band alarm on Latency share one model.
		{Type: "AWS::CloudWatch::AnomalyDetector", Region: "r", Props: map[string]any{"singleMetricAnomalyDetector": map[string]any{
			"namespace": "App", "metricName": "Latency", "stat": "Average", "dimensions": []any{map[string]any{"name": "Service", "value": "a"}}}}},
		{Type: "AWS::CloudWatch::Alarm", Region: "r", Props: bandAlarm("Latency")},
		{Type: "AWS::CloudWatch::Alarm", Region: "r", Props: bandAlarm("Errors")},
		{Type: "AWS::CloudWatch::Alarm", Region: "r", Props: map[string]any{}},
	})
	for _, c := range []struct {
		quota, subject string
		want           int
	}{{"events/rulesPerBus", "default", 1}, {"events/rulesPerBus", "ops", 1}, {"cloudwatch/anomalyDetectors", "", 2}} {
		if got := usageOf(us, c.quota, c.subject); got != c.want {
			t.Errorf("%s %s = %d, want %d", c.quota, c.subject, got, c.want)
		}
	}
}

func TestLambdaPermissionsAddUpPerFunction(t *testing.T) {
	perm := map[string]any{"functionName": "router", "principal": "logs.amazonaws.com", "action": "lambda:InvokeFunction", "sourceArn": strings.Repeat("a", 100)}
	one := permissionBytes(perm)
	us := Count([]Resource{
		{Type: "AWS::Lambda::Permission", Region: "r", Stack: "S", Props: perm},
		{Type: "AWS::Lambda::Permission", Region: "r", Stack: "S", Props: perm},
	})
	if got := usageOf(us, "lambda/resourcePolicySize", "S router"); got != 2*one || one < 200 {
		t.Errorf("policy of router = %d bytes, want 2 x %d", got, one)
	}
}

func TestAMathDetectorAndItsBandAlarmShareOneModel(t *testing.T) {
	errors := map[string]any{"id": "errors", "metricStat": map[string]any{"stat": "Sum", "metric": map[string]any{"namespace": "AWS/Lambda", "metricName": "Errors"}}, "returnData": false}
	rate := map[string]any{"id": "m1", "expression": "100 * errors", "returnData": true}
	us := Count([]Resource{
		{Type: "AWS::CloudWatch::AnomalyDetector", Region: "r", Props: map[string]any{"metricMathAnomalyDetector": map[string]any{"metricDataQueries": []any{errors, rate}}}},
		{Type: "AWS::CloudWatch::Alarm", Region: "r", Props: map[string]any{"thresholdMetricId": "ad1", "metrics": []any{errors,
			map[string]any{"id": "m1", "expression": "100 * errors", "label": "error-rate"}, map[string]any{"id": "ad1", "expression": "ANOMALY_DETECTION_BAND(m1, 2)"}}}},
	})
	if got := usageOf(us, "cloudwatch/anomalyDetectors", ""); got != 1 {
		t.Errorf("models = %d, want 1", got)
	}
}

func TestParentsAreCountedOnlyForAlarmNamesWrittenOut(t *testing.T) {
	got := alarmRefs(compact(map[string]any{"Fn::Join": []any{"", []any{`ALARM("`, map[string]any{"Ref": "A"}, `") OR ALARM(plain-1) OR OK("quoted")`}}}))
	if strings.Join(got, ",") != "plain-1,quoted" {
		t.Errorf("alarmRefs = %q", got)
	}
}

func TestLinksCountPerSourceAccountRegionAndPerSinkInTheSinksAccount(t *testing.T) {
	sink := "arn:aws:oam:us-east-1:999988887777:sink/abc"
	us := Count([]Resource{
		{Type: "AWS::Oam::Link", Account: "111122223333", Region: "eu-west-1", Props: map[string]any{"sinkIdentifier": sink}},
		{Type: "AWS::Oam::Link", Account: "444455556666", Region: "eu-west-1", Props: map[string]any{"sinkIdentifier": sink}},
	})
	for _, u := range us {
		switch u.Quota {
		case "oam/links":
			if u.Count != 1 || u.Region != "eu-west-1" {
				t.Errorf("links of %s: %+v", u.Account, u)
			}
		case "oam/linksPerSink":
			if u.Count != 2 || u.Account != "999988887777" || u.Region != "us-east-1" || u.Subject != sink {
				t.Errorf("links per sink: %+v", u)
			}
		}
	}
}
