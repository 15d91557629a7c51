package test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"

	"github.com/o11yscale/o11yscale/constructs/platform"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// incidentsOrg is a small organization with the central incidents topic:
// two workload accounts (two regions and one), one service each.
const incidentsOrg = `name: acme
monitoring:
  account: "100000000000"
  region: us-east-1
  organizationId: o-exampleorg1
accounts:
  - name: shop
    id: "200000000001"
    regions: [us-east-1, eu-west-1]
    services: [{name: checkout}]
  - name: auth
    id: "200000000002"
    regions: [eu-west-1]
    services: [{name: login}]
alarms:
  alerting:
    central: true
    subscriptions: {email: [{endpoint: oncall@example.com}]}
billing: {monthlyUSD: 500, emails: [finance@example.com]}
`

// TestCentralIncidentsOrgIsNagAndCfnLintClean synthesizes the small
// organization with cdk-nag through the app's pipeline (so the
// alarm-account check runs too): no cdk-nag finding and no warning at all
// (the central topic has its subscriber), one incidents topic, in the
// central stack, whose policy names the three enricher roles, and
// cfn-lint clean on every template.
func TestCentralIncidentsOrgIsNagAndCfnLintClean(t *testing.T) {
	cfg, err := config.Parse("incidents-org", []byte(incidentsOrg))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	start := time.Now()
	s, err := synth(dir, cfg, "", true)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("synth with cdk-nag: %s", time.Since(start).Round(time.Millisecond))
	var findings []string
	topics := map[string]string{}
	for _, st := range *s.asm.Stacks() {
		for _, msg := range *st.Messages() {
			if msg.Level == cxapi.SynthesisMessageLevel_ERROR || msg.Level == cxapi.SynthesisMessageLevel_WARNING {
				findings = append(findings, fmt.Sprintf("%s %s %s: %v", *st.StackName(), *msg.Id, msg.Level, msg.Entry.Data))
			}
		}
		tpl := readJSON(t, filepath.Join(s.dir, *st.TemplateFile()))
		for _, r := range tpl["Resources"].(map[string]any) {
			r := r.(map[string]any)
			if r["Type"] == "AWS::SNS::Topic" {
				if name, _ := r["Properties"].(map[string]any)["TopicName"].(string); strings.Contains(name, "incidents") {
					topics[name] = *st.StackName()
				}
			}
			if r["Type"] == "AWS::SNS::TopicPolicy" && *st.StackName() == "acme-central" {
				policy := fmt.Sprint(r["Properties"])
				if strings.Contains(policy, "OnlyTheEnrichers") {
					for _, role := range []string{"200000000001:role/acme-enricher-us-east-1", "200000000001:role/acme-enricher-eu-west-1", "200000000002:role/acme-enricher-eu-west-1"} {
						if !strings.Contains(policy, role) {
							t.Errorf("central topic policy lacks %s", role)
						}
					}
					if n := strings.Count(policy, ":role/acme-enricher-"); n != 6 { // allow and deny name each role
						t.Errorf("central topic policy names %d enricher roles, want 3 in the allow and 3 in the deny", n)
					}
				}
			}
		}
	}
	if len(findings) > 0 {
		t.Errorf("%d findings:\n%s", len(findings), strings.Join(findings, "\n"))
	}
	if len(topics) != 1 || topics["acme-central-incidents"] != "acme-central" {
		t.Errorf("incidents topics %v, want only acme-central-incidents in acme-central", topics)
	}
	if len(s.result.Warnings) != 0 {
		t.Errorf("warnings %+v", s.result.Warnings)
	}
	if n := strings.Count(string(readFile(t, filepath.Join(s.dir, "acme-shop-eu-west-1.template.json"))), platform.NoSubscriberWarning); n != 0 {
		t.Errorf("workload template carries %d no-subscriber warnings", n)
	}
	runCfnLint(t, []string{"us-east-1", "eu-west-1"}, s.templates(t))
}
