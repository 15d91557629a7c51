package config

import (
	"slices"

	"github.com/o11yscale/o11yscale/constructs/metricstream"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Metrics configures the central stream and, per region, how metrics get
// there.
type Metrics struct {
	Central   metricstream.CentralProps   `yaml:"central,omitempty" json:"central,omitempty"`
	Forwarder metricstream.ForwarderProps `yaml:"forwarder,omitempty" json:"forwarder,omitempty"`
	Stream    metricstream.StreamProps    `yaml:"stream,omitempty" json:"stream,omitempty"`
	// Regions picks, per workload region, "forwarder" (default), "stream"
	// or "both".
	Regions map[string]string `yaml:"regions,omitempty" json:"regions,omitempty"`
}

// Metric delivery modes per region.
const (
	DeliverForwarder = "forwarder"
	DeliverStream    = "stream"
	DeliverBoth      = "both"
)

// Delivery returns the metric delivery mode of a region.
func (m Metrics) Delivery(region string) string {
	if d := m.Regions[region]; d != "" {
		return d
	}
	return DeliverForwarder
}

func (p *Platform) validateMetrics(v *validation.Errors) {
	v.Merge("metrics.central", p.Metrics.Central.Validate())
	v.Merge("metrics.stream", p.Metrics.Stream.Validate())
	// Without declared metrics the stacks derive a set from the services.
	if f := p.Metrics.Forwarder; len(f.Metrics) > 0 || len(f.Searches) > 0 {
		v.Merge("metrics.forwarder", f.Validate())
	}
	for r, mode := range p.Metrics.Regions {
		if !slices.Contains(p.Regions, r) {
			v.Add(validation.Key("metrics.regions", r), r, "one of the workload regions %v", p.Regions)
		}
		if mode != DeliverForwarder && mode != DeliverStream && mode != DeliverBoth {
			v.Add(validation.Key("metrics.regions", r), mode, "forwarder, stream or both")
		}
	}
}
