package platform

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/grafana"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/validation"
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

var grafanaVpc = grafana.WorkspaceVpc{VpcID: "vpc-0fedcba9876543210",
	SubnetIDs: []string{"subnet-0fedcba9876543210", "subnet-0fedcba9876543211"}, SecurityGroupIDs: []string{"sg-0fedcba9876543210"}}

// The workspace must reach every collection its dashboards search: a
// private tier needs grafana.vpc and dashboards of the workspace's region
// only; organization platforms cannot (yet) have both.
func TestGrafanaThatCannotReachACollectionIsRefusedByPath(t *testing.T) {
	p := withAnalysis()
	p.Regions = []string{"us-east-1", "eu-west-1"}
	p.Grafana.Mode = grafana.ModeBoth
	var paths []string
	for _, fe := range validation.Fields(p.Validate()) {
		paths = append(paths, fe.Path)
	}
	if want := []string{"grafana.vpc.vpcId", "grafana.analysisRegions"}; !slices.Equal(paths, want) {
		t.Errorf("paths %v, want %v", paths, want)
	}
	p.Grafana.Vpc, p.Grafana.AnalysisRegions = grafanaVpc, []string{"eu-west-1", "us-east-1"}
	err := p.Validate()
	if fe := validation.Fields(err); len(fe) != 1 || fe[0].Path != "grafana.analysisRegions[0]" || fe[0].Value != "eu-west-1" {
		t.Errorf("a private collection outside the workspace's region: %v", err)
	}
	p.Grafana.AnalysisRegions = []string{"us-east-1"}
	if err := p.Validate(); err != nil {
		t.Errorf("the workspace's region only: %v", err)
	}
	// Public collections are reachable from the workspace wherever they are.
	p.Grafana.Vpc, p.Grafana.AnalysisRegions = grafana.WorkspaceVpc{}, nil
	p.Logs.Analysis.Network, p.Logs.Analysis.PublicReason, p.Logs.Analysis.Vpc = logtiers.NetworkPublic, "no VPC in these accounts yet", logtiers.AnalysisVpc{}
	if err := p.Validate(); err != nil {
		t.Errorf("public collections: %v", err)
	}
	// An organization's collections are in the workload accounts, out of
	// the monitoring account's reach, even public.
	o := orgProps()
	o.Logs.Analysis = Analysis{Enabled: true, AnalysisProps: logtiers.AnalysisProps{Network: logtiers.NetworkPublic, PublicReason: "no VPC in these accounts yet"}}
	o.Grafana.Mode = grafana.ModeGrafana
	err = o.Validate()
	if fe := validation.Fields(err); len(fe) != 1 || fe[0].Path != "logs.analysis.enabled" {
		t.Errorf("an organization with the tier and a workspace: %v", err)
	}
	o.Grafana.Mode = grafana.ModeCloudWatch
	if err := o.Validate(); err != nil {
		t.Errorf("an organization with the tier and no workspace: %v", err)
	}
	// Without a workspace nothing needs reaching.
	p = withAnalysis()
	p.Regions = []string{"us-east-1", "eu-west-1"}
	if err := p.Validate(); err != nil {
		t.Errorf("CloudWatch only: %v", err)
	}
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

// TestGrafanaReadsEveryRegionsCollection: with the tier and Managed Grafana
// on, the workspace role has its fixed name, each region's data-access
// policy lists exactly that role beside the configured readers, and the
// role may find and search only the collection of that name.
func TestGrafanaReadsEveryRegionsCollection(t *testing.T) {
	p := withAnalysis()
	p.Account = "123456789012"
	p.Regions = []string{"us-east-1", "eu-west-1"}
	p.Grafana.Mode = grafana.ModeGrafana
	p.Grafana.Vpc = grafanaVpc
	p.Grafana.AnalysisRegions = []string{"us-east-1"}
	p.Logs.Analysis.Readers = []string{"arn:aws:iam::123456789012:role/support"}
	app := cdktest.NewApp(t, "")
	pl, err := New(app, p)
	if err != nil {
		t.Fatal(err)
	}
	// The workspace's VPC has its own endpoint to the collection of its
	// region, and only there; the last stack waits for both collections.
	for _, r := range pl.Regional {
		want := 0
		if r.Region == pl.Props.CentralRegion {
			want = 1
		}
		if n := len(r.Analysis.ReaderVpcEndpoints); n != want {
			t.Errorf("%s: %d endpoints for the workspace VPC, want %d", r.Region, n, want)
		}
	}
	if pl.DataSourcesStack == nil || *pl.DataSourcesStack.StackName() != "o11yscale-grafana-datasources" || pl.DataSources == nil {
		t.Fatalf("no data-source stack: %v", pl.DataSourcesStack)
	}
	deps := map[string]bool{}
	for _, d := range *pl.DataSourcesStack.Dependencies() {
		deps[*d.StackName()] = true
	}
	for _, r := range pl.Regional {
		if !deps[*r.Stack.StackName()] {
			t.Errorf("the data-source stack does not wait for %s (depends on %v)", *r.Stack.StackName(), deps)
		}
	}
	roleArn := "arn:aws:iam::123456789012:role/" + grafana.WorkspaceRoleName(p.Name)
	for _, r := range pl.Regional {
		tpl := assertions.Template_FromStack(r.Stack, nil)
		for id, res := range *tpl.FindResources(jsii.String("AWS::OpenSearchServerless::AccessPolicy"), nil) {
			policy := resolvedJSON(t, r.Stack, (*res)["Properties"].(map[string]any)["Policy"])
			var rules []struct {
				Description string
				Principal   []string
			}
			if err := json.Unmarshal([]byte(policy), &rules); err != nil {
				t.Fatalf("%s %s: %v\n%s", r.Region, id, err, policy)
			}
			var readers []string
			for _, rule := range rules {
				if rule.Description == "Configured readers" {
					readers = rule.Principal
				}
			}
			if want := []string{"arn:aws:iam::123456789012:role/support", roleArn}; !slices.Equal(readers, want) {
				t.Errorf("%s: readers %v, want %v", r.Region, readers, want)
			}
		}
	}
	obs := pl.Central.Observability
	if got := *obs.WorkspaceRole.Node().DefaultChild().(awsiam.CfnRole).RoleName(); got != grafana.WorkspaceRoleName(p.Name) {
		t.Errorf("workspace role name %q", got)
	}
	central := assertions.Template_FromStack(pl.Central.Stack, nil)
	byName := map[string]any{"aoss:collection": "o11yscale-logs"}
	central.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{
		"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{
			map[string]any{"Sid": "FindAnalysisCollections", "Action": "aoss:BatchGetCollection", "Effect": "Allow", "Resource": "*",
				"Condition": map[string]any{"StringEquals": map[string]any{"aoss:collection": "o11yscale-logs", "aws:RequestedRegion": []any{"us-east-1", "eu-west-1"}}}},
			map[string]any{"Sid": "SearchAnalysisCollections", "Action": "aoss:APIAccessAll", "Effect": "Allow",
				"Condition": map[string]any{"StringEquals": byName},
				// CDK sorts a statement's resources.
				"Resource": []any{"arn:aws:aoss:eu-west-1:123456789012:collection/*", "arn:aws:aoss:us-east-1:123456789012:collection/*"}},
		})},
	})
}

