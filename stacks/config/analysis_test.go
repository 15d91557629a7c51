package config

import (
	"strings"
	"testing"
	"time"

	"github.com/o11yscale/o11yscale/constructs/logtiers"
)

const analysisVpc = "vpc: {vpcId: vpc-0123456789abcdef0, subnetIds: [subnet-0123456789abcdef0], securityGroupIds: [sg-0123456789abcdef0]}"

func TestAnalysisIsOffByDefaultAndMapsFieldForField(t *testing.T) {
	p, err := Parse("p.yaml", []byte(logsBase))
	if err != nil {
		t.Fatal(err)
	}
	if p.Props("").Logs.Analysis.Enabled {
		t.Fatal("the analysis tier is on by default")
	}
	p, err = Parse("p.yaml", []byte(logsBase+"logs:\n  tiers: {warn: {retentionDays: 14}}\n  analysis: {enabled: true, "+analysisVpc+
		", tiers: [ERROR], redundancy: DISABLED, readers: [arn:aws:iam::111122223333:role/grafana], bufferInterval: 30s, retryDuration: 10m, retention: {error: 90}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	props := p.Props("")
	a := props.Logs.Analysis
	if !a.Enabled || a.Redundancy != logtiers.RedundancyNone || a.BufferInterval != 30*time.Second || a.RetryDuration != 10*time.Minute ||
		len(a.Tiers) != 1 || a.Tiers[0] != logtiers.Error || a.Vpc.VpcID != "vpc-0123456789abcdef0" || a.Readers[0] != "arn:aws:iam::111122223333:role/grafana" {
		t.Errorf("mapped %+v", a)
	}
	// Completed retention: ERROR as configured, WARN following its log group.
	if r := props.AnalysisProps("us-east-1").Retention; r.Error != 90 || r.Warn != 14 {
		t.Errorf("retention %+v, want ERROR 90 and WARN 14 (its log group's)", r)
	}
}

func TestAnalysisErrorsNameTheirPaths(t *testing.T) {
	for _, c := range []struct{ name, analysis, want string }{
		{"private without a vpc", "{enabled: true}", `logs.analysis.vpc.vpcId: "" is not allowed; a VPC id`},
		{"public without a reason", "{enabled: true, network: public}", `logs.analysis.publicReason: "" is not allowed; a reason of at least four words`},
		{"network", "{enabled: true, network: open}", `logs.analysis.network: "open" is not allowed; one of private, public`},
		{"buffer", "{enabled: true, " + analysisVpc + ", bufferSizeMB: 101}", "logs.analysis.bufferSizeMB: 101 is not allowed; 1-100 MB"},
		{"retry", "{enabled: true, " + analysisVpc + ", retryDuration: 3h}", `logs.analysis.retryDuration: "3h0m0s" is not allowed; whole seconds from 0s to 2h0m0s`},
		{"tier", "{enabled: true, " + analysisVpc + ", tiers: [FATAL]}", `logs.analysis.tiers[0]: "FATAL" is not allowed`},
		{"reader", "{enabled: true, " + analysisVpc + ", readers: ['*']}", `logs.analysis.readers[0]: "*" is not allowed; an IAM role or user ARN`},
		{"settings while off", "{network: public}", "logs.analysis.enabled: false is not allowed; true when other logs.analysis settings are given"},
		{"unknown field", "{enabled: true, engine: domain}", `logs.analysis: unknown field "engine"; allowed: enabled, awsOwnedKey`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(logsBase+"logs:\n  analysis: "+c.analysis+"\n"))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want %q; got:\n%v", c.want, err)
			}
		})
	}
}

