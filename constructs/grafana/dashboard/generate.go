package dashboard

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
)

// Stable dashboard uids: the platform name (Platform.Name, after
// defaults) followed by the dashboard's kind, e.g. "o11yscale-global-api".

// GlobalAPIUID is the uid of p's Global API Performance dashboard.
func GlobalAPIUID(p Platform) string { return platformName(p) + "-global-api" }

// PipelineUID is the uid of p's pipeline health dashboard.
func PipelineUID(p Platform) string { return platformName(p) + "-pipeline" }

// LogTiersUID is the uid of p's log tier volumes dashboard.
func LogTiersUID(p Platform) string { return platformName(p) + "-log-tiers" }

// platformName is p.Name or its default.
func platformName(p Platform) string { return or(p.Name, DefaultName) }

// periodSeconds is the period of every query: the seed's 60 s, which is
// also CloudWatch's standard resolution.
const periodSeconds = 60

// logGroupChunkBytes bounds the log group names one query lists, so the
// SEARCH expression Grafana builds from them stays under CloudWatch's
// 1,024-character limit for search expressions.
const logGroupChunkBytes = 700

// All generates every dashboard for p: Global API Performance, pipeline
// health, log tier volumes, one RED dashboard per service and, when p has
// SLOs, the SLO dashboard, in that order. p is validated first.
func All(p Platform) ([]Dashboard, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	p = p.WithDefaults()
	out := []Dashboard{GlobalAPIPerformance(p), PipelineHealth(p), LogTierVolumes(p)}
	for _, s := range p.Services {
		out = append(out, ServiceRED(p, s))
	}
	if len(p.SLOs) > 0 {
		out = append(out, SLOOverview(p))
	}
	return out, nil
}

// metric is a builder-mode CloudWatch query against the data source of
// region.
func metric(region, namespace, name string, dims Dimensions, stat, label string) *CloudWatchQuery {
	return &CloudWatchQuery{
		Datasource: RefTo(cloudWatch(region)),
		QueryMode:  "Metrics",
		Region:     region,
		Namespace:  namespace,
		MetricName: name,
		Dimensions: dims,
		MatchExact: true,
		Statistic:  stat,
		Period:     strconv.Itoa(periodSeconds),
		Label:      label,
		Alias:      label,
	}
}

func dims(kv ...string) Dimensions {
	d := Dimensions{}
	for i := 0; i+1 < len(kv); i += 2 {
		d[kv[i]] = append(d[kv[i]], kv[i+1])
	}
	return d
}

// orAll returns name, or the "*" wildcard when name is empty; a wildcard
// matches every value of the dimension, so MatchExact must be off.
func orAll(q *CloudWatchQuery, dim, name string) *CloudWatchQuery {
	if name == "" {
		q.Dimensions = dims(dim, "*")
		q.MatchExact = false
		q.Label = "${PROP('Dim." + dim + "')} " + q.Label
		q.Alias = q.Label
	}
	return q
}

func unitPanel(title, unit, description string, targets ...Target) Panel {
	zero := 0.0
	return Panel{
		Title:       title,
		Description: description,
		Targets:     targets,
		FieldConfig: FieldConfig{Defaults: FieldDefaults{Unit: unit, Min: &zero}},
	}
}

// perRegion builds one target per workload region.
func perRegion(p Platform, f func(region, label string) Target) []Target {
	out := make([]Target, 0, len(p.Regions))
	for _, r := range p.Regions {
		out = append(out, f(r, RegionLabel(r)))
	}
	return out
}

// GlobalAPIPerformance is the seed's "Global API Performance" dashboard:
// requests by region with one CloudWatch target per workload region (the
// seed lists the namespace, metric and statistic only on its first target;
// here every target is complete), plus latency percentiles and 5xx by region.
func GlobalAPIPerformance(p Platform) Dashboard {
	p = p.WithDefaults()
	d := newDashboard(p, GlobalAPIUID(p), "Global API Performance", PlatformFolder(p).UID, "global", "api")
	d.Description = fmt.Sprintf("API Gateway %s across %d workload regions.", p.APIName, len(p.Regions))
	l := layout{d: &d}
	api := dims("ApiName", p.APIName)
	apiMetric := func(name, stat string) func(string, string) Target {
		return func(r, label string) Target { return metric(r, "AWS/ApiGateway", name, api, stat, label) }
	}
	l.add(unitPanel("Requests by Region", "short", "Requests per minute (Sum of Count) in each workload region.",
		perRegion(p, apiMetric("Count", "Sum"))...), 12, 8)
	l.add(unitPanel("5xx by Region", "short", "Server errors per minute (Sum of 5XXError) in each workload region.",
		perRegion(p, apiMetric("5XXError", "Sum"))...), 12, 8)
	for _, pct := range []string{"p50", "p90", "p99"} {
		l.add(unitPanel("Latency "+pct+" by Region", "ms", "API Gateway Latency "+pct+" in each workload region.",
			perRegion(p, apiMetric("Latency", pct))...), 8, 8)
	}
	return withAccounts(p, d)
}

