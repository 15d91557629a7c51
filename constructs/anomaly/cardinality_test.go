package anomaly_test

import (
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// The seed's worked example: 20 x 4 x 3 x 5 = 1,200 series.
var seedDims = []anomaly.Dimension{{Name: "Service"}, {Name: "Region"}, {Name: "Tier", Cardinality: 3}, {Name: "Status", Cardinality: 5}}

func TestCardinalityDerivesServiceAndRegionAndShowsTheSeedArithmetic(t *testing.T) {
	// GIVEN the seed's dimensions on a platform of 20 services in 4 regions
	// WHEN the metric is checked
	s, err := anomaly.CheckCardinality(seedDims, anomaly.Budget{Services: 20, Regions: 4})
	// THEN it is within budget and the arithmetic is the seed's
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.String(), "Service(20) x Region(4) x Tier(3) x Status(5) = 1,200 series"; got != want {
		t.Errorf("arithmetic = %q, want %q", got, want)
	}
	if s.Count != 1200 {
		t.Errorf("count = %d, want 1200", s.Count)
	}
}

func TestCardinalityOverBudgetIsAnErrorShowingTheArithmetic(t *testing.T) {
	cases := []struct {
		name   string
		dims   []anomaly.Dimension
		budget anomaly.Budget
		want   []string
	}{
		{"default budget of 10,000", append(seedDims[:4:4], anomaly.Dimension{Name: "Endpoint", Cardinality: 10}),
			anomaly.Budget{Services: 20, Regions: 4},
			[]string{`"Service(20) x Region(4) x Tier(3) x Status(5) x Endpoint(10) = 12,000 series"`, "at most 10,000 series per metric"}},
		{"custom budget", seedDims, anomaly.Budget{SeriesPerMetric: 1000, Services: 20, Regions: 4},
			[]string{"= 1,200 series", "at most 1,000 series per metric"}},
		{"overflow saturates", []anomaly.Dimension{{Name: "A", Cardinality: 1 << 31}, {Name: "B", Cardinality: 1 << 31}, {Name: "C", Cardinality: 1 << 31}},
			anomaly.Budget{}, []string{"more than 18,446,744,073,709,551,615 series"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := anomaly.CheckCardinality(tc.dims, tc.budget)
			if err == nil {
				t.Fatal("over-budget metric accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestCardinalityAtExactlyTheBudgetIsAccepted(t *testing.T) {
	_, err := anomaly.CheckCardinality([]anomaly.Dimension{{Name: "Service"}, {Name: "Tier", Cardinality: 100}}, anomaly.Budget{Services: 100})
	if err != nil {
		t.Fatalf("100 x 100 = 10,000 rejected: %v", err)
	}
}

func TestCardinalityRejectsHighCardinalityNamesWithTheSeedsAdvice(t *testing.T) {
	for _, name := range []string{"UserID", "user_id", "USER-ID", "CallerUserId", "RequestId", "request.id", "trace_id",
		"URL", "FullUrl", "request_uri", "image_url", "Timestamp", "event_timestamp", "ts", "SessionId"} {
		t.Run(name, func(t *testing.T) {
			_, err := anomaly.CheckCardinality([]anomaly.Dimension{{Name: name, Cardinality: 3}}, anomaly.Budget{})
			fields := validation.Fields(err)
			if len(fields) != 1 || fields[0].Path != "[0].name" {
				t.Fatalf("fields = %+v, want one error at [0].name", fields)
			}
			if !strings.Contains(fields[0].Allowed, "keep high-cardinality data in logs, not metrics") {
				t.Errorf("advice missing: %s", fields[0].Allowed)
			}
		})
	}
}

func TestCardinalityAcceptsTheSeedsGoodDimensions(t *testing.T) {
	for _, name := range []string{"Service", "Region", "Tier", "StatusClass", "Endpoint", "Runtime", "FunctionName", "ApiName", "Stage"} {
		if kind, high := anomaly.HighCardinality(name); high {
			t.Errorf("%s flagged as %s", name, kind)
		}
	}
}

func TestCardinalityNamesTheKindOfHighCardinalityName(t *testing.T) {
	cases := map[string]string{"user_id": "user id", "x-request-id": "request id", "FullURL": "full URL", "Timestamp": "timestamp"}
	for name, want := range cases {
		if kind, _ := anomaly.HighCardinality(name); kind != want {
			t.Errorf("HighCardinality(%q) = %q, want %q", name, kind, want)
		}
	}
}

func TestCardinalityRequiresADeclaredCardinalityForOtherDimensions(t *testing.T) {
	_, err := anomaly.CheckCardinality([]anomaly.Dimension{{Name: "Service"}, {Name: "Tier"}, {Name: "Status", Cardinality: -1}}, anomaly.Budget{})
	fields := validation.Fields(err)
	if len(fields) != 2 || fields[0].Path != "[1].cardinality" || fields[1].Path != "[2].cardinality" {
		t.Fatalf("fields = %+v, want [1].cardinality and [2].cardinality", fields)
	}
	if !strings.Contains(fields[0].Allowed, `distinct values of "Tier"`) {
		t.Errorf("message does not name the dimension: %s", fields[0].Allowed)
	}
}

func TestCardinalityRejectsDuplicateEmptyAndTooManyDimensions(t *testing.T) {
	dims := []anomaly.Dimension{{Name: "Tier", Cardinality: 1}, {Name: "Tier", Cardinality: 1}, {Name: "", Cardinality: 1}}
	for i := 0; i < 28; i++ {
		dims = append(dims, anomaly.Dimension{Name: "D" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Cardinality: 1})
	}
	_, err := anomaly.CheckCardinality(dims, anomaly.Budget{})
	paths := map[string]bool{}
	for _, f := range validation.Fields(err) {
		paths[f.Path] = true
	}
	for _, want := range []string{"", "[1].name", "[2].name"} {
		if !paths[want] {
			t.Errorf("no error at %q; got %v", want, err)
		}
	}
}

func TestCardinalityOfNoDimensionsIsOneSeries(t *testing.T) {
	s, err := anomaly.CheckCardinality(nil, anomaly.Budget{})
	if err != nil || s.Count != 1 || s.String() != "1 series (no dimensions)" {
		t.Fatalf("got %v %q %v", s.Count, s, err)
	}
}

func TestBudgetRejectsNegativeValues(t *testing.T) {
	err := anomaly.Budget{SeriesPerMetric: -1, Services: -2, Regions: -3}.Validate()
	for _, want := range []string{"seriesPerMetric: -1", "services: -2", "regions: -3"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

func TestEmfMetricDeclarationsAreCheckedWithPaths(t *testing.T) {
	// GIVEN two declared EMF metrics, one over budget and one with a user id
	props := anomaly.AlertingProps{
		Budget: anomaly.Budget{Services: 200, Regions: 4},
		EmfMetrics: []anomaly.MetricDeclaration{
			{Namespace: "Shop", Name: "RequestDuration", Dimensions: []anomaly.Dimension{{Name: "Service"}, {Name: "Region"}, {Name: "Tier", Cardinality: 3}, {Name: "StatusClass", Cardinality: 5}}},
			{Namespace: "Shop", Name: "Checkout", Dimensions: []anomaly.Dimension{{Name: "UserID", Cardinality: 1000000}}},
			{Namespace: "Shop", Name: ""},
		},
	}
	// WHEN the props are validated
	err := props.Validate()
	// THEN each problem is reported under its emfMetrics path
	got := map[string]string{}
	for _, f := range validation.Fields(err) {
		got[f.Path] = f.Error()
	}
	if !strings.Contains(got["emfMetrics[0].dimensions"], "Service(200) x Region(4) x Tier(3) x StatusClass(5) = 12,000 series") {
		t.Errorf("emfMetrics[0]: %q", got["emfMetrics[0].dimensions"])
	}
	if !strings.Contains(got["emfMetrics[1].dimensions[0].name"], "user id") {
		t.Errorf("emfMetrics[1]: %q", got["emfMetrics[1].dimensions[0].name"])
	}
	if !strings.Contains(got["emfMetrics[1].dimensions"], "1,000,000 series") {
		t.Errorf("the million-user product is not shown: %q", got["emfMetrics[1].dimensions"])
	}
	if _, ok := got["emfMetrics[2].name"]; !ok {
		t.Errorf("nameless metric accepted: %v", err)
	}
}

func TestCardinalityReportListsEachMetric(t *testing.T) {
	props := anomaly.AlertingProps{Budget: anomaly.Budget{Services: 20, Regions: 4},
		EmfMetrics: []anomaly.MetricDeclaration{{Namespace: "Shop", Name: "RequestDuration", Dimensions: seedDims}}}
	if got, want := props.CardinalityReport(), "Shop/RequestDuration: Service(20) x Region(4) x Tier(3) x Status(5) = 1,200 series [ok]\n"; got != want {
		t.Errorf("report = %q, want %q", got, want)
	}
}
