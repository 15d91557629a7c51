package policyeval

import (
	"strings"
	"testing"
)

const (
	acctA = "111122223333"
	acctB = "444455556666"
)

func mustParse(t *testing.T, name, doc string) *Policy {
	t.Helper()
	p, err := ParseJSON(name, []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func decide(t *testing.T, in Input, req Request) Decision {
	t.Helper()
	d, err := Evaluate(in, req)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The single-account example of the evaluation-logic page: the identity
// policy allows listing and reading, the bucket policy allows writing to
// the caller; the result is their union
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html).
func TestSameAccountUnionOfIdentityAndResourcePolicy(t *testing.T) {
	role := "arn:aws:iam::" + acctA + ":role/carlossalazar"
	identity := mustParse(t, "identity", `{"Version":"2012-10-17","Statement":[{"Sid":"AllowS3ListRead","Effect":"Allow",
		"Action":["s3:GetBucketLocation","s3:GetObject","s3:ListAllMyBuckets"],"Resource":"*"}]}`)
	bucket := mustParse(t, "bucket", `{"Version":"2012-10-17","Statement":[{"Sid":"AllowRoleWrite","Effect":"Allow",
		"Principal":{"AWS":"`+role+`"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::demo-bucket-carlossalazar-logs/*"}]}`)
	in := Input{Identity: []*Policy{identity}, Resource: bucket}
	obj := "arn:aws:s3:::demo-bucket-carlossalazar-logs/2026/app.log"
	for _, c := range []struct {
		action string
		want   bool
	}{{"s3:GetObject", true}, {"s3:PutObject", true}, {"s3:DeleteObject", false}} {
		d := decide(t, in, Request{Principal: RoleSession(role, ""), Action: c.action, Resource: obj, ResourceAccount: acctA})
		if d.Allowed != c.want {
			t.Errorf("%s: allowed %t, want %t (%s)", c.action, d.Allowed, c.want, d.Reason)
		}
	}
}

func TestExplicitDenyWinsAndDefaultDeny(t *testing.T) {
	role := "arn:aws:iam::" + acctA + ":role/app"
	identity := mustParse(t, "identity", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},
		{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}]}`)
	req := func(action string) Request {
		return Request{Principal: RoleSession(role, ""), Action: action, Resource: "arn:aws:s3:::b/k", ResourceAccount: acctA}
	}
	if d := decide(t, Input{Identity: []*Policy{identity}}, req("s3:DeleteObject")); d.Allowed || len(d.Denies) != 1 {
		t.Errorf("delete: %+v, want an explicit deny", d)
	}
	if d := decide(t, Input{Identity: []*Policy{identity}}, req("s3:PutObject")); !d.Allowed {
		t.Errorf("put: %s, want allowed", d.Reason)
	}
	// A resource policy's deny wins over the identity policy's allow too.
	deny := mustParse(t, "bucket", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*",
		"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`)
	r := req("s3:PutObject")
	r.Context = map[string][]string{"aws:SecureTransport": {"false"}}
	if d := decide(t, Input{Identity: []*Policy{identity}, Resource: deny}, r); d.Allowed || !strings.Contains(d.Reason, "explicit deny") {
		t.Errorf("put over plain HTTP: %s, want the bucket's explicit deny", d.Reason)
	}
	r.Context = map[string][]string{"aws:SecureTransport": {"true"}}
	if d := decide(t, Input{Identity: []*Policy{identity}, Resource: deny}, r); !d.Allowed {
		t.Errorf("put over TLS: %s, want allowed", d.Reason)
	}
	if d := decide(t, Input{}, req("s3:GetObject")); d.Allowed || !strings.HasPrefix(d.Reason, "implicit deny") {
		t.Errorf("no policy: %s, want an implicit deny", d.Reason)
	}
}

