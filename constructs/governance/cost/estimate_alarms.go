package cost

import (
	"fmt"
)

func (e *estimator) alarms(s Service, region string) {
	e.addBoth(ComponentAlarms, s.Name, region, "standard resolution alarms", float64(s.Alarms.Standard), PriceAlarmStandard, "")
	e.addBoth(ComponentAlarms, s.Name, region, "high resolution alarms", float64(s.Alarms.HighResolution), PriceAlarmHighResolution, "")
	e.addBoth(ComponentAlarms, s.Name, region, "anomaly detection alarms", float64(s.Alarms.Anomaly*3), PriceAlarmStandard,
		fmt.Sprintf("%d alarms × 3 alarm metrics each", s.Alarms.Anomaly))
}
