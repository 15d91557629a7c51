package cost

import (
	"fmt"
)

// alarms prices one service's (or the region's shared) alarms: per alarm
// metric, an anomaly detection alarm as 3 standard alarm metrics, a
// composite alarm per alarm; detectors are not billed and only named.
func (e *estimator) alarms(service, region string, a Alarms) {
	e.addBoth(ComponentAlarms, service, region, "standard resolution alarm metrics", float64(a.Standard), PriceAlarmStandard,
		"one per single-metric alarm, one per metric a metric-math alarm reads (per-metric billing of math alarms unverified)")
	e.addBoth(ComponentAlarms, service, region, "high resolution alarm metrics", float64(a.HighResolution), PriceAlarmHighResolution, "")
	note := fmt.Sprintf("%d alarms × 3 alarm metrics each", a.Anomaly)
	if a.Detectors > 0 {
		note += fmt.Sprintf("; their %d anomaly detectors are not billed on their own", a.Detectors)
	}
	e.addBoth(ComponentAlarms, service, region, "anomaly detection alarms", float64(a.Anomaly*3), PriceAlarmStandard, note)
	e.addBoth(ComponentAlarms, service, region, "composite alarms", float64(a.Composite), PriceAlarmComposite, "")
}
