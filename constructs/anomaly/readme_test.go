package anomaly_test

import (
	"bytes"
	"os"
	"regexp"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
)

// TestReadmeConfigDecodesAndValidates keeps the README's YAML honest: it is
// decoded into the props and must validate.
func TestReadmeConfigDecodesAndValidates(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindSubmatch(b)
	if block == nil {
		t.Fatal("README has no yaml block")
	}
	var cfg struct {
		Alerting anomaly.AlertingProps      `yaml:"alerting"`
		Alarms   anomaly.ServiceAlarmsProps `yaml:"alarms"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(block[1]))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		t.Fatalf("decoding the README's yaml: %v", err)
	}
	cfg.Alerting.Budget.Services, cfg.Alerting.Budget.Regions = 20, 4
	if err := cfg.Alerting.Validate(); err != nil {
		t.Errorf("alerting: %v", err)
	}
	cfg.Alarms.Service, cfg.Alarms.Budget.Services = "checkout-api", 20
	if err := cfg.Alarms.Validate(); err != nil {
		t.Errorf("alarms: %v", err)
	}
	if len(cfg.Alarms.Metrics) != 2 || cfg.Alarms.Metrics[1].Inputs[0].Namespace != "Shop" || cfg.Alarms.Anomaly.ExcludedTimeRanges[0].Start.IsZero() {
		t.Errorf("decoded %+v", cfg.Alarms)
	}
}
