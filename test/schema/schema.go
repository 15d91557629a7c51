// Package schema generates the JSON Schema of the platform config file
// (schema/platform.schema.json at the repository root) from the types of
// stacks/config. It lives in the test module so the library carries no
// generator dependency; schema_test.go keeps the committed file current.
package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/invopop/jsonschema"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/logtiers/fluentbit"
	"github.com/o11yscale/o11yscale/constructs/retention"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// Module is the library's import path, the base AddGoComments needs.
const Module = "github.com/o11yscale/o11yscale"

// File is where the schema is committed, relative to the repository root.
const File = "schema/platform.schema.json"

// ID is the schema's $id.
const ID = "https://github.com/o11yscale/o11yscale/schema/platform.schema.json"

// commentDirs hold the Go doc comments that become descriptions, relative
// to the repository root.
var commentDirs = []string{"stacks/config", "constructs/governance/cost"}

// DurationPattern is a Go duration as time.ParseDuration reads it
// ("90s", "5m", "1h30m", "1.5h", "0").
const DurationPattern = `^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|μs|ms|s|m|h))+)$`

type enum interface{ Enum() []string }

var enumType = reflect.TypeFor[enum]()

// Generate reflects config.Platform into a JSON Schema. It must run in the
// repository root: AddGoComments walks the source directories by relative
// path and names their packages Module + "/" + that path.
func Generate() ([]byte, error) {
	r := &jsonschema.Reflector{
		FieldNameTag:   "yaml", // property names are the YAML keys; ",inline" flattens
		ExpandedStruct: true,
		Mapper:         mapType,
	}
	for _, dir := range commentDirs {
		if err := r.AddGoComments(Module, dir); err != nil {
			return nil, fmt.Errorf("reading the doc comments of %s (run from the repository root): %w", dir, err)
		}
	}
	s := r.Reflect(&config.Platform{})
	s.ID = ID
	s.Title = "o11yscale platform config"
	if err := applyHints(s); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// mapType gives durations their string form and typed enums their values.
func mapType(t reflect.Type) *jsonschema.Schema {
	switch {
	case t == reflect.TypeFor[time.Duration]():
		return &jsonschema.Schema{Type: "string", Pattern: DurationPattern,
			Description: "A duration such as 30s, 5m or 1h (Go time.ParseDuration)."}
	case t == reflect.TypeFor[config.SLOWindow]():
		return &jsonschema.Schema{Type: "string", Pattern: config.WindowPattern,
			Description: "A window of whole days, hours or minutes such as 30d, 6h or 5m."}
	case t.Kind() == reflect.String && t.Implements(enumType):
		return &jsonschema.Schema{Type: "string", Enum: anys(reflect.Zero(t).Interface().(enum).Enum())}
	}
	return nil
}

func anys[T any](list []T) []any {
	out := make([]any, len(list))
	for i, v := range list {
		out[i] = v
	}
	return out
}

type hint func(*jsonschema.Schema)

func between(lo, hi any) hint {
	return func(s *jsonschema.Schema) {
		s.Minimum, s.Maximum = json.Number(fmt.Sprint(lo)), json.Number(fmt.Sprint(hi))
	}
}

func oneOf[T any](values ...T) hint { return func(s *jsonschema.Schema) { s.Enum = anys(values) } }

func items(h hint) hint { return func(s *jsonschema.Schema) { h(s.Items) } }

var (
	tiers         = oneOf(logtiers.Error, logtiers.Warn, logtiers.Info, logtiers.Debug)
	classes       = oneOf(awslogs.LogGroupClass_STANDARD, awslogs.LogGroupClass_INFREQUENT_ACCESS)
	retentionDays = oneOf(retention.AllowedDays...)
	share         = between(0, 1)
	percent       = between(0, 100)
)

// hints adds, by $defs name and property, the ranges and value sets the
// validation checks on plain fields (typed enums carry theirs through
// Enum), from the constants that validation uses. Each entry names the
// check it mirrors; applyHints fails on an entry whose type or property no
// longer exists.
var hints = map[string]map[string]hint{
	// platform.Props.ValidatePlatform: 1-100.
	"Platform": {"servicesPerShard": between(1, 100)},
	// slo.Objective: goal above 0 and below 100 (the schema's bounds are
	// inclusive; validation excludes both); slo.BurnRateAlert: budget
	// share above 0 and at most 100.
	"SLO":      {"goal": percent},
	"SLOAlert": {"budgetPercent": percent},
	// sampling.Rule: priority 1-9999, fixedRate 0-1, boost.maxRate <= 1.
	"SamplingRule":  {"priority": between(1, 9999), "fixedRate": share, "reservoirSize": between(0, math.MaxInt32)},
	"SamplingBoost": {"maxRate": share},
	// sampling.TailSamplingProps: a percentage above 0 and at most 100.
	"TailSampling": {"baselinePercent": percent},
	// logtiers: retention.Valid, TierProps, ArchiveProps, FluentBitProps.
	"LogTier": {
		"retentionDays": retentionDays,
		"destination":   oneOf(logtiers.CloudWatch, logtiers.S3, logtiers.Drop),
		"class":         classes,
	},
	"LogRetention": {"defaultDays": retentionDays, "maxDays": retentionDays},
	"LogArchive": {
		"deliveryLogRetentionDays": retentionDays,
		"transitionDays":           between(1, 3650),
		"transitionClass":          oneOf(logtiers.GlacierInstantRetrieval, logtiers.GlacierFlexibleRetrieval),
		"encryption":               oneOf(awss3.BucketEncryption_S3_MANAGED, awss3.BucketEncryption_KMS),
	},
	"Logs": {"forwardTiers": items(tiers), "logFormat": oneOf(logtiers.FormatJSON, logtiers.FormatSpace)},
	"LogForward": {
		"destination":  oneOf(logtiers.KindLambda, logtiers.KindFirehose, logtiers.KindKinesis),
		"distribution": oneOf("ByLogStream", "Random"), // the spellings config.distribution maps
		"tiers":        items(tiers),
	},
	"LogsFluentBit": {
		"input":         oneOf(fluentbit.InputFireLens, fluentbit.InputTail),
		"unmatchedTier": tiers,
		"indexedTiers":  items(tiers),
	},
	"MetricFilter": {"tier": tiers},
	// anomaly error rate: 0-100.
	"AlarmErrorRate": {"thresholdPercent": percent},
	// config validateBilling: a share of the budget above 0 and at most 10.
	"Billing": {"forecastShare": between(0, 10), "actualShare": between(0, 10)},
	// cost validation: shares of requests and of log lines.
	"CostTraceSampling": {"baselineRate": share, "errorShare": share, "slowShare": share},
	"CostTierMix":       {"error": share, "warn": share, "info": share, "debug": share},
	"CostTierRoute":     {"insightsScanShare": share, "class": oneOf(cost.ClassStandard, cost.ClassInfrequentAccess)},
}

func applyHints(s *jsonschema.Schema) error {
	for _, def := range slices.Sorted(maps.Keys(hints)) {
		d, ok := s.Definitions[def]
		if !ok && def == "Platform" {
			d = s
		} else if !ok {
			return fmt.Errorf("schema hint for %s: no such type in the schema", def)
		}
		for prop, h := range hints[def] {
			p, ok := d.Properties.Get(prop)
			if !ok {
				return fmt.Errorf("schema hint for %s.%s: no such property", def, prop)
			}
			h(p)
		}
	}
	return nil
}
