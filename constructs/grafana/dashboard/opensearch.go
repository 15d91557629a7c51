package dashboard

import (
	"regexp"
	"slices"
	"strconv"

	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/contract"
)

// OpenSearchType is the plugin id of Grafana's OpenSearch data source.
const OpenSearchType = contract.OpenSearchType

// DefaultAnalysisTimeField is the time field of the documents the log
// router indexes (epoch milliseconds, see lambdas/logrouter/router).
const DefaultAnalysisTimeField = "timestamp"

// latestErrors is how many documents the latest-errors tables show.
const latestErrors = 50

// Analysis is the analysis tier the dashboards search: one OpenSearch
// Serverless collection of that name in every workload region. The zero
// value means the tier is off: no OpenSearch data source, no errors panels.
type Analysis struct {
	// Collection is the collection's name, the same in every region; the
	// provisioner looks its endpoint up at deploy time.
	Collection string
	// ErrorIndex holds the ERROR tier's documents, e.g. "o11yscale-error".
	// Required with Collection.
	ErrorIndex string
	// TimeField of the documents. Default: "timestamp".
	TimeField string
	// Regions whose collections get a data source and errors panels, each
	// a workload region. Default: every workload region. A subset is for
	// collections the workspace cannot reach, e.g. private ones in another
	// region than the workspace's VPC.
	Regions []string
}

// regions are the regions searched, after defaults, in p.Regions' order.
func (a Analysis) regions(p Platform) []string {
	if len(a.Regions) == 0 {
		return p.Regions
	}
	var out []string
	for _, r := range p.Regions {
		if slices.Contains(a.Regions, r) {
			out = append(out, r)
		}
	}
	return out
}

// On reports whether the tier is on.
func (a Analysis) On() bool { return a.Collection != "" }

var (
	collectionNameRE = regexp.MustCompile(`^[a-z][a-z0-9-]{2,31}$`)
	indexNameRE      = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,254}$`)
	fieldNameRE      = regexp.MustCompile(`^[A-Za-z0-9@_.-]{1,255}$`)
)

func (a Analysis) validate(v *validation.Errors, regions []string) {
	if !a.On() {
		if a.ErrorIndex != "" || a.TimeField != "" {
			v.Add("analysis.collection", a.Collection, "the collection's name when analysis.errorIndex or analysis.timeField is set")
		}
		return
	}
	if !collectionNameRE.MatchString(a.Collection) {
		v.Add("analysis.collection", a.Collection, "an OpenSearch Serverless collection name: 3-32 lowercase letters, digits or '-', starting with a letter")
	}
	for i, r := range a.Regions {
		switch {
		case !slices.Contains(regions, r):
			v.Add(validation.Index("analysis.regions", i), r, "a workload region (regions)")
		case slices.Index(a.Regions, r) != i:
			v.Add(validation.Index("analysis.regions", i), r, "each region once")
		}
	}
	if !indexNameRE.MatchString(a.ErrorIndex) {
		v.Add("analysis.errorIndex", a.ErrorIndex, "an index name: lowercase letters, digits, '_', '.' or '-', starting with a letter or digit")
	}
	if a.TimeField != "" && !fieldNameRE.MatchString(a.TimeField) {
		v.Add("analysis.timeField", a.TimeField, "a document field name of letters, digits, '@', '_', '.' or '-' (empty for \"timestamp\")")
	}
}

func (a Analysis) withDefaults() Analysis {
	if a.On() && a.TimeField == "" {
		a.TimeField = DefaultAnalysisTimeField
	}
	return a
}

func (a Analysis) contract() *contract.Analysis {
	if !a.On() {
		return nil
	}
	return &contract.Analysis{Collection: a.Collection, ErrorIndex: a.ErrorIndex, TimeField: a.TimeField, Regions: a.Regions}
}

func analysisFromContract(c *contract.Analysis) Analysis {
	if c == nil {
		return Analysis{}
	}
	return Analysis{Collection: c.Collection, ErrorIndex: c.ErrorIndex, TimeField: c.TimeField, Regions: c.Regions}
}

// OpenSearchUID is the stable uid of the OpenSearch data source of
// region's collection, e.g. "aoss-us-east-1".
func OpenSearchUID(region string) string { return "aoss-" + region }

func openSearch(p Platform, region string) DataSource {
	a := p.Analysis.withDefaults()
	return DataSource{
		UID: OpenSearchUID(region), Name: "OpenSearch errors " + region, Type: OpenSearchType, Region: region,
		Collection: a.Collection, Index: a.ErrorIndex, TimeField: a.TimeField,
	}
}

// OpenSearchQuery is a Lucene query of the OpenSearch data source in its
// query model: metrics over bucket aggregations, or raw documents.
type OpenSearchQuery struct {
	RefID      string          `json:"refId"`
	Datasource DataSourceRef   `json:"datasource"`
	QueryType  string          `json:"queryType"`
	Query      string          `json:"query"`
	Alias      string          `json:"alias,omitempty"`
	TimeField  string          `json:"timeField"`
	Metrics    []OpenSearchAgg `json:"metrics"`
	BucketAggs []OpenSearchAgg `json:"bucketAggs"`
}

// OpenSearchAgg is one metric or bucket aggregation.
type OpenSearchAgg struct {
	ID       string            `json:"id"`
	Type     string            `json:"type"`
	Field    string            `json:"field,omitempty"`
	Settings map[string]string `json:"settings,omitempty"`
}

// DataSource implements Target.
func (q *OpenSearchQuery) DataSource() DataSourceRef { return q.Datasource }
func (q *OpenSearchQuery) setRefID(id string)        { q.RefID = id }
func (q *OpenSearchQuery) refID() string             { return q.RefID }

// addErrorPanels adds, when the analysis tier is on, the ERROR documents
// indexed per minute in every region and one table of the latest errors
// per region.
func addErrorPanels(p Platform, l *layout) {
	if !p.Analysis.On() {
		return
	}
	a := p.Analysis.withDefaults()
	var counts []Target
	searched := a.regions(p)
	if len(searched) == 0 {
		return
	}
	for _, r := range searched {
		counts = append(counts, &OpenSearchQuery{
			Datasource: RefTo(openSearch(p, r)), QueryType: "lucene", Query: "*", Alias: "errors " + RegionLabel(r),
			TimeField: a.TimeField,
			Metrics:   []OpenSearchAgg{{ID: "1", Type: "count"}},
			BucketAggs: []OpenSearchAgg{{ID: "2", Type: "date_histogram", Field: a.TimeField,
				Settings: map[string]string{"interval": "1m", "min_doc_count": "0"}}},
		})
	}
	l.add(unitPanel("Errors indexed (OpenSearch "+a.ErrorIndex+")", "short",
		"ERROR documents per minute in each region's "+a.Collection+" collection, index "+a.ErrorIndex+".", counts...), 24, 8)
	w := 24
	if len(searched) > 1 {
		w = 12
	}
	for _, r := range searched {
		pn := Panel{
			Type: "table", Title: "Latest errors " + RegionLabel(r),
			Description: "The latest ERROR documents in " + a.ErrorIndex + " of " + a.Collection + " in " + r + ".",
			Targets: []Target{&OpenSearchQuery{
				Datasource: RefTo(openSearch(p, r)), QueryType: "lucene", Query: "*", TimeField: a.TimeField,
				Metrics:    []OpenSearchAgg{{ID: "1", Type: "raw_data", Settings: map[string]string{"size": strconv.Itoa(latestErrors)}}},
				BucketAggs: []OpenSearchAgg{},
			}},
		}
		l.add(pn, w, 10)
	}
}
