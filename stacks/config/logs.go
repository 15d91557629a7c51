package config

import (
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Logs configures the tiered log pipeline: the same tiers for every
// service, one archive per region, and the retention guard over the app.
type Logs struct {
	// Service is applied to every service (its service field is set per
	// service). Default: ERROR 30 days and WARN 7 days in CloudWatch, INFO
	// to S3 through Firehose, DEBUG dropped.
	Service logtiers.ServiceLogsProps `yaml:",inline" json:",inline"`
	// Archive is the per-region S3 archive and Firehose.
	Archive logtiers.ArchiveProps `yaml:"archive,omitempty" json:"archive,omitempty"`
	// Retention is the guard applied to every log group of the app.
	// Default: strict, a never-expiring log group stops synth.
	Retention logtiers.RetentionGuardProps `yaml:"retention,omitempty" json:"retention,omitempty"`
	// ForwardTiers are the tiers the log router forwards to the archive
	// Firehose. Default: ERROR (plus any event with status >= 500).
	ForwardTiers []string `yaml:"forwardTiers,omitempty" json:"forwardTiers,omitempty"`
}

func (p *Platform) validateLogs(v *validation.Errors) {
	if p.Logs.Service.Service != "" {
		v.Add("logs.service", p.Logs.Service.Service, "empty: the service name is set per service")
	}
	if len(p.Services) > 0 {
		svc := p.Logs.Service
		svc.Service = p.Services[0].Name
		v.Merge("logs", svc.Validate())
	}
	v.Merge("logs.archive", p.Logs.Archive.Validate())
	v.Merge("logs.retention", p.Logs.Retention.Validate())
	for i, t := range p.Logs.ForwardTiers {
		if t != "ERROR" && t != "WARN" && t != "INFO" && t != "DEBUG" {
			v.Add(validation.Index("logs.forwardTiers", i), t, "ERROR, WARN, INFO or DEBUG")
		}
	}
}