// ServiceRED is the rate, errors and duration dashboard of one service.
// Its region variable selects workload regions; each panel repeats per
// selected region.
func ServiceRED(p Platform, service string) Dashboard {
	p = p.WithDefaults()
	m := p.ServiceMetrics
	d := newDashboard(p, ServiceUID(p, service), service+" RED", ServicesFolder(p).UID, "red", "service")
	d.Description = fmt.Sprintf("Rate, errors and duration of %s (%s %s=%s).", service, m.Namespace, m.Dimension, service)
	d.Templating.List = []Variable{regionVariable(p.Regions)}
	l := layout{d: &d}
	q := func(name, stat, label string) Target {
		t := metric(p.CentralRegion, m.Namespace, name, dims(m.Dimension, service), stat, label+" $region")
		t.Region = "$region"
		return t
	}
	repeat := func(pn Panel) Panel {
		pn.Repeat, pn.RepeatDirection, pn.MaxPerRow = "region", "h", 3
		return pn
	}
	l.add(repeat(unitPanel("Rate $region", "short", "Requests per minute (Sum of "+m.Requests+").",
		q(m.Requests, "Sum", "requests"))), 24, 8)
	l.add(repeat(unitPanel("Errors $region", "short", "Errors per minute (Sum of "+m.Errors+").",
		q(m.Errors, "Sum", "errors"))), 24, 8)
	l.add(repeat(unitPanel("Duration $region", "ms", m.Duration+" p50, p90 and p99.",
		q(m.Duration, "p50", "p50"), q(m.Duration, "p90", "p90"), q(m.Duration, "p99", "p99"))), 24, 8)
	return withAccounts(p, d)
}

func regionVariable(regions []string) Variable {
	v := Variable{
		Name: "region", Label: "Region", Type: "custom",
		Query: strings.Join(regions, ","), Multi: true, IncludeAll: true,
		Current: VariableOption{Text: []string{"All"}, Value: []string{"$__all"}, Selected: true},
		Options: []VariableOption{{Text: "All", Value: "$__all", Selected: true}},
	}
	for _, r := range regions {
		v.Options = append(v.Options, VariableOption{Text: r, Value: r})
	}
	return v
}

// ServiceUID is the uid of service's RED dashboard of p,
// "<name>-red-<service>": at most 40 characters (Grafana's limit), with a
// hash suffix when the name had to be cut so long names stay unique.
func ServiceUID(p Platform, service string) string {
	uid := platformName(p) + "-red-" + service
	if len(uid) <= 40 {
		return uid
	}
	sum := sha256.Sum256([]byte(service))
	return uid[:31] + "-" + hex.EncodeToString(sum[:4])
}

// PipelineHealth shows the observability pipeline itself: the regional
// forwarder and log router (EMF self-metrics, per workload region), and
// the central Kinesis stream and Firehose.
func PipelineHealth(p Platform) Dashboard {
	p = p.WithDefaults()
	d := newDashboard(p, PipelineUID(p), "Observability Pipeline Health", PlatformFolder(p).UID, "pipeline")
	d.Description = "Forwarder and log router self-metrics per workload region; central stream and delivery in " + p.CentralRegion + "."
	l := layout{d: &d}
	emf := func(function, name, stat, what string) func(string, string) Target {
		return func(r, label string) Target {
			return metric(r, p.PipelineNamespace, name, dims("Function", function), stat, what+" "+label)
		}
	}
	l.add(unitPanel("Forwarder datapoints read", "short", "DatapointsRead per minute, by region.",
		perRegion(p, emf(contract.FunctionName, contract.MetricDatapointsRead, "Sum", "read"))...), 8, 8)
	l.add(unitPanel("Forwarder records put / failed", "short", "RecordsPut and RecordsFailed per minute, by region.",
		append(perRegion(p, emf(contract.FunctionName, contract.MetricRecordsPut, "Sum", "put")),
			perRegion(p, emf(contract.FunctionName, contract.MetricRecordsFailed, "Sum", "failed"))...)...), 8, 8)
	l.add(unitPanel("Forwarder lag", "s", "LagSeconds (Maximum): how far the forwarder's window trails now.",
		perRegion(p, emf(contract.FunctionName, contract.MetricLagSeconds, "Maximum", "lag"))...), 8, 8)
	l.add(unitPanel("Log router forwarded / failed", "short", "EventsForwarded and RecordsFailed per minute, by region.",
		append(perRegion(p, emf("logrouter", "EventsForwarded", "Sum", "forwarded")),
			perRegion(p, emf("logrouter", "RecordsFailed", "Sum", "failed"))...)...), 12, 8)
	c := p.CentralRegion
	l.add(unitPanel("Firehose delivery freshness", "s", "Age of the oldest record not yet delivered to S3 (DeliveryToS3.DataFreshness, Maximum).",
		orAll(inMonitoringAccount(p, metric(c, "AWS/Firehose", "DeliveryToS3.DataFreshness", dims("DeliveryStreamName", p.DeliveryStreamName), "Maximum", "freshness")), "DeliveryStreamName", p.DeliveryStreamName)), 12, 8)
	l.add(unitPanel("Kinesis iterator age", "ms", "GetRecords.IteratorAgeMilliseconds (Maximum) of the central stream.",
		orAll(inMonitoringAccount(p, metric(c, "AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", dims("StreamName", p.CentralStreamName), "Maximum", "iterator age")), "StreamName", p.CentralStreamName)), 12, 8)
	l.add(unitPanel("Kinesis write throttles", "short", "WriteProvisionedThroughputExceeded (Sum) of the central stream.",
		orAll(inMonitoringAccount(p, metric(c, "AWS/Kinesis", "WriteProvisionedThroughputExceeded", dims("StreamName", p.CentralStreamName), "Sum", "throttled")), "StreamName", p.CentralStreamName)), 12, 8)
	return withAccounts(p, d)
}

