package cost

import (
	"fmt"
	"sort"
)

// Units of the model. A month is 30 days, as the seed computes
// ($2,160/day = $64,800/month).
const (
	DaysPerMonth    = 30
	SecondsPerMonth = DaysPerMonth * 24 * 60 * 60 // 2,592,000
	HoursPerMonth   = DaysPerMonth * 24           // 720
	MinutesPerMonth = DaysPerMonth * 24 * 60      // 43,200
)

// AWS billing rules the formulas use.
const (
	// glacierMinimumDays is the minimum storage duration of both Glacier
	// classes; objects deleted earlier are billed for it.
	glacierMinimumDays = 90
	// kinesisPayloadUnitBytes is one PUT payload unit (25 KB chunks).
	kinesisPayloadUnitBytes = 25 * 1024
	// kinesisOnDemandRoundBytes is the on-demand data-in rounding per record.
	kinesisOnDemandRoundBytes = 1024
	// firehoseRoundBytes is Firehose's ingestion rounding per record (5 KB).
	firehoseRoundBytes = 5 * 1024
	// putMetricDataMaxMetrics is the metrics one PutMetricData call carries.
	putMetricDataMaxMetrics = 1000
	// emfMaxMetrics is the metrics one EMF directive carries.
	emfMaxMetrics = 100
	// seedSeriesPerMetricLimit is the seed's quick-reference cardinality limit.
	seedSeriesPerMetricLimit = 10000
	// shardRecordsPerSecond and shardBytesPerSecond are one shard's write capacity.
	shardRecordsPerSecond = 1000
	shardBytesPerSecond   = 1e6
)

// Architecture kinds compared by the report.
const (
	Naive    = "naive"
	Declared = "declared"
)

// SharedService names the lines not attributable to one service (forwarder
// Lambdas, the central stream's shards, Grafana).
const SharedService = "(shared)"

// Component groups report lines.
type Component string

// Components, in report order.
const (
	ComponentLogs   Component = "logs"
	ComponentTraces Component = "traces"
	// ComponentSpans is X-Ray Transaction Search (estimate_spans.go),
	// reported right after the per-trace X-Ray lines.
	ComponentSpans         Component = "spans"
	ComponentMetrics       Component = "metrics"
	ComponentAlarms        Component = "alarms"
	ComponentForwarding    Component = "forwarding"
	ComponentMetricStreams Component = "metricStreams"
	ComponentGrafana       Component = "grafana"
)

var componentOrder = [...]Component{ComponentLogs, ComponentTraces, ComponentSpans, ComponentMetrics, ComponentAlarms, ComponentForwarding, ComponentMetricStreams, ComponentGrafana}

// AllComponents lists the components in report order.
func AllComponents() []Component { return append([]Component(nil), componentOrder[:]...) }

func componentIndex(c Component) int {
	for i, x := range componentOrder {
		if x == c {
			return i
		}
	}
	return len(componentOrder)
}

// Line is one priced quantity: Quantity × UnitPriceUSD = CostUSD.
type Line struct {
	// Architecture is "naive" or "declared".
	Architecture string
	// Component groups the line.
	Component Component
	// Account is the name of the account billed for the line (a workload
	// account, or the monitoring account for shared and central lines);
	// empty in a single-account platform.
	Account string
	// Service is the service, or SharedService.
	Service string
	// Region is where the cost is billed.
	Region string
	// Item says what is counted.
	Item string
	// Quantity is the monthly amount in Unit.
	Quantity float64
	// Unit is one unit of Quantity.
	Unit string
	// UnitPriceUSD is the price of one Unit.
	UnitPriceUSD float64
	// PriceKey is the price set entry the unit price comes from.
	PriceKey string
	// CostUSD is Quantity × UnitPriceUSD.
	CostUSD float64
	// Note states an assumption or a billing rule applied to the line.
	Note string
	// Source names the config field or resource the line's quantity came
	// from (Architecture.Sources and Service.Sources); empty when nothing
	// was named.
	Source string
}

