package platform

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/slo"
	"github.com/o11yscale/o11yscale/internal/cdktest"
)

func withSLOs() Props {
	p := minimal()
	p.Regions = []string{"eu-west-1", "us-east-1"}
	p.Services[0].SLOs = []slo.Objective{
		{ID: "availability", Kind: slo.KindAvailability, Environment: "lambda:default"},
		{ID: "latency", Kind: slo.KindLatency, Environment: "lambda:default", Threshold: 300 * time.Millisecond},
	}
	return p
}

func TestSLOProblemsAreReportedAtTheServicesPath(t *testing.T) {
	p := withSLOs()
	p.Services[0].SLOs[1].Goal = 100
	err := p.Validate()
	if err == nil || !strings.Contains(err.Error(), "services[0].slos[1].goal: 100 is not allowed; an attainment goal") {
		t.Fatalf("got %v", err)
	}
	p = withSLOs()
	p.ApplicationSignals.Discovery = "sometimes"
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), `applicationSignals.discovery: "sometimes" is not allowed; one of auto, always, never`) {
		t.Fatalf("got %v", err)
	}
}

func TestDiscoveryIsCreatedOnlyWhenAsked(t *testing.T) {
	for _, tc := range []struct {
		props Props
		mode  DiscoveryMode
		want  bool
	}{
		{minimal(), "", false}, {minimal(), DiscoveryAlways, true},
		{withSLOs(), "", true}, {withSLOs(), DiscoveryAuto, true}, {withSLOs(), DiscoveryNever, false},
	} {
		tc.props.ApplicationSignals.Discovery = tc.mode
		if got := tc.props.discovery(); got != tc.want {
			t.Errorf("SLOs %v, mode %q: discovery %v, want %v", tc.props.hasSLOs(), tc.mode, got, tc.want)
		}
	}
}

func TestServicesWithSLOsGetThemInEveryRegionAfterDiscovery(t *testing.T) {
	app := cdktest.NewApp(t, "")
	p, err := New(app, withSLOs())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range p.Regional {
		if r.Discovery == nil {
			t.Fatalf("%s: no Discovery", r.Region)
		}
		regional := assertions.Template_FromStack(r.Stack, nil)
		regional.ResourceCountIs(jsii.String("AWS::ApplicationSignals::Discovery"), jsii.Number(1))
		discoveryID := *r.Stack.GetLogicalId(r.Discovery)
		// The shard's stack resource waits for Discovery.
		deps := regional.FindResources(jsii.String("AWS::CloudFormation::Stack"), nil)
		for id, res := range *deps {
			d, _ := (*res)["DependsOn"].([]any)
			found := false
			for _, x := range d {
				found = found || x == discoveryID
			}
			if !found {
				t.Errorf("%s: nested stack %s does not depend on %s (DependsOn %v)", r.Region, id, discoveryID, d)
			}
		}
		shard := assertions.Template_FromStack(r.Shards[0].Stack, nil)
		shard.ResourceCountIs(jsii.String("AWS::ApplicationSignals::ServiceLevelObjective"), jsii.Number(2))
		shard.HasResourceProperties(jsii.String("AWS::ApplicationSignals::ServiceLevelObjective"), map[string]any{"Name": "o11yscale-checkout-api-latency"})
		// 2 SLOs x 3 alerts: 12 window alarms and 6 composites, besides the
		// anomaly composites of both services.
		s := r.Shards[0].SLOs["checkout-api"]
		if s == nil || len(s.Objectives) != 2 || len(s.Objectives[0].Alerts) != 3 {
			t.Fatalf("%s: SLO constructs %+v", r.Region, s)
		}
		if _, ok := r.Shards[0].SLOs["auth-service"]; ok {
			t.Errorf("%s: auth-service declares no SLOs", r.Region)
		}
	}
	g := p.Props.GrafanaProps(nil)
	if len(g.SLOs) != 2 || g.SLOs[0].Name != "o11yscale-checkout-api-availability" || g.SLOs[0].Goal != 99.9 ||
		len(g.SLOs[0].Windows) != 5 || g.SLOs[1].Service != "checkout-api" {
		t.Errorf("dashboard SLOs %+v", g.SLOs)
	}
}

func TestNoSLOsNoDiscovery(t *testing.T) {
	app := cdktest.NewApp(t, "")
	p, err := New(app, minimal())
	if err != nil {
		t.Fatal(err)
	}
	if p.Regional[0].Discovery != nil || len(p.Props.GrafanaProps(nil).SLOs) != 0 {
		t.Error("Discovery or dashboard SLOs without SLOs")
	}
	assertions.Template_FromStack(p.Regional[0].Stack, nil).ResourceCountIs(jsii.String("AWS::ApplicationSignals::Discovery"), jsii.Number(0))
}
