package platform

import (
	"fmt"

	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/governance/cost"
)

// Alarms: each service's anomaly-band alarms and detectors, error-rate
// alarm and health composite, counted from the same plan
// anomaly.NewServiceAlarms builds them from, in every region; the billing
// alarm in us-east-1. Alarms the construct tree holds beyond these (any
// other CfnAlarm or CfnCompositeAlarm) are added by countTreeAlarms once
// the constructs exist.
var _ = registerCostPart("alarms", func(d *costDerivation) {
	for i := range d.services {
		s := &d.services[i]
		c := d.pl.serviceAlarmsProps(Service{Name: s.Name, APIName: d.props[i].APIName}, nil).Counts()
		s.Alarms = cost.Alarms{Standard: c.StaticMetrics, HighResolution: c.StaticHighResolutionMetrics, Anomaly: c.Band, Composite: c.Composite, Detectors: c.Detectors}
		d.source(s, cost.SourceAlarms, fmt.Sprintf("alarms.service: %d anomaly-band alarms and detectors, %d error-rate alarm(s) reading 2 metrics, %d health composite", c.Band, c.Static, c.Composite))
	}
	if !d.p.Billing.Disabled {
		// One alarm on the sum of one EstimatedCharges metric per billed
		// service: a metric-math alarm reading each.
		n := len(governance.BillingServices())
		d.arch.SharedAlarms = map[string]cost.Alarms{governance.BillingRegion: {Standard: n}}
		d.archSource(cost.SourceAlarms, fmt.Sprintf("billing: the EstimatedCharges alarm, reading %d metrics", n))
	}
})
