package cost

import (
	"fmt"
	"testing"
)

var benchRegions = []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1"}

// generatedPlatform is n services in the given regions, cycling through
// the default platform's services with varied traffic.
func generatedPlatform(n int, regions []string) Volumes {
	templates := DefaultVolumes().Services
	v := Volumes{Grafana: GrafanaUsers{Editors: 20, Viewers: 200}}
	for i := 0; i < n; i++ {
		s := templates[i%len(templates)]
		s.Name = fmt.Sprintf("svc-%03d", i)
		s.Regions = nil
		for j, region := range regions {
			s.Regions = append(s.Regions, RegionTraffic{Region: region, RequestsPerSecond: float64(10 + (i*7+j*13)%500)})
		}
		v.Services = append(v.Services, s)
	}
	return v
}

func TestGeneratedPlatformEstimatesEveryServiceRegion(t *testing.T) {
	r := mustEstimate(t, generatedPlatform(200, benchRegions), DefaultArchitecture(), mustPrices(t, PriceSetUSEast1))
	if len(r.ByService) != 201 || len(r.ByRegion) != 6 {
		t.Fatalf("%d services, %d regions", len(r.ByService), len(r.ByRegion))
	}
	seen := map[string]bool{}
	for _, l := range r.Lines {
		if l.Architecture == Declared && l.Component == ComponentTraces {
			seen[l.Service+"/"+l.Region] = true
		}
	}
	// health-check (every 4th service) records no traces.
	if len(seen) != 150*6 {
		t.Errorf("traced service-regions = %d, want %d", len(seen), 150*6)
	}
}

// BenchmarkEstimateOneServiceRegion is the baseline: one service in one
// region.
func BenchmarkEstimateOneServiceRegion(b *testing.B) {
	v := generatedPlatform(1, benchRegions[:1])
	a, ps := DefaultArchitecture(), mustPrices(b, PriceSetUSEast1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Estimate(v, a, ps); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEstimatePlatform200x6 prices 200 services in 6 regions (1,200
// service-regions); compare its ns/op with 1,200 × the baseline.
func BenchmarkEstimatePlatform200x6(b *testing.B) {
	v := generatedPlatform(200, benchRegions)
	a, ps := DefaultArchitecture(), mustPrices(b, PriceSetUSEast1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Estimate(v, a, ps); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1200, "ns/service-region")
}

// BenchmarkRenderPlatform200x6 renders the JSON, Markdown and table of
// the 200 × 6 report, the rest of the synth-time work.
func BenchmarkRenderPlatform200x6(b *testing.B) {
	r := mustEstimate(b, generatedPlatform(200, benchRegions), DefaultArchitecture(), mustPrices(b, PriceSetUSEast1))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.JSON(); err != nil {
			b.Fatal(err)
		}
		_ = r.Markdown()
		_ = r.Table()
	}
}
