package cost

import "time"

// The JSON wire format of Report (cost/report.json). The exported types carry
// no tags; these private mirrors name every key, and the to*JSON functions
// copy field for field.

type architectureJSON struct {
	CentralRegion      string                `json:"centralRegion,omitempty"`
	Logs               logArchitectureJSON   `json:"logs,omitempty"`
	MetricPublishing   metricPublishingJSON  `json:"metricPublishing,omitempty"`
	Forwarder          forwarderJSON         `json:"forwarder,omitempty"`
	Kinesis            kinesisStreamJSON     `json:"kinesis,omitempty"`
	MetricStreams      metricStreamsJSON     `json:"metricStreams,omitempty"`
	MetricArchive      metricArchiveJSON     `json:"metricArchive,omitempty"`
	Naive              naiveArchitectureJSON `json:"naive,omitempty"`
	ForwarderRegions   []string              `json:"forwarderRegions,omitempty"`
	StreamRegions      []string              `json:"streamRegions,omitempty"`
	SharedAlarms       map[string]alarmsJSON `json:"sharedAlarms,omitempty"`
	NoGrafanaWorkspace bool                  `json:"noGrafanaWorkspace,omitempty"`
	Sources            map[string]string     `json:"sources,omitempty"`
	Accounts           []accountRefJSON      `json:"accounts,omitempty"`
	MonitoringAccount  *accountRefJSON       `json:"monitoringAccount,omitempty"`
}

type accountRefJSON struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

type alarmsJSON struct {
	Standard       int `json:"standard,omitempty"`
	HighResolution int `json:"highResolution,omitempty"`
	Anomaly        int `json:"anomaly,omitempty"`
	Composite      int `json:"composite,omitempty"`
	Detectors      int `json:"detectors,omitempty"`
}

type logArchitectureJSON struct {
	Tiers            logTierRoutesJSON `json:"tiers,omitempty"`
	CompressionRatio float64           `json:"compressionRatio,omitempty"`
	S3Delivery       string            `json:"s3Delivery,omitempty"`
	S3ObjectMB       float64           `json:"s3ObjectMB,omitempty"`
}

type logTierRoutesJSON struct {
	Error tierRouteJSON `json:"error,omitempty"`
	Warn  tierRouteJSON `json:"warn,omitempty"`
	Info  tierRouteJSON `json:"info,omitempty"`
	Debug tierRouteJSON `json:"debug,omitempty"`
}

type tierRouteJSON struct {
	Destination       Destination `json:"destination,omitempty"`
	Class             string      `json:"class,omitempty"`
	RetentionDays     int         `json:"retentionDays,omitempty"`
	GlacierAfterDays  int         `json:"glacierAfterDays,omitempty"`
	GlacierClass      string      `json:"glacierClass,omitempty"`
	InsightsScanShare float64     `json:"insightsScanShare,omitempty"`
}

type metricPublishingJSON struct {
	Mode             string        `json:"mode,omitempty"`
	FlushInterval    time.Duration `json:"flushInterval,omitempty"`
	EMFBytesPerEvent int           `json:"emfBytesPerEvent,omitempty"`
	EMFRetentionDays int           `json:"emfRetentionDays,omitempty"`
}

type forwarderJSON struct {
	Period              time.Duration `json:"period,omitempty"`
	Schedule            time.Duration `json:"schedule,omitempty"`
	StatisticsPerMetric int           `json:"statisticsPerMetric,omitempty"`
	DatapointBytes      int           `json:"datapointBytes,omitempty"`
	LambdaMemoryMB      int           `json:"lambdaMemoryMB,omitempty"`
	LambdaDuration      time.Duration `json:"lambdaDuration,omitempty"`
	LambdaArchitecture  string        `json:"lambdaArchitecture,omitempty"`
}

type kinesisStreamJSON struct {
	Mode   string `json:"mode,omitempty"`
	Shards int    `json:"shards,omitempty"`
}

type metricStreamsJSON struct {
	UpdateBytes int `json:"updateBytes,omitempty"`
}

type metricArchiveJSON struct {
	GlacierAfterDays int `json:"glacierAfterDays,omitempty"`
	ExpireAfterDays  int `json:"expireAfterDays,omitempty"`
}

type naiveArchitectureJSON struct {
	LogRetentionDays int `json:"logRetentionDays,omitempty"`
}

