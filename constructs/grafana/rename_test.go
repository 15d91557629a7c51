package grafana_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/grafana"
	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
	"github.com/o11yscale/o11yscale/internal/cdktest"
	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/provision"
)

func TestARenamedPlatformLeavesNoO11yscaleInCreatedNames(t *testing.T) {
	// GIVEN the seed platform named "acme" in mode both
	p := seedPlatform()
	p.Name = "acme"
	s := synth(t, "us-east-1", grafana.Props{Platform: p, Mode: grafana.ModeBoth})
	// THEN the workspace, the CloudWatch dashboard and its review file
	// follow the name
	s.tmpl.HasResourceProperties(jsii.String("AWS::Grafana::Workspace"), map[string]any{"Name": "acme"})
	s.tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Dashboard"), map[string]any{"DashboardName": "acme-global-api-performance"})
	// The provisioner writes its metrics to acme's pipeline namespace, which
	// the pipeline dashboard graphs.
	s.tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{"Environment": map[string]any{
		"Variables": assertions.Match_ObjectLike(&map[string]any{"METRIC_NAMESPACE": "Acme/Pipeline"})}})
	if got := p.WithDefaults().PipelineNamespace; got != "Acme/Pipeline" {
		t.Errorf("dashboards graph %s", got)
	}
	if left := cdktest.Leftovers(*s.tmpl.ToJSON(), "o11yscale"); len(left) > 0 {
		t.Errorf("o11yscale left in created names:\n%s", strings.Join(left, "\n"))
	}
	// AND the provisioner regenerates dashboards whose uids, folders, tags
	// and links are acme's
	_, raw := provisioningProperties(t, s)
	got, err := provision.DecodeProperties(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range got.Folders {
		if !strings.HasPrefix(f.UID, "acme") || !strings.HasPrefix(f.Title, "acme ") {
			t.Errorf("folder %+v", f)
		}
	}
	for _, d := range got.Dashboards {
		if !strings.HasPrefix(d.UID, "acme-") {
			t.Errorf("dashboard uid %s", d.UID)
		}
		var m struct {
			Tags  []string
			Links []struct{ Title string }
		}
		if err := json.Unmarshal(d.Model, &m); err != nil {
			t.Fatal(err)
		}
		if m.Tags[0] != "acme" || m.Links[0].Title != "acme" {
			t.Errorf("dashboard %s tags %v links %v", d.UID, m.Tags, m.Links)
		}
		if strings.Contains(string(d.Model), "o11yscale") {
			t.Errorf("dashboard %s still names o11yscale", d.UID)
		}
	}
}

func TestDashboardNamesOfTheDefaultPlatformAreUnchanged(t *testing.T) {
	p := dashboard.Platform{}
	if dashboard.GlobalAPIUID(p) != "o11yscale-global-api" || dashboard.ServiceUID(p, "a") != "o11yscale-red-a" ||
		dashboard.PlatformFolder(p).Title != "o11yscale platform" ||
		grafana.CloudWatchDashboardName(dashboard.DefaultName) != grafana.DefaultCloudWatchDashboardName ||
		grafana.DefaultCloudWatchDashboardName != "o11yscale-global-api-performance" {
		t.Error("default names changed")
	}
	if err := (dashboard.Platform{Name: "Acme", Regions: []string{"us-east-1"}, Services: []string{"a"}}).Validate(); err == nil ||
		!strings.HasPrefix(err.Error(), "name: ") {
		t.Errorf("err = %v", err)
	}
}
