package dashboard

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// sloPlatform is the seed with SLOs on two of its services.
func sloPlatform() Platform {
	p := seedPlatform()
	p.SLOs = []SLO{
		{Service: "checkout-api", Name: "o11yscale-checkout-api-availability", Goal: 99.9, Windows: []int{5, 30, 60, 360, 4320}},
		{Service: "checkout-api", Name: "o11yscale-checkout-api-latency", Goal: 99, Windows: []int{5, 60}},
		{Service: "order-service", Name: "o11yscale-order-service-availability", Goal: 99.5, Windows: []int{60}},
	}
	return p
}

func TestNoSLOsNoSLODashboard(t *testing.T) {
	for _, d := range mustAll(t, seedPlatform()) {
		if d.UID == SLOUID(seedPlatform()) {
			t.Fatal("SLO dashboard without SLOs")
		}
	}
}

func TestSLODashboardHasARowPerServiceWithSLOs(t *testing.T) {
	ds := mustAll(t, sloPlatform())
	d := ds[len(ds)-1]
	if d.UID != "o11yscale-slos" {
		t.Fatalf("last dashboard %q, want the SLO dashboard", d.UID)
	}
	var titles []string
	rows := map[int][]string{}
	for _, pn := range d.Panels {
		titles = append(titles, pn.Title)
		rows[pn.GridPos.Y] = append(rows[pn.GridPos.Y], pn.Title)
	}
	want := []string{
		"checkout-api: SLO attainment", "checkout-api: error budget remaining", "checkout-api: burn rate",
		"order-service: SLO attainment", "order-service: error budget remaining", "order-service: burn rate",
	}
	if strings.Join(titles, "|") != strings.Join(want, "|") {
		t.Errorf("panels %q, want %q", titles, want)
	}
	if len(rows) != 2 {
		t.Errorf("panels on %d rows, want one row per service with SLOs: %v", len(rows), rows)
	}
	// checkout-api: 2 SLOs x 3 regions; burn: (5 + 2 windows) x 3 regions.
	counts := []int{6, 12, 21}
	for i, n := range counts {
		if got := len(d.Panels[i].Targets); got != n {
			t.Errorf("%s: %d targets, want %d", d.Panels[i].Title, got, n)
		}
	}
}

func TestBudgetRemainingIsDerivedFromAttainmentAndGoal(t *testing.T) {
	d := SLOOverview(sloPlatform())
	budget := d.Panels[1]
	var exprs []string
	hidden := map[string]string{}
	for _, tg := range budget.Targets {
		q := tg.(*CloudWatchQuery)
		if q.Expression != "" {
			exprs = append(exprs, q.Expression)
			continue
		}
		if !q.Hide || q.MetricName != "AttainmentRate" {
			t.Errorf("non-expression target %+v is not the hidden attainment", q)
		}
		hidden[q.ID] = q.Dimensions["SloName"][0]
	}
	if len(exprs) != 6 || exprs[0] != "(att0_0 - 99.9) / 0.1 * 100" || exprs[3] != "(att1_0 - 99) / 1 * 100" {
		t.Errorf("expressions %q", exprs)
	}
	if hidden["att0_0"] != "o11yscale-checkout-api-availability" || hidden["att1_2"] != "o11yscale-checkout-api-latency" {
		t.Errorf("hidden attainment queries %v", hidden)
	}
	if budget.FieldConfig.Defaults.Min != nil {
		t.Error("budget remaining has a floor of 0, hiding an overspent budget")
	}
}

func TestBurnRatePanelHasEveryWindowOfEverySLO(t *testing.T) {
	d := SLOOverview(sloPlatform())
	got := map[string]bool{}
	for _, tg := range d.Panels[5].Targets {
		q := tg.(*CloudWatchQuery)
		got[q.Dimensions["SloName"][0]+"/"+q.Dimensions["BurnRateWindowMinutes"][0]+"/"+q.Region] = true
		if q.Namespace != "AWS/ApplicationSignals" || q.MetricName != "BurnRate" || q.Statistic != "Maximum" {
			t.Errorf("burn target %+v", q)
		}
	}
	for _, r := range sloPlatform().Regions {
		if !got["o11yscale-order-service-availability/60/"+r] {
			t.Errorf("no 60-minute burn rate in %s: %v", r, got)
		}
	}
}

func TestCloudWatchBodyHasTheSLORowsWithMath(t *testing.T) {
	body, err := CloudWatchGlobalAPIBody(sloPlatform())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Widgets []struct {
			Y          int `json:"y"`
			Height     int `json:"height"`
			Properties struct {
				Title   string  `json:"title"`
				Metrics [][]any `json:"metrics"`
			} `json:"properties"`
		} `json:"widgets"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	api := len(GlobalAPIPerformance(sloPlatform()).Panels)
	if len(doc.Widgets) != api+6 {
		t.Fatalf("%d widgets, want %d API + 6 SLO", len(doc.Widgets), api)
	}
	budget := doc.Widgets[api+1]
	if budget.Properties.Title != "checkout-api: error budget remaining" {
		t.Fatalf("widget %q", budget.Properties.Title)
	}
	hiddenIDs, exprIDs := map[string]bool{}, map[string]string{}
	for _, row := range budget.Properties.Metrics {
		opts := row[len(row)-1].(map[string]any)
		if e, ok := opts["expression"].(string); ok {
			exprIDs[opts["id"].(string)] = e
			continue
		}
		if opts["visible"] != false {
			t.Errorf("attainment row %v is visible", row)
		}
		hiddenIDs[opts["id"].(string)] = true
	}
	for id, e := range exprIDs {
		ref := strings.TrimPrefix(strings.SplitN(e, " ", 2)[0], "(")
		if !hiddenIDs[ref] {
			t.Errorf("expression %s (%s) reads %s, which is not a metric of the widget", id, e, ref)
		}
	}
	if len(exprIDs) != 6 {
		t.Errorf("%d expressions, want 6", len(exprIDs))
	}
	// Below the API panels.
	for _, w := range doc.Widgets[api:] {
		for _, a := range doc.Widgets[:api] {
			if w.Y < a.Y+a.Height {
				t.Errorf("SLO widget %q at y %d overlaps the API panels", w.Properties.Title, w.Y)
			}
		}
	}
}

func TestSLOsAreValidated(t *testing.T) {
	p := seedPlatform()
	p.SLOs = []SLO{
		{Service: "billing", Name: "x-y", Goal: 99.9},
		{Service: "checkout-api", Name: "-bad", Goal: 100, Windows: []int{0}},
		{Service: "checkout-api", Name: "x-y", Goal: 99},
	}
	got := map[string]string{}
	for _, fe := range validation.Fields(p.Validate()) {
		got[fe.Path] = fe.Allowed
	}
	for path, want := range map[string]string{
		"slos[0].service":    "one of the platform's services",
		"slos[1].name":       "an SLO name",
		"slos[1].goal":       "an attainment goal above 0 and below 100 percent",
		"slos[1].windows[0]": "1-10080 minutes",
		"slos[2].name":       "each SLO once",
	} {
		if !strings.HasPrefix(got[path], want) {
			t.Errorf("%s: %q, want %q", path, got[path], want)
		}
	}
}

func TestSLODashboardsMatchTheirGoldenJSON(t *testing.T) {
	b, err := Render(SLOOverview(sloPlatform()))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "slo-dashboard.json", b)
	body, err := CloudWatchGlobalAPIBody(sloPlatform())
	if err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	golden(t, "cloudwatch-body-with-slos.json", append(pretty.Bytes(), '\n'))
}
