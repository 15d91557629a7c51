package logtiers

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"

	"github.com/o11yscale/o11yscale/constructs/retention"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// TiersProps configures each tier; the zero value of a field keeps that
// tier's default.
type TiersProps struct {
	Error TierProps
	Warn  TierProps
	Info  TierProps
	Debug TierProps
}

func (t TiersProps) get(tier Tier) TierProps {
	switch tier {
	case Error:
		return t.Error
	case Warn:
		return t.Warn
	case Info:
		return t.Info
	default:
		return t.Debug
	}
}

// TierProps configures one tier.
type TierProps struct {
	// Destination of the tier's records. Default: ERROR and WARN
	// CloudWatch, INFO S3, DEBUG Drop.
	Destination TierDestination
	// RetentionDays of the tier's log group (CloudWatch only), in days:
	// one of the values CloudWatch Logs allows (retention.AllowedDays), so
	// a config can say 30 rather than name an enum member; anything else
	// is a validation error naming the nearest allowed value. Default:
	// ERROR 30, WARN 7, INFO 14, DEBUG 3.
	RetentionDays int
	// Class of the log group (CloudWatch only). Infrequent Access halves
	// ingestion cost but supports no metric or subscription filters; it
	// cannot be changed after creation. Default:
	// awslogs.LogGroupClass_STANDARD.
	Class awslogs.LogGroupClass
	// Levels that Fluent Bit routes to this tier, matched in upper, lower
	// and title case. Default: ERROR: ERROR, CRITICAL, FATAL; WARN: WARN,
	// WARNING; INFO: INFO, NOTICE; DEBUG: DEBUG, TRACE.
	Levels []string
}

// tierDefaults are the seed's tiers.
var tierDefaults = map[Tier]TierProps{
	Error: {Destination: CloudWatch, RetentionDays: 30, Class: awslogs.LogGroupClass_STANDARD, Levels: []string{"ERROR", "CRITICAL", "FATAL"}},
	Warn:  {Destination: CloudWatch, RetentionDays: 7, Class: awslogs.LogGroupClass_STANDARD, Levels: []string{"WARN", "WARNING"}},
	Info:  {Destination: S3, RetentionDays: 14, Class: awslogs.LogGroupClass_STANDARD, Levels: []string{"INFO", "NOTICE"}},
	Debug: {Destination: Drop, RetentionDays: 3, Class: awslogs.LogGroupClass_STANDARD, Levels: []string{"DEBUG", "TRACE"}},
}

// withDefaults fills every zero field with the tier's default.
func (t TierProps) withDefaults(tier Tier) TierProps {
	d := tierDefaults[tier]
	if t.Destination == "" {
		t.Destination = d.Destination
	}
	if t.RetentionDays == 0 {
		t.RetentionDays = d.RetentionDays
	}
	if t.Class == "" {
		t.Class = d.Class
	}
	if t.Levels == nil {
		t.Levels = d.Levels
	}
	return t
}

func (t TiersProps) withDefaults() TiersProps {
	return TiersProps{
		Error: t.Error.withDefaults(Error),
		Warn:  t.Warn.withDefaults(Warn),
		Info:  t.Info.withDefaults(Info),
		Debug: t.Debug.withDefaults(Debug),
	}
}

// filterable reports whether the tier (after defaults) has a log group
// that can carry metric and subscription filters.
func (t TierProps) filterable() bool {
	return t.Destination == CloudWatch && t.Class != awslogs.LogGroupClass_INFREQUENT_ACCESS
}

// validate checks the tiers: raw as given, p after defaults. Paths are
// tiers.<tier>.<field>; levels must not repeat across tiers.
func (raw TiersProps) validate(v *validation.Errors) {
	p := raw.withDefaults()
	levelTier := map[string]Tier{}
	for _, tier := range TierNames {
		t, given := p.get(tier), raw.get(tier)
		path := "tiers." + tier.lower()
		switch t.Destination {
		case CloudWatch:
			if !retention.Valid(t.RetentionDays) {
				v.Add(path+".retentionDays", t.RetentionDays, retention.Allowed(t.RetentionDays))
			}
			if t.Class != awslogs.LogGroupClass_STANDARD && t.Class != awslogs.LogGroupClass_INFREQUENT_ACCESS {
				v.Add(path+".class", string(t.Class), "one of STANDARD, INFREQUENT_ACCESS")
			}
		case S3, Drop:
			if given.RetentionDays != 0 {
				v.Add(path+".retentionDays", given.RetentionDays, "no value: only a cloudwatch tier has a log group (the archive's retention is its lifecycle)")
			}
			if given.Class != "" {
				v.Add(path+".class", string(given.Class), "no value: only a cloudwatch tier has a log group")
			}
		default:
			v.Add(path+".destination", string(t.Destination), "one of cloudwatch, s3, drop")
		}
		for i, l := range t.Levels {
			if !levelRE.MatchString(l) {
				v.Add(validation.Index(path+".levels", i), l, "a level name of letters, digits or _")
				continue
			}
			key := strings.ToUpper(l)
			if other, dup := levelTier[key]; dup {
				v.Add(validation.Index(path+".levels", i), l, "a level not already routed to %s", string(other))
			}
			levelTier[key] = tier
		}
	}
}

// WithDefaults returns the tiers as NewServiceLogs creates them: every
// zero field filled with its tier's default. The platform's cost model
// reads the routes from it.
func (t TiersProps) WithDefaults() TiersProps { return t.withDefaults() }
