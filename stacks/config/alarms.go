package config

import (
	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Alarms configures alerting (once per region) and alarms (every service).
type Alarms struct {
	// Alerting: topics, subscriptions, the enricher and the EMF
	// cardinality budget.
	Alerting anomaly.AlertingProps `yaml:"alerting,omitempty" json:"alerting,omitempty"`
	// Service is applied to every service: anomaly band alarms (default:
	// latency and error rate, plus API Gateway Latency for services with
	// an apiName), the static error-rate alarm and the composite alarm.
	Service anomaly.ServiceAlarmsProps `yaml:",inline" json:",inline"`
}

func (p *Platform) validateAlarms(v *validation.Errors) {
	alerting := p.Alarms.Alerting
	alerting.Name = p.Name
	v.Merge("alarms.alerting", alerting.Validate())
	v.Merge("alarms", p.AlarmProps(Service{Name: "service"}).Validate())
}

// AlarmProps returns the alarms section for one service, with the
// platform's names and the cardinality budget's service and region counts.
func (p *Platform) AlarmProps(svc Service) anomaly.ServiceAlarmsProps {
	a := p.Alarms.Service
	a.Name, a.Service, a.APIName = p.Name, svc.Name, svc.ApiName
	a.Budget.Services, a.Budget.Regions = len(p.Services), len(p.Regions)
	return a
}
