package config

import (
	"strings"

	"github.com/o11yscale/o11yscale/constructs/grafana"
	"github.com/o11yscale/o11yscale/constructs/metricstream"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

func (p *Platform) validateGrafana(v *validation.Errors) {
	g := p.Grafana
	for field, set := range map[string]bool{"centralRegion": g.CentralRegion != "", "regions": len(g.Regions) > 0, "services": len(g.Services) > 0} {
		if set {
			v.Add("grafana."+field, field, "unset: it comes from the platform's own %s", field)
		}
	}
	// Regions and services are reported once, at their own paths above.
	for _, fe := range validation.Fields(p.GrafanaProps().Validate()) {
		if !strings.HasPrefix(fe.Path, "regions") && !strings.HasPrefix(fe.Path, "services") && !strings.HasPrefix(fe.Path, "centralRegion") {
			v.Add(validation.Join("grafana", fe.Path), fe.Value, fe.Allowed)
		}
	}
}

// GrafanaProps returns the grafana section with the platform's regions,
// services, API and stream names filled in.
func (p *Platform) GrafanaProps() grafana.Props {
	g := p.Grafana
	g.CentralRegion, g.Regions, g.Services = p.CentralRegion, p.Regions, p.ServiceNames()
	if g.APIName == "" {
		for _, s := range p.Services {
			if s.ApiName != "" {
				g.APIName = s.ApiName
				break
			}
		}
	}
	if g.CentralStreamName == "" {
		g.CentralStreamName = metricstream.Names{Platform: p.Name}.Stream()
	}
	if g.WorkspaceName == "" {
		g.WorkspaceName = p.Name
	}
	return g
}