// Estimate prices the naive and the declared architecture for volumes v.
// It validates v and a first; prices must be a complete set (LoadPriceSet
// or Pricing.Resolve).
func Estimate(v Volumes, a Architecture, prices PriceSet) (*Report, error) {
	if err := v.Validate(); err != nil {
		return nil, fmt.Errorf("cost volumes: %w", err)
	}
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("cost architecture: %w", err)
	}
	if err := prices.check(); err != nil {
		return nil, fmt.Errorf("price set %q: %w", prices.Name, err)
	}
	serviceRegions := 0
	for _, s := range v.Services {
		serviceRegions += len(s.Regions)
	}
	e := &estimator{
		lines:            make([]Line, 0, 48*serviceRegions+16),
		a:                a.WithDefaults(),
		ps:               prices,
		seriesByRegion:   map[string]float64{},
		forwarderRegions: map[string]bool{},
	}
	services := make([]Service, len(v.Services))
	copy(services, v.Services)
	sort.SliceStable(services, func(i, j int) bool {
		if services[i].Name != services[j].Name {
			return services[i].Name < services[j].Name
		}
		return services[i].Account < services[j].Account
	})
	for _, s := range services {
		regions := make([]RegionTraffic, len(s.Regions))
		copy(regions, s.Regions)
		sort.Slice(regions, func(i, j int) bool { return regions[i].Region < regions[j].Region })
		for _, r := range regions {
			e.serviceRegion(s, r)
		}
	}
	e.customMetricTiers()
	for _, key := range sortedKeys(e.a.SharedAlarms) {
		e.from = e.a.Sources[SourceAlarms]
		account, region := SplitAccountRegion(key)
		e.account = e.a.MonitoringAccount.Name
		if account != "" {
			e.account = account
		}
		e.alarms(SharedService, region, e.a.SharedAlarms[key])
	}
	e.from, e.account = "", ""
	e.shared(v.Grafana)
	r := newReport(e)
	if a.Analysis != nil {
		if err := r.addAnalysis(v, *a.Analysis); err != nil {
			return nil, err
		}
	}
	return r, nil
}

type estimator struct {
	a                Architecture
	ps               PriceSet
	lines            []Line
	warnings         []string
	seriesByRegion   map[string]float64
	seriesLines      []int // indexes of series lines priced once region totals are known
	forwarderRegions map[string]bool
	// kinesis is the monthly records and bytes written to the central
	// stream, per architecture (0 naive, 1 declared).
	kinesisRecords [2]float64
	kinesisBytes   [2]float64
	// spansWarned: the unverified span prices were warned about once.
	spansWarned bool
	// from is the Source of the lines being added.
	from string
	// account is the Account of the lines being added.
	account string
	// assumed lists the service-regions priced from assumed traffic.
	assumed []string
}

// source joins the named sources, skipping empty ones.
func source(parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += "; "
		}
		out += p
	}
	return out
}

// inRegions reports whether region is in regions; nil means every region.
func inRegions(regions []string, region string) bool {
	if regions == nil {
		return true
	}
	for _, r := range regions {
		if r == region {
			return true
		}
	}
	return false
}

var architectures = [2]string{Naive, Declared}

// add appends a line priced from key; zero quantities are left out.
func (e *estimator) add(arch string, c Component, service, region, item string, qty float64, key, note string) {
	if qty == 0 {
		return
	}
	price, unit := e.ps.UnitPrice(key)
	e.lines = append(e.lines, Line{Architecture: arch, Component: c, Account: e.account, Service: service, Region: region, Item: item,
		Quantity: qty, Unit: unit, UnitPriceUSD: price, PriceKey: key, CostUSD: qty * price, Note: note, Source: e.from})
}

// addBoth appends the same line to both architectures.
func (e *estimator) addBoth(c Component, service, region, item string, qty float64, key, note string) {
	for _, arch := range architectures {
		e.add(arch, c, service, region, item, qty, key, note)
	}
}

// central runs add with the lines billed to the monitoring account (the
// central stream, archive and Grafana), then restores the account.
func (e *estimator) central(add func()) {
	saved := e.account
	e.account = e.a.MonitoringAccount.Name
	add()
	e.account = saved
}

func (e *estimator) serviceRegion(s Service, r RegionTraffic) {
	e.account = s.Account
	defer func() { e.account = "" }()
	traffic := s.Sources[SourceTraffic]
	if r.Assumed {
		traffic = source("assumed traffic", traffic)
		name := s.Name
		if s.Account != "" {
			name = s.Account + "/" + s.Name
		}
		e.assumed = append(e.assumed, name+" in "+r.Region)
	}
	e.logs(s, r, traffic)
	e.from = source(traffic, s.Sources[SourceTraces], e.a.Sources[SourceTraces])
	e.traces(s, r)
	e.from = source(traffic, s.Sources[SourceTraces], e.a.Sources[SourceSpans])
	e.spans(s, r)
	e.from = source(traffic, s.Sources[SourceMetrics], e.a.Sources[SourceMetrics])
	e.metrics(s, r)
	e.from = s.Sources[SourceAlarms]
	e.alarms(s.Name, r.Region, s.Alarms)
	if inRegions(e.a.ForwarderRegions, r.Region) {
		e.from = source(s.Sources[SourceForwarding], e.a.Sources[SourceForwarding])
		e.forwarding(s, r.Region)
	}
	if inRegions(e.a.StreamRegions, r.Region) {
		e.from = source(s.Sources[SourceMetricStreams], e.a.Sources[SourceMetricStreams])
		e.metricStreams(s, r.Region)
	}
	e.from = ""
}
