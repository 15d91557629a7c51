package dashboard

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/contract"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// seedPlatform is the seed's Example 2: three workload regions and the
// default services.
func seedPlatform() Platform {
	return Platform{
		CentralRegion: "us-east-1",
		Regions:       []string{"us-east-1", "eu-west-1", "ap-southeast-1"},
		Services:      []string{"checkout-api", "auth-service", "order-service", "health-check"},
	}
}

func mustAll(t *testing.T, p Platform) []Dashboard {
	t.Helper()
	ds, err := All(p)
	if err != nil {
		t.Fatalf("All: %v", err)
	}
	return ds
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden %s (run go test -update to create it): %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; review the diff and rerun with -update if intended.\ngot:\n%s", path, got)
	}
}

func TestEveryDashboardMatchesItsGoldenJSON(t *testing.T) {
	for _, d := range mustAll(t, seedPlatform()) {
		t.Run(d.UID, func(t *testing.T) {
			b, err := Render(d)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, d.UID+".json", b)
		})
	}
}

func TestCloudWatchFallbackBodyMatchesGoldenJSON(t *testing.T) {
	b, err := CloudWatchGlobalAPIBody(seedPlatform())
	if err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, b, "", "  "); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	pretty.WriteByte('\n')
	golden(t, "cloudwatch-global-api.json", pretty.Bytes())
}

func TestRenderIsDeterministic(t *testing.T) {
	for range 3 {
		a, b := mustAll(t, seedPlatform()), mustAll(t, seedPlatform())
		for i := range a {
			ra, _ := Render(a[i])
			rb, _ := Render(b[i])
			if !bytes.Equal(ra, rb) {
				t.Fatalf("dashboard %s renders differently on a second run", a[i].UID)
			}
		}
		ca, _ := CloudWatchGlobalAPIBody(seedPlatform())
		cb, _ := CloudWatchGlobalAPIBody(seedPlatform())
		if !bytes.Equal(ca, cb) {
			t.Fatal("CloudWatch body renders differently on a second run")
		}
	}
}

// renderedTargets decodes the rendered JSON, so the checks below see what
// Grafana will see rather than the Go values.
type renderedPanel struct {
	ID         int           `json:"id"`
	Title      string        `json:"title"`
	GridPos    GridPos       `json:"gridPos"`
	Datasource DataSourceRef `json:"datasource"`
	Repeat     string        `json:"repeat"`
	Targets    []struct {
		RefID      string        `json:"refId"`
		Datasource DataSourceRef `json:"datasource"`
		Region     string        `json:"region"`
	} `json:"targets"`
}

type renderedDashboard struct {
	UID           string          `json:"uid"`
	SchemaVersion int             `json:"schemaVersion"`
	Panels        []renderedPanel `json:"panels"`
	Templating    struct {
		List []struct {
			Name    string `json:"name"`
			Options []struct {
				Value any `json:"value"`
			} `json:"options"`
		} `json:"list"`
	} `json:"templating"`
}

func decode(t *testing.T, d Dashboard) renderedDashboard {
	t.Helper()
	b, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	var r renderedDashboard
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: rendered JSON does not decode: %v", d.UID, err)
	}
	return r
}

func platforms() map[string]Platform {
	wide := seedPlatform()
	wide.CentralRegion = "eu-central-1" // not a workload region
	wide.Regions = []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1"}
	wide.Services = nil
	for i := range 200 {
		wide.Services = append(wide.Services, fmt.Sprintf("service-%03d", i))
	}
	central := seedPlatform()
	central.CentralRegion = "us-west-2"
	analysis := seedPlatform()
	analysis.Analysis = Analysis{Collection: "o11yscale-logs", ErrorIndex: "o11yscale-error"}
	return map[string]Platform{"seed": seedPlatform(), "central outside workload regions": central, "200 services in 6 regions": wide,
		"with SLOs": sloPlatform(), "analysis tier on": analysis}
}

