package config

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/platform"
	"github.com/o11yscale/o11yscale/constructs/slo"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// SLO is one Application Signals service level objective of a service
// (slo.Objective): `services[i].slos`. Its burn-rate alerts default to the
// SRE Workbook's two pages and a ticket (slo.DefaultBurnRateAlerts).
type SLO struct {
	// ID names the SLO within the service; the SLO is
	// "<name>-<service>-<id>". Required.
	ID string `yaml:"id" json:"id"`
	// Kind: availability (request-based, good over total) or latency (a
	// percentile under a threshold, period-based). Required.
	Kind SLOKind `yaml:"kind" json:"kind"`
	// Description of the SLO. Default: derived from the indicator.
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Goal is the attainment goal in percent, above 0 and below 100.
	// Default: 99.9.
	Goal float64 `yaml:"goal,omitempty" json:"goal,omitempty"`
	// Window is the rolling interval: whole days, hours or minutes, such as
	// 28d, 30d or 12h. Default: 30d.
	Window SLOWindow `yaml:"window,omitempty" json:"window,omitempty"`
	// Source: applicationSignals (default; the service's Availability or
	// Latency metric) or metrics (good/bad/total or latency below).
	Source SLOSource `yaml:"source,omitempty" json:"source,omitempty"`
	// Environment is the Application Signals environment, such as
	// lambda:default. Required with source applicationSignals.
	Environment string `yaml:"environment,omitempty" json:"environment,omitempty"`
	// Operation limits the SLO to one operation, such as "GET /checkout".
	Operation string `yaml:"operation,omitempty" json:"operation,omitempty"`
	// Good, Bad and Total count requests (availability with source
	// metrics: good or bad, and total).
	Good  SLOMetric `yaml:"good,omitempty" json:"good,omitempty"`
	Bad   SLOMetric `yaml:"bad,omitempty" json:"bad,omitempty"`
	Total SLOMetric `yaml:"total,omitempty" json:"total,omitempty"`
	// Latency is the latency metric in milliseconds (latency with source
	// metrics).
	Latency SLOMetric `yaml:"latency,omitempty" json:"latency,omitempty"`
	// Percentile of a latency SLO, such as p99 or p99.9. Default: p99.
	Percentile string `yaml:"percentile,omitempty" json:"percentile,omitempty"`
	// Threshold the percentile must stay under, such as 300ms. Required
	// for latency.
	Threshold time.Duration `yaml:"threshold,omitempty" json:"threshold,omitempty"`
	// Period of a latency SLO's periods, 1m-60m. Default: 1m.
	Period time.Duration `yaml:"period,omitempty" json:"period,omitempty"`
	// Alerts are the burn-rate alerts. Default (left out): the workbook's
	// fast-burn (2% in 1h and 5m, critical), slow-burn (5% in 6h and 30m,
	// high) and ticket (10% in 3d and 6h, low); an empty list creates none.
	Alerts []SLOAlert `yaml:"alerts,omitempty" json:"alerts,omitempty"`
	// RunbookURL of the SLO's alerts. Default: alarms.runbookUrl.
	RunbookURL string `yaml:"runbookUrl,omitempty" json:"runbookUrl,omitempty"`
}

// SLOMetric is one CloudWatch metric of an SLO (slo.MetricSource); a
// dimension value "{service}" is the service name.
type SLOMetric struct {
	Namespace  string            `yaml:"namespace,omitempty" json:"namespace,omitempty"`
	MetricName string            `yaml:"metricName,omitempty" json:"metricName,omitempty"`
	Dimensions map[string]string `yaml:"dimensions,omitempty" json:"dimensions,omitempty"`
	Stat       string            `yaml:"stat,omitempty" json:"stat,omitempty"`
}

