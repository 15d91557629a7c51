package dashboard

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func withAnalysis(p Platform) Platform {
	p.Analysis = Analysis{Collection: "o11yscale-logs", ErrorIndex: "o11yscale-error"}
	return p
}

func TestAnalysisTierAddsOneOpenSearchDataSourcePerWorkloadRegion(t *testing.T) {
	p := withAnalysis(seedPlatform())
	var got []DataSource
	for _, ds := range DataSources(p) {
		if ds.Type == OpenSearchType {
			got = append(got, ds)
		}
	}
	if len(got) != len(p.Regions) {
		t.Fatalf("%d OpenSearch data sources, want one per region %v", len(got), p.Regions)
	}
	for i, ds := range got {
		r := p.Regions[i]
		if ds.UID != OpenSearchUID(r) || ds.Region != r || ds.Collection != "o11yscale-logs" || ds.Index != "o11yscale-error" || ds.TimeField != "timestamp" {
			t.Errorf("data source %d: %+v", i, ds)
		}
	}
	for _, ds := range DataSources(seedPlatform()) {
		if ds.Type == OpenSearchType {
			t.Errorf("OpenSearch data source %s with the tier off", ds.UID)
		}
	}
}

func TestErrorsPanelsOnlyWithTheAnalysisTier(t *testing.T) {
	off, on := seedPlatform(), withAnalysis(seedPlatform())
	offAll, onAll := mustAll(t, off), mustAll(t, on)
	if len(offAll) != len(onAll) {
		t.Fatalf("the tier changes the number of dashboards: %d vs %d", len(offAll), len(onAll))
	}
	for i := range offAll {
		a, _ := Render(offAll[i])
		b, _ := Render(onAll[i])
		same := bytes.Equal(a, b)
		if (offAll[i].UID == LogTiersUID(on)) == same {
			t.Errorf("dashboard %s: changed=%v; only the log tiers dashboard should change", offAll[i].UID, !same)
		}
	}
	d := decode(t, LogTierVolumes(on))
	var titles []string
	for _, pn := range d.Panels {
		titles = append(titles, pn.Title)
	}
	if !slices.Contains(titles, "Errors indexed (OpenSearch o11yscale-error)") {
		t.Errorf("no errors count panel in %v", titles)
	}
	for _, r := range on.Regions {
		if !slices.Contains(titles, "Latest errors "+RegionLabel(r)) {
			t.Errorf("no latest errors table for %s in %v", r, titles)
		}
	}
	b, _ := Render(LogTierVolumes(on))
	for _, want := range []string{`"type": "raw_data"`, `"type": "date_histogram"`, `"field": "timestamp"`, `"uid": "aoss-eu-west-1"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("log tiers dashboard lacks %s", want)
		}
	}
}

func TestAnalysisFieldsAreValidatedByPath(t *testing.T) {
	p := seedPlatform()
	p.Analysis = Analysis{Collection: "Bad_Name", ErrorIndex: "", TimeField: "a b"}
	err := p.Validate()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"analysis.collection", `"Bad_Name"`, "analysis.errorIndex", "analysis.timeField", `"a b"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	p.Analysis = Analysis{ErrorIndex: "x"}
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "analysis.collection") {
		t.Errorf("an index without a collection: %v", err)
	}
}

func TestAnalysisSurvivesTheWireForm(t *testing.T) {
	p := withAnalysis(seedPlatform())
	p.Analysis.Regions = []string{p.Regions[0]}
	if got := FromContract(p.Contract()).Analysis; !reflect.DeepEqual(got, p.Analysis) {
		t.Errorf("round trip %+v, want %+v", got, p.Analysis)
	}
	if seedPlatform().Contract().Analysis != nil {
		t.Error("the tier off still puts an analysis object on the wire")
	}
}