func TestEveryTargetReferencesAnExistingDataSource(t *testing.T) {
	for name, p := range platforms() {
		t.Run(name, func(t *testing.T) {
			known := map[DataSourceRef]bool{}
			for _, ds := range DataSources(p) {
				known[RefTo(ds)] = true
			}
			for _, d := range mustAll(t, p) {
				for _, pn := range decode(t, d).Panels {
					if len(pn.Targets) == 0 {
						t.Errorf("%s panel %q has no targets", d.UID, pn.Title)
					}
					var used []DataSourceRef
					for _, tg := range pn.Targets {
						if !known[tg.Datasource] {
							t.Errorf("%s panel %q target %s uses unknown data source %+v", d.UID, pn.Title, tg.RefID, tg.Datasource)
						}
						if !slices.Contains(used, tg.Datasource) {
							used = append(used, tg.Datasource)
						}
					}
					switch {
					case len(used) == 1 && pn.Datasource != used[0]:
						t.Errorf("%s panel %q: panel data source %+v, targets use %+v", d.UID, pn.Title, pn.Datasource, used[0])
					case len(used) > 1 && pn.Datasource.UID != mixedUID:
						t.Errorf("%s panel %q mixes data sources but is not a Mixed panel", d.UID, pn.Title)
					}
				}
			}
		})
	}
}

