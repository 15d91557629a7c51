package platform

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/internal/cdktest"
	"github.com/o11yscale/o11yscale/lambdas/logrouter/contract"
)

func withAnalysis() Props {
	p := minimal()
	p.Logs.Analysis = Analysis{Enabled: true, AnalysisProps: logtiers.AnalysisProps{
		Vpc: logtiers.AnalysisVpc{VpcID: "vpc-0123456789abcdef0", SubnetIDs: []string{"subnet-0123456789abcdef0"}, SecurityGroupIDs: []string{"sg-0123456789abcdef0"}},
	}}
	p.Logs.Service.Tiers.Warn.RetentionDays = 14
	p.Logs.Service.FluentBit.Publish = true
	return p
}

func TestAnalysisTierIsWiredToTheRouterFluentBitAndTheRegionKey(t *testing.T) {
	app := cdktest.NewApp(t, "")
	pl, err := New(app, withAnalysis())
	if err != nil {
		t.Fatal(err)
	}
	r := pl.Regional[0]
	if r.Analysis == nil {
		t.Fatal("no analysis tier in the region")
	}
	if got := r.LogRouter.Config.Env()[contract.EnvAnalysisStreams]; !strings.HasPrefix(got, "ERROR=") || !strings.Contains(got, ",WARN=") {
		t.Errorf("router %s = %q", contract.EnvAnalysisStreams, got)
	}
	if r.Analysis.Props.EncryptionKey == nil || r.Analysis.Props.Retention.Warn != 14 || r.Analysis.Props.Retention.Error != 30 {
		t.Errorf("props %+v: want the region's key, WARN 14 days (its log group's), ERROR 30", r.Analysis.Props)
	}
	tpl := assertions.Template_FromStack(r.Stack, nil)
	tpl.ResourceCountIs(jsii.String("AWS::OpenSearchServerless::Collection"), jsii.Number(1))
	// ERROR and WARN stay in CloudWatch: their one subscription filter
	// sends every event to the router, which indexes them, and Fluent Bit
	// indexes nothing itself (no event twice).
	shard := assertions.Template_FromStack(r.Shards[0].Stack, nil)
	filters := *shard.FindResources(jsii.String("AWS::Logs::SubscriptionFilter"), nil)
	if len(filters) != 2*len(r.Shards[0].Services) {
		t.Errorf("%d subscription filters, want one per ERROR and WARN group", len(filters))
	}
	for id, f := range filters {
		if pat := (*f)["Properties"].(map[string]any)["FilterPattern"]; pat != "" {
			t.Errorf("%s: pattern %q, want every event for the router", id, pat)
		}
	}
	if cfg := r.Shards[0].Logs["checkout-api"].FluentBitConfig; strings.Contains(cfg, "opensearch") {
		t.Errorf("Fluent Bit indexes tiers the router already indexes:\n%s", cfg)
	}
}

func TestFluentBitIndexesAnAnalysisTierThatBypassesCloudWatch(t *testing.T) {
	p := withAnalysis()
	p.Logs.Service.Tiers.Warn = logtiers.TierProps{Destination: logtiers.S3}
	app := cdktest.NewApp(t, "")
	pl, err := New(app, p)
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Join(strings.Fields(pl.Regional[0].Shards[0].Logs["checkout-api"].FluentBitConfig), " ")
	for _, want := range []string{"Match logtiers.warn Host ${ANALYSIS_ENDPOINT}", "Index o11yscale-warn", "AWS_Service_Name aoss"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("Fluent Bit config lacks %q:\n%s", want, cfg)
		}
	}
	if strings.Contains(cfg, "Index o11yscale-error") {
		t.Errorf("Fluent Bit indexes ERROR, which the router indexes:\n%s", cfg)
	}
}

func TestAnalysisSettingsAreCheckedBeforeAnythingIsCreated(t *testing.T) {
	p := withAnalysis()
	p.Logs.Analysis.Vpc = logtiers.AnalysisVpc{}
	app := cdktest.NewApp(t, "")
	if _, err := New(app, p); err == nil || !strings.Contains(err.Error(), "logs.analysis.vpc.vpcId") {
		t.Fatalf("got %v", err)
	}
	if n := len(*app.Node().Children()); n != 0 {
		t.Fatalf("%d constructs created before the analysis settings were rejected", n)
	}
}

func TestCostReportPricesTheAnalysisTierOfEveryRegion(t *testing.T) {
	p := withAnalysis()
	p.Regions = []string{"eu-west-1", "us-east-1"}
	p.Logs.Analysis.Redundancy = logtiers.RedundancyNone
	// Assumed traffic: the analysis tier is derived from logs.analysis
	// whatever traffic is declared.
	p.Cost = &cost.Inputs{}
	tier, ok := p.CostAnalysisTier()
	if !ok || len(tier.Regions) != 2 || tier.Standby || tier.RetentionDays[cost.TierWarn] != 14 || len(tier.Tiers) != 2 {
		t.Fatalf("tier %+v", tier)
	}
	pl := &Platform{Props: p.withDefaults()}
	if err := pl.estimateCost(); err != nil {
		t.Fatal(err)
	}
	if n := len(pl.CostReport.Analysis); n != 2 {
		t.Fatalf("%d comparisons, want one per region", n)
	}
	for _, l := range pl.CostReport.Lines {
		if l.Component == cost.ComponentAnalysis && !strings.HasPrefix(l.Source, "logs.analysis: a collection in each of 2 regions") {
			t.Fatalf("analysis line %q from %q, want logs.analysis", l.Item, l.Source)
		}
	}
	for _, row := range pl.CostReport.ByComponent {
		if row.Name == string(cost.ComponentAnalysis) && row.Declared >= 2*720*0.24 {
			return
		}
	}
	t.Errorf("no analysis row with at least the two regions' floor (0.5 + 0.5 OCU × 720 h × $0.24 each): %+v", pl.CostReport.ByComponent)
}
