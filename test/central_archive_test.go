package test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/o11yscale/o11yscale/constructs/platform/diagram"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// centralArchiveOrg is a small organization (two accounts, two regions,
// one service each) with the central log archive on, KMS-encrypted, and
// the analysis tier on.
const centralArchiveOrg = `billing: {monthlyUSD: 5000}
monitoring:
  account: "100000000000"
  region: us-east-1
  organizationId: o-exampleorg1
accounts:
  - name: shop
    id: "200000000001"
    regions: [us-east-1, eu-west-1]
    services: [{name: checkout-api, apiName: checkout-api}]
  - name: auth
    id: "200000000002"
    regions: [eu-west-1]
    services: [{name: auth-service}]
logs:
  fluentBit: {publish: true}
  archive:
    central: true
    encryption: KMS
  # Failed documents of the analysis tier go to the central archive too.
  analysis:
    enabled: true
    vpc: {vpcId: vpc-0123456789abcdef0, subnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1], securityGroupIds: [sg-0123456789abcdef0]}
`

// TestCentralLogArchiveOrgIsNagAndCfnLintClean synthesizes the small
// organization with cdk-nag and lints every template in its region; the
// central bucket's policy grants each account only its own prefixes.
func TestCentralLogArchiveOrgIsNagAndCfnLintClean(t *testing.T) {
	cfg, err := config.Parse("central-archive", []byte(centralArchiveOrg))
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "o11yscale-carchive-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	start := time.Now()
	s, err := synth(dir, cfg, "", true)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("synth with cdk-nag: %s", time.Since(start).Round(time.Millisecond))
	findings := platformFindings(s.asm)
	buckets := map[string]int{}
	for _, st := range *s.asm.Stacks() {
		tpl := readJSON(t, filepath.Join(s.dir, *st.TemplateFile()))
		for _, r := range tpl["Resources"].(map[string]any) {
			r := r.(map[string]any)
			if r["Type"] == "AWS::S3::Bucket" {
				buckets[*st.StackName()]++
			}
			if r["Type"] != "AWS::S3::BucketPolicy" || !strings.Contains(fmt.Sprint(r["Properties"]), "ArchiveObjects") {
				continue
			}
			for _, stmt := range r["Properties"].(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
				stmt := stmt.(map[string]any)
				if stmt["Effect"] == "Deny" {
					continue // TLS only: denies everyone without TLS
				}
				sid, _ := stmt["Sid"].(string)
				text := fmt.Sprint(stmt)
				// One statement for all accounts: the org condition, and
				// object resources by the caller's account only.
				if !strings.Contains(text, "o-exampleorg1") {
					t.Errorf("%s has no organization condition: %s", sid, text)
				}
				if res := fmt.Sprint(stmt["Resource"]); strings.Contains(res, "account=") && (strings.Contains(res, "account=2") || !strings.Contains(res, "account=${aws:PrincipalAccount}/")) {
					t.Errorf("%s: object resources %s, want account=${aws:PrincipalAccount}/ only", sid, res)
				}
				if p := fmt.Sprint(stmt["Principal"]); p == "*" || strings.Contains(p, "map[AWS:*]") {
					t.Errorf("%s allows principal *", sid)
				}
			}
		}
	}
	if len(findings) > 0 {
		t.Fatalf("%d cdk-nag findings:\n%s", len(findings), strings.Join(findings, "\n"))
	}
	// The archive's two buckets are in the central stack only (the metric
	// archive's two are there too).
	for name, n := range buckets {
		if name != "o11yscale-central" {
			t.Errorf("%s has %d buckets; the workload stacks write the central archive", name, n)
		}
	}
	if buckets["o11yscale-central"] != 4 {
		t.Errorf("central stack has %d buckets, want 4 (metric and log archives, each with its access-log bucket)", buckets["o11yscale-central"])
	}
	for _, r := range s.platform.Regional {
		if r.Analysis == nil || r.LogArchive.Bucket != nil {
			t.Errorf("%s: analysis %v, own archive bucket %v", *r.Stack.StackName(), r.Analysis != nil, r.LogArchive.Bucket != nil)
		}
	}
	// The architecture diagram draws each account-region's archive stream
	// delivering into the central stack's bucket.
	g, err := diagram.FromAssembly(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	nodes := map[string]*diagram.Node{}
	for _, n := range g.Nodes {
		nodes[n.ID] = n
	}
	into := map[string]bool{}
	for _, e := range g.Edges {
		if from, to := nodes[e.From], nodes[e.To]; e.Label == "delivers" && from != nil && to != nil && to.Stack == "o11yscale-central" && from.Stack != "o11yscale-central" {
			into[from.Stack] = true
		}
	}
	for _, want := range []string{"o11yscale-shop-us-east-1", "o11yscale-shop-eu-west-1", "o11yscale-auth-eu-west-1"} {
		if !into[want] {
			t.Errorf("the diagram has no delivery from %s into the central stack (%v)", want, into)
		}
	}
	n, _, wait := lintByRegion(t, s)
	if n != len(s.templates(t)) {
		t.Errorf("linted %d templates of %d", n, len(s.templates(t)))
	}
	wait()
}
