package platform

import (
	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/sampling"
)

// addRegional creates one region's shared resources.
func (p *Platform) addRegional(r *Regional) error {
	var err error
	if r.LogArchive, err = logtiers.NewArchive(r.Stack, "LogArchive", p.Props.Logs.Archive); err != nil {
		return err
	}
	if p.Props.Logs.Analysis.Enabled {
		if r.Analysis, err = logtiers.NewAnalysis(r.Stack, "Analysis", p.analysisProps(r)); err != nil {
			return err
		}
	}
	rp := p.routerProps(r.LogArchive)
	rp.Analysis = r.Analysis
	if r.LogRouter, err = logtiers.NewRouter(r.Stack, "LogRouter", rp); err != nil {
		return err
	}
	if r.Alerting, err = anomaly.NewAlerting(r.Stack, "Alerting", p.alertingProps(r)); err != nil {
		return err
	}
	if r.Tracing, err = sampling.NewTracing(r.Stack, "Tracing", p.samplingProps()); err != nil {
		return err
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

// analysisProps completes the analysis tier's props with the region's
// collaborators.
func (p *Platform) analysisProps(r *Regional) logtiers.AnalysisProps {
	a := p.Props.AnalysisProps(r.Region)
	{
		a.Archive = r.LogArchive
		if !p.Props.Logs.Analysis.AWSOwnedKey && a.EncryptionKey == nil {
			a.EncryptionKey = r.Key
		}
	}
	return a
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
	if s.Groups.Services == nil {
		// One X-Ray group per platform service, not only those the rules name.
		s.Groups.Services = p.Props.ServiceNames()
	}
	return s
}
