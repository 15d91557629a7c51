package platform

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/slo"
)

// addService creates one service's resources inside its shard.
func (p *Platform) addService(r *Regional, shard *Shard, svc Service) error {
	logs, err := logtiers.NewServiceLogs(shard.Stack, svc.Name, p.serviceLogsProps(r, svc))
	if err != nil {
		return err
	}
	shard.Logs[svc.Name] = logs
	// The topic imported by its deterministic ARN: a reference would
	// become a parameter of every shard's nested stack.
	alarms, err := anomaly.NewServiceAlarms(shard.Stack, svc.Name+"-alarms", p.serviceAlarmsProps(svc, r.Alerting.AlertsTopicIn(shard.Stack)))
	if err != nil {
		return err
	}
	shard.Alarms[svc.Name] = alarms
	if len(svc.SLOs) == 0 {
		return nil
	}
	slos, err := slo.NewServiceSLOs(shard.Stack, svc.Name+"-slos", p.serviceSLOsProps(svc, r.Alerting.AlertsTopicIn(shard.Stack)))
	if err != nil {
		return err
	}
	shard.SLOs[svc.Name] = slos
	// SLOs need Application Signals' service-linked role, which Discovery
	// creates: the shard's stack resource waits for it.
	if r.Discovery != nil {
		shard.Stack.NestedStackResource().AddDependency(r.Discovery)
	}
	return nil
}

// serviceSLOsProps completes the SLO props of one service: the platform
// name, the service, its runbook and the topic the burn-rate composites
// notify (nil when validating).
func (p *Platform) serviceSLOsProps(svc Service, topic awssns.ITopic) slo.ServiceSLOsProps {
	a := p.Props.Alarms.Service
	return slo.ServiceSLOsProps{
		Name: p.Props.Name, Service: svc.Name, Objectives: svc.SLOs, AlertsTopic: topic,
		NoNotifications: a.Notify == anomaly.NotifyNone, RunbookURL: a.RunbookURL,
	}
}

// serviceLogsProps completes the logs props of one service; r is nil when
// validating, before any collaborator exists.
func (p *Platform) serviceLogsProps(r *Regional, svc Service) logtiers.ServiceLogsProps {
	l := p.Props.Logs.Service
	l.Name, l.Service = p.Props.Name, svc.Name
	if r != nil {
		l.EncryptionKey, l.Archive, l.Analysis = r.Key, r.LogArchive, r.Analysis
		if l.Destination == nil {
			l.Destination = r.LogRouter
		}
	}
	return l
}

// serviceAlarmsProps completes the alarm props of one service.
func (p *Platform) serviceAlarmsProps(svc Service, topic awssns.ITopic) anomaly.ServiceAlarmsProps {
	a := p.Props.Alarms.Service
	a.Name, a.Service, a.APIName, a.AlertsTopic = p.Props.Name, svc.Name, svc.APIName, topic
	if a.Budget.Services == 0 {
		a.Budget.Services = len(p.Props.Services)
	}
	if a.Budget.Regions == 0 {
		a.Budget.Regions = len(p.Props.Regions)
	}
	return a
}