func TestAnalysisVpcsAreChosenByRegion(t *testing.T) {
	base := "regions: [us-east-1, eu-west-1]\nservices: [{name: a}]\nbilling: {monthlyUSD: 10}\n"
	vpc := func(id string) string {
		return "{vpcId: vpc-" + id + ", subnetIds: [subnet-" + id + "], securityGroupIds: [sg-" + id + "]}"
	}
	p, err := Parse("p.yaml", []byte(base+"logs:\n  analysis: {enabled: true, vpcs: {us-east-1: "+vpc("0123456789abcdef0")+", eu-west-1: "+vpc("0123456789abcdef1")+"}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	props := p.Props("")
	if got := props.AnalysisProps("eu-west-1").Vpc.VpcID; got != "vpc-0123456789abcdef1" {
		t.Errorf("eu-west-1 VPC %q", got)
	}
	_, err = Parse("p.yaml", []byte(base+"logs:\n  analysis: {enabled: true, vpcs: {us-east-1: "+vpc("0123456789abcdef0")+", eu-west-2: "+vpc("0123456789abcdef1")+"}}\n"))
	for _, want := range []string{`logs.analysis.vpcs["eu-west-2"]: "eu-west-2" is not allowed; a region of the platform`, `logs.analysis.vpc.vpcId: "" is not allowed`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q; got:\n%v", want, err)
		}
	}
	_, err = Parse("p.yaml", []byte(base+"logs:\n  analysis: {enabled: true, vpcs: {us-east-1: {vpcId: vpc-1}, eu-west-1: "+vpc("0123456789abcdef1")+"}}\n"))
	if err == nil || !strings.Contains(err.Error(), `logs.analysis.vpcs["us-east-1"].vpcId: "vpc-1" is not allowed`) {
		t.Errorf("bad regional VPC: %v", err)
	}
}

// A private tier searched by a Grafana workspace needs the workspace's VPC
// and dashboards of the workspace's region only; each problem names its
// config path, and a valid grafana.vpc reaches the workspace props.
func TestGrafanaReachOfAPrivateTierIsCheckedByConfigPath(t *testing.T) {
	base := "centralRegion: us-east-1\nregions: [us-east-1, eu-west-1]\nservices: [{name: a}]\nbilling: {monthlyUSD: 10}\n" +
		"logs:\n  analysis: {enabled: true, vpcs: {us-east-1: {vpcId: vpc-0123456789abcdef0, subnetIds: [subnet-0123456789abcdef0], securityGroupIds: [sg-0123456789abcdef0]}, " +
		"eu-west-1: {vpcId: vpc-0123456789abcdef1, subnetIds: [subnet-0123456789abcdef1], securityGroupIds: [sg-0123456789abcdef1]}}}\n"
	vpc := "vpc: {vpcId: vpc-0fedcba9876543210, subnetIds: [subnet-0fedcba9876543210, subnet-0fedcba9876543211], securityGroupIds: [sg-0fedcba9876543210]}"
	for _, c := range []struct {
		name, grafana string
		want          []string
	}{
		{"no vpc", "{mode: both}", []string{`grafana.vpc.vpcId: "" is not allowed; the Grafana workspace's VPC`,
			`grafana.analysisRegions: "eu-west-1" is not allowed; only us-east-1, the workspace's region`}},
		{"other region", "{mode: both, " + vpc + ", analysisRegions: [us-east-1, eu-west-1]}", []string{`grafana.analysisRegions[1]: "eu-west-1" is not allowed`}},
		{"unknown region", "{mode: both, " + vpc + ", analysisRegions: [ap-south-1]}", []string{`grafana.analysis.regions[0]: "ap-south-1" is not allowed; a workload region`}},
		{"one subnet", "{mode: both, vpc: {vpcId: vpc-0fedcba9876543210, subnetIds: [subnet-0fedcba9876543210], securityGroupIds: [sg-0fedcba9876543210]}, analysisRegions: [us-east-1]}",
			[]string{"grafana.vpc.subnetIds: 1 is not allowed; 2-6 subnet ids"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(base+"grafana: "+c.grafana+"\n"))
			for _, w := range c.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("want %q; got:\n%v", w, err)
				}
			}
		})
	}
	p, err := Parse("p.yaml", []byte(base+"grafana: {mode: both, "+vpc+", analysisRegions: [us-east-1]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	g := p.Props("").Grafana
	if g.Vpc.VpcID != "vpc-0fedcba9876543210" || len(g.Vpc.SubnetIDs) != 2 || len(g.AnalysisRegions) != 1 {
		t.Errorf("mapped grafana %+v, analysis regions %v", g.Vpc, g.AnalysisRegions)
	}
}
