package config

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

func TestThePlatformNameReachesEveryPropsThatNamesResources(t *testing.T) {
	p, err := Parse("p.yaml", []byte("name: acme\n"+logsBase+"grafana: {mode: both}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.SamplingProps().Name; got != "acme" {
		t.Errorf("sampling name = %q", got)
	}
	if got := p.ServiceLogsProps("a", LogsWiring{}); got.Name != "acme" || got.LogGroupPrefix != "" {
		t.Errorf("service logs name %q, prefix %q (want the name and the derived default)", got.Name, got.LogGroupPrefix)
	}
	if got := p.LogRouterProps(nil); got.Name != "acme" || got.LogGroupPrefix != "/acme/" {
		t.Errorf("router name %q, prefix %q", got.Name, got.LogGroupPrefix)
	}
	g := p.GrafanaProps(awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Test"), nil))
	if g.Platform.Name != "acme" || g.WorkspaceName != "acme" {
		t.Errorf("grafana name %q, workspace %q", g.Platform.Name, g.WorkspaceName)
	}
	if b, err := p.BillingProps(nil); err != nil || b.Name != "acme" || b.BudgetName != "acme-observability" {
		t.Errorf("billing = %+v, %v", b, err)
	}
	if a := p.AlertingProps(nil); a.Name != "acme" {
		t.Errorf("alerting name = %q", a.Name)
	}
	if c := p.CentralMetricsProps(); c.Name != "acme" {
		t.Errorf("central metrics name = %q", c.Name)
	}
}