func TestDataSourcesHaveOneCloudWatchPerRegionPlusXRay(t *testing.T) {
	for name, p := range platforms() {
		t.Run(name, func(t *testing.T) {
			p = p.WithDefaults()
			want := slices.Clone(p.Regions)
			if !slices.Contains(want, p.CentralRegion) {
				want = append(want, p.CentralRegion)
			}
			var got []string
			uids := map[string]bool{}
			for _, ds := range DataSources(p) {
				if uids[ds.UID] {
					t.Errorf("duplicate data source uid %q", ds.UID)
				}
				uids[ds.UID] = true
				if ds.Type == CloudWatchType {
					got = append(got, ds.Region)
					if ds.UID != "cw-"+ds.Region {
						t.Errorf("CloudWatch uid %q does not name its region %q", ds.UID, ds.Region)
					}
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("CloudWatch data sources for regions %v, want %v", got, want)
			}
			if !uids[XRayUID] {
				t.Error("no X-Ray data source")
			}
		})
	}
}

func TestEveryWorkloadRegionAppearsInEveryDashboard(t *testing.T) {
	for name, p := range platforms() {
		t.Run(name, func(t *testing.T) {
			for _, d := range mustAll(t, p) {
				r := decode(t, d)
				seen := map[string]bool{}
				for _, pn := range r.Panels {
					for _, tg := range pn.Targets {
						seen[tg.Region] = true
					}
				}
				for _, v := range r.Templating.List {
					for _, o := range v.Options {
						if s, ok := o.Value.(string); ok {
							seen[s] = true
						}
					}
				}
				for _, region := range p.Regions {
					if !seen[region] {
						t.Errorf("dashboard %s never shows region %s", d.UID, region)
					}
				}
			}
		})
	}
}

func TestGlobalAPIPerformanceHasOneTargetPerRegionInEveryPanel(t *testing.T) {
	p := seedPlatform()
	d := GlobalAPIPerformance(p)
	wantTitles := []string{"Requests by Region", "5xx by Region", "Latency p50 by Region", "Latency p90 by Region", "Latency p99 by Region"}
	var titles []string
	for _, pn := range d.Panels {
		titles = append(titles, pn.Title)
		var regions []string
		for _, tg := range pn.Targets {
			q := tg.(*CloudWatchQuery)
			regions = append(regions, q.Region)
			if q.Namespace != "AWS/ApiGateway" || q.Dimensions["ApiName"][0] != "checkout-api" || q.Period != "60" {
				t.Errorf("panel %q target %s: %s ApiName=%v period %s, want AWS/ApiGateway checkout-api 60", pn.Title, q.RefID, q.Namespace, q.Dimensions["ApiName"], q.Period)
			}
			if q.Datasource.UID != CloudWatchUID(q.Region) {
				t.Errorf("panel %q target for %s uses data source %s", pn.Title, q.Region, q.Datasource.UID)
			}
		}
		if !slices.Equal(regions, p.Regions) {
			t.Errorf("panel %q targets regions %v, want %v", pn.Title, regions, p.Regions)
		}
	}
	if !slices.Equal(titles, wantTitles) {
		t.Errorf("panels %v, want %v", titles, wantTitles)
	}
	req := d.Panels[0].Targets[0].(*CloudWatchQuery)
	if req.MetricName != "Count" || req.Statistic != "Sum" || req.Label != "US East (us-east-1)" {
		t.Errorf("Requests by Region first target = %s %s %q, want the seed's Count Sum with a region alias", req.MetricName, req.Statistic, req.Label)
	}
}

func TestPanelsHaveUniqueIDsRefIDsAndNonOverlappingGrid(t *testing.T) {
	for name, p := range platforms() {
		t.Run(name, func(t *testing.T) {
			for _, d := range mustAll(t, p) {
				r := decode(t, d)
				if r.SchemaVersion != SchemaVersion {
					t.Errorf("%s schemaVersion %d", d.UID, r.SchemaVersion)
				}
				for i, pn := range r.Panels {
					if pn.ID != i+1 {
						t.Errorf("%s panel %d has id %d, want %d", d.UID, i, pn.ID, i+1)
					}
					g := pn.GridPos
					if g.W <= 0 || g.H <= 0 || g.X < 0 || g.X+g.W > 24 {
						t.Errorf("%s panel %d gridPos %+v outside the 24-column grid", d.UID, pn.ID, g)
					}
					for _, other := range r.Panels[:i] {
						o := other.GridPos
						if g.X < o.X+o.W && o.X < g.X+g.W && g.Y < o.Y+o.H && o.Y < g.Y+g.H {
							t.Errorf("%s panels %d and %d overlap", d.UID, other.ID, pn.ID)
						}
					}
					refs := map[string]bool{}
					for _, tg := range pn.Targets {
						if tg.RefID == "" || refs[tg.RefID] {
							t.Errorf("%s panel %d: refId %q empty or repeated", d.UID, pn.ID, tg.RefID)
						}
						refs[tg.RefID] = true
					}
				}
			}
		})
	}
}

func TestRepeatedPanelsUseADefinedVariable(t *testing.T) {
	for _, d := range mustAll(t, seedPlatform()) {
		r := decode(t, d)
		for _, pn := range r.Panels {
			if pn.Repeat == "" {
				continue
			}
			if !slices.ContainsFunc(r.Templating.List, func(v struct {
				Name    string `json:"name"`
				Options []struct {
					Value any `json:"value"`
				} `json:"options"`
			}) bool {
				return v.Name == pn.Repeat
			}) {
				t.Errorf("%s panel %q repeats over undefined variable %q", d.UID, pn.Title, pn.Repeat)
			}
		}
	}
}

func TestDashboardUIDsAreUniqueAndWithinGrafanaLimit(t *testing.T) {
	p := seedPlatform()
	p.Services = append(p.Services,
		strings.Repeat("a", 64), strings.Repeat("a", 63)+"b") // cut to the same prefix
	seen := map[string]bool{}
	for _, d := range mustAll(t, p) {
		if len(d.UID) > 40 {
			t.Errorf("uid %q is %d characters, Grafana allows 40", d.UID, len(d.UID))
		}
		if seen[d.UID] {
			t.Errorf("uid %q used twice", d.UID)
		}
		seen[d.UID] = true
	}
}

func TestLogTierPanelsCoverEveryServiceLogGroupWithinSearchLimit(t *testing.T) {
	p := platforms()["200 services in 6 regions"]
	d := LogTierVolumes(p)
	for i, tier := range DefaultLogTiers {
		pn := d.Panels[i]
		perRegion := map[string][]string{}
		for _, tg := range pn.Targets {
			q := tg.(*CloudWatchQuery)
			names := q.Dimensions["LogGroupName"]
			if n := len(strings.Join(names, `" OR "`)) + 2; n > logGroupChunkBytes {
				t.Errorf("%s target %s lists %d bytes of log group names, budget %d", tier, q.RefID, n, logGroupChunkBytes)
			}
			perRegion[q.Region] = append(perRegion[q.Region], names...)
		}
		for _, r := range p.Regions {
			var want []string
			for _, s := range p.Services {
				want = append(want, "/o11yscale/"+s+"/"+strings.ToLower(tier))
			}
			if !slices.Equal(perRegion[r], want) {
				t.Errorf("%s tier in %s covers %d log groups, want all %d in service order", tier, r, len(perRegion[r]), len(want))
			}
		}
	}
}

func TestChunkNamesKeepsOrderAndBudget(t *testing.T) {
	tests := []struct {
		name   string
		names  []string
		budget int
		want   [][]string
	}{
		{"empty", nil, 20, nil},
		{"all fit", []string{"a", "b"}, 20, [][]string{{"a", "b"}}},
		{"split at budget", []string{"aaaa", "bbbb", "cccc"}, 20, [][]string{{"aaaa", "bbbb"}, {"cccc"}}},
		{"oversized name alone", []string{"a", strings.Repeat("x", 30), "b"}, 20, [][]string{{"a"}, {strings.Repeat("x", 30)}, {"b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := chunkNames(tt.names, tt.budget)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("chunkNames = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRefIDsCountLikeSpreadsheetColumns(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := refID(i); got != want {
			t.Errorf("refID(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestRegionLabelIsReadableAndUnique(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1":      "US East (us-east-1)",
		"eu-west-1":      "EU West (eu-west-1)",
		"ap-southeast-1": "Asia Pacific Southeast (ap-southeast-1)",
		"us-gov-west-1":  "US GovCloud West (us-gov-west-1)",
		"xx-weird":       "xx-weird",
	} {
		if got := RegionLabel(region); got != want {
			t.Errorf("RegionLabel(%q) = %q, want %q", region, got, want)
		}
	}
}

func TestValidateNamesFieldValueAndAllowed(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Platform)
		want   []validation.FieldError // Allowed is matched as a substring
	}{
		{"no regions", func(p *Platform) { p.Regions = nil }, []validation.FieldError{{Path: "regions", Allowed: "at least one workload region"}}},
		{"bad region", func(p *Platform) { p.Regions[1] = "europe-west1" }, []validation.FieldError{{Path: "regions[1]", Value: "europe-west1", Allowed: "AWS region code"}}},
		{"region twice", func(p *Platform) { p.Regions[2] = "us-east-1" }, []validation.FieldError{{Path: "regions[2]", Value: "us-east-1", Allowed: "each region once"}}},
		{"bad central region", func(p *Platform) { p.CentralRegion = "US-EAST-1" }, []validation.FieldError{{Path: "centralRegion", Value: "US-EAST-1", Allowed: "AWS region code"}}},
		{"no services", func(p *Platform) { p.Services = []string{} }, []validation.FieldError{{Path: "services", Allowed: "at least one service"}}},
		{"service with slash", func(p *Platform) { p.Services[0] = "checkout/api" }, []validation.FieldError{{Path: "services[0]", Value: "checkout/api", Allowed: "letters, digits"}}},
		{"service twice", func(p *Platform) { p.Services[3] = "auth-service" }, []validation.FieldError{{Path: "services[3]", Value: "auth-service", Allowed: "each service once"}}},
		{"quote in api name", func(p *Platform) { p.APIName = `check"out` }, []validation.FieldError{{Path: "apiName", Value: `check"out`, Allowed: "without quotes"}}},
		{"unknown tier", func(p *Platform) { p.LogTiers = []string{"ERROR", "TRACE"} }, []validation.FieldError{{Path: "logTiers[1]", Value: "TRACE", Allowed: "ERROR, WARN, INFO, DEBUG"}}},
		{"tier twice", func(p *Platform) { p.LogTiers = []string{"WARN", "WARN"} }, []validation.FieldError{{Path: "logTiers[1]", Value: "WARN", Allowed: "each tier once"}}},
		{"prefix with trailing slash", func(p *Platform) { p.LogGroupPrefix = "/o11yscale/" }, []validation.FieldError{{Path: "logGroupPrefix", Value: "/o11yscale/", Allowed: "without a trailing '/'"}}},
		{"stream name with space", func(p *Platform) { p.CentralStreamName = "my stream" }, []validation.FieldError{{Path: "centralStreamName", Value: "my stream", Allowed: "letters, digits"}}},
		{"every problem at once", func(p *Platform) { p.Regions = []string{"mars-1"}; p.Services = nil }, []validation.FieldError{
			{Path: "regions[0]", Value: "mars-1", Allowed: "AWS region code"},
			{Path: "services", Allowed: "at least one service"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := seedPlatform()
			tt.mutate(&p)
			err := p.Validate()
			got := validation.Fields(err)
			if len(got) != len(tt.want) {
				t.Fatalf("Validate() = %v, want %d errors", err, len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Path != w.Path || g.Value != w.Value || !strings.Contains(g.Allowed, w.Allowed) {
					t.Errorf("error %d = {%s %v %q}, want {%s %v ...%q...}", i, g.Path, g.Value, g.Allowed, w.Path, w.Value, w.Allowed)
				}
			}
			if _, err := All(p); err == nil {
				t.Error("All accepted an invalid platform")
			}
			if _, err := CloudWatchGlobalAPIBody(p); err == nil {
				t.Error("CloudWatchGlobalAPIBody accepted an invalid platform")
			}
		})
	}
}

func TestSeedPlatformIsValid(t *testing.T) {
	if err := seedPlatform().Validate(); err != nil {
		t.Fatal(err)
	}
}

// cloudWatchWidgets is the decoded CloudWatch fallback body.
type cloudWatchWidgets struct {
	Widgets []struct {
		Type       string `json:"type"`
		Properties struct {
			Title   string  `json:"title"`
			Metrics [][]any `json:"metrics"`
		} `json:"properties"`
	} `json:"widgets"`
}

func cloudWatchBody(t *testing.T, p Platform) cloudWatchWidgets {
	t.Helper()
	b, err := CloudWatchGlobalAPIBody(p)
	if err != nil {
		t.Fatal(err)
	}
	var body cloudWatchWidgets
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatal(err)
	}
	return body
}

func TestCloudWatchBodyHasEveryRegionInEveryWidget(t *testing.T) {
	p := seedPlatform()
	body := cloudWatchBody(t, p)
	if len(body.Widgets) != 5 {
		t.Fatalf("%d widgets, want the 5 Global API Performance panels", len(body.Widgets))
	}
	for _, w := range body.Widgets {
		var regions []string
		for _, m := range w.Properties.Metrics {
			if m[0] != "AWS/ApiGateway" || m[2] != "ApiName" || m[3] != "checkout-api" {
				t.Errorf("widget %q metric %v is not AWS/ApiGateway ApiName=checkout-api", w.Properties.Title, m)
			}
			regions = append(regions, m[len(m)-1].(map[string]any)["region"].(string))
		}
		if !slices.Equal(regions, p.Regions) {
			t.Errorf("widget %q regions %v, want %v", w.Properties.Title, regions, p.Regions)
		}
	}
}

// TestLargePlatformRendersEveryDashboard logs the rendered size of the
// issue's scale case, which decides how dashboards reach the provisioner:
// too large for custom resource properties in a 1 MB template, so the
// provisioner regenerates them from the Platform instead.
func TestLargePlatformRendersEveryDashboard(t *testing.T) {
	p := platforms()["200 services in 6 regions"]
	ds := mustAll(t, p)
	if len(ds) != 3+len(p.Services) {
		t.Fatalf("%d dashboards, want %d", len(ds), 3+len(p.Services))
	}
	indented, compact := 0, 0
	for _, d := range ds {
		r, err := Render(d)
		if err != nil {
			t.Fatal(err)
		}
		indented += len(r)
		var c bytes.Buffer
		if err := json.Compact(&c, r); err != nil {
			t.Fatal(err)
		}
		compact += c.Len()
	}
	t.Logf("200 services x 6 regions: %d dashboards, %d bytes indented, %d bytes compact", len(ds), indented, compact)
}

func TestContentHashChangesWithContentOnly(t *testing.T) {
	base, err := ContentHash(seedPlatform())
	if err != nil {
		t.Fatal(err)
	}
	again, _ := ContentHash(seedPlatform())
	if base != again {
		t.Fatal("ContentHash differs for the same platform")
	}
	changes := map[string]func(*Platform){
		"service added":   func(p *Platform) { p.Services = append(p.Services, "payments") },
		"region added":    func(p *Platform) { p.Regions = append(p.Regions, "us-west-2") },
		"api renamed":     func(p *Platform) { p.APIName = "orders-api" },
		"tiers changed":   func(p *Platform) { p.LogTiers = []string{"ERROR"} },
		"central changed": func(p *Platform) { p.CentralRegion = "eu-west-1" },
	}
	for name, mutate := range changes {
		p := seedPlatform()
		mutate(&p)
		h, err := ContentHash(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if h == base {
			t.Errorf("%s: ContentHash unchanged", name)
		}
	}
	if _, err := ContentHash(Platform{}); err == nil {
		t.Error("ContentHash accepted an invalid platform")
	}
}

func TestPlatformRoundTripsThroughItsWireForm(t *testing.T) {
	p := seedPlatform()
	p.APIName, p.LogTiers, p.ServiceMetrics.Namespace, p.DeliveryStreamName = "orders", []string{"ERROR"}, "App", "fh"
	p.SLOs = sloPlatform().SLOs
	for _, p := range []Platform{p, orgPlatform()} {
		b, err := json.Marshal(p.Contract())
		if err != nil {
			t.Fatal(err)
		}
		var wire contract.Platform
		if err := json.Unmarshal(b, &wire); err != nil {
			t.Fatal(err)
		}
		if got := FromContract(wire); !reflect.DeepEqual(got, p) {
			t.Errorf("round trip %+v, want %+v", got, p)
		}
	}
}
