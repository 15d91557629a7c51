package policyeval

import (
	"encoding/json"
	"strings"
	"testing"
)

func testStack(t *testing.T, tpl string) *Stack {
	t.Helper()
	s := &Stack{Name: "central", Account: acctA, Region: "eu-west-1", Partition: "aws", Parameters: map[string]any{"KeyArn": "arn:aws:kms:eu-west-1:" + acctA + ":key/k"}}
	if err := json.Unmarshal([]byte(tpl), &s.Template); err != nil {
		t.Fatal(err)
	}
	return s
}

const resolveTemplate = `{
 "Parameters": {"KeyArn": {"Type": "String"}, "Unset": {"Type": "String"}},
 "Resources": {
  "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Join": ["-", ["metrics", {"Ref": "AWS::AccountId"}, {"Ref": "AWS::Region"}]]}}},
  "Anon": {"Type": "AWS::S3::Bucket"},
  "Writer": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "writer"}},
  "Stream": {"Type": "AWS::Kinesis::Stream", "Properties": {"Name": "metrics"}},
  "Topic": {"Type": "AWS::SNS::Topic"},
  "Thing": {"Type": "AWS::Made::Up"}
 }
}`

func TestResolveIntrinsics(t *testing.T) {
	s := testStack(t, resolveTemplate)
	for _, c := range []struct{ in, want string }{
		{`{"Fn::GetAtt": ["Bucket", "Arn"]}`, "arn:aws:s3:::metrics-" + acctA + "-eu-west-1"},
		{`{"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/metrics/*"]]}`, "arn:aws:s3:::metrics-" + acctA + "-eu-west-1/metrics/*"},
		{`{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::` + acctB + `:root"]]}`, "arn:aws:iam::" + acctB + ":root"},
		{`{"Fn::GetAtt": ["Writer", "Arn"]}`, "arn:aws:iam::" + acctA + ":role/writer"},
		{`"Writer.Arn"`, "Writer.Arn"},
		{`{"Fn::GetAtt": "Stream.Arn"}`, "arn:aws:kinesis:eu-west-1:" + acctA + ":stream/metrics"},
		{`{"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/${!literal}"}`, "arn:aws:s3:::metrics-" + acctA + "-eu-west-1/${literal}"},
		{`{"Fn::Sub": ["${Arn}/x", {"Arn": {"Fn::GetAtt": ["Bucket", "Arn"]}}]}`, "arn:aws:s3:::metrics-" + acctA + "-eu-west-1/x"},
		{`{"Fn::Select": [1, {"Fn::Split": ["/", {"Ref": "KeyArn"}]}]}`, "k"},
		// A name CloudFormation generates: unique, matched by wildcards only.
		{`{"Fn::GetAtt": ["Anon", "Arn"]}`, "arn:aws:s3:::central-Anon-generated"},
		{`{"Ref": "Topic"}`, "arn:aws:sns:eu-west-1:" + acctA + ":central-Topic-generated"},
	} {
		var v any
		if err := json.Unmarshal([]byte(c.in), &v); err != nil {
			t.Fatal(err)
		}
		got, err := s.Resolve(v)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s = %v, want %s", c.in, got, c.want)
		}
	}
}

func TestResolveFailsOnWhatItCannotResolve(t *testing.T) {
	s := testStack(t, resolveTemplate)
	for _, in := range []string{
		`{"Fn::ImportValue": "central:BucketArn"}`,
		`{"Fn::If": ["IsProd", "a", "b"]}`,
		`{"Ref": "Missing"}`,
		`{"Ref": "Unset"}`,
		`{"Ref": "Thing"}`,
		`{"Fn::GetAtt": ["Writer", "RoleId"]}`,
		`{"Ref": "AWS::NotificationARNs"}`,
		`{"Fn::Join": ["", [{"Fn::ImportValue": "x"}, "/*"]]}`,
	} {
		var v any
		if err := json.Unmarshal([]byte(in), &v); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Resolve(v); err == nil {
			t.Errorf("%s resolved to %v, want an error", in, got)
		}
	}
	// A policy with such a value is not silently matched: NewModel fails.
	bad := testStack(t, `{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "r",
		"AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": {"Fn::ImportValue": "x"}}, "Action": "sts:AssumeRole"}]}}}}}`)
	if _, err := NewModel([]*Stack{bad}); err == nil || !strings.Contains(err.Error(), "Fn::ImportValue") {
		t.Errorf("NewModel with an unresolvable principal: %v, want an error naming Fn::ImportValue", err)
	}
}

func TestModelEvaluatesTemplatePolicies(t *testing.T) {
	s := testStack(t, `{"Resources": {
	  "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "b"}},
	  "Policy": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "Bucket"}, "PolicyDocument": {"Statement": [
	    {"Effect": "Allow", "Principal": {"AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::`+acctB+`:root"]]}},
	     "Action": "s3:PutObject", "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/in/`+acctB+`/*"]]}}]}}},
	  "Role": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "app", "AssumeRolePolicyDocument": {"Statement": [
	    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}},
	  "RolePolicy": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "p", "Roles": [{"Ref": "Role"}], "PolicyDocument": {"Statement": [
	    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]}}]}}}
	}}`)
	m, err := NewModel([]*Stack{s})
	if err != nil {
		t.Fatal(err)
	}
	app := "arn:aws:iam::" + acctA + ":role/app"
	for _, c := range []struct {
		who    Principal
		action string
		obj    string
		want   bool
	}{
		{RoleSession(app, ""), "s3:GetObject", "arn:aws:s3:::b/x", true},
		{RoleSession(app, ""), "s3:PutObject", "arn:aws:s3:::b/x", false},
		{ServicePrincipal("lambda.amazonaws.com"), "sts:AssumeRole", app, true},
		{ServicePrincipal("ec2.amazonaws.com"), "sts:AssumeRole", app, false},
	} {
		d, err := m.Evaluate(Request{Principal: c.who, Action: c.action, Resource: c.obj})
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed != c.want {
			t.Errorf("%s %s %s: allowed %t, want %t (%s)", c.who, c.action, c.obj, d.Allowed, c.want, d.Reason)
		}
	}
	// The bucket's account comes from its stack; B's side is B's to
	// allow, so a role outside the model is an error, not a guess.
	if _, err := m.Evaluate(Request{Principal: RoleSession("arn:aws:iam::"+acctB+":role/x", ""), Action: "s3:PutObject", Resource: "arn:aws:s3:::b/in/" + acctB + "/k"}); err == nil {
		t.Error("a principal outside the model: no error")
	}
	bucket, _ := m.ResourcePolicyFor("arn:aws:s3:::b/in/" + acctB + "/k")
	allowAll := mustParse(t, "allow all", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	d, err := Evaluate(Input{Identity: []*Policy{allowAll}, Resource: bucket}, Request{Principal: RoleSession("arn:aws:iam::"+acctB+":role/x", ""), Action: "s3:PutObject", Resource: "arn:aws:s3:::b/in/" + acctB + "/k", ResourceAccount: acctA})
	if err != nil || !d.Allowed {
		t.Errorf("account B's grant: %v %s, want allowed", err, d.Reason)
	}
}
