package quotas_test

import (
	"testing"

	"github.com/o11yscale/o11yscale/constructs/platform"
	"github.com/o11yscale/o11yscale/constructs/quotas"
	"github.com/o11yscale/o11yscale/internal/cdktest"
)

// TestPlatformServiceHasTwoAnomalyModels reads a real one-service platform:
// its latency detector and band alarm share a model, and so do its
// error-rate (metric math) detector and band alarm.
func TestPlatformServiceHasTwoAnomalyModels(t *testing.T) {
	app := cdktest.NewApp(t, t.TempDir())
	p, err := platform.New(app, platform.Props{Regions: []string{"eu-west-1"}, Services: []platform.Service{{Name: "a"}}, Billing: platform.Billing{Disabled: true}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, u := range quotas.Count(quotas.Collect(p.Stacks())) {
		if u.Region == "eu-west-1" && u.Subject == "" {
			got[u.Quota] = u.Count
		}
	}
	if got["cloudwatch/anomalyDetectors"] != 2 || got["xray/groups"] != 2 || got["xray/samplingRules"] < 1 {
		t.Errorf("usages of eu-west-1 = %v, want 2 anomaly models, 2 X-Ray groups, the sampling rules", got)
	}
}