func toArchitectureJSON(v Architecture) architectureJSON {
	return architectureJSON{
		CentralRegion:      v.CentralRegion,
		Logs:               toLogArchitectureJSON(v.Logs),
		MetricPublishing:   toMetricPublishingJSON(v.MetricPublishing),
		Forwarder:          toForwarderJSON(v.Forwarder),
		Kinesis:            toKinesisStreamJSON(v.Kinesis),
		MetricStreams:      toMetricStreamsJSON(v.MetricStreams),
		MetricArchive:      toMetricArchiveJSON(v.MetricArchive),
		Naive:              toNaiveArchitectureJSON(v.Naive),
		ForwarderRegions:   v.ForwarderRegions,
		StreamRegions:      v.StreamRegions,
		SharedAlarms:       toAlarmsJSON(v.SharedAlarms),
		NoGrafanaWorkspace: v.NoGrafanaWorkspace,
		Sources:            v.Sources,
		Accounts:           toAccountRefsJSON(v.Accounts),
		MonitoringAccount:  toMonitoringJSON(v.MonitoringAccount),
	}
}

func toAccountRefsJSON(refs []AccountRef) []accountRefJSON {
	if refs == nil {
		return nil
	}
	out := make([]accountRefJSON, len(refs))
	for i, a := range refs {
		out[i] = accountRefJSON(a)
	}
	return out
}

func toMonitoringJSON(a AccountRef) *accountRefJSON {
	if a == (AccountRef{}) {
		return nil
	}
	out := accountRefJSON(a)
	return &out
}

func toAlarmsJSON(m map[string]Alarms) map[string]alarmsJSON {
	if m == nil {
		return nil
	}
	out := make(map[string]alarmsJSON, len(m))
	for k, a := range m {
		out[k] = alarmsJSON(a)
	}
	return out
}

func toLogArchitectureJSON(v LogArchitecture) logArchitectureJSON {
	return logArchitectureJSON{
		Tiers:            toLogTierRoutesJSON(v.Tiers),
		CompressionRatio: v.CompressionRatio,
		S3Delivery:       v.S3Delivery,
		S3ObjectMB:       v.S3ObjectMB,
	}
}

func toLogTierRoutesJSON(v LogTierRoutes) logTierRoutesJSON {
	return logTierRoutesJSON{
		Error: toTierRouteJSON(v.Error),
		Warn:  toTierRouteJSON(v.Warn),
		Info:  toTierRouteJSON(v.Info),
		Debug: toTierRouteJSON(v.Debug),
	}
}

func toTierRouteJSON(v TierRoute) tierRouteJSON {
	return tierRouteJSON{
		Destination:       v.Destination,
		Class:             v.Class,
		RetentionDays:     v.RetentionDays,
		GlacierAfterDays:  v.GlacierAfterDays,
		GlacierClass:      v.GlacierClass,
		InsightsScanShare: v.InsightsScanShare,
	}
}

func toMetricPublishingJSON(v MetricPublishing) metricPublishingJSON {
	return metricPublishingJSON{
		Mode:             v.Mode,
		FlushInterval:    v.FlushInterval,
		EMFBytesPerEvent: v.EMFBytesPerEvent,
		EMFRetentionDays: v.EMFRetentionDays,
	}
}

func toForwarderJSON(v Forwarder) forwarderJSON {
	return forwarderJSON{
		Period:              v.Period,
		Schedule:            v.Schedule,
		StatisticsPerMetric: v.StatisticsPerMetric,
		DatapointBytes:      v.DatapointBytes,
		LambdaMemoryMB:      v.LambdaMemoryMB,
		LambdaDuration:      v.LambdaDuration,
		LambdaArchitecture:  v.LambdaArchitecture,
	}
}

func toKinesisStreamJSON(v KinesisStream) kinesisStreamJSON {
	return kinesisStreamJSON{
		Mode:   v.Mode,
		Shards: v.Shards,
	}
}

func toMetricStreamsJSON(v MetricStreams) metricStreamsJSON {
	return metricStreamsJSON{
		UpdateBytes: v.UpdateBytes,
	}
}

func toMetricArchiveJSON(v MetricArchive) metricArchiveJSON {
	return metricArchiveJSON{
		GlacierAfterDays: v.GlacierAfterDays,
		ExpireAfterDays:  v.ExpireAfterDays,
	}
}

func toNaiveArchitectureJSON(v NaiveArchitecture) naiveArchitectureJSON {
	return naiveArchitectureJSON{
		LogRetentionDays: v.LogRetentionDays,
	}
}

