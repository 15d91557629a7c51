package platform

import (
	"fmt"
	"testing"
)

func props200x6() Props {
	p := Props{Regions: []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1"}, Billing: Billing{Disabled: true}}
	for i := range 200 {
		p.Services = append(p.Services, Service{Name: fmt.Sprintf("service-%03d", i)})
	}
	return p
}

// BenchmarkCostConfig200x6 derives the cost config of 200 services in 6
// regions from the props; compare its ns/op with BenchmarkEstimateDerived200x6,
// the estimate of that config, measured in the same run.
func BenchmarkCostConfig200x6(b *testing.B) {
	p := props200x6()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.CostConfig(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEstimateDerived200x6(b *testing.B) {
	c, err := props200x6().CostConfig()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Estimate(); err != nil {
			b.Fatal(err)
		}
	}
}

// The derivation prices every service in every region, with a line
// source for each.
func TestCostConfigOf200ServicesIn6RegionsCoversEveryServiceRegion(t *testing.T) {
	c, err := props200x6().CostConfig()
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Assumed) != 1200 {
		t.Fatalf("%d assumed service-regions, want 1200", len(r.Assumed))
	}
	for _, l := range r.Lines {
		if l.Source == "" && l.Component != "" {
			t.Fatalf("line without a source: %+v", l)
		}
	}
}
