package platform

import (
	"fmt"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/sampling"
)

// Trace sampling: the X-Ray rule an ordinary request of each service
// matches (any method and path, so method-specific rules are skipped).
// With no matching rule X-Ray's built-in default applies: one request a
// second, then 5%
// (https://docs.aws.amazon.com/xray/latest/devguide/xray-console-sampling.html).
var _ = registerCostPart("traces", func(d *costDerivation) {
	rules := d.pl.samplingProps().Rules
	for i := range d.services {
		s := &d.services[i]
		rule, ok := sampling.RateFor(rules, sampling.Request{ServiceName: s.Name})
		name := rule.Name
		if name == "" {
			name = fmt.Sprintf("priority %d, serviceName %q", rule.Priority, rule.ServiceName)
		}
		from := fmt.Sprintf("sampling rule (%s): reservoir %d/s, fixedRate %g", name, rule.ReservoirSize, rule.FixedRate)
		if !ok {
			rule = sampling.Rule{FixedRate: 0.05, ReservoirSize: 1}
			from = "X-Ray's default rule (no sampling rule matches): reservoir 1/s, fixedRate 0.05"
		}
		s.Traces.BaselineRate, s.Traces.ReservoirPerSecond = rule.FixedRate, float64(rule.ReservoirSize)
		d.source(s, cost.SourceTraces, from)
	}
})
