package cost

import (
	"strings"
	"testing"
)

func TestEveryEmbeddedPriceSetIsCompleteAndSourced(t *testing.T) {
	names := PriceSetNames()
	if strings.Join(names, ",") != "seed,us-east-1-2026-11" {
		t.Fatalf("price sets = %v", names)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			ps := mustPrices(t, name)
			if len(ps.Prices) != len(priceKeys) {
				t.Errorf("%d prices, want %d", len(ps.Prices), len(priceKeys))
			}
			for k, p := range ps.Prices {
				if p.Source == "" || p.USD < 0 {
					t.Errorf("%s: %+v lacks a source or is negative", k, p)
				}
			}
		})
	}
}

func TestUSEast1ListPrices(t *testing.T) {
	ps := mustPrices(t, PriceSetUSEast1)
	for _, tc := range []struct {
		key       string
		wantUnit  float64
		wantUnitN string
	}{
		{PriceLogsIngestionStandard, 0.50, "GB"},
		{PriceLogsIngestionInfrequentAccess, 0.25, "GB"},
		{PriceLogsStorage, 0.03, "GB-month"},
		{PriceLogsInsightsScanned, 0.005, "GB"},
		{PriceS3Standard, 0.023, "GB-month"},
		{PriceS3GlacierInstantRetrieval, 0.004, "GB-month"},
		{PriceS3GlacierFlexibleRetrieval, 0.0036, "GB-month"},
		{PriceS3PutRequests, 0.005 / 1000, "request"},
		{PriceXRayTracesRecorded, 0.000005, "trace"},
		{PriceMetricsFirst10k, 0.30, "metric-month"},
		{PriceGetMetricData, 0.01 / 1000, "metric requested"},
		{PriceAPIRequests, 0.01 / 1000, "request"},
		{PriceAlarmStandard, 0.10, "alarm metric-month"},
		{PriceAlarmHighResolution, 0.30, "alarm metric-month"},
		{PriceKinesisShardHour, 0.015, "shard-hour"},
		{PriceKinesisPutPayloadUnits, 0.014 / 1e6, "PUT payload unit"},
		{PriceFirehoseIngested, 0.029, "GB"},
		{PriceLambdaX86GBSecond, 0.0000166667, "GB-second"},
		{PriceLambdaArm64GBSecond, 0.0000133334, "GB-second"},
		{PriceLambdaRequests, 0.20 / 1e6, "request"},
		{PriceGrafanaEditor, 9, "editor-month"},
		{PriceGrafanaViewer, 5, "viewer-month"},
		{PriceMetricStreamUpdates, 0.003 / 1000, "metric update"},
	} {
		got, unit := ps.UnitPrice(tc.key)
		if !closeTo(got, tc.wantUnit) || unit != tc.wantUnitN {
			t.Errorf("%s = $%g per %s, want $%g per %s", tc.key, got, unit, tc.wantUnit, tc.wantUnitN)
		}
	}
}

func TestSeedPriceSetHasExactlyTheSeedsFiguresOverUSEast1(t *testing.T) {
	seed, list := mustPrices(t, PriceSetSeed), mustPrices(t, PriceSetUSEast1)
	want := map[string]float64{
		PriceLogsIngestionStandard:     0.50,
		PriceLogsStorage:               0.03,
		PriceLogsInsightsScanned:       0.005,
		PriceS3Standard:                0.023,
		PriceS3GlacierInstantRetrieval: 0.004,
		PriceXRayTracesRecorded:        0.000001,
		PriceAPIRequests:               0.01 / 1000,
		PriceGetMetricData:             0.01 / 1000,
	}
	for _, k := range PriceKeys() {
		got, _ := seed.UnitPrice(k)
		if w, ok := want[k]; ok {
			if !closeTo(got, w) || !strings.HasPrefix(seed.Prices[k].Source, "seed text, ") {
				t.Errorf("%s = %g from %q, want the seed's %g", k, got, seed.Prices[k].Source, w)
			}
			continue
		}
		if seed.Prices[k] != list.Prices[k] {
			t.Errorf("%s = %+v, want it inherited from %s", k, seed.Prices[k], PriceSetUSEast1)
		}
	}
	if seed.Base != PriceSetUSEast1 || seed.BytesPerGB != 1e9 {
		t.Errorf("seed base %q, GB %g", seed.Base, seed.BytesPerGB)
	}
}

func TestPricingOverridesMergeOverTheNamedBase(t *testing.T) {
	ps, err := Pricing{Base: PriceSetSeed, Overrides: map[string]float64{PriceKinesisShardHour: 0.02}, BytesPerGB: 1 << 30}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := ps.UnitPrice(PriceKinesisShardHour); got != 0.02 {
		t.Errorf("override = %g", got)
	}
	if !strings.HasPrefix(ps.Prices[PriceKinesisShardHour].Source, "config override of seed (was 0.015") {
		t.Errorf("override source = %q", ps.Prices[PriceKinesisShardHour].Source)
	}
	if got, _ := ps.UnitPrice(PriceXRayTracesRecorded); got != 0.000001 {
		t.Errorf("untouched seed figure = %g", got)
	}
	if ps.BytesPerGB != 1<<30 || ps.Name != "seed+overrides" || ps.Base != PriceSetSeed {
		t.Errorf("resolved %q over %q with GB %g", ps.Name, ps.Base, ps.BytesPerGB)
	}
	base := mustPrices(t, PriceSetSeed)
	if got, _ := base.UnitPrice(PriceKinesisShardHour); got != 0.015 {
		t.Errorf("override leaked into the embedded set: %g", got)
	}
}

func TestPricingDefaultsToUSEast1(t *testing.T) {
	ps, err := Pricing{}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if ps.Name != PriceSetUSEast1 {
		t.Errorf("default price set = %q", ps.Name)
	}
}

func TestLoadPriceSetRejectsUnknownName(t *testing.T) {
	_, err := LoadPriceSet("mars-1")
	if err == nil || !strings.Contains(err.Error(), "seed, us-east-1-2026-11") {
		t.Fatalf("err = %v, want the known sets listed", err)
	}
}

func TestEstimateRejectsIncompletePriceSet(t *testing.T) {
	ps := mustPrices(t, PriceSetUSEast1)
	delete(ps.Prices, PriceGrafanaViewer)
	if _, err := Estimate(DefaultVolumes(), Architecture{}, ps); err == nil || !strings.Contains(err.Error(), "grafana.viewerPerMonth") {
		t.Fatalf("err = %v, want the missing key named", err)
	}
}
