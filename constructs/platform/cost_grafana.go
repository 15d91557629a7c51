package platform

import (
	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/grafana"
)

// Grafana users are priced only when the platform creates a workspace.
var _ = registerCostPart("grafana", func(d *costDerivation) {
	g := d.p.GrafanaProps(nil)
	if g.Mode == "" {
		g.Mode = grafana.DefaultMode
	}
	d.arch.NoGrafanaWorkspace = !g.DeploysWorkspace()
	if d.arch.NoGrafanaWorkspace {
		d.archSource(cost.SourceGrafana, "grafana.mode "+string(g.Mode)+": no Managed Grafana workspace, users not priced")
		return
	}
	d.archSource(cost.SourceGrafana, "grafana.mode "+string(g.Mode)+" (workspace); users from cost.volumes.grafana")
})
