package cost

import (
	"math"
	"strings"
	"testing"
)

// closeTo reports whether got is within a relative 1e-9 of want.
func closeTo(got, want float64) bool {
	if want == 0 {
		return math.Abs(got) < 1e-9
	}
	return math.Abs(got-want) <= 1e-9*math.Abs(want)
}

func assertClose(t *testing.T, what string, got, want float64) {
	t.Helper()
	if !closeTo(got, want) {
		t.Errorf("%s = %.10g, want %.10g", what, got, want)
	}
}

func mustPrices(t testing.TB, name string) PriceSet {
	t.Helper()
	ps, err := LoadPriceSet(name)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func mustEstimate(t testing.TB, v Volumes, a Architecture, ps PriceSet) *Report {
	t.Helper()
	r, err := Estimate(v, a, ps)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// matching selects lines of one architecture whose item contains every fragment.
func matching(arch string, c Component, fragments ...string) func(Line) bool {
	return func(l Line) bool {
		if l.Architecture != arch || l.Component != c {
			return false
		}
		for _, f := range fragments {
			if !strings.Contains(l.Item, f) {
				return false
			}
		}
		return true
	}
}

// costOf sums the cost and quantity of the lines that match.
func costOf(r *Report, match func(Line) bool) (usd, qty float64) {
	for _, l := range r.Lines {
		if match(l) {
			usd += l.CostUSD
			qty += l.Quantity
		}
	}
	return usd, qty
}

// oneService is a single service in us-east-1.
func oneService(rps float64, s Service) Volumes {
	if s.Name == "" {
		s.Name = "svc"
	}
	s.Regions = []RegionTraffic{{Region: "us-east-1", RequestsPerSecond: rps}}
	return Volumes{Services: []Service{s}}
}
