package dashboard

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/o11yscale/o11yscale/constructs/validation"
	enricher "github.com/o11yscale/o11yscale/lambdas/enricher/contract"
)

// SLO is one Application Signals SLO of a service, as the SLO dashboard
// row graphs it. The SLO exists under the same name in every workload
// region.
type SLO struct {
	// Service the SLO belongs to; one of Platform.Services.
	Service string
	// Name is the SLO name (its SloName dimension).
	Name string
	// Goal is the attainment goal in percent, above 0 and below 100.
	Goal float64
	// Windows are the burn-rate look-back windows in minutes.
	Windows []int
}

// SLOUID is the uid of p's SLO dashboard.
func SLOUID(p Platform) string { return platformName(p) + "-slos" }

var sloNameRe = regexp.MustCompile(`^[0-9A-Za-z][-._0-9A-Za-z ]{0,126}[0-9A-Za-z]$`)

func validateSLOs(v *validation.Errors, p Platform) {
	seen := map[string]bool{}
	for i, s := range p.SLOs {
		at := validation.Index("slos", i)
		if !slices.Contains(p.Services, s.Service) {
			v.Add(at+".service", s.Service, "one of the platform's services")
		}
		switch {
		case !sloNameRe.MatchString(s.Name):
			v.Add(at+".name", s.Name, "an SLO name of 2-128 letters, digits, '-', '.', '_' or spaces")
		case seen[s.Name]:
			v.Add(at+".name", s.Name, "each SLO once")
		}
		seen[s.Name] = true
		if s.Goal <= 0 || s.Goal >= 100 {
			v.Add(at+".goal", s.Goal, "an attainment goal above 0 and below 100 percent")
		}
		for j, w := range s.Windows {
			if w < 1 || w > 10080 {
				v.Add(validation.Index(at+".windows", j), w, "1-10080 minutes")
			}
		}
	}
}

// sloPanels is the SLO row of one service: attainment, error budget
// remaining and burn rate of each of its SLOs in every workload region.
func sloPanels(p Platform, service string, slos []SLO) []Panel {
	var attain, budget, burn []Target
	for i, s := range slos {
		for j, r := range p.Regions {
			label := s.Name + " " + r
			attainment := func() *CloudWatchQuery {
				return metric(r, enricher.SLOMetricNamespace, enricher.SLOMetricAttainmentRate, dims(enricher.SLODimensionName, s.Name), "Average", label)
			}
			attain = append(attain, attainment())
			// budget remaining = (attainment - goal) / (100 - goal) x 100
			hidden := attainment()
			hidden.ID, hidden.Hide = fmt.Sprintf("att%d_%d", i, j), true
			expr := &CloudWatchQuery{
				Datasource: RefTo(cloudWatch(r)), QueryMode: "Metrics", Region: r, MetricQueryType: 0, MetricEditorMode: 1,
				ID:         fmt.Sprintf("budget%d_%d", i, j),
				Expression: fmt.Sprintf("(%s - %s) / %s * 100", hidden.ID, formatPercent(s.Goal), formatPercent(100-s.Goal)),
				Period:     strconv.Itoa(periodSeconds), Label: label, Alias: label,
			}
			budget = append(budget, hidden, expr)
			for _, w := range s.Windows {
				burn = append(burn, metric(r, enricher.SLOMetricNamespace, enricher.SLOMetricBurnRate,
					dims(enricher.SLODimensionName, s.Name, enricher.SLODimensionBurnRateWindow, strconv.Itoa(w)), "Maximum",
					fmt.Sprintf("%s %s %s", s.Name, enricher.WindowName(w), r)))
			}
		}
	}
	panels := []Panel{
		unitPanel(service+": SLO attainment", "percent", "AttainmentRate of each SLO of "+service+" over its interval, per region.", attain...),
		unitPanel(service+": error budget remaining", "percent", "(attainment - goal) / (100 - goal): the share of each SLO's error budget left; below 0 it is overspent.", budget...),
		unitPanel(service+": burn rate", "short", "BurnRate of each SLO per look-back window (Maximum); 1 spends the budget exactly over the SLO's interval.", burn...),
	}
	// Attainment sits near 100 and a spent budget below 0: no floor.
	for i := range panels {
		panels[i].FieldConfig.Defaults.Min = nil
	}
	return panels
}

// SLOOverview is the SLO dashboard: one row per service with SLOs
// (attainment, error budget remaining, burn rate), in service order.
func SLOOverview(p Platform) Dashboard {
	p = p.WithDefaults()
	d := newDashboard(p, SLOUID(p), "Service Level Objectives", PlatformFolder(p).UID, "slo")
	d.Description = fmt.Sprintf("Application Signals SLOs of %d services across %d workload regions.", len(servicesWithSLOs(p)), len(p.Regions))
	l := layout{d: &d}
	for _, svc := range servicesWithSLOs(p) {
		for _, pn := range sloPanels(p, svc, slosOf(p, svc)) {
			l.add(pn, 8, 8)
		}
	}
	return withAccounts(p, d)
}

func servicesWithSLOs(p Platform) []string {
	var out []string
	for _, s := range p.Services {
		if len(slosOf(p, s)) > 0 {
			out = append(out, s)
		}
	}
	return out
}

func slosOf(p Platform, service string) []SLO {
	var out []SLO
	for _, s := range p.SLOs {
		if s.Service == service {
			out = append(out, s)
		}
	}
	return out
}

func formatPercent(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }
