package test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/metricstream"
	"github.com/o11yscale/o11yscale/constructs/oam"
	"github.com/o11yscale/o11yscale/internal/policyeval"
	enrichercontract "github.com/o11yscale/o11yscale/lambdas/enricher/contract"
	"github.com/o11yscale/o11yscale/lambdas/oamsink/contract"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// The small organization of the policy tests: the monitoring account M
// also runs workloads (ops); A has two regions, B one. X is no account of
// the platform.
const (
	polM, polA, polB, polX = "100000000000", "200000000001", "200000000002", "300000000003"
	polOrg, polOtherOrg    = "o-exampleorg1", "o-otherorg999"
	polPlatform            = "o11yscale"
	polCentralRegion       = "us-east-1"
)

const policyOrgYAML = `billing: {monthlyUSD: 5000, emails: [finance@example.com]}
monitoring:
  account: "` + polM + `"
  region: ` + polCentralRegion + `
  organizationId: ` + polOrg + `
accounts:
  - name: alpha
    id: "` + polA + `"
    regions: [us-east-1, eu-west-1]
    services: [{name: checkout}]
  - name: beta
    id: "` + polB + `"
    regions: [us-east-1]
    services: [{name: checkout}]
  - name: ops
    id: "` + polM + `"
    regions: [us-east-1]
    services: [{name: checkout}]
metrics:
  regions: {us-east-1: both, eu-west-1: both}
logs:
  archive: {central: true, encryption: KMS}
alarms:
  alerting:
    central: true
    subscriptions: {email: [{endpoint: oncall@example.com}]}
`

var (
	policyOnce  sync.Once
	policyModel *policyeval.Model
	policyErr   error
)

// policyOrgModel synthesizes the small organization once (without
// cdk-nag: only its policies are read) and resolves every role and
// resource policy of its stacks, nested ones included.
func policyOrgModel(t *testing.T) *policyeval.Model {
	t.Helper()
	policyOnce.Do(func() {
		cfg, err := config.Parse("policy-org", []byte(policyOrgYAML))
		if err != nil {
			policyErr = err
			return
		}
		dir, err := os.MkdirTemp("", "o11yscale-policy-")
		if err != nil {
			policyErr = err
			return
		}
		defer os.RemoveAll(dir)
		s, err := synth(dir, cfg, "", false)
		if err != nil {
			policyErr = err
			return
		}
		stacks, err := policyeval.LoadAssembly(s.dir)
		if err != nil {
			policyErr = err
			return
		}
		policyModel, policyErr = policyeval.NewModel(stacks)
	})
	if policyErr != nil {
		t.Fatal(policyErr)
	}
	return policyModel
}

// policyRow is one request and the decision it must get.
type policyRow struct {
	name string
	who  policyeval.Principal
	// identity replaces the principal's identity policies: "" uses the
	// role's own from the assembly; identityAdmin allows everything (a
	// principal outside the platform with every right in its own
	// account, so only the resource side can stop it); identityExec is
	// the README's CloudFormation execution policy.
	identity string
	action   string
	resource string
	// resourceAccount is needed only for a resource outside the assembly.
	resourceAccount string
	ctx             map[string][]string
	allow           bool
}

const (
	identityAdmin = "admin"
	identityExec  = "exec"
)