// SLOAlert is one multi-window burn-rate alert (slo.BurnRateAlert): it
// fires when budgetPercent of the error budget burns within longWindow,
// confirmed by shortWindow. Its threshold is derived: budgetPercent/100 x
// window / longWindow.
type SLOAlert struct {
	ID            string        `yaml:"id" json:"id"`
	LongWindow    SLOWindow     `yaml:"longWindow" json:"longWindow"`
	ShortWindow   SLOWindow     `yaml:"shortWindow" json:"shortWindow"`
	BudgetPercent float64       `yaml:"budgetPercent" json:"budgetPercent"`
	Severity      AlarmSeverity `yaml:"severity,omitempty" json:"severity,omitempty"`
	Period        time.Duration `yaml:"period,omitempty" json:"period,omitempty"`
}

// SLOKind is availability or latency.
type SLOKind string

// SLOSource is applicationSignals or metrics.
type SLOSource string

// ApplicationSignals configures Application Signals discovery:
// `alarms.applicationSignals`.
type ApplicationSignals struct {
	// Discovery: auto (default: in every region when any service has
	// SLOs), always, or never (already enabled outside this app).
	Discovery DiscoveryMode `yaml:"discovery,omitempty" json:"discovery,omitempty"`
}

// DiscoveryMode is auto, always or never.
type DiscoveryMode string

var (
	sloKinds       = map[SLOKind]slo.Kind{"availability": slo.KindAvailability, "latency": slo.KindLatency}
	sloSources     = map[SLOSource]slo.Source{"applicationSignals": slo.SourceApplicationSignals, "metrics": slo.SourceMetrics}
	discoveryModes = map[DiscoveryMode]platform.DiscoveryMode{
		"auto": platform.DiscoveryAuto, "always": platform.DiscoveryAlways, "never": platform.DiscoveryNever,
	}
)

// Enum lists the accepted SLO kinds.
func (SLOKind) Enum() []string { return sortedKeys(sloKinds) }

// Enum lists the accepted SLO sources.
func (SLOSource) Enum() []string { return sortedKeys(sloSources) }

// Enum lists the accepted discovery modes.
func (DiscoveryMode) Enum() []string { return sortedKeys(discoveryModes) }

// SLOWindow is a window of whole days, hours or minutes: 30d, 6h, 5m.
type SLOWindow string

// WindowPattern is the form of an SLOWindow.
const WindowPattern = `^([1-9][0-9]{0,5})(d|h|m)$`

var windowRe = regexp.MustCompile(WindowPattern)

// Duration is the window's length; ok is false for a value that is not
// one.
func (w SLOWindow) Duration() (d time.Duration, ok bool) {
	m := windowRe.FindStringSubmatch(string(w))
	if m == nil {
		return 0, false
	}
	n, _ := strconv.Atoi(m[1])
	unit := map[string]time.Duration{"d": 24 * time.Hour, "h": time.Hour, "m": time.Minute}[m[2]]
	return time.Duration(n) * unit, true
}

// UnmarshalYAML accepts only the window form, so a typo names the field.
func (w *SLOWindow) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil || n.Kind != yaml.ScalarNode {
		return fmt.Errorf("a window of whole days, hours or minutes such as 30d, 6h or 5m")
	}
	if _, ok := SLOWindow(s).Duration(); !ok {
		return fmt.Errorf("a window of whole days, hours or minutes such as 30d, 6h or 5m")
	}
	*w = SLOWindow(s)
	return nil
}

// validateSLOs checks the config's own SLO fields (the enumerations and
// windows); everything else is checked on the props, with the same paths.
func (p *Platform) validateSLOs(v *validation.Errors) {
	if m := p.Alarms.ApplicationSignals.Discovery; m != "" {
		if _, ok := discoveryModes[m]; !ok {
			v.Add("alarms.applicationSignals.discovery", string(m), "one of always, auto, never")
		}
	}
	p.validateServiceSLOs(v)
}

// serviceSet is a list of services deployed to the same regions, and the
// config path of the list: the top-level services, or one workload
// account's.
type serviceSet struct {
	path     string
	services []Service
	regions  []string
}

