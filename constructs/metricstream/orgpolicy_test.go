package metricstream_test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"

	"github.com/o11yscale/o11yscale/constructs/metricstream"
	"github.com/o11yscale/o11yscale/internal/cdktest"
	"github.com/o11yscale/o11yscale/internal/policyeval"
)

// With an organization id, the writer-role trust and the bucket's grants
// to other accounts admit only principals of that organization; without
// one, the account lists alone decide. Decided by evaluating the
// synthesized policies.
func TestOrganizationIDGatesCrossAccountWriters(t *testing.T) {
	const workload, org = "210987654321", "o-a1b2c3d4e5"
	for _, orgID := range []string{"", org} {
		app := cdktest.NewApp(t, t.TempDir())
		central := stack(app, "Central", "us-east-1")
		if _, err := metricstream.NewCentral(central, "Metrics", metricstream.CentralProps{
			WorkloadAccounts: []string{workload}, StreamAccounts: []string{workload}, OrganizationID: orgID}); err != nil {
			t.Fatal(err)
		}
		tpl := assertions.Template_FromStack(central, nil).ToJSON()
		m, err := policyeval.NewModel([]*policyeval.Stack{{Name: "Central", Account: "123456789012", Region: "us-east-1", Partition: "aws", Template: *tpl}})
		if err != nil {
			t.Fatal(err)
		}
		names := metricstream.Names{Platform: "o11yscale"}
		forwarder := "arn:aws:iam::" + workload + ":role/" + names.ForwarderRolePrefix() + "eu-west-1"
		firehose := "arn:aws:iam::" + workload + ":role/" + names.StreamDeliveryRolePrefix() + "eu-west-1"
		allowAll, _ := policyeval.ParseJSON("allow all", []byte(`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`))
		object := "arn:aws:s3:::" + names.Bucket("123456789012", "us-east-1") + "/metrics/account=" + workload + "/region=eu-west-1/x.gz"
		for _, c := range []struct {
			who, action, resource string
		}{
			{forwarder, "sts:AssumeRole", "arn:aws:iam::123456789012:role/" + names.WriterRole()},
			{firehose, "s3:PutObject", object},
		} {
			rp, owner := m.ResourcePolicyFor(c.resource)
			for _, callerOrg := range []string{org, "o-otherorg999", ""} {
				d, err := policyeval.Evaluate(policyeval.Input{Identity: []*policyeval.Policy{allowAll}, Resource: rp, Kind: owner.Kind},
					policyeval.Request{Principal: policyeval.RoleSession(c.who, callerOrg), Action: c.action, Resource: c.resource, ResourceAccount: owner.Account,
						Context: map[string][]string{"aws:SecureTransport": {"true"}}})
				if err != nil {
					t.Fatal(err)
				}
				if want := orgID == "" || callerOrg == orgID; d.Allowed != want {
					t.Errorf("organizationId %q: %s %s from organization %q: allowed %t, want %t (%s)", orgID, c.who, c.action, callerOrg, d.Allowed, want, d.Reason)
				}
			}
		}
	}
}