// evaluatePolicyRows decides every row against m and fails each row whose
// decision differs; it returns the decisions, index-aligned, for
// checkNothingMore. Other tests add their paths' rows and call both.
func evaluatePolicyRows(t *testing.T, m *policyeval.Model, rows []policyRow) []policyeval.Decision {
	t.Helper()
	admin, err := policyeval.ParseJSON("allow-all identity policy", []byte(`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	exec, err := policyeval.ParseJSON("docs/cfn-exec-policy.json", readFile(t, filepath.Join("..", "docs", "cfn-exec-policy.json")))
	if err != nil {
		t.Fatal(err)
	}
	out := make([]policyeval.Decision, len(rows))
	for i, r := range rows {
		req := policyeval.Request{Principal: r.who, Action: r.action, Resource: r.resource, ResourceAccount: r.resourceAccount, Context: r.ctx}
		var d policyeval.Decision
		if r.identity == "" {
			d, err = m.Evaluate(req)
		} else {
			in := policyeval.Input{Identity: []*policyeval.Policy{map[string]*policyeval.Policy{identityAdmin: admin, identityExec: exec}[r.identity]}}
			if pol, owner := m.ResourcePolicyFor(r.resource); pol != nil {
				in.Resource, in.Kind = pol, owner.Kind
				if req.ResourceAccount == "" {
					req.ResourceAccount = owner.Account
				}
			}
			d, err = policyeval.Evaluate(in, req)
		}
		if err != nil {
			t.Errorf("row %q: %v", r.name, err)
			continue
		}
		out[i] = d
		if d.Allowed != r.allow {
			t.Errorf("row %q: %s %s on %s: allowed %t, want %t (%s)", r.name, r.who, r.action, r.resource, d.Allowed, r.allow, d.Reason)
		}
	}
	return out
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// grant is an Allow statement that reaches across accounts, with the
// elements a row must exercise.
type grant struct {
	stmt *policyeval.Statement
	// principals are the entries naming other accounts (resource
	// policies); actions and resources all its entries.
	principals, actions, resources []string
}

// crossAccountGrants lists every Allow statement of m that lets one
// account act on another's resource: resource policy statements naming
// "*" or another account's principal, and identity policy statements
// naming a resource of another account (or of any account).
func crossAccountGrants(t *testing.T, m *policyeval.Model) []grant {
	t.Helper()
	var out []grant
	for _, r := range m.Resources {
		for _, s := range r.Policy.Statements {
			if !s.Allow {
				continue
			}
			if s.NotPrincipal != nil {
				t.Errorf("%s: Allow with NotPrincipal grants every other principal", s)
				continue
			}
			var others []string
			if s.Principal.Any {
				others = append(others, "*")
			}
			for _, a := range s.Principal.AWS {
				if acct := principalAccount(a); acct != r.Account {
					others = append(others, a)
				}
			}
			if len(others) > 0 {
				out = append(out, grant{stmt: s, principals: others, actions: s.Action, resources: s.Resource})
			}
		}
	}
	for _, role := range m.Roles {
		for _, p := range role.Identity {
			for _, s := range p.Statements {
				if !s.Allow {
					continue
				}
				cross := false
				for _, res := range s.Resource {
					if res == "*" {
						// Reaches another account only where that
						// account's resource policy names this one,
						// which the resource side above lists.
						continue
					}
					owner := policyeval.ARNAccount(res)
					if owner == "" {
						if _, rp := m.ResourcePolicyFor(res); rp != nil {
							owner = rp.Account
						}
					}
					if owner != "" && owner != role.Account {
						cross = true
					}
				}
				if cross || s.NotResource != nil {
					out = append(out, grant{stmt: s, actions: s.Action, resources: s.Resource})
				}
			}
		}
	}
	return out
}

func principalAccount(p string) string {
	if acct := policyeval.ARNAccount(p); acct != "" {
		return acct
	}
	return p
}

// checkNothingMore fails for every cross-account grant of m that is not
// fully justified by the allowed rows: each of its cross-account
// principals, actions and resources must be what some allowed row's
// decision relied on, and none may be a wildcard action or a "*"
// principal. A new grant, principal, action or resource fails here until
// a row shows what it is for.
func checkNothingMore(t *testing.T, m *policyeval.Model, rows []policyRow, decisions []policyeval.Decision) {
	t.Helper()
	type used struct{ principals, actions, resources map[string]bool }
	seen := map[*policyeval.Statement]*used{}
	for i, d := range decisions {
		if !rows[i].allow || !d.Allowed {
			continue
		}
		for _, mt := range d.Allows {
			u := seen[mt.Statement]
			if u == nil {
				u = &used{map[string]bool{}, map[string]bool{}, map[string]bool{}}
				seen[mt.Statement] = u
			}
			u.principals[mt.Principal] = true
			u.actions[strings.ToLower(mt.Action)] = true
			u.resources[mt.Resource] = true
		}
	}
	grants := crossAccountGrants(t, m)
	for _, g := range grants {
		u := seen[g.stmt]
		if u == nil {
			t.Errorf("%s: a cross-account grant (%v %v on %v) that no allowed row uses", g.stmt, g.principals, g.actions, g.resources)
			continue
		}
		for _, p := range g.principals {
			if p == "*" {
				t.Errorf("%s: grants to every principal (\"*\")", g.stmt)
			} else if !u.principals[p] {
				t.Errorf("%s: principal %s is granted, but no allowed row is that principal", g.stmt, p)
			}
		}
		for _, a := range g.actions {
			if strings.ContainsAny(a, "*?") {
				t.Errorf("%s: wildcard action %s in a cross-account grant", g.stmt, a)
			} else if !u.actions[strings.ToLower(a)] {
				t.Errorf("%s: action %s is granted, but no allowed row uses it", g.stmt, a)
			}
		}
		for _, r := range g.resources {
			if !u.resources[r] {
				t.Errorf("%s: resource %s is granted, but no allowed row uses it", g.stmt, r)
			}
		}
	}
	t.Logf("%d cross-account grants checked against the %d rows", len(grants), len(rows))
}

// sinkArn is the ARN the model gives the OAM sink in a monitoring region.
func sinkArn(t *testing.T, m *policyeval.Model, region string) string {
	t.Helper()
	for _, r := range m.Resources {
		if r.Type == "AWS::Oam::Sink" && r.Stack.Region == region {
			return r.Covers[0]
		}
	}
	t.Fatalf("no OAM sink in %s", region)
	return ""
}

func roleArn(account, name string) string {
	return fmt.Sprintf("arn:aws:iam::%s:role/%s", account, name)
}

// rolesIn gives a session of the named role of account, in organization
// org ("" for none).
func rolesIn(account, org string) func(name string) policyeval.Principal {
	return func(name string) policyeval.Principal { return policyeval.RoleSession(roleArn(account, name), org) }
}

// orgPolicyRows are the requests each cross-account path of the small
// organization needs, and their neighbours that must stay denied.
func orgPolicyRows(t *testing.T, m *policyeval.Model) []policyRow {
	names := metricstream.Names{Platform: polPlatform}
	inA, inB, inM, inX := rolesIn(polA, polOrg), rolesIn(polB, polOrg), rolesIn(polM, polOrg), rolesIn(polX, "")
	outsideOrgA := rolesIn(polA, polOtherOrg)
	tls := map[string][]string{"aws:SecureTransport": {"true"}, "s3:TlsVersion": {"1.3"}}
	plain := map[string][]string{"aws:SecureTransport": {"false"}}

	// 1. Metric streams: each workload account's Firehose delivery role
	// writes its own prefixes of the central bucket (Firehose's S3
	// destination needs AbortMultipartUpload, GetBucketLocation,
	// GetObject, ListBucket, ListBucketMultipartUploads and PutObject:
	// https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3).
	bucket := "arn:aws:s3:::" + names.Bucket(polM, polCentralRegion)
	obj := func(prefix string) string { return bucket + "/" + prefix + "year=2026/month=12/day=04/part-0001.gz" }
	firehose := func(region string) string { return names.StreamDeliveryRolePrefix() + region }
	ownA, ownAeu := "metrics/account="+polA+"/region=us-east-1/", "metrics/account="+polA+"/region=eu-west-1/"
	ownB := "metrics/account=" + polB + "/region=us-east-1/"
	errA, errB := "errors/account="+polA+"/", "errors/account="+polB+"/"
	// firehoseRows: every action the delivery role needs, on its own
	// prefixes only.
	firehoseRows := func(acct string, who policyeval.Principal, metrics, errs string) []policyRow {
		var out []policyRow
		for _, prefix := range []string{metrics, errs} {
			for _, action := range []string{"s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"} {
				out = append(out, policyRow{name: acct + "'s Firehose " + action + " under " + prefix, who: who, action: action, resource: obj(prefix), ctx: tls, allow: true})
			}
		}
		for _, action := range []string{"s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"} {
			out = append(out, policyRow{name: acct + "'s Firehose " + action, who: who, action: action, resource: bucket, ctx: tls, allow: true})
		}
		return out
	}
	var rows []policyRow
	rows = append(rows, firehoseRows("A", inA(firehose("us-east-1")), ownA, errA)...)
	rows = append(rows, firehoseRows("A (eu-west-1)", inA(firehose("eu-west-1")), ownAeu, errA)...)
	rows = append(rows, firehoseRows("B", inB(firehose("us-east-1")), ownB, errB)...)
	rows = append(rows, []policyRow{
		{name: "A's Firehose in eu-west-1 may not write the us-east-1 prefix", who: inA(firehose("eu-west-1")), action: "s3:PutObject", resource: obj(ownA), ctx: tls},
		{name: "A's Firehose may not write B's prefix", who: inA(firehose("us-east-1")), action: "s3:PutObject", resource: obj(ownB), ctx: tls},
		{name: "A's Firehose may not write B's errors", who: inA(firehose("us-east-1")), action: "s3:PutObject", resource: obj(errB), ctx: tls},
		{name: "B's Firehose may not write A's prefix", who: inB(firehose("us-east-1")), action: "s3:PutObject", resource: obj(ownA), ctx: tls},
		{name: "A's Firehose may not write the central prefix", who: inA(firehose("us-east-1")), action: "s3:PutObject", resource: obj("metrics/region=us-east-1/"), ctx: tls},
		{name: "A's Firehose may not read B's objects", who: inA(firehose("us-east-1")), action: "s3:GetObject", resource: obj(ownB), ctx: tls},
		{name: "A's Firehose may not delete its objects", who: inA(firehose("us-east-1")), action: "s3:DeleteObject", resource: obj(ownA), ctx: tls},
		{name: "A's Firehose may not write without TLS", who: inA(firehose("us-east-1")), action: "s3:PutObject", resource: obj(ownA), ctx: plain},
		{name: "A's Firehose may not change the bucket policy", who: inA(firehose("us-east-1")), action: "s3:PutBucketPolicy", resource: bucket, ctx: tls},
		{name: "another role of A, even with every right in A, may not write A's prefix", who: inA("admin"), identity: identityAdmin, action: "s3:PutObject", resource: obj(ownA), ctx: tls},
		{name: "A's forwarder may not write the bucket", who: inA(names.ForwarderRolePrefix() + "us-east-1"), action: "s3:PutObject", resource: obj(ownA), ctx: tls},
		{name: "an unlisted account's Firehose-named role with every right may not write", who: inX(firehose("us-east-1")), identity: identityAdmin, action: "s3:PutObject", resource: obj("metrics/account=" + polX + "/"), ctx: tls},
		{name: "A's Firehose role outside the organization may not write", who: outsideOrgA(firehose("us-east-1")), action: "s3:PutObject", resource: obj(ownA), ctx: tls},
		// The monitoring account's own workloads write from inside it.
		{name: "M's own metric-stream Firehose writes the central bucket", who: policyeval.RoleSession(mFirehoseRole(t, m), polOrg), action: "s3:PutObject", resource: obj("metrics/region=us-east-1/"), ctx: tls, allow: true},
	}...)

	// 2. Forwarders assume the central writer role from every account;
	// only the writer role puts records on the central stream.
	writer := roleArn(polM, names.WriterRole())
	stream := fmt.Sprintf("arn:aws:kinesis:%s:%s:stream/%s", polCentralRegion, polM, names.Stream())
	fwd := func(region string) string { return names.ForwarderRolePrefix() + region }
	rows = append(rows, []policyRow{
		{name: "A's forwarder assumes the writer role", who: inA(fwd("us-east-1")), action: "sts:AssumeRole", resource: writer, allow: true},
		{name: "A's eu-west-1 forwarder assumes the writer role", who: inA(fwd("eu-west-1")), action: "sts:AssumeRole", resource: writer, allow: true},
		{name: "B's forwarder assumes the writer role", who: inB(fwd("us-east-1")), action: "sts:AssumeRole", resource: writer, allow: true},
		{name: "M's own forwarder assumes the writer role", who: inM(fwd("us-east-1")), action: "sts:AssumeRole", resource: writer, allow: true},
		{name: "A's sink-ARN lookup role may not assume the writer role", who: inA(contract.LookupRoleName(polPlatform, "us-east-1")), action: "sts:AssumeRole", resource: writer},
		{name: "another role of A with every right may not assume the writer role", who: inA("admin"), identity: identityAdmin, action: "sts:AssumeRole", resource: writer},
		{name: "an unlisted account's forwarder-named role with every right may not assume it", who: inX(fwd("us-east-1")), identity: identityAdmin, action: "sts:AssumeRole", resource: writer},
		{name: "A's forwarder outside the organization may not assume it", who: outsideOrgA(fwd("us-east-1")), action: "sts:AssumeRole", resource: writer},
		{name: "the writer role puts records on the central stream", who: inM(names.WriterRole()), action: "kinesis:PutRecords", resource: stream, allow: true},
		{name: "the writer role puts one record", who: inM(names.WriterRole()), action: "kinesis:PutRecord", resource: stream, allow: true},
		{name: "the writer role may not delete the stream", who: inM(names.WriterRole()), action: "kinesis:DeleteStream", resource: stream},
		{name: "the writer role may not read the stream", who: inM(names.WriterRole()), action: "kinesis:GetRecords", resource: stream},
		{name: "A's forwarder may not put records directly", who: inA(fwd("us-east-1")), action: "kinesis:PutRecords", resource: stream},
		{name: "M's forwarder may not put records directly", who: inM(fwd("us-east-1")), action: "kinesis:PutRecords", resource: stream},
		{name: "an unlisted account with every right may not put records", who: inX("admin"), identity: identityAdmin, action: "kinesis:PutRecords", resource: stream, resourceAccount: polM},
	}...)

	// 3. OAM: the workload accounts' CloudFormation execution roles (the
	// README's execution policy) create links to the sink of their
	// region, sharing only the configured resource types.
	exec := func(acct, org, region string) policyeval.Principal {
		return policyeval.RoleSession(roleArn(acct, "cdk-hnb659fds-cfn-exec-role-"+acct+"-"+region), org)
	}
	sinkUS, sinkEU := sinkArn(t, m, "us-east-1"), sinkArn(t, m, "eu-west-1")
	all := oam.DefaultResourceTypes
	types := func(ts ...oam.ResourceType) map[string][]string {
		out := make([]string, len(ts))
		for i, rt := range ts {
			out[i] = string(rt)
		}
		return map[string][]string{"oam:ResourceTypes": out}
	}
	withOther := types(append(slices.Clone(all), "AWS::Other::Thing")...)
	rows = append(rows, []policyRow{
		{name: "A links to the us-east-1 sink", who: exec(polA, polOrg, "us-east-1"), identity: identityExec, action: "oam:CreateLink", resource: sinkUS, ctx: types(all...), allow: true},
		{name: "A links to the eu-west-1 sink", who: exec(polA, polOrg, "eu-west-1"), identity: identityExec, action: "oam:CreateLink", resource: sinkEU, ctx: types(all...), allow: true},
		{name: "A updates its link", who: exec(polA, polOrg, "us-east-1"), identity: identityExec, action: "oam:UpdateLink", resource: sinkUS, ctx: types(oam.Metrics), allow: true},
		{name: "A updates its eu-west-1 link", who: exec(polA, polOrg, "eu-west-1"), identity: identityExec, action: "oam:UpdateLink", resource: sinkEU, ctx: types(all...), allow: true},
		{name: "B, which has no eu-west-1 workloads, may not link there", who: exec(polB, polOrg, "eu-west-1"), identity: identityExec, action: "oam:CreateLink", resource: sinkEU, ctx: types(all...)},
		{name: "B links to the us-east-1 sink", who: exec(polB, polOrg, "us-east-1"), identity: identityExec, action: "oam:CreateLink", resource: sinkUS, ctx: types(all...), allow: true},
		{name: "B updates its link", who: exec(polB, polOrg, "us-east-1"), identity: identityExec, action: "oam:UpdateLink", resource: sinkUS, ctx: types(all...), allow: true},
		{name: "A may not share a type outside the configured ones", who: exec(polA, polOrg, "us-east-1"), identity: identityExec, action: "oam:CreateLink", resource: sinkUS, ctx: withOther},
		{name: "A may not change the sink policy", who: exec(polA, polOrg, "us-east-1"), identity: identityExec, action: "oam:PutSinkPolicy", resource: sinkUS},
		{name: "A may not delete the sink", who: exec(polA, polOrg, "us-east-1"), identity: identityExec, action: "oam:DeleteSink", resource: sinkUS},
		{name: "A outside the organization may not link", who: exec(polA, polOtherOrg, "us-east-1"), identity: identityExec, action: "oam:CreateLink", resource: sinkUS, ctx: types(all...)},
		{name: "an unlisted account with every right may not link", who: exec(polX, polOrg, "us-east-1"), identity: identityAdmin, action: "oam:CreateLink", resource: sinkUS, ctx: types(oam.Metrics)},
	}...)

	// 4. The sink-ARN lookups assume the reader role in the monitoring
	// account, which reads only the sink parameters.
	reader := oam.ReaderRoleArn("aws", polM, polPlatform)
	lookup := func(region string) string { return contract.LookupRoleName(polPlatform, region) }
	param := func(region string) string { return oam.ParameterArn("aws", region, polM, polPlatform) }
	rows = append(rows, []policyRow{
		{name: "A's us-east-1 lookup assumes the reader role", who: inA(lookup("us-east-1")), action: "sts:AssumeRole", resource: reader, allow: true},
		{name: "A's eu-west-1 lookup assumes the reader role", who: inA(lookup("eu-west-1")), action: "sts:AssumeRole", resource: reader, allow: true},
		{name: "B's lookup assumes the reader role", who: inB(lookup("us-east-1")), action: "sts:AssumeRole", resource: reader, allow: true},
		{name: "A's forwarder may not assume the reader role", who: inA(fwd("us-east-1")), action: "sts:AssumeRole", resource: reader},
		{name: "another role of A with every right may not assume the reader role", who: inA("admin"), identity: identityAdmin, action: "sts:AssumeRole", resource: reader},
		{name: "an unlisted account's lookup-named role with every right may not assume it", who: inX(lookup("us-east-1")), identity: identityAdmin, action: "sts:AssumeRole", resource: reader},
		{name: "A's lookup outside the organization may not assume it", who: outsideOrgA(lookup("us-east-1")), action: "sts:AssumeRole", resource: reader},
		{name: "the reader reads the us-east-1 sink parameter", who: inM(contract.ReaderRoleName(polPlatform)), action: "ssm:GetParameter", resource: param("us-east-1"), allow: true},
		{name: "the reader reads the eu-west-1 sink parameter", who: inM(contract.ReaderRoleName(polPlatform)), action: "ssm:GetParameter", resource: param("eu-west-1"), allow: true},
		{name: "the reader may not write the parameter", who: inM(contract.ReaderRoleName(polPlatform)), action: "ssm:PutParameter", resource: param("us-east-1")},
		{name: "the reader may not read other parameters", who: inM(contract.ReaderRoleName(polPlatform)), action: "ssm:GetParameter", resource: fmt.Sprintf("arn:aws:ssm:us-east-1:%s:parameter/%s/secrets", polM, polPlatform)},
		{name: "A's lookup may not read the parameter directly", who: inA(lookup("us-east-1")), action: "ssm:GetParameter", resource: param("us-east-1")},
	}...)
	return rows
}

// mFirehoseRole is the generated-name metric-stream delivery role of the
// monitoring account's own workload stack.
func mFirehoseRole(t *testing.T, m *policyeval.Model) string {
	t.Helper()
	for arn, r := range m.Roles {
		if r.Account == polM && strings.HasPrefix(r.LogicalID, "MetricStreamDeliveryRole") {
			return arn
		}
	}
	t.Fatal("no metric-stream delivery role in the monitoring account")
	return ""
}

// TestOrgCrossAccountPolicies evaluates the synthesized bucket, key,
// topic, sink and role policies of a small organization: each principal
// can do exactly the writes it needs, and nothing more.
func TestOrgCrossAccountPolicies(t *testing.T) {
	m := policyOrgModel(t)
	rows := append(orgPolicyRows(t, m), centralArchiveRows(t, m)...)
	rows = append(rows, centralIncidentsRows(t, m)...)
	decisions := evaluatePolicyRows(t, m, rows)
	allowed := 0
	for _, r := range rows {
		if r.allow {
			allowed++
		}
	}
	t.Logf("%d rows (%d allowed, %d denied) over %d stacks, %d roles, %d resource policies", len(rows), allowed, len(rows)-allowed, len(m.Stacks), len(m.Roles), len(m.Resources))
	checkNothingMore(t, m, rows, decisions)
}

// centralArchiveRows are the central log archive's paths (issue 13, item
// 4): each account-region's archive Firehose writes only its own prefixes
// of the central bucket and uses the central key only through S3 for
// that bucket; roles named with the writer prefix (Fluent Bit task roles
// a user grants with GrantWriteService) may put log objects of their
// account.
func centralArchiveRows(t *testing.T, m *policyeval.Model) []policyRow {
	inA, inB, inX := rolesIn(polA, polOrg), rolesIn(polB, polOrg), rolesIn(polX, "")
	outsideOrgA := rolesIn(polA, polOtherOrg)
	tls := map[string][]string{"aws:SecureTransport": {"true"}, "s3:TlsVersion": {"1.3"}}
	bucket := "arn:aws:s3:::" + logtiers.CentralArchiveBucketName(polPlatform, polM, polCentralRegion)
	key := modelKey(t, m, "Archive")
	delivery := func(region string) string { return logtiers.ArchiveDeliveryRoleName(polPlatform, region) }
	obj := func(prefix string) string {
		return bucket + "/" + prefix + "service=checkout/tier=info/2026/12/04/part-0001.gz"
	}
	// With S3 Bucket Keys the encryption context is the bucket ARN.
	viaS3 := map[string][]string{"kms:ViaService": {"s3." + polCentralRegion + ".amazonaws.com"}, "kms:EncryptionContext:aws:s3:arn": {bucket}}
	var rows []policyRow
	for _, w := range []struct {
		acct, region string
		who          policyeval.Principal
	}{{"A", "us-east-1", inA(delivery("us-east-1"))}, {"A", "eu-west-1", inA(delivery("eu-west-1"))}, {"B", "us-east-1", inB(delivery("us-east-1"))}} {
		id := map[string]string{"A": polA, "B": polB}[w.acct]
		logs, errs := logtiers.CentralArchivePrefixes(id, w.region)
		name := w.acct + "'s " + w.region + " archive Firehose "
		for _, prefix := range []string{logs, errs} {
			for _, action := range []string{"s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"} {
				rows = append(rows, policyRow{name: name + action + " under " + prefix, who: w.who, action: action, resource: obj(prefix), ctx: tls, allow: true})
			}
		}
		for _, action := range []string{"s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"} {
			rows = append(rows, policyRow{name: name + action, who: w.who, action: action, resource: bucket, ctx: tls, allow: true})
		}
		for _, action := range []string{"kms:GenerateDataKey", "kms:Decrypt"} {
			rows = append(rows, policyRow{name: name + action + " through S3 for the bucket", who: w.who, action: action, resource: key, ctx: viaS3, allow: true})
		}
	}
	aLogs, _ := logtiers.CentralArchivePrefixes(polA, "us-east-1")
	bLogs, _ := logtiers.CentralArchivePrefixes(polB, "us-east-1")
	aLogsEU, _ := logtiers.CentralArchivePrefixes(polA, "eu-west-1")
	writer := logtiers.ArchiveWriterRolePrefix(polPlatform) + "checkout"
	rows = append(rows, []policyRow{
		{name: "A's archive Firehose may not write B's prefix", who: inA(delivery("us-east-1")), action: "s3:PutObject", resource: obj(bLogs), ctx: tls},
		{name: "B's archive Firehose may not write A's prefix", who: inB(delivery("us-east-1")), action: "s3:PutObject", resource: obj(aLogs), ctx: tls},
		{name: "A's us-east-1 archive Firehose may not write A's eu-west-1 prefix", who: inA(delivery("us-east-1")), action: "s3:PutObject", resource: obj(aLogsEU), ctx: tls},
		{name: "A's archive Firehose may not delete", who: inA(delivery("us-east-1")), action: "s3:DeleteObject", resource: obj(aLogs), ctx: tls},
		{name: "A's archive Firehose may not write without TLS", who: inA(delivery("us-east-1")), action: "s3:PutObject", resource: obj(aLogs), ctx: map[string][]string{"aws:SecureTransport": {"false"}}},
		{name: "A's archive Firehose may not use the key outside S3", who: inA(delivery("us-east-1")), action: "kms:GenerateDataKey", resource: key},
		{name: "A's archive Firehose may not use the key for another bucket", who: inA(delivery("us-east-1")), action: "kms:GenerateDataKey", resource: key,
			ctx: map[string][]string{"kms:ViaService": {"s3." + polCentralRegion + ".amazonaws.com"}, "kms:EncryptionContext:aws:s3:arn": {"arn:aws:s3:::another-bucket"}}},
		{name: "A's archive Firehose may not schedule the key's deletion", who: inA(delivery("us-east-1")), action: "kms:ScheduleKeyDeletion", resource: key},
		{name: "A's archive Firehose outside the organization may not write", who: outsideOrgA(delivery("us-east-1")), action: "s3:PutObject", resource: obj(aLogs), ctx: tls},
		{name: "A's archive Firehose outside the organization may not use the key", who: outsideOrgA(delivery("us-east-1")), action: "kms:GenerateDataKey", resource: key, ctx: viaS3},
		{name: "A's forwarder may not write the log archive", who: inA(metricstream.Names{Platform: polPlatform}.ForwarderRolePrefix() + "us-east-1"), action: "s3:PutObject", resource: obj(aLogs), ctx: tls},
		{name: "an unlisted account's delivery-named role with every right may not write", who: inX(delivery("us-east-1")), identity: identityAdmin, action: "s3:PutObject", resource: obj("logs/account=" + polX + "/"), ctx: tls},
		{name: "an unlisted account with every right may not use the key", who: inX(delivery("us-east-1")), identity: identityAdmin, action: "kms:GenerateDataKey", resource: key, ctx: viaS3},
		// A user's Fluent Bit task role, named with the writer prefix and
		// granted by GrantWriteService (here: an identity policy allowing it).
		{name: "A's Fluent Bit writer role puts log objects of A", who: inA(writer), identity: identityAdmin, action: "s3:PutObject", resource: obj(aLogs), ctx: tls, allow: true},
		{name: "A's Fluent Bit writer role uses the key through S3", who: inA(writer), identity: identityAdmin, action: "kms:GenerateDataKey", resource: key, ctx: viaS3, allow: true},
		{name: "B's Fluent Bit writer role puts log objects of B", who: inB(writer), identity: identityAdmin, action: "s3:PutObject", resource: obj(bLogs), ctx: tls, allow: true},
		{name: "A's Fluent Bit writer role may not read", who: inA(writer), identity: identityAdmin, action: "s3:GetObject", resource: obj(aLogs), ctx: tls},
		{name: "A's Fluent Bit writer role may not write B's prefix", who: inA(writer), identity: identityAdmin, action: "s3:PutObject", resource: obj(bLogs), ctx: tls},
		{name: "another role of A with every right may not write the log archive", who: inA("admin"), identity: identityAdmin, action: "s3:PutObject", resource: obj(aLogs), ctx: tls},
	}...)
	return rows
}

// centralIncidentsRows are the central incidents topic's paths (issue
// 13, item 4): each account-region's enricher role publishes to the one
// topic over TLS and uses its key only through SNS in the central region;
// nobody else publishes, whatever rights it has in its own account.
func centralIncidentsRows(t *testing.T, m *policyeval.Model) []policyRow {
	inA, inB, inM, inX := rolesIn(polA, polOrg), rolesIn(polB, polOrg), rolesIn(polM, polOrg), rolesIn(polX, "")
	outsideOrgA := rolesIn(polA, polOtherOrg)
	topic := fmt.Sprintf("arn:aws:sns:%s:%s:%s", polCentralRegion, polM, anomaly.CentralIncidentsTopicName(polPlatform))
	key := modelKey(t, m, "Incidents")
	enricher := func(region string) string { return anomaly.EnricherRoleName(polPlatform, region) }
	tls := map[string][]string{"aws:SecureTransport": {"true"}}
	alias := enrichercontract.CentralIncidentsKeyAlias(polPlatform)
	// SNS calls KMS on the publisher's behalf: kms:ViaService is SNS in
	// the topic's region, and the key carries the central alias.
	via := func(region string, aliases ...string) map[string][]string {
		return map[string][]string{"kms:ViaService": {"sns." + region + ".amazonaws.com"}, "kms:ResourceAliases": aliases, "aws:SecureTransport": {"true"}}
	}
	viaSNS := via(polCentralRegion, alias)
	var rows []policyRow
	for _, w := range []struct {
		name string
		who  policyeval.Principal
	}{{"A's us-east-1", inA(enricher("us-east-1"))}, {"A's eu-west-1", inA(enricher("eu-west-1"))}, {"B's", inB(enricher("us-east-1"))}, {"M's own", inM(enricher("us-east-1"))}} {
		rows = append(rows,
			policyRow{name: w.name + " enricher publishes to the central topic", who: w.who, action: "sns:Publish", resource: topic, ctx: tls, allow: true},
			policyRow{name: w.name + " enricher gets a data key through SNS", who: w.who, action: "kms:GenerateDataKey", resource: key, ctx: viaSNS, allow: true},
			policyRow{name: w.name + " enricher decrypts through SNS", who: w.who, action: "kms:Decrypt", resource: key, ctx: viaSNS, allow: true},
		)
	}
	// Another key of the monitoring account in the central region, which
	// the enricher's key/* resource matches but the alias does not.
	otherKey := modelKey(t, m, "Archive")
	fwd := metricstream.Names{Platform: polPlatform}.ForwarderRolePrefix() + "us-east-1"
	rows = append(rows, []policyRow{
		{name: "A's enricher may not publish without TLS", who: inA(enricher("us-east-1")), action: "sns:Publish", resource: topic, ctx: map[string][]string{"aws:SecureTransport": {"false"}}},
		{name: "A's enricher may not subscribe to the central topic", who: inA(enricher("us-east-1")), action: "sns:Subscribe", resource: topic, ctx: tls},
		{name: "A's enricher may not change the topic's attributes", who: inA(enricher("us-east-1")), action: "sns:SetTopicAttributes", resource: topic, ctx: tls},
		{name: "A's enricher may not use the key outside SNS", who: inA(enricher("us-east-1")), action: "kms:GenerateDataKey", resource: key, ctx: map[string][]string{"kms:ResourceAliases": {alias}}},
		{name: "A's enricher may not use the key through SNS of another region", who: inA(enricher("us-east-1")), action: "kms:GenerateDataKey", resource: key, ctx: via("eu-west-1", alias)},
		{name: "A's enricher may not use another key of the monitoring account", who: inA(enricher("us-east-1")), action: "kms:GenerateDataKey", resource: otherKey, ctx: via(polCentralRegion, "alias/something-else")},
		{name: "A's enricher may not generate a data key pair", who: inA(enricher("us-east-1")), action: "kms:GenerateDataKeyPair", resource: key, ctx: viaSNS},
		{name: "A's enricher may not schedule the key's deletion", who: inA(enricher("us-east-1")), action: "kms:ScheduleKeyDeletion", resource: key, ctx: viaSNS},
		{name: "A's forwarder may not publish to the central topic", who: inA(fwd), action: "sns:Publish", resource: topic, ctx: tls},
		{name: "another role of A with every right may not publish", who: inA("admin"), identity: identityAdmin, action: "sns:Publish", resource: topic, ctx: tls},
		{name: "another role of A with every right may not use the key", who: inA("admin"), identity: identityAdmin, action: "kms:GenerateDataKey", resource: key, ctx: viaSNS},
		{name: "another role of M with every right may not publish", who: inM("admin"), identity: identityAdmin, action: "sns:Publish", resource: topic, ctx: tls},
		{name: "B's eu-west-1 enricher-named role (B has no eu-west-1) with every right may not publish", who: inB(enricher("eu-west-1")), identity: identityAdmin, action: "sns:Publish", resource: topic, ctx: tls},
		{name: "an unlisted account's enricher-named role with every right may not publish", who: inX(enricher("us-east-1")), identity: identityAdmin, action: "sns:Publish", resource: topic, ctx: tls},
		{name: "an unlisted account's enricher-named role with every right may not use the key", who: inX(enricher("us-east-1")), identity: identityAdmin, action: "kms:GenerateDataKey", resource: key, ctx: viaSNS},
		{name: "A's enricher outside the organization may not publish", who: outsideOrgA(enricher("us-east-1")), action: "sns:Publish", resource: topic, ctx: tls},
		{name: "A's enricher outside the organization may not use the key", who: outsideOrgA(enricher("us-east-1")), action: "kms:GenerateDataKey", resource: key, ctx: viaSNS},
	}...)
	return rows
}

// modelKey is the ARN the model gives the monitoring account's key whose
// logical id contains part.
func modelKey(t *testing.T, m *policyeval.Model, part string) string {
	t.Helper()
	for _, r := range m.Resources {
		if r.Type == "AWS::KMS::Key" && r.Account == polM && strings.Contains(r.LogicalID, part) {
			return r.Covers[0]
		}
	}
	t.Fatalf("no key %q in the monitoring account", part)
	return ""
}