// serviceSets are the top-level services of a single-account platform,
// or each workload account's services of an organization.
func (p *Platform) serviceSets() []serviceSet {
	if !p.Org() {
		return []serviceSet{{"services", p.Services, p.Regions}}
	}
	var out []serviceSet
	for i, a := range p.Accounts {
		out = append(out, serviceSet{validation.Index("accounts", i) + ".services", a.Services, a.Regions})
	}
	return out
}

// validateServiceSLOs checks every service's slos at its config path,
// services[i].slos[k] or accounts[i].services[j].slos[k]: first the
// config's own fields, then the props of each service with SLOs as the
// platform creates them in each of its regions. It needs no other
// section, so it also runs when an organization's accounts have other
// problems.
func (p *Platform) validateServiceSLOs(v *validation.Errors) {
	sets := p.serviceSets()
	for _, set := range sets {
		for i, svc := range set.services {
			for j, s := range svc.SLOs {
				at := validation.Index(validation.Index(set.path, i)+".slos", j)
				if _, ok := sloKinds[s.Kind]; !ok {
					v.Add(at+".kind", string(s.Kind), "one of availability, latency")
				}
				if _, ok := sloSources[s.Source]; s.Source != "" && !ok {
					v.Add(at+".source", string(s.Source), "one of applicationSignals, metrics")
				}
				for k, a := range s.Alerts {
					checkSeverity(v, validation.Index(at+".alerts", k)+".severity", a.Severity)
				}
			}
		}
	}
	// The objectives of the props are the service's slos; a problem the
	// config check found is not repeated.
	seen := map[string]bool{}
	for _, fe := range validation.Fields(v.Err()) {
		seen[fe.Error()] = true
	}
	for _, set := range sets {
		for i, svc := range set.services {
			if len(svc.SLOs) == 0 {
				continue
			}
			props := slo.ServiceSLOsProps{Name: p.Name, Service: svc.Name, Objectives: svc.sloObjectives(), RunbookURL: p.Alarms.Service.RunbookURL}
			for _, region := range set.regions {
				mergeNew(v, seen, "", props.ValidateAs(validation.Index(set.path, i)+".slos", region))
			}
		}
	}
}

// sloObjectives maps a service's slos to slo.Objective; enumerations the
// config check rejects are kept as written, so the props report them too
// (the duplicate is dropped by path).
func (s Service) sloObjectives() []slo.Objective {
	if len(s.SLOs) == 0 {
		return nil
	}
	out := make([]slo.Objective, len(s.SLOs))
	for i, c := range s.SLOs {
		window, _ := c.Window.Duration()
		o := slo.Objective{
			ID: c.ID, Kind: slo.Kind(c.Kind), Description: c.Description, Goal: c.Goal, Window: window,
			Source: slo.Source(c.Source), Environment: c.Environment, Operation: c.Operation,
			Good: c.Good.props(), Bad: c.Bad.props(), Total: c.Total.props(), Latency: c.Latency.props(),
			Percentile: c.Percentile, Threshold: c.Threshold, Period: c.Period, RunbookURL: c.RunbookURL,
		}
		if c.Alerts != nil {
			o.Alerts = make([]slo.BurnRateAlert, len(c.Alerts))
			for j, a := range c.Alerts {
				long, _ := a.LongWindow.Duration()
				short, _ := a.ShortWindow.Duration()
				o.Alerts[j] = slo.BurnRateAlert{ID: a.ID, LongWindow: long, ShortWindow: short, BudgetPercent: a.BudgetPercent,
					Severity: anomaly.Severity(a.Severity), Period: a.Period}
			}
		}
		out[i] = o
	}
	return out
}

func (m SLOMetric) props() slo.MetricSource {
	return slo.MetricSource{Namespace: m.Namespace, MetricName: m.MetricName, Dimensions: m.Dimensions, Stat: m.Stat}
}
