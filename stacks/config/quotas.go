package config

import "github.com/o11yscale/o11yscale/constructs/quotas"

// Quotas is the quotas: section. The service quotas checked at synth
// (constructs/quotas.Table) default to AWS's documented values; an
// account with an approved increase raises an adjustable one here.
type Quotas struct {
	// Overrides raise adjustable quotas, e.g.
	// {service: xray, quota: samplingRules, value: 50}.
	Overrides []QuotaOverride `yaml:"overrides,omitempty" json:"overrides,omitempty"`
}

// QuotaOverride is one approved increase (quotas.Override).
type QuotaOverride struct {
	// Service and Quota name a row of the table, e.g. xray and
	// samplingRules.
	Service string `yaml:"service" json:"service"`
	Quota   string `yaml:"quota" json:"quota"`
	// Value is the approved quota, at least 1.
	Value int `yaml:"value" json:"value"`
	// Account and Region restrict the override. Default: every account
	// and region.
	Account string `yaml:"account,omitempty" json:"account,omitempty"`
	Region  string `yaml:"region,omitempty" json:"region,omitempty"`
}

// QuotasProps maps the section to the check's props.
func (q Quotas) QuotasProps() quotas.Props {
	var out quotas.Props
	for _, o := range q.Overrides {
		out.Overrides = append(out.Overrides, quotas.Override{Service: o.Service, Quota: o.Quota, Value: o.Value, Account: o.Account, Region: o.Region})
	}
	return out
}