// TestWithoutGrafanaTheCollectionListsOnlyItsReaders: the CloudWatch-only
// default adds no reader and names no role.
func TestWithoutGrafanaTheCollectionListsOnlyItsReaders(t *testing.T) {
	p := withAnalysis()
	app := cdktest.NewApp(t, "")
	pl, err := New(app, p)
	if err != nil {
		t.Fatal(err)
	}
	if got := pl.Regional[0].Analysis.Props.Readers; len(got) != 0 {
		t.Errorf("readers %v with Grafana off", got)
	}
	if pl.Central.Observability.WorkspaceRole != nil {
		t.Error("a workspace role with Grafana off")
	}
}

// resolvedJSON resolves a template value (a string or Fn::Join of strings
// with the account filled in) to its text.
func resolvedJSON(t *testing.T, stack awscdk.Stack, v any) string {
	t.Helper()
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if j, ok := x["Fn::Join"].([]any); ok {
			var b strings.Builder
			for _, part := range j[1].([]any) {
				b.WriteString(resolvedJSON(t, stack, part))
			}
			return b.String()
		}
		if ref, ok := x["Ref"].(string); ok && ref == "AWS::Partition" {
			return "aws"
		}
		if ref, ok := x["Ref"].(string); ok && ref == "AWS::AccountId" {
			return "123456789012"
		}
		if ga, ok := x["Fn::GetAtt"].([]any); ok {
			return "<" + ga[0].(string) + "." + ga[1].(string) + ">"
		}
		t.Fatalf("unresolved part %v", x)
	}
	t.Fatalf("unexpected %T", v)
	return ""
}
