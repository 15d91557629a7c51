package dashboard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// SchemaVersion is the Grafana dashboard schema the model is written in.
const SchemaVersion = 39

// Dashboard is a Grafana dashboard JSON model. Folder is not part of the
// model: it says which folder the provisioner files the dashboard in.
type Dashboard struct {
	UID           string      `json:"uid"`
	Title         string      `json:"title"`
	Description   string      `json:"description,omitempty"`
	Tags          []string    `json:"tags"`
	Timezone      string      `json:"timezone"`
	Editable      bool        `json:"editable"`
	GraphTooltip  int         `json:"graphTooltip"`
	Refresh       string      `json:"refresh"`
	Time          TimeRange   `json:"time"`
	Templating    Templating  `json:"templating"`
	Panels        []Panel     `json:"panels"`
	SchemaVersion int         `json:"schemaVersion"`
	Folder        string      `json:"-"`
	Links         []Link      `json:"links"`
	Annotations   Annotations `json:"annotations"`
}

// TimeRange is the dashboard's default time range.
type TimeRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Templating holds the template variables.
type Templating struct {
	List []Variable `json:"list"`
}

// Annotations holds annotation queries; the generated dashboards have none
// beyond Grafana's built-in one, which Grafana adds itself.
type Annotations struct {
	List []struct{} `json:"list"`
}

// Link is a dashboard link.
type Link struct {
	Title      string   `json:"title"`
	Type       string   `json:"type"`
	Tags       []string `json:"tags"`
	AsDropdown bool     `json:"asDropdown"`
}

// Variable is a custom template variable whose values are fixed at
// generation time.
type Variable struct {
	Name       string `json:"name"`
	Label      string `json:"label"`
	Type       string `json:"type"`
	Query      string `json:"query"`
	Multi      bool   `json:"multi"`
	IncludeAll bool   `json:"includeAll"`
	// AllValue is what the variable expands to when All is selected;
	// empty, Grafana joins every option.
	AllValue string           `json:"allValue,omitempty"`
	Current  VariableOption   `json:"current"`
	Options  []VariableOption `json:"options"`
}

// VariableOption is one value of a variable.
type VariableOption struct {
	Text     any  `json:"text"`
	Value    any  `json:"value"`
	Selected bool `json:"selected"`
}

// GridPos places a panel on Grafana's 24-column grid.
type GridPos struct {
	H int `json:"h"`
	W int `json:"w"`
	X int `json:"x"`
	Y int `json:"y"`
}

// DataSourceRef points at a data source by type and uid.
type DataSourceRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// Panel is one visualization.
type Panel struct {
	ID              int           `json:"id"`
	Type            string        `json:"type"`
	Title           string        `json:"title"`
	Description     string        `json:"description,omitempty"`
	GridPos         GridPos       `json:"gridPos"`
	Datasource      DataSourceRef `json:"datasource"`
	Targets         []Target      `json:"targets"`
	FieldConfig     FieldConfig   `json:"fieldConfig"`
	Options         PanelOptions  `json:"options"`
	Repeat          string        `json:"repeat,omitempty"`
	RepeatDirection string        `json:"repeatDirection,omitempty"`
	MaxPerRow       int           `json:"maxPerRow,omitempty"`
}

// FieldConfig sets units and display overrides.
type FieldConfig struct {
	Defaults  FieldDefaults `json:"defaults"`
	Overrides []Override    `json:"overrides"`
}

// FieldDefaults applies to every series of a panel.
type FieldDefaults struct {
	Unit   string      `json:"unit"`
	Min    *float64    `json:"min,omitempty"`
	Custom FieldCustom `json:"custom"`
}

// FieldCustom holds the time series style.
type FieldCustom struct {
	DrawStyle   string   `json:"drawStyle"`
	LineWidth   int      `json:"lineWidth"`
	FillOpacity int      `json:"fillOpacity"`
	Stacking    Stacking `json:"stacking"`
}

// Stacking stacks series, so a stacked panel also shows the total.
type Stacking struct {
	Mode  string `json:"mode"`
	Group string `json:"group"`
}

// Override changes the display of the series matched by Matcher.
type Override struct {
	Matcher    Matcher    `json:"matcher"`
	Properties []Property `json:"properties"`
}

// Matcher selects series, e.g. {id: byFrameRefID, options: "B"}.
type Matcher struct {
	ID      string `json:"id"`
	Options string `json:"options"`
}

// Property is one overridden field property.
type Property struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// PanelOptions holds legend and tooltip settings.
type PanelOptions struct {
	Legend  Legend  `json:"legend"`
	Tooltip Tooltip `json:"tooltip"`
}

// Legend settings.
type Legend struct {
	DisplayMode string   `json:"displayMode"`
	Placement   string   `json:"placement"`
	ShowLegend  bool     `json:"showLegend"`
	Calcs       []string `json:"calcs"`
}

// Tooltip settings.
type Tooltip struct {
	Mode string `json:"mode"`
	Sort string `json:"sort"`
}

// Target is one query of a panel.
type Target interface {
	// DataSource is the data source the query runs against.
	DataSource() DataSourceRef
	setRefID(string)
	refID() string
}