// LogTierVolumes shows incoming bytes of every tier log group, stacked
// per tier, and traces recorded by X-Ray against requests received; with
// the analysis tier on, also the ERROR documents indexed per minute and
// the latest errors of each region (from OpenSearch).
func LogTierVolumes(p Platform) Dashboard {
	p = p.WithDefaults()
	d := newDashboard(p, LogTiersUID(p), "Log Tier Volumes and Sampling", PlatformFolder(p).UID, "logs", "sampling")
	d.Description = "CloudWatch Logs IncomingBytes per tier log group (" + p.LogGroupPrefix + "/<service>/<tier>) and X-Ray sampling."
	l := layout{d: &d}
	for _, tier := range p.LogTiers {
		var groups []string
		for _, s := range p.Services {
			groups = append(groups, p.LogGroupName(s, tier))
		}
		var targets []Target
		for _, r := range p.Regions {
			for _, chunk := range chunkNames(groups, logGroupChunkBytes) {
				q := metric(r, "AWS/Logs", "IncomingBytes", Dimensions{"LogGroupName": chunk}, "Sum",
					"${PROP('Dim.LogGroupName')} "+r)
				targets = append(targets, q)
			}
		}
		pn := unitPanel("Incoming bytes: "+tier+" tier", "decbytes",
			"IncomingBytes per minute of each "+tier+" log group, stacked, so the top of the stack is the tier's total.", targets...)
		pn.FieldConfig.Defaults.Custom = FieldCustom{DrawStyle: "line", LineWidth: 1, FillOpacity: 30, Stacking: Stacking{Mode: "normal", Group: "A"}}
		l.add(pn, 12, 8)
	}
	// Traces recorded by X-Ray (sampled) against requests the API received.
	var targets []Target
	var overrides []Override
	for _, r := range p.Regions {
		targets = append(targets, metric(r, "AWS/ApiGateway", "Count", dims("ApiName", p.APIName), "Sum", "received "+RegionLabel(r)))
		targets = append(targets, &XRayQuery{
			Datasource: DataSourceRef{Type: XRayType, UID: XRayUID},
			QueryType:  "getTimeSeriesServiceStatistics",
			Query:      fmt.Sprintf("service(%q)", p.APIName),
			Columns:    []string{"TotalCount"},
			Region:     r,
		})
	}
	pn := unitPanel("Traces sampled vs received: "+p.APIName, "short",
		"Requests received (API Gateway Count) against traces X-Ray recorded (TotalCount of the service), per region.", targets...)
	l.add(pn, 24, 8)
	// X-Ray series carry no label field; name them by refId once refIds
	// are assigned.
	last := &d.Panels[len(d.Panels)-1]
	for _, t := range last.Targets {
		if x, ok := t.(*XRayQuery); ok {
			overrides = append(overrides, Override{
				Matcher:    Matcher{ID: "byFrameRefID", Options: x.RefID},
				Properties: []Property{{ID: "displayName", Value: "sampled " + RegionLabel(x.Region)}},
			})
		}
	}
	last.FieldConfig.Overrides = overrides
	addErrorPanels(p, &l)
	return withAccounts(p, d)
}

// chunkNames splits names into runs whose quoted, OR-joined length stays
// within budget; a single name over budget gets a run of its own.
func chunkNames(names []string, budget int) [][]string {
	var out [][]string
	var cur []string
	size := 0
	for _, n := range names {
		cost := len(n) + len(`"" OR `)
		if len(cur) > 0 && size+cost > budget {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, n)
		size += cost
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// ContentHash is a SHA-256 over everything provisioned for p: data
// sources, folders and each rendered dashboard with its folder. The
// construct passes it as a custom resource property, so any change to the
// generated content (including a generator change) makes CloudFormation
// send an Update.
func ContentHash(p Platform) (string, error) {
	ds, err := All(p)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	meta, err := json.Marshal(struct {
		DataSources []DataSource
		Folders     []Folder
	}{DataSources(p), Folders(p)})
	if err != nil {
		return "", err
	}
	h.Write(meta)
	for _, d := range ds {
		b, err := Render(d)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "\n%s\n%s\n", d.Folder, d.UID)
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
