package logtiers

import (
	"slices"

	"github.com/o11yscale/o11yscale/constructs/logtiers/fluentbit"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// FluentBitProps configures the generated Fluent Bit config.
type FluentBitProps struct {
	// Publish generates the config, stores it in an SSM parameter and
	// registers it for review as logtiers/[<region>/]fluent-bit-<service>.conf.
	// Default: false.
	Publish bool
	// Input of the application's records. Default: fluentbit.InputFireLens.
	Input fluentbit.Input
	// InputMatch is the tag pattern of application records. Default:
	// "*-firelens-*" for FireLens, "app.<service>" for tail.
	InputMatch string
	// TailPath is the glob of files to tail. Default: "/var/log/app/*.log".
	TailPath string
	// ParsersFile defines the "json" parser. Default:
	// "/fluent-bit/parsers/parsers.conf" (the aws-for-fluent-bit image).
	ParsersFile string
	// LevelKey is the record key holding the level. Default: "level".
	LevelKey string
	// UnmatchedTier receives records with another or no level. Default:
	// Info (archived, never lost).
	UnmatchedTier Tier
	// OpenSearchEndpoint is the errors index's domain host name. Default:
	// none (no OpenSearch output).
	OpenSearchEndpoint string
	// OpenSearchIndex name. Default: "<Name>-errors" (ServiceLogsProps.Name),
	// e.g. "o11yscale-errors".
	OpenSearchIndex string
	// IndexedTiers also go to OpenSearch. Default: [Error].
	IndexedTiers []Tier
	// ParameterName of the SSM parameter. Default:
	// "/<Name>/fluent-bit/<service>" (ServiceLogsProps.Name), e.g.
	// "/o11yscale/fluent-bit/checkout-api".
	ParameterName string
}

// withDefaults fills the zero fields for the platform name and service.
func (fb FluentBitProps) withDefaults(name, service string) FluentBitProps {
	if fb.Input == "" {
		fb.Input = fluentbit.InputFireLens
	}
	if fb.InputMatch == "" {
		fb.InputMatch = "*-firelens-*"
		if fb.Input == fluentbit.InputTail {
			fb.InputMatch = "app." + service
		}
	}
	if fb.TailPath == "" {
		fb.TailPath = "/var/log/app/*.log"
	}
	if fb.ParsersFile == "" {
		fb.ParsersFile = "/fluent-bit/parsers/parsers.conf"
	}
	if fb.LevelKey == "" {
		fb.LevelKey = "level"
	}
	if fb.UnmatchedTier == "" {
		fb.UnmatchedTier = Info
	}
	if fb.OpenSearchIndex == "" {
		fb.OpenSearchIndex = name + "-errors"
	}
	if fb.IndexedTiers == nil {
		fb.IndexedTiers = []Tier{Error}
	}
	if fb.ParameterName == "" {
		fb.ParameterName = "/" + name + "/fluent-bit/" + service
	}
	return fb
}

// validateFluentBit checks the Fluent Bit settings of p (after defaults)
// and the routing they generate. The region and the archive bucket are
// deployment values, checked when NewServiceLogs generates the config.
func (p ServiceLogsProps) validateFluentBit(v *validation.Errors) {
	fb := p.FluentBit
	if !fb.Publish {
		return
	}
	if fb.Input != fluentbit.InputFireLens && fb.Input != fluentbit.InputTail {
		v.Add("fluentBit.input", string(fb.Input), "one of firelens, tail")
	}
	if !fb.UnmatchedTier.valid() {
		v.Add("fluentBit.unmatchedTier", string(fb.UnmatchedTier), "one of ERROR, WARN, INFO, DEBUG")
	}
	for i, tier := range fb.IndexedTiers {
		if !tier.valid() {
			v.Add(validation.Index("fluentBit.indexedTiers", i), string(tier), "one of ERROR, WARN, INFO, DEBUG")
		}
	}
	if !ssmNameRE.MatchString(fb.ParameterName) {
		v.Add("fluentBit.parameterName", fb.ParameterName, "an SSM parameter name starting with '/', of letters, digits and _ . - /")
	}
	if err := p.fluentBitSpec("", "", "").CheckRouting(); err != nil {
		v.Add("fluentBit", "", "a config Fluent Bit can run (%v)", err)
	}
}

// fluentBitSpec builds the routing from the tiers (after defaults) for a
// region and archive bucket; the key prefixes come from the archive.
//
// endpoint is the analysis collection's host when p.Analysis is set ("" in
// validation, where a placeholder stands in).
func (p ServiceLogsProps) fluentBitSpec(region, bucket, endpoint string) fluentbit.Spec {
	fb := p.FluentBit
	archivePrefix := DefaultArchivePrefix
	if p.Archive != nil {
		archivePrefix = p.Archive.Prefix
	}
	s := fluentbit.Spec{
		Service: p.Service, Region: region, Input: fb.Input, InputMatch: fb.InputMatch,
		TailPath: fb.TailPath, ParsersFile: fb.ParsersFile, LevelKey: fb.LevelKey,
		UnmatchedTier: fb.UnmatchedTier.lower(),
	}
	analysis := p.Analysis != nil && fb.OpenSearchEndpoint == ""
	switch {
	case fb.OpenSearchEndpoint != "":
		s.OpenSearch = fluentbit.OpenSearch{Endpoint: fb.OpenSearchEndpoint, Index: fb.OpenSearchIndex}
	case analysis && p.fluentBitIndexesAnalysis():
		if endpoint == "" {
			endpoint = "analysis.invalid"
		}
		s.OpenSearch = fluentbit.OpenSearch{Endpoint: endpoint, Index: fb.OpenSearchIndex, Serverless: true}
	}
	for _, tier := range TierNames {
		t := p.Tiers.get(tier)
		ft := fluentbit.Tier{Name: tier.lower(), Levels: t.Levels}
		switch t.Destination {
		case CloudWatch:
			ft.LogGroupName = LogGroupName(p.LogGroupPrefix, p.Service, tier)
		case S3:
			ft.S3Bucket = bucket
			ft.S3KeyPrefix = ArchiveKeyPrefix(archivePrefix, p.Service, tier)
		}
		ft.Index = fb.OpenSearchEndpoint != "" && slices.Contains(fb.IndexedTiers, tier)
		if analysis && slices.Contains(p.Analysis.Props.Tiers, tier) && !p.routerIndexes(tier) {
			// The same tier table as the router's streams, one index per
			// tier; only for a tier the router does not see (one that
			// bypasses CloudWatch), so no event is indexed twice.
			ft.Index, ft.IndexName = true, IndexName(p.Name, tier)
		}
		s.Tiers = append(s.Tiers, ft)
	}
	return s
}

// fluentBitIndexesAnalysis reports whether Fluent Bit sends some analysis
// tier to the collection itself (after defaults).
func (p ServiceLogsProps) fluentBitIndexesAnalysis() bool {
	for _, t := range p.Analysis.Props.Tiers {
		if !p.routerIndexes(t) && p.Tiers.get(t).Destination != Drop {
			return true
		}
	}
	return false
}
