package platform

import (
	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/sampling"
	"github.com/o11yscale/o11yscale/constructs/slo"
)

// addRegional creates one region's shared resources.
func (p *Platform) addRegional(r *Regional) error {
	var err error
	if r.LogArchive, err = logtiers.NewArchive(r.Stack, "LogArchive", p.Props.Logs.Archive); err != nil {
		return err
	}
	if r.LogRouter, err = logtiers.NewRouter(r.Stack, "LogRouter", p.routerProps(r.LogArchive)); err != nil {
		return err
	}
	if r.Alerting, err = anomaly.NewAlerting(r.Stack, "Alerting", p.alertingProps(r)); err != nil {
		return err
	}
	if r.Tracing, err = sampling.NewTracing(r.Stack, "Tracing", p.samplingProps()); err != nil {
		return err
	}
	if p.Props.discovery() {
		r.Discovery = slo.NewDiscovery(r.Stack, "ApplicationSignals")
	}
	return p.addMetricDelivery(r)
}

// logGroupPrefix is where every service's log groups live.
func (p *Platform) logGroupPrefix() string {
	if s := p.Props.Logs.Service.LogGroupPrefix; s != "" {
		return s
	}
	return logtiers.LogGroupPrefix(p.Props.Name)
}

// routerProps covers every log group under the services' prefix, so a
// service's subscription and the router's invoke permission cannot
// disagree.
func (p *Platform) routerProps(archive *logtiers.Archive) logtiers.RouterProps {
	rp := p.Props.Logs.Router
	rp.Name, rp.Archive = p.Props.Name, archive
	if rp.LogGroupPrefix == "" {
		rp.LogGroupPrefix = p.logGroupPrefix() + "/"
	}
	return rp
}

func (p *Platform) alertingProps(r *Regional) anomaly.AlertingProps {
	a := p.Props.Alarms.Alerting
	a.Name = p.Props.Name
	if r != nil {
		a.Key = r.Key
	}
	return a
}

func (p *Platform) samplingProps() sampling.Props {
	s := p.Props.Sampling
	if s.Name == "" {
		s.Name = p.Props.Name
	}
	return s
}