// Cross-account: both the identity policy in the trusted account and
// the resource policy in the trusting account must allow
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
func TestCrossAccountNeedsBothSides(t *testing.T) {
	role := "arn:aws:iam::" + acctA + ":role/writer"
	obj := "arn:aws:s3:::bucket-of-b/in/x"
	identity := mustParse(t, "identity", `{"Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bucket-of-b/in/*"}]}`)
	for _, principal := range []string{`"` + acctA + `"`, `"arn:aws:iam::` + acctA + `:root"`, `"` + role + `"`} {
		bucket := mustParse(t, "bucket", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":`+principal+`},"Action":"s3:PutObject","Resource":"arn:aws:s3:::bucket-of-b/in/*"}]}`)
		req := Request{Principal: RoleSession(role, ""), Action: "s3:PutObject", Resource: obj, ResourceAccount: acctB}
		for _, c := range []struct {
			name string
			in   Input
			want bool
		}{
			{"both", Input{Identity: []*Policy{identity}, Resource: bucket}, true},
			{"identity only", Input{Identity: []*Policy{identity}}, false},
			{"resource only", Input{Resource: bucket}, false},
		} {
			if d := decide(t, c.in, req); d.Allowed != c.want {
				t.Errorf("principal %s, %s: allowed %t, want %t (%s)", principal, c.name, d.Allowed, c.want, d.Reason)
			}
		}
	}
	// A bucket policy naming another account does not let this one in.
	other := mustParse(t, "bucket", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"s3:*","Resource":"*"}]}`)
	if d := decide(t, Input{Identity: []*Policy{identity}, Resource: other}, Request{Principal: RoleSession(role, ""), Action: "s3:PutObject", Resource: obj, ResourceAccount: acctB}); d.Allowed {
		t.Errorf("another account's grant: %s, want denied", d.Reason)
	}
}

func TestNotActionNotResourceAndWildcards(t *testing.T) {
	role := "arn:aws:iam::" + acctA + ":role/app"
	p := mustParse(t, "identity", `{"Statement":[
		{"Effect":"Allow","NotAction":"iam:*","Resource":"*"},
		{"Effect":"Deny","Action":"s3:Delete*","NotResource":"arn:aws:s3:::scratch/*"}]}`)
	for _, c := range []struct {
		action, resource string
		want             bool
	}{
		{"s3:GetObject", "arn:aws:s3:::data/x", true},
		{"IAM:CreateUser", "arn:aws:iam::" + acctA + ":user/x", false}, // NotAction, any case
		{"s3:deleteobject", "arn:aws:s3:::data/x", false},              // action case does not matter
		{"s3:DeleteObject", "arn:aws:s3:::scratch/tmp", true},          // NotResource exempts scratch
	} {
		d := decide(t, Input{Identity: []*Policy{p}}, Request{Principal: RoleSession(role, ""), Action: c.action, Resource: c.resource, ResourceAccount: acctA})
		if d.Allowed != c.want {
			t.Errorf("%s on %s: allowed %t, want %t (%s)", c.action, c.resource, d.Allowed, c.want, d.Reason)
		}
	}
}

func TestMatchARNFieldsAndGlob(t *testing.T) {
	for _, c := range []struct {
		pattern, arn string
		want         bool
	}{
		{"*", "arn:aws:s3:::b/k", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::bb/k", false},
		{"arn:aws:s3:::b/metrics/account=1/*", "arn:aws:s3:::b/metrics/account=2/x", false},
		{"arn:aws:iam::*:role/o11yscale-oam-lookup-*", "arn:aws:iam::" + acctA + ":role/o11yscale-oam-lookup-us-east-1", true},
		// A wildcard in one field never spans into the next.
		{"arn:aws:iam::*", "arn:aws:iam::" + acctA + ":role/x", false},
		{"arn:aws:kinesis:*:" + acctA + ":stream/s?", "arn:aws:kinesis:eu-west-1:" + acctA + ":stream/s1", true},
		{"arn:aws:kinesis:*:" + acctA + ":stream/s?", "arn:aws:kinesis:eu-west-1:" + acctA + ":stream/s12", false},
		// ARNs are case-sensitive.
		{"arn:aws:s3:::B/*", "arn:aws:s3:::b/k", false},
		{"arn:aws:logs:us-east-1:1:log-group:/a:*", "arn:aws:logs:us-east-1:1:log-group:/a:log-stream:s", true},
	} {
		if got := MatchARN(c.pattern, c.arn); got != c.want {
			t.Errorf("MatchARN(%q, %q) = %t, want %t", c.pattern, c.arn, got, c.want)
		}
	}
}

func TestConditions(t *testing.T) {
	for _, c := range []struct {
		name string
		cond string
		ctx  map[string][]string
		want bool
	}{
		{"StringEquals match", `{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}`, map[string][]string{"aws:PrincipalOrgID": {"o-1"}}, true},
		{"StringEquals other", `{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}`, map[string][]string{"aws:PrincipalOrgID": {"o-2"}}, false},
		{"StringEquals missing key", `{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}`, nil, false},
		{"keys are not case-sensitive", `{"StringEquals":{"AWS:principalorgid":"o-1"}}`, map[string][]string{"aws:PrincipalOrgID": {"o-1"}}, true},
		{"values are alternatives", `{"StringEquals":{"k":["a","b"]}}`, map[string][]string{"k": {"b"}}, true},
		{"keys are all required", `{"StringEquals":{"k":"a","j":"b"}}`, map[string][]string{"k": {"a"}}, false},
		{"StringNotEquals missing key is true", `{"StringNotEquals":{"aws:SourceAccount":"1"}}`, nil, true},
		{"StringNotEquals equal", `{"StringNotEquals":{"aws:SourceAccount":["1","2"]}}`, map[string][]string{"aws:SourceAccount": {"2"}}, false},
		{"StringLike", `{"StringLike":{"s3:prefix":"home/*"}}`, map[string][]string{"s3:prefix": {"home/x"}}, true},
		{"ArnLike", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/fwd-*"}}`, map[string][]string{"aws:PrincipalArn": {"arn:aws:iam::" + acctA + ":role/fwd-eu"}}, true},
		{"ArnLike other role", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/fwd-*"}}`, map[string][]string{"aws:PrincipalArn": {"arn:aws:iam::" + acctA + ":role/admin"}}, false},
		{"ArnNotLike missing key is true", `{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:*:t"}}`, nil, true},
		{"Bool", `{"Bool":{"aws:SecureTransport":false}}`, map[string][]string{"aws:SecureTransport": {"false"}}, true},
		{"Bool true", `{"Bool":{"aws:SecureTransport":"false"}}`, map[string][]string{"aws:SecureTransport": {"true"}}, false},
		{"NumericLessThan", `{"NumericLessThan":{"s3:TlsVersion":1.2}}`, map[string][]string{"s3:TlsVersion": {"1.0"}}, true},
		{"NumericLessThan not", `{"NumericLessThan":{"s3:TlsVersion":1.2}}`, map[string][]string{"s3:TlsVersion": {"1.3"}}, false},
		{"IfExists missing key is true", `{"StringEqualsIfExists":{"k":"a"}}`, nil, true},
		{"IfExists present checks", `{"StringEqualsIfExists":{"k":"a"}}`, map[string][]string{"k": {"b"}}, false},
		{"Null true: missing", `{"Null":{"k":"true"}}`, nil, true},
		{"Null false: present", `{"Null":{"k":"false"}}`, map[string][]string{"k": {"x"}}, true},
		{"Null false: missing", `{"Null":{"k":"false"}}`, nil, false},
		{"ForAllValues subset", `{"ForAllValues:StringEquals":{"oam:ResourceTypes":["AWS::CloudWatch::Metric","AWS::Logs::LogGroup"]}}`,
			map[string][]string{"oam:ResourceTypes": {"AWS::CloudWatch::Metric"}}, true},
		{"ForAllValues one outside", `{"ForAllValues:StringEquals":{"oam:ResourceTypes":["AWS::CloudWatch::Metric"]}}`,
			map[string][]string{"oam:ResourceTypes": {"AWS::CloudWatch::Metric", "AWS::XRay::Trace"}}, false},
		// The documented pitfall: ForAllValues holds for a missing key.
		{"ForAllValues missing key is true", `{"ForAllValues:StringEquals":{"oam:ResourceTypes":["AWS::CloudWatch::Metric"]}}`, nil, true},
		{"ForAnyValue one inside", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["env"]}}`, map[string][]string{"aws:TagKeys": {"team", "env"}}, true},
		{"ForAnyValue missing key is false", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["env"]}}`, nil, false},
		{"ForAllValues:StringNotLike", `{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}`, map[string][]string{"aws:TagKeys": {"key2:audit"}}, true},
		{"ForAllValues:StringNotLike one like", `{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}`, map[string][]string{"aws:TagKeys": {"key1:hr", "key2:x"}}, false},
	} {
		p := mustParse(t, c.name, `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":`+c.cond+`}]}`)
		d := decide(t, Input{Identity: []*Policy{p}}, Request{Principal: RoleSession("arn:aws:iam::"+acctA+":role/r", ""), Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", ResourceAccount: acctA, Context: c.ctx})
		if d.Allowed != c.want {
			t.Errorf("%s: %s with %v: allowed %t, want %t", c.name, c.cond, c.ctx, d.Allowed, c.want)
		}
	}
}

func TestPrincipalKeysComeFromThePrincipal(t *testing.T) {
	role := "arn:aws:iam::" + acctA + ":role/o11yscale-forwarder-eu-west-1"
	trust := mustParse(t, "trust", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acctA+`:root"},"Action":"sts:AssumeRole",
		"Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::`+acctA+`:role/o11yscale-forwarder-*"},"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]}`)
	identity := mustParse(t, "identity", `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::`+acctB+`:role/writer"}]}`)
	req := Request{Principal: RoleSession(role, "o-1"), Action: "sts:AssumeRole", Resource: "arn:aws:iam::" + acctB + ":role/writer"}
	in := Input{Identity: []*Policy{identity}, Resource: trust, Kind: TrustPolicy}
	if d := decide(t, in, req); !d.Allowed {
		t.Errorf("forwarder in the org: %s, want allowed", d.Reason)
	}
	req.Principal = RoleSession(role, "o-other")
	if d := decide(t, in, req); d.Allowed {
		t.Errorf("forwarder outside the org: %s, want denied", d.Reason)
	}
	req.Principal = RoleSession("arn:aws:iam::"+acctA+":role/admin", "o-1")
	if d := decide(t, in, req); d.Allowed {
		t.Errorf("another role of the account: %s, want denied", d.Reason)
	}
}

// A key policy is required: IAM policies count only where the key
// policy names the account
// (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html).
func TestKeyPolicyIsRequired(t *testing.T) {
	role := "arn:aws:iam::" + acctA + ":role/app"
	key := "arn:aws:kms:us-east-1:" + acctA + ":key/k1"
	identity := mustParse(t, "identity", `{"Statement":[{"Effect":"Allow","Action":"kms:GenerateDataKey","Resource":"`+key+`"}]}`)
	rootOnly := mustParse(t, "key", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acctA+`:root"},"Action":"kms:*","Resource":"*"}]}`)
	direct := mustParse(t, "key", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"`+role+`"},"Action":"kms:GenerateDataKey","Resource":"*",
		"Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}]}`)
	otherOnly := mustParse(t, "key", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acctA+`:role/other"},"Action":"kms:*","Resource":"*"}]}`)
	via := map[string][]string{"kms:ViaService": {"s3.us-east-1.amazonaws.com"}}
	for _, c := range []struct {
		name string
		in   Input
		ctx  map[string][]string
		want bool
	}{
		{"root delegation and identity policy", Input{Identity: []*Policy{identity}, Resource: rootOnly, Kind: KeyPolicy}, nil, true},
		{"root delegation without identity policy", Input{Resource: rootOnly, Kind: KeyPolicy}, nil, false},
		{"identity policy, key policy names another role", Input{Identity: []*Policy{identity}, Resource: otherOnly, Kind: KeyPolicy}, nil, false},
		{"key policy names the role, via S3", Input{Resource: direct, Kind: KeyPolicy}, via, true},
		{"key policy names the role, not via S3", Input{Resource: direct, Kind: KeyPolicy}, nil, false},
		// The same identity policy with a bucket-style (generic) resource
		// policy would suffice: the key policy is what differs.
		{"generic resource policy", Input{Identity: []*Policy{identity}, Resource: otherOnly}, nil, true},
	} {
		d := decide(t, c.in, Request{Principal: RoleSession(role, ""), Action: "kms:GenerateDataKey", Resource: key, Context: c.ctx})
		if d.Allowed != c.want {
			t.Errorf("%s: allowed %t, want %t (%s)", c.name, d.Allowed, c.want, d.Reason)
		}
	}
	// Cross-account use of a key: the key policy names the account and
	// the caller's identity policy allows the key.
	callerB := "arn:aws:iam::" + acctB + ":role/app"
	keyForB := mustParse(t, "key", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"`+acctB+`"},"Action":"kms:GenerateDataKey","Resource":"*"}]}`)
	idB := mustParse(t, "identity", `{"Statement":[{"Effect":"Allow","Action":"kms:GenerateDataKey","Resource":"`+key+`"}]}`)
	if d := decide(t, Input{Identity: []*Policy{idB}, Resource: keyForB, Kind: KeyPolicy}, Request{Principal: RoleSession(callerB, ""), Action: "kms:GenerateDataKey", Resource: key}); !d.Allowed {
		t.Errorf("cross-account key use: %s, want allowed", d.Reason)
	}
	if d := decide(t, Input{Resource: keyForB, Kind: KeyPolicy}, Request{Principal: RoleSession(callerB, ""), Action: "kms:GenerateDataKey", Resource: key}); d.Allowed {
		t.Errorf("cross-account key use without identity policy: %s, want denied", d.Reason)
	}
}

func TestTrustPolicyIsRequired(t *testing.T) {
	caller := "arn:aws:iam::" + acctA + ":role/caller"
	target := "arn:aws:iam::" + acctA + ":role/target"
	identity := mustParse(t, "identity", `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"`+target+`"}]}`)
	byRole := mustParse(t, "trust", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"`+caller+`"},"Action":"sts:AssumeRole"}]}`)
	byAccount := mustParse(t, "trust", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"`+acctA+`"},"Action":"sts:AssumeRole"}]}`)
	byService := mustParse(t, "trust", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	req := Request{Principal: RoleSession(caller, ""), Action: "sts:AssumeRole", Resource: target}
	for _, c := range []struct {
		name string
		in   Input
		want bool
	}{
		{"trust names the role", Input{Resource: byRole, Kind: TrustPolicy}, true},
		{"trust names the account, identity allows", Input{Identity: []*Policy{identity}, Resource: byAccount, Kind: TrustPolicy}, true},
		{"trust names the account, no identity policy", Input{Resource: byAccount, Kind: TrustPolicy}, false},
		{"identity allows, trust names a service", Input{Identity: []*Policy{identity}, Resource: byService, Kind: TrustPolicy}, false},
	} {
		if d := decide(t, c.in, req); d.Allowed != c.want {
			t.Errorf("%s: allowed %t, want %t (%s)", c.name, d.Allowed, c.want, d.Reason)
		}
	}
	svc := Request{Principal: ServicePrincipal("lambda.amazonaws.com"), Action: "sts:AssumeRole", Resource: target}
	if d := decide(t, Input{Resource: byService, Kind: TrustPolicy}, svc); !d.Allowed {
		t.Errorf("service principal: %s, want allowed", d.Reason)
	}
	svc.Principal = ServicePrincipal("ec2.amazonaws.com")
	if d := decide(t, Input{Resource: byService, Kind: TrustPolicy}, svc); d.Allowed {
		t.Errorf("another service: %s, want denied", d.Reason)
	}
}

// What the evaluator does not implement is an error, never a silent
// decision.
func TestUnsupportedIsAnError(t *testing.T) {
	for _, doc := range []string{
		`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"},"Action":"s3:*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"s3:*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:${aws:username}","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${*}/*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username, 'x'}/*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"s3:prefix":"${aws:username}/*"}}}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":{"Fn::GetAtt":["B","Arn"]}}]}`,
		`{"Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resources":"*"}]}`,
	} {
		if _, err := ParseJSON("p", []byte(doc)); err == nil {
			t.Errorf("%s: parsed, want an error", doc)
		}
	}
	multi := mustParse(t, "p", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:TagKeys":"a"}}}]}`)
	_, err := Evaluate(Input{Identity: []*Policy{multi}}, Request{Principal: RoleSession("arn:aws:iam::"+acctA+":role/r", ""), Action: "s3:GetObject",
		Resource: "arn:aws:s3:::b/k", ResourceAccount: acctA, Context: map[string][]string{"aws:TagKeys": {"a", "b"}}})
	if err == nil || !strings.Contains(err.Error(), "multivalued") {
		t.Errorf("a multivalued key without a set operator: %v, want an error", err)
	}
	if _, err := Evaluate(Input{}, Request{Principal: RoleSession("arn:aws:iam::"+acctA+":role/r", ""), Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}); err == nil {
		t.Error("an S3 resource without ResourceAccount: no error")
	}
}

// A policy variable in Resource takes the request's value: each account
// reaches only its own prefix; a request without exactly one value for
// the key is an error.
func TestPolicyVariablesInResource(t *testing.T) {
	bucket := mustParse(t, "bucket policy", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::`+acctA+`:root","arn:aws:iam::`+acctB+`:root"]},
		"Action":"s3:PutObject","Resource":"arn:aws:s3:::central/logs/account=${aws:PrincipalAccount}/*"}]}`)
	owner := "999999999999"
	put := func(who Principal, key string, ctx map[string][]string) bool {
		t.Helper()
		d, err := Evaluate(Input{Identity: []*Policy{mustParse(t, "id", `{"Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`)}, Resource: bucket, Kind: Generic},
			Request{Principal: who, Action: "s3:PutObject", Resource: "arn:aws:s3:::central/" + key, ResourceAccount: owner, Context: ctx})
		if err != nil {
			t.Fatal(err)
		}
		return d.Allowed
	}
	a, b := RoleSession("arn:aws:iam::"+acctA+":role/w", ""), RoleSession("arn:aws:iam::"+acctB+":role/w", "")
	switch {
	case !put(a, "logs/account="+acctA+"/x.gz", nil):
		t.Error("A denied its own prefix")
	case put(a, "logs/account="+acctB+"/x.gz", nil):
		t.Error("A allowed B's prefix")
	case !put(b, "logs/account="+acctB+"/x.gz", nil):
		t.Error("B denied its own prefix")
	}
	for _, v := range [][]string{{acctA, acctB}, {"*"}} {
		if _, err := Evaluate(Input{Resource: bucket, Kind: Generic}, Request{Principal: a, Action: "s3:PutObject", Resource: "arn:aws:s3:::central/logs/account=" + acctA + "/x",
			ResourceAccount: owner, Context: map[string][]string{"aws:PrincipalAccount": v}}); err == nil {
			t.Errorf("aws:PrincipalAccount %v for a variable: no error", v)
		}
	}
	if _, err := Evaluate(Input{Resource: bucket, Kind: Generic}, Request{Principal: ServicePrincipal("firehose.amazonaws.com"), Action: "s3:PutObject",
		Resource: "arn:aws:s3:::central/logs/account=" + acctA + "/x", ResourceAccount: owner}); err != nil {
		t.Errorf("a service principal the statement does not name: %v, want no error (the principal does not match first)", err)
	}
}
