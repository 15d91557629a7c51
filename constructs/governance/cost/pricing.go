package cost

import (
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Price keys. Each key names the quantity its USD figure is quoted for
// (per GB, per 1,000 requests, per million traces, ...); a report line
// shows the price of one unit, the figure divided by that quantity.
const (
	PriceLogsIngestionStandard         = "logs.ingestionStandardPerGB"
	PriceLogsIngestionInfrequentAccess = "logs.ingestionInfrequentAccessPerGB"
	PriceLogsStorage                   = "logs.storagePerGBMonth"
	PriceLogsInsightsScanned           = "logs.insightsScannedPerGB"
	PriceS3Standard                    = "s3.standardPerGBMonth"
	PriceS3GlacierInstantRetrieval     = "s3.glacierInstantRetrievalPerGBMonth"
	PriceS3GlacierFlexibleRetrieval    = "s3.glacierFlexibleRetrievalPerGBMonth"
	PriceS3PutRequests                 = "s3.putRequestsPer1000"
	PriceXRayTracesRecorded            = "xray.tracesRecordedPerMillion"
	PriceMetricsFirst10k               = "cloudwatch.metricsFirst10kPerMonth"
	PriceMetricsNext240k               = "cloudwatch.metricsNext240kPerMonth"
	PriceMetricsNext750k               = "cloudwatch.metricsNext750kPerMonth"
	PriceMetricsOver1m                 = "cloudwatch.metricsOver1mPerMonth"
	PriceGetMetricData                 = "cloudwatch.getMetricDataPer1000Metrics"
	PriceAPIRequests                   = "cloudwatch.apiRequestsPer1000"
	PriceAlarmStandard                 = "cloudwatch.alarmStandardPerMonth"
	PriceAlarmHighResolution           = "cloudwatch.alarmHighResolutionPerMonth"
	PriceAlarmComposite                = "cloudwatch.compositeAlarmPerMonth"
	PriceMetricStreamUpdates           = "cloudwatch.metricStreamUpdatesPer1000"
	PriceKinesisShardHour              = "kinesis.shardHour"
	PriceKinesisPutPayloadUnits        = "kinesis.putPayloadUnitsPerMillion"
	PriceKinesisOnDemandStreamHour     = "kinesis.onDemandStreamHour"
	PriceKinesisOnDemandIngested       = "kinesis.onDemandIngestedPerGB"
	PriceFirehoseIngested              = "firehose.ingestedPerGB"
	PriceLambdaArm64GBSecond           = "lambda.arm64PerGBSecond"
	PriceLambdaX86GBSecond             = "lambda.x86PerGBSecond"
	PriceLambdaRequests                = "lambda.requestsPerMillion"
	PriceGrafanaEditor                 = "grafana.editorPerMonth"
	PriceGrafanaViewer                 = "grafana.viewerPerMonth"
	PriceOpenSearchServerlessOCUHour   = "opensearch.serverlessOCUHour"
	PriceOpenSearchServerlessStorage   = "opensearch.serverlessStoragePerGBMonth"
)

// Price set names shipped with the package.
const (
	// PriceSetUSEast1 holds AWS list prices for us-east-1. It is the default.
	PriceSetUSEast1 = "us-east-1-2026-11"
	// PriceSetSeed holds the seed's own figures over PriceSetUSEast1.
	PriceSetSeed = "seed"
)

// priceUnit says what one unit of a price key is and how many units its
// quoted figure covers.
type priceUnit struct {
	quantity float64 // units the quoted USD figure is for
	unit     string  // one unit, as shown on report lines
}

var priceKeys = map[string]priceUnit{
	PriceLogsIngestionStandard:         {1, "GB"},
	PriceLogsIngestionInfrequentAccess: {1, "GB"},
	PriceLogsStorage:                   {1, "GB-month"},
	PriceLogsInsightsScanned:           {1, "GB"},
	PriceS3Standard:                    {1, "GB-month"},
	PriceS3GlacierInstantRetrieval:     {1, "GB-month"},
	PriceS3GlacierFlexibleRetrieval:    {1, "GB-month"},
	PriceS3PutRequests:                 {1000, "request"},
	PriceXRayTracesRecorded:            {1e6, "trace"},
	PriceSpansIngested:                 {1, "GB"},
	PriceSpansIndexed:                  {1e6, "span"},
	PriceSpansIndexedFree:              {1e6, "span"},
	PriceMetricsFirst10k:               {1, "metric-month"},
	PriceMetricsNext240k:               {1, "metric-month"},
	PriceMetricsNext750k:               {1, "metric-month"},
	PriceMetricsOver1m:                 {1, "metric-month"},
	PriceGetMetricData:                 {1000, "metric requested"},
	PriceAPIRequests:                   {1000, "request"},
	PriceAlarmStandard:                 {1, "alarm metric-month"},
	PriceAlarmHighResolution:           {1, "alarm metric-month"},
	PriceAlarmComposite:                {1, "composite alarm-month"},
	PriceMetricStreamUpdates:           {1000, "metric update"},
	PriceKinesisShardHour:              {1, "shard-hour"},
	PriceKinesisPutPayloadUnits:        {1e6, "PUT payload unit"},
	PriceKinesisOnDemandStreamHour:     {1, "stream-hour"},
	PriceKinesisOnDemandIngested:       {1, "GB"},
	PriceFirehoseIngested:              {1, "GB"},
	PriceLambdaArm64GBSecond:           {1, "GB-second"},
	PriceLambdaX86GBSecond:             {1, "GB-second"},
	PriceLambdaRequests:                {1e6, "request"},
	PriceGrafanaEditor:                 {1, "editor-month"},
	PriceGrafanaViewer:                 {1, "viewer-month"},
	PriceOpenSearchServerlessOCUHour:   {1, "OCU-hour"},
	PriceOpenSearchServerlessStorage:   {1, "GB-month"},
}

// PriceKeys lists every price key, sorted.
func PriceKeys() []string {
	keys := make([]string, 0, len(priceKeys))
	for k := range priceKeys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Price is one figure of a price set.
type Price struct {
	// USD is the figure as quoted for the key's quantity, e.g. 5.00 for
	// "xray.tracesRecordedPerMillion".
	USD float64
	// Source says where the figure comes from: a URL or "seed text, section X".
	Source string
}

// PriceSet is a complete, resolved table of prices.
type PriceSet struct {
	// Name identifies the set, e.g. "us-east-1-2026-11".
	Name string
	// Base is the set this one was merged over, if any.
	Base string
	// Description says what the set represents.
	Description string
	// Currency is always "USD".
	Currency string
	// BytesPerGB is the number of bytes in one billed GB (1e9 or 2^30).
	BytesPerGB float64
	// BytesPerGBSource says why.
	BytesPerGBSource string
	// Prices maps every price key to its figure.
	Prices map[string]Price
}

// UnitPrice is the USD price of one unit of key (the quoted figure divided
// by the quantity it is quoted for) and the unit's name.
// An unknown key prices at 0 with an empty unit.
func (ps PriceSet) UnitPrice(key string) (usd float64, unit string) {
	u, ok := priceKeys[key]
	if !ok {
		return 0, ""
	}
	return ps.Prices[key].USD / u.quantity, u.unit
}

// priceFile is the on-disk shape of pricing/*.json.
type priceFile struct {
	Name        string `json:"name"`
	Base        string `json:"base"`
	Description string `json:"description"`
	Currency    string `json:"currency"`
	BytesPerGB  *struct {
		Value  float64 `json:"value"`
		Source string  `json:"source"`
	} `json:"bytesPerGB"`
	Prices map[string]priceJSON `json:"prices"`
}

//go:embed pricing/*.json
var pricingFS embed.FS

// PriceSetNames lists the embedded price sets, sorted.
func PriceSetNames() []string {
	entries, err := pricingFS.ReadDir("pricing")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(names)
	return names
}

// LoadPriceSet returns the embedded price set called name, merged over its
// base chain, and checks that every price key has a figure and a source.
func LoadPriceSet(name string) (PriceSet, error) {
	return loadPriceSet(name, 0)
}

func loadPriceSet(name string, depth int) (PriceSet, error) {
	if depth > 8 {
		return PriceSet{}, fmt.Errorf("price set %q: base chain deeper than 8 (a cycle?)", name)
	}
	raw, err := pricingFS.ReadFile("pricing/" + name + ".json")
	if err != nil {
		return PriceSet{}, fmt.Errorf("price set %q: unknown; known sets are %s", name, strings.Join(PriceSetNames(), ", "))
	}
	var f priceFile
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return PriceSet{}, fmt.Errorf("price set %q: %w", name, err)
	}
	if f.Name != name {
		return PriceSet{}, fmt.Errorf("price set file %q: name %q does not match the file name", name, f.Name)
	}
	ps := PriceSet{Name: name, Base: f.Base, Description: f.Description, Currency: f.Currency, Prices: map[string]Price{}}
	if f.Base != "" {
		base, err := loadPriceSet(f.Base, depth+1)
		if err != nil {
			return PriceSet{}, fmt.Errorf("price set %q: base: %w", name, err)
		}
		ps.BytesPerGB, ps.BytesPerGBSource = base.BytesPerGB, base.BytesPerGBSource
		for k, p := range base.Prices {
			ps.Prices[k] = p
		}
		if ps.Currency == "" {
			ps.Currency = base.Currency
		}
	}
	if f.BytesPerGB != nil {
		ps.BytesPerGB, ps.BytesPerGBSource = f.BytesPerGB.Value, f.BytesPerGB.Source
	}
	for k, p := range f.Prices {
		if _, ok := priceKeys[k]; !ok {
			return PriceSet{}, fmt.Errorf("price set %q: unknown price key %q; known keys are %s", name, k, strings.Join(PriceKeys(), ", "))
		}
		ps.Prices[k] = Price(p)
	}
	if err := ps.check(); err != nil {
		return PriceSet{}, fmt.Errorf("price set %q: %w", name, err)
	}
	return ps, nil
}

// check reports a missing, negative or unsourced figure.
func (ps PriceSet) check() error {
	var v validation.Errors
	if ps.Currency != "USD" {
		v.Add("currency", ps.Currency, `"USD"`)
	}
	if !(ps.BytesPerGB > 0) || math.IsInf(ps.BytesPerGB, 0) {
		v.Add("bytesPerGB", ps.BytesPerGB, "a positive number of bytes, 1e9 (GB) or 1073741824 (GiB)")
	}
	if ps.BytesPerGBSource == "" {
		v.Add("bytesPerGB.source", "", "a source for the GB definition")
	}
	for _, k := range PriceKeys() {
		p, ok := ps.Prices[k]
		path := validation.Join("prices", k)
		switch {
		case !ok:
			v.Add(path, nil, "a figure for every price key")
		case !finiteNonNegative(p.USD):
			v.Add(path+".usd", p.USD, "a finite price of 0 or more")
		case p.Source == "":
			v.Add(path+".source", "", "the source of the figure (URL or seed section)")
		}
	}
	return v.Err()
}

// Pricing selects the price set in the platform config: a named base set
// plus a partial override map.
type Pricing struct {
	// Base names the embedded price set to start from.
	// Default: "us-east-1-2026-11". "seed" reproduces the seed's examples.
	Base string
	// Overrides maps price keys (see PriceKeys) to a USD figure quoted for
	// the key's own quantity, e.g. {"xray.tracesRecordedPerMillion": 5.5}.
	// Default: none.
	Overrides map[string]float64
	// BytesPerGB overrides the set's GB definition (1e9 or 1073741824).
	// Default: the base set's (1e9 for both embedded sets).
	BytesPerGB float64
}

func (p Pricing) base() string {
	if p.Base == "" {
		return PriceSetUSEast1
	}
	return p.Base
}

// Validate reports an unknown base, unknown override keys and negative or
// non-finite figures.
func (p Pricing) Validate() error {
	var v validation.Errors
	known := false
	for _, n := range PriceSetNames() {
		known = known || n == p.base()
	}
	if !known {
		v.Add("base", p.Base, "one of %s", strings.Join(PriceSetNames(), ", "))
	}
	for _, k := range sortedKeys(p.Overrides) {
		path := validation.Key("overrides", k)
		if _, ok := priceKeys[k]; !ok {
			v.Add(path, k, "a price key: %s", strings.Join(PriceKeys(), ", "))
			continue
		}
		if !finiteNonNegative(p.Overrides[k]) {
			v.Add(path, p.Overrides[k], "a finite USD figure of 0 or more")
		}
	}
	if p.BytesPerGB != 0 && !(p.BytesPerGB >= 1 && p.BytesPerGB <= 1<<40) {
		v.Add("bytesPerGB", p.BytesPerGB, "0 (the base set's) or a byte count from 1 to 2^40, usually 1e9 or 1073741824")
	}
	return v.Err()
}

// Resolve loads the base set and merges the overrides over it; every
// overridden figure's source becomes "config override of <base>".
func (p Pricing) Resolve() (PriceSet, error) {
	if err := p.Validate(); err != nil {
		return PriceSet{}, err
	}
	ps, err := LoadPriceSet(p.base())
	if err != nil {
		return PriceSet{}, err
	}
	if len(p.Overrides) == 0 && p.BytesPerGB == 0 {
		return ps, nil
	}
	merged := make(map[string]Price, len(ps.Prices))
	for k, v := range ps.Prices {
		merged[k] = v
	}
	for k, usd := range p.Overrides {
		merged[k] = Price{USD: usd, Source: fmt.Sprintf("config override of %s (was %g: %s)", ps.Name, ps.Prices[k].USD, ps.Prices[k].Source)}
	}
	ps.Prices = merged
	ps.Base, ps.Name = ps.Name, ps.Name+"+overrides"
	if p.BytesPerGB != 0 {
		ps.BytesPerGB, ps.BytesPerGBSource = p.BytesPerGB, "config override"
	}
	return ps, nil
}

func finiteNonNegative(x float64) bool { return x >= 0 && !math.IsInf(x, 0) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