type reportJSON struct {
	PriceSet     priceSetJSON     `json:"priceSet"`
	Units        unitsJSON        `json:"units"`
	Architecture architectureJSON `json:"architecture"`
	Total        rowJSON          `json:"total"`
	ByComponent  []rowJSON        `json:"byComponent"`
	ByRegion     []rowJSON        `json:"byRegion"`
	ByService    []rowJSON        `json:"byService"`
	// The account views exist only for an organization platform.
	ByAccount       []accountRowJSON `json:"byAccount,omitempty"`
	ByAccountRegion []accountRowJSON `json:"byAccountRegion,omitempty"`
	Warnings        []string         `json:"warnings,omitempty"`
	Assumptions     []string         `json:"assumptions"`
	Assumed         []string         `json:"assumed,omitempty"`
	Lines           []lineJSON       `json:"lines"`
}

type priceSetJSON struct {
	Name             string               `json:"name"`
	Base             string               `json:"base,omitempty"`
	Description      string               `json:"description,omitempty"`
	Currency         string               `json:"currency"`
	BytesPerGB       float64              `json:"bytesPerGB"`
	BytesPerGBSource string               `json:"bytesPerGBSource"`
	Prices           map[string]priceJSON `json:"prices"`
}

// priceJSON is one figure, in the report and in pricing/*.json.
type priceJSON struct {
	USD    float64 `json:"usd"`
	Source string  `json:"source"`
}

type unitsJSON struct {
	Currency        string  `json:"currency"`
	BytesPerGB      float64 `json:"bytesPerGB"`
	DaysPerMonth    int     `json:"daysPerMonth"`
	SecondsPerMonth int     `json:"secondsPerMonth"`
}

type rowJSON struct {
	Name           string  `json:"name"`
	Naive          float64 `json:"naiveUSD"`
	Declared       float64 `json:"declaredUSD"`
	Savings        float64 `json:"savingsUSD"`
	SavingsPercent float64 `json:"savingsPercent"`
	Note           string  `json:"note,omitempty"`
}

type accountRowJSON struct {
	Account        string  `json:"account"`
	ID             string  `json:"id"`
	Region         string  `json:"region,omitempty"`
	Naive          float64 `json:"naiveUSD"`
	Declared       float64 `json:"declaredUSD"`
	Savings        float64 `json:"savingsUSD"`
	SavingsPercent float64 `json:"savingsPercent"`
}

func toAccountRowsJSON(rows []AccountRow) []accountRowJSON {
	if rows == nil {
		return nil
	}
	out := make([]accountRowJSON, len(rows))
	for i, a := range rows {
		out[i] = accountRowJSON{Account: a.Account, ID: a.ID, Region: a.Region, Naive: a.Naive, Declared: a.Declared, Savings: a.Savings, SavingsPercent: a.SavingsPercent}
	}
	return out
}

type lineJSON struct {
	Architecture string    `json:"architecture"`
	Component    Component `json:"component"`
	Account      string    `json:"account,omitempty"`
	Service      string    `json:"service"`
	Region       string    `json:"region"`
	Item         string    `json:"item"`
	Quantity     float64   `json:"quantity"`
	Unit         string    `json:"unit"`
	UnitPriceUSD float64   `json:"unitPriceUSD"`
	PriceKey     string    `json:"priceKey,omitempty"`
	CostUSD      float64   `json:"costUSD"`
	Note         string    `json:"note,omitempty"`
	Source       string    `json:"source,omitempty"`
}

func toReportJSON(r Report) reportJSON {
	prices := make(map[string]priceJSON, len(r.PriceSet.Prices))
	for k, p := range r.PriceSet.Prices {
		prices[k] = priceJSON(p)
	}
	ps := r.PriceSet
	out := reportJSON{
		PriceSet: priceSetJSON{Name: ps.Name, Base: ps.Base, Description: ps.Description, Currency: ps.Currency,
			BytesPerGB: ps.BytesPerGB, BytesPerGBSource: ps.BytesPerGBSource, Prices: prices},
		Units:           unitsJSON(r.Units),
		Architecture:    toArchitectureJSON(r.Architecture),
		Total:           rowJSON(r.Total),
		ByComponent:     toRowsJSON(r.ByComponent),
		ByRegion:        toRowsJSON(r.ByRegion),
		ByService:       toRowsJSON(r.ByService),
		ByAccount:       toAccountRowsJSON(r.ByAccount),
		ByAccountRegion: toAccountRowsJSON(r.ByAccountRegion),
		Warnings:        r.Warnings,
		Assumptions:     r.Assumptions,
		Assumed:         r.Assumed,
	}
	if r.Lines != nil {
		out.Lines = make([]lineJSON, len(r.Lines))
		for i, l := range r.Lines {
			out.Lines[i] = lineJSON(l)
		}
	}
	return out
}

func toRowsJSON(rows []Row) []rowJSON {
	if rows == nil {
		return nil
	}
	out := make([]rowJSON, len(rows))
	for i, r := range rows {
		out[i] = rowJSON(r)
	}
	return out
}