// CloudWatchQuery is a CloudWatch metrics query in Grafana's query model.
// With Expression set it is a code-mode metric math or SEARCH query.
type CloudWatchQuery struct {
	RefID      string        `json:"refId"`
	Datasource DataSourceRef `json:"datasource"`
	QueryMode  string        `json:"queryMode"`
	Region     string        `json:"region"`
	// AccountID is the linked account the query reads in a CloudWatch
	// cross-account observability monitoring account: an account id,
	// "all" or a variable such as $account. Empty (single-account
	// platforms) reads the data source's own account.
	AccountID  string     `json:"accountId,omitempty"`
	Namespace  string     `json:"namespace"`
	MetricName string     `json:"metricName"`
	Dimensions Dimensions `json:"dimensions"`
	MatchExact bool       `json:"matchExact"`
	Statistic  string     `json:"statistic"`
	Period     string     `json:"period"`
	Label      string     `json:"label"`
	// Alias is the pre-Grafana-9 spelling of Label, kept identical so
	// older workspaces show the same series names.
	Alias            string `json:"alias"`
	Expression       string `json:"expression"`
	ID               string `json:"id"`
	MetricQueryType  int    `json:"metricQueryType"`
	MetricEditorMode int    `json:"metricEditorMode"`
	// Hide keeps a query an expression reads out of the panel.
	Hide bool `json:"hide,omitempty"`
}

// DataSource implements Target.
func (q *CloudWatchQuery) DataSource() DataSourceRef { return q.Datasource }
func (q *CloudWatchQuery) setRefID(id string)        { q.RefID = id }
func (q *CloudWatchQuery) refID() string             { return q.RefID }

// XRayQuery is a query of the X-Ray data source.
type XRayQuery struct {
	RefID      string        `json:"refId"`
	Datasource DataSourceRef `json:"datasource"`
	QueryType  string        `json:"queryType"`
	Query      string        `json:"query"`
	Columns    []string      `json:"columns"`
	Region     string        `json:"region"`
}

// DataSource implements Target.
func (q *XRayQuery) DataSource() DataSourceRef { return q.Datasource }
func (q *XRayQuery) setRefID(id string)        { q.RefID = id }
func (q *XRayQuery) refID() string             { return q.RefID }

// Dimensions are CloudWatch dimensions. A single value renders as a string
// (as in the seed), several as a list, which Grafana turns into a search.
// JSON object keys are sorted, so output is deterministic.
type Dimensions map[string][]string

// MarshalJSON renders single values as strings.
func (d Dimensions) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(d))
	for k, v := range d {
		if len(v) == 1 {
			m[k] = v[0]
		} else {
			m[k] = v
		}
	}
	return json.Marshal(m)
}

// Render returns d's canonical JSON: struct fields in a fixed order, map
// keys sorted, two-space indent and a final newline.
func Render(d Dashboard) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("rendering dashboard %q: %w", d.UID, err)
	}
	return buf.Bytes(), nil
}

// newDashboard returns a dashboard with the settings all generated
// dashboards share.
func newDashboard(p Platform, uid, title, folder string, tags ...string) Dashboard {
	name := or(p.Name, DefaultName)
	return Dashboard{
		UID:           uid,
		Title:         title,
		Tags:          append([]string{name}, tags...),
		Timezone:      "browser",
		Editable:      false,
		GraphTooltip:  1,
		Refresh:       "1m",
		Time:          TimeRange{From: "now-6h", To: "now"},
		Templating:    Templating{List: []Variable{}},
		SchemaVersion: SchemaVersion,
		Folder:        folder,
		Links:         []Link{{Title: name, Type: "dashboards", Tags: []string{name}, AsDropdown: true}},
		Annotations:   Annotations{List: []struct{}{}},
	}
}

// layout places panels left to right in rows of 24 columns and numbers
// them 1, 2, 3... in insertion order, so ids stay stable as long as the
// generator's panel order does.
type layout struct {
	d      *Dashboard
	x, y   int
	rowMax int
}

func (l *layout) add(p Panel, w, h int) {
	if l.x+w > 24 {
		l.x, l.y, l.rowMax = 0, l.y+l.rowMax, 0
	}
	p.ID = len(l.d.Panels) + 1
	p.GridPos = GridPos{H: h, W: w, X: l.x, Y: l.y}
	l.x += w
	l.rowMax = max(l.rowMax, h)
	for i, t := range p.Targets {
		t.setRefID(refID(i))
	}
	p.Datasource = panelDataSource(p.Targets)
	if p.Type == "" {
		p.Type = "timeseries"
	}
	if p.FieldConfig.Overrides == nil {
		p.FieldConfig.Overrides = []Override{}
	}
	if p.FieldConfig.Defaults.Custom.DrawStyle == "" {
		p.FieldConfig.Defaults.Custom = FieldCustom{DrawStyle: "line", LineWidth: 1, FillOpacity: 10, Stacking: Stacking{Mode: "none", Group: "A"}}
	}
	if p.Options.Legend.DisplayMode == "" {
		p.Options = PanelOptions{
			Legend:  Legend{DisplayMode: "table", Placement: "bottom", ShowLegend: true, Calcs: []string{"mean", "max"}},
			Tooltip: Tooltip{Mode: "multi", Sort: "desc"},
		}
	}
	l.d.Panels = append(l.d.Panels, p)
}

// refID names the i-th target A..Z, then AA, AB, ...
func refID(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// panelDataSource is the targets' common data source, or Mixed.
func panelDataSource(ts []Target) DataSourceRef {
	var refs []DataSourceRef
	for _, t := range ts {
		if r := t.DataSource(); !slices.Contains(refs, r) {
			refs = append(refs, r)
		}
	}
	if len(refs) == 1 {
		return refs[0]
	}
	return DataSourceRef{Type: "datasource", UID: mixedUID}
}
