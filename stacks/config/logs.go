package config

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/logtiers/fluentbit"
	"github.com/o11yscale/o11yscale/constructs/platform"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Logs configures the tiered log pipeline: the same tiers for every
// service, one archive and log router per region, and the retention guard
// over the app.
type Logs struct {
	// Service is applied to every service (its service field must stay
	// empty: the name is set per service). Default: ERROR 30 days and WARN
	// 7 days in CloudWatch, INFO to S3 through Firehose, DEBUG dropped.
	Service ServiceLogs `yaml:",inline" json:",inline"`
	// Archive is the per-region S3 archive and Firehose.
	Archive LogArchive `yaml:"archive,omitempty" json:"archive,omitempty"`
	// Retention is the guard applied to every log group of the app.
	// Default: strict, a never-expiring log group stops synth.
	Retention LogRetention `yaml:"retention,omitempty" json:"retention,omitempty"`
	// ForwardTiers are the tiers the log router forwards to the archive
	// Firehose. Default: ERROR (plus any event with status >= 500).
	ForwardTiers []string `yaml:"forwardTiers,omitempty" json:"forwardTiers,omitempty"`
	// Analysis is each region's analysis tier: ERROR and WARN searchable
	// in an OpenSearch Serverless collection. Default: off.
	Analysis LogAnalysis `yaml:"analysis,omitempty" json:"analysis,omitempty"`
}

// LogAnalysis is platform.Analysis in the config file: redundancy ENABLED
// (standby replicas) or DISABLED, network private (needs vpc) or public
// (needs publicReason).
type LogAnalysis struct {
	Enabled        bool                 `yaml:"enabled,omitempty" json:"enabled,omitempty"`
	AWSOwnedKey    bool                 `yaml:"awsOwnedKey,omitempty" json:"awsOwnedKey,omitempty"`
	CollectionName string               `yaml:"collectionName,omitempty" json:"collectionName,omitempty"`
	Tiers          []string             `yaml:"tiers,omitempty" json:"tiers,omitempty"`
	Retention      LogAnalysisRetention `yaml:"retention,omitempty" json:"retention,omitempty"`
	Redundancy     string               `yaml:"redundancy,omitempty" json:"redundancy,omitempty"`
	Network        string               `yaml:"network,omitempty" json:"network,omitempty"`
	PublicReason   string               `yaml:"publicReason,omitempty" json:"publicReason,omitempty"`
	Vpc            LogAnalysisVpc       `yaml:"vpc,omitempty" json:"vpc,omitempty"`
	// Vpcs are the VPCs by region; a region without one uses vpc.
	Vpcs                     map[string]LogAnalysisVpc `yaml:"vpcs,omitempty" json:"vpcs,omitempty"`
	Readers                  []string                  `yaml:"readers,omitempty" json:"readers,omitempty"`
	Writers                  []string                  `yaml:"writers,omitempty" json:"writers,omitempty"`
	BufferSizeMB             int                       `yaml:"bufferSizeMB,omitempty" json:"bufferSizeMB,omitempty"`
	BufferInterval           time.Duration             `yaml:"bufferInterval,omitempty" json:"bufferInterval,omitempty"`
	RetryDuration            time.Duration             `yaml:"retryDuration,omitempty" json:"retryDuration,omitempty"`
	DeliveryLogRetentionDays int                       `yaml:"deliveryLogRetentionDays,omitempty" json:"deliveryLogRetentionDays,omitempty"`
	// RemovalPolicy of the collection and its delivery log group: retain
	// (default) or destroy, spelt like logs.removalPolicy.
	RemovalPolicy RemovalPolicy `yaml:"removalPolicy,omitempty" json:"removalPolicy,omitempty"`
}

// LogAnalysisRetention is logtiers.AnalysisRetention in days; a zero tier
// follows that tier's log group retention.
type LogAnalysisRetention struct {
	Error int `yaml:"error,omitempty" json:"error,omitempty"`
	Warn  int `yaml:"warn,omitempty" json:"warn,omitempty"`
	Info  int `yaml:"info,omitempty" json:"info,omitempty"`
	Debug int `yaml:"debug,omitempty" json:"debug,omitempty"`
}

// LogAnalysisVpc is logtiers.AnalysisVpc in the config file.
type LogAnalysisVpc struct {
	VpcID            string   `yaml:"vpcId,omitempty" json:"vpcId,omitempty"`
	SubnetIDs        []string `yaml:"subnetIds,omitempty" json:"subnetIds,omitempty"`
	SecurityGroupIDs []string `yaml:"securityGroupIds,omitempty" json:"securityGroupIds,omitempty"`
}

// AnalysisProps maps logs.analysis to the platform's analysis tier.
func (l Logs) AnalysisProps() platform.Analysis {
	a := l.Analysis
	var vpcs map[string]logtiers.AnalysisVpc
	for region, v := range a.Vpcs {
		if vpcs == nil {
			vpcs = map[string]logtiers.AnalysisVpc{}
		}
		vpcs[region] = logtiers.AnalysisVpc{VpcID: v.VpcID, SubnetIDs: v.SubnetIDs, SecurityGroupIDs: v.SecurityGroupIDs}
	}
	return platform.Analysis{
		Enabled: a.Enabled, AWSOwnedKey: a.AWSOwnedKey, Vpcs: vpcs,
		AnalysisProps: logtiers.AnalysisProps{
			CollectionName: a.CollectionName, Tiers: tiers(a.Tiers),
			Retention:  logtiers.AnalysisRetention{Error: a.Retention.Error, Warn: a.Retention.Warn, Info: a.Retention.Info, Debug: a.Retention.Debug},
			Redundancy: logtiers.Redundancy(a.Redundancy), Network: logtiers.NetworkAccess(a.Network), PublicReason: a.PublicReason,
			Vpc:     logtiers.AnalysisVpc{VpcID: a.Vpc.VpcID, SubnetIDs: a.Vpc.SubnetIDs, SecurityGroupIDs: a.Vpc.SecurityGroupIDs},
			Readers: a.Readers, Writers: a.Writers,
			BufferSizeMB: a.BufferSizeMB, BufferInterval: a.BufferInterval, RetryDuration: a.RetryDuration,
			DeliveryLogRetentionDays: a.DeliveryLogRetentionDays, DestroyOnRemoval: a.RemovalPolicy.props() == awscdk.RemovalPolicy_DESTROY,
		},
	}
}

// ServiceLogs is logtiers.ServiceLogsProps as the config file writes it.
type ServiceLogs struct {
	Service           string         `yaml:"service,omitempty" json:"service,omitempty"`
	LogGroupPrefix    string         `yaml:"logGroupPrefix,omitempty" json:"logGroupPrefix,omitempty"`
	Tiers             LogTiers       `yaml:"tiers,omitempty" json:"tiers,omitempty"`
	LogFormat         string         `yaml:"logFormat,omitempty" json:"logFormat,omitempty"`
	MetricNamespace   string         `yaml:"metricNamespace,omitempty" json:"metricNamespace,omitempty"`
	DisableErrorCount bool           `yaml:"disableErrorCount,omitempty" json:"disableErrorCount,omitempty"`
	MetricFilters     []MetricFilter `yaml:"metricFilters,omitempty" json:"metricFilters,omitempty"`
	// Forwarding destinations are "lambda" (the region's log router, the
	// default), "firehose" or "kinesis" (not wired by the platform).
	Forwarding        []LogForward  `yaml:"forwarding,omitempty" json:"forwarding,omitempty"`
	DisableForwarding bool          `yaml:"disableForwarding,omitempty" json:"disableForwarding,omitempty"`
	FluentBit         LogsFluentBit `yaml:"fluentBit,omitempty" json:"fluentBit,omitempty"`
	// RemovalPolicy of the fixed-named tier log groups: retain (default)
	// or destroy (logtiers.ServiceLogsProps.DestroyOnRemoval).
	RemovalPolicy RemovalPolicy `yaml:"removalPolicy,omitempty" json:"removalPolicy,omitempty"`
}

// LogTiers is logtiers.TiersProps in the config file.
type LogTiers struct {
	Error LogTier `yaml:"error,omitempty" json:"error,omitempty"`
	Warn  LogTier `yaml:"warn,omitempty" json:"warn,omitempty"`
	Info  LogTier `yaml:"info,omitempty" json:"info,omitempty"`
	Debug LogTier `yaml:"debug,omitempty" json:"debug,omitempty"`
}

// LogTier is logtiers.TierProps in the config file: destination
// cloudwatch, s3 or drop; class STANDARD or INFREQUENT_ACCESS.
type LogTier struct {
	Destination   string   `yaml:"destination,omitempty" json:"destination,omitempty"`
	RetentionDays int      `yaml:"retentionDays,omitempty" json:"retentionDays,omitempty"`
	Class         string   `yaml:"class,omitempty" json:"class,omitempty"`
	Levels        []string `yaml:"levels,omitempty" json:"levels,omitempty"`
}

// MetricFilter is logtiers.MetricFilterProps in the config file; unit is
// a CloudWatch unit as CloudFormation names it (Count, Bytes/Second, ...).
type MetricFilter struct {
	Name         string            `yaml:"name" json:"name"`
	Tier         string            `yaml:"tier,omitempty" json:"tier,omitempty"`
	Pattern      string            `yaml:"pattern" json:"pattern"`
	MetricName   string            `yaml:"metricName,omitempty" json:"metricName,omitempty"`
	Namespace    string            `yaml:"namespace,omitempty" json:"namespace,omitempty"`
	Value        string            `yaml:"value,omitempty" json:"value,omitempty"`
	DefaultValue *float64          `yaml:"defaultValue,omitempty" json:"defaultValue,omitempty"`
	Dimensions   map[string]string `yaml:"dimensions,omitempty" json:"dimensions,omitempty"`
	Unit         string            `yaml:"unit,omitempty" json:"unit,omitempty"`
}

// LogForward is logtiers.ForwardProps in the config file; distribution
// (kinesis only) is ByLogStream or Random.
type LogForward struct {
	Name         string   `yaml:"name,omitempty" json:"name,omitempty"`
	Destination  string   `yaml:"destination,omitempty" json:"destination,omitempty"`
	Pattern      string   `yaml:"pattern,omitempty" json:"pattern,omitempty"`
	Tiers        []string `yaml:"tiers,omitempty" json:"tiers,omitempty"`
	Distribution string   `yaml:"distribution,omitempty" json:"distribution,omitempty"`
	AllEvents    bool     `yaml:"allEvents,omitempty" json:"allEvents,omitempty"`
}

// LogsFluentBit is logtiers.FluentBitProps in the config file.
type LogsFluentBit struct {
	Publish            bool     `yaml:"publish,omitempty" json:"publish,omitempty"`
	Input              string   `yaml:"input,omitempty" json:"input,omitempty"`
	InputMatch         string   `yaml:"inputMatch,omitempty" json:"inputMatch,omitempty"`
	TailPath           string   `yaml:"tailPath,omitempty" json:"tailPath,omitempty"`
	ParsersFile        string   `yaml:"parsersFile,omitempty" json:"parsersFile,omitempty"`
	LevelKey           string   `yaml:"levelKey,omitempty" json:"levelKey,omitempty"`
	UnmatchedTier      string   `yaml:"unmatchedTier,omitempty" json:"unmatchedTier,omitempty"`
	OpenSearchEndpoint string   `yaml:"openSearchEndpoint,omitempty" json:"openSearchEndpoint,omitempty"`
	OpenSearchIndex    string   `yaml:"openSearchIndex,omitempty" json:"openSearchIndex,omitempty"`
	IndexedTiers       []string `yaml:"indexedTiers,omitempty" json:"indexedTiers,omitempty"`
	ParameterName      string   `yaml:"parameterName,omitempty" json:"parameterName,omitempty"`
}

// LogArchive is logtiers.ArchiveProps in the config file: encryption
// S3_MANAGED or KMS, transitionClass GLACIER_IR or GLACIER.
type LogArchive struct {
	Encryption               string        `yaml:"encryption,omitempty" json:"encryption,omitempty"`
	BucketName               string        `yaml:"bucketName,omitempty" json:"bucketName,omitempty"`
	TransitionDays           int           `yaml:"transitionDays,omitempty" json:"transitionDays,omitempty"`
	TransitionClass          string        `yaml:"transitionClass,omitempty" json:"transitionClass,omitempty"`
	ExpirationDays           int           `yaml:"expirationDays,omitempty" json:"expirationDays,omitempty"`
	NoncurrentExpirationDays int           `yaml:"noncurrentExpirationDays,omitempty" json:"noncurrentExpirationDays,omitempty"`
	AccessLogExpirationDays  int           `yaml:"accessLogExpirationDays,omitempty" json:"accessLogExpirationDays,omitempty"`
	DeliveryStreamName       string        `yaml:"deliveryStreamName,omitempty" json:"deliveryStreamName,omitempty"`
	BufferSizeMB             int           `yaml:"bufferSizeMB,omitempty" json:"bufferSizeMB,omitempty"`
	BufferInterval           time.Duration `yaml:"bufferInterval,omitempty" json:"bufferInterval,omitempty"`
	DeliveryLogRetentionDays int           `yaml:"deliveryLogRetentionDays,omitempty" json:"deliveryLogRetentionDays,omitempty"`
	// RemovalPolicy of the buckets, key and delivery log group: retain
	// (default) or destroy (logtiers.ArchiveProps.DestroyOnRemoval).
	RemovalPolicy RemovalPolicy `yaml:"removalPolicy,omitempty" json:"removalPolicy,omitempty"`
	// Central puts one archive bucket in the central stack (the monitoring
	// account's, or the single account's) instead of one per
	// account-region; every archive Firehose writes there under
	// logs/account=<id>/region=<region>/ (platform.Logs.CentralArchive).
	// The settings above then apply to that bucket. Default: false.
	Central bool `yaml:"central,omitempty" json:"central,omitempty"`
}

// LogRetention is logtiers.RetentionGuardProps in the config file.
type LogRetention struct {
	DefaultDays      int      `yaml:"defaultDays,omitempty" json:"defaultDays,omitempty"`
	MaxDays          int      `yaml:"maxDays,omitempty" json:"maxDays,omitempty"`
	AllowNeverExpire []string `yaml:"allowNeverExpire,omitempty" json:"allowNeverExpire,omitempty"`
}

// LogsWiring are the region's collaborators of a service's log tiers.
type LogsWiring struct {
	// Key encrypts the log groups; nil for CloudWatch Logs' own encryption.
	Key awskms.IKey
	// Archive is the region's archive.
	Archive *logtiers.Archive
	// Router is the region's log router: the "lambda" destination.
	Router logtiers.SubscriptionDestination
}

// ArchiveProps maps logs.archive to the archive's props.
func (l Logs) ArchiveProps() logtiers.ArchiveProps {
	a := l.Archive
	return logtiers.ArchiveProps{
		Encryption: awss3.BucketEncryption(a.Encryption), BucketName: a.BucketName,
		TransitionDays: a.TransitionDays, TransitionClass: logtiers.TransitionClass(a.TransitionClass),
		ExpirationDays: a.ExpirationDays, NoncurrentExpirationDays: a.NoncurrentExpirationDays,
		AccessLogExpirationDays: a.AccessLogExpirationDays, DeliveryStreamName: a.DeliveryStreamName,
		BufferSizeMB: a.BufferSizeMB, BufferInterval: a.BufferInterval,
		DeliveryLogRetentionDays: a.DeliveryLogRetentionDays, DestroyOnRemoval: a.RemovalPolicy.props() == awscdk.RemovalPolicy_DESTROY,
	}
}

// RetentionGuardProps maps logs.retention to the guard's props.
func (l Logs) RetentionGuardProps() logtiers.RetentionGuardProps {
	r := l.Retention
	return logtiers.RetentionGuardProps{DefaultDays: r.DefaultDays, MaxDays: r.MaxDays, AllowNeverExpire: r.AllowNeverExpire}
}

// LogRouterProps maps logs.forwardTiers to the region's log router, which
// covers every log group under the services' prefix (by default the one
// derived from the platform name).
func (p *Platform) LogRouterProps(archive *logtiers.Archive) logtiers.RouterProps {
	l := p.Logs
	out := logtiers.RouterProps{Name: p.Name, Archive: archive, LogGroupPrefix: p.logGroupPrefix() + "/"}
	for _, t := range l.ForwardTiers {
		out.ForwardTiers = append(out.ForwardTiers, logtiers.Tier(t))
	}
	return out
}

// logGroupPrefix is logs.logGroupPrefix, by default derived from the
// platform name.
func (p *Platform) logGroupPrefix() string {
	if s := p.Logs.Service; s.LogGroupPrefix != "" {
		return s.LogGroupPrefix
	}
	return logtiers.LogGroupPrefix(p.Name)
}

// ServiceLogsProps maps the logs section to one service's props, wired to
// the region's collaborators and named after the platform. The platform
// wires only the "lambda" destination (the router); a firehose or kinesis
// rule maps to no destination, which NewServiceLogs reports.
func (pl *Platform) ServiceLogsProps(service string, w LogsWiring) logtiers.ServiceLogsProps {
	s := pl.Logs.Service
	p := logtiers.ServiceLogsProps{
		Name: pl.Name, Service: service, LogGroupPrefix: s.LogGroupPrefix,
		Tiers: logtiers.TiersProps{
			Error: s.Tiers.Error.props(), Warn: s.Tiers.Warn.props(),
			Info: s.Tiers.Info.props(), Debug: s.Tiers.Debug.props(),
		},
		LogFormat: logtiers.LogFormat(s.LogFormat), MetricNamespace: s.MetricNamespace,
		DisableErrorCount: s.DisableErrorCount, DisableForwarding: s.DisableForwarding,
		DestroyOnRemoval: s.RemovalPolicy.props() == awscdk.RemovalPolicy_DESTROY, EncryptionKey: w.Key, Archive: w.Archive,
		Destination: w.Router,
		FluentBit: logtiers.FluentBitProps{
			Publish: s.FluentBit.Publish, Input: fluentbit.Input(s.FluentBit.Input), InputMatch: s.FluentBit.InputMatch,
			TailPath: s.FluentBit.TailPath, ParsersFile: s.FluentBit.ParsersFile, LevelKey: s.FluentBit.LevelKey,
			UnmatchedTier: logtiers.Tier(s.FluentBit.UnmatchedTier), OpenSearchEndpoint: s.FluentBit.OpenSearchEndpoint,
			OpenSearchIndex: s.FluentBit.OpenSearchIndex, IndexedTiers: tiers(s.FluentBit.IndexedTiers),
			ParameterName: s.FluentBit.ParameterName,
		},
	}
	for _, f := range s.MetricFilters {
		mf := logtiers.MetricFilterProps{
			Name: f.Name, Tier: logtiers.Tier(f.Tier), Pattern: f.Pattern, MetricName: f.MetricName,
			Namespace: f.Namespace, Value: f.Value, Dimensions: f.Dimensions,
		}
		if f.DefaultValue != nil {
			mf.DefaultValue = *f.DefaultValue
		}
		if f.Unit != "" {
			// An unknown unit passes through as is, for Validate to report.
			var ok bool
			if mf.Unit, ok = logtiers.ParseUnit(f.Unit); !ok {
				mf.Unit = awscloudwatch.Unit(f.Unit)
			}
		}
		p.MetricFilters = append(p.MetricFilters, mf)
	}
	for _, f := range s.Forwarding {
		fp := logtiers.ForwardProps{Name: f.Name, Pattern: f.Pattern, Tiers: tiers(f.Tiers), Distribution: distribution(f.Distribution), AllEvents: f.AllEvents}
		if f.Destination != "" && f.Destination != string(logtiers.KindLambda) {
			fp.Destination = unwired{logtiers.DestinationKind(f.Destination)}
		}
		p.Forwarding = append(p.Forwarding, fp)
	}
	return p
}

func (t LogTier) props() logtiers.TierProps {
	return logtiers.TierProps{
		Destination: logtiers.TierDestination(t.Destination), RetentionDays: t.RetentionDays,
		Class: awslogs.LogGroupClass(t.Class), Levels: t.Levels,
	}
}

func tiers(names []string) []logtiers.Tier {
	if names == nil {
		return nil
	}
	out := make([]logtiers.Tier, len(names))
	for i, n := range names {
		out[i] = logtiers.Tier(n)
	}
	return out
}

// distribution maps the CloudFormation spelling; another value passes
// through for Validate to report.
func distribution(d string) awslogs.Distribution {
	switch d {
	case "ByLogStream":
		return awslogs.Distribution_BY_LOG_STREAM
	case "Random":
		return awslogs.Distribution_RANDOM
	}
	return awslogs.Distribution(d)
}

// unwired is a forwarding destination kind the platform does not create
// (only the log router is wired); binding it is an error.
type unwired struct{ kind logtiers.DestinationKind }

func (u unwired) SubscriptionKind() logtiers.DestinationKind { return u.kind }

func (u unwired) BindSubscription(constructs.Construct, string) (logtiers.SubscriptionConfig, error) {
	return logtiers.SubscriptionConfig{}, fmt.Errorf("%q is not allowed; a destination the platform wires: lambda (the region's log router)", string(u.kind))
}

func (p *Platform) validateLogs(v *validation.Errors) {
	l := p.Logs
	if l.Service.Service != "" {
		v.Add("logs.service", l.Service.Service, "empty: the service name is set per service")
	}
	checkRemovalPolicy(v, "logs.removalPolicy", l.Service.RemovalPolicy)
	checkRemovalPolicy(v, "logs.archive.removalPolicy", l.Archive.RemovalPolicy)
	checkRemovalPolicy(v, "logs.analysis.removalPolicy", l.Analysis.RemovalPolicy)
	for i, f := range l.Service.Forwarding {
		switch f.Destination {
		case "", string(logtiers.KindLambda), string(logtiers.KindFirehose), string(logtiers.KindKinesis):
		default:
			v.Add(validation.Index("logs.forwarding", i)+".destination", f.Destination, "one of lambda, firehose, kinesis")
		}
		// The router is not built yet, so the props cannot tell its kind.
		if f.Distribution != "" && (f.Destination == "" || f.Destination == string(logtiers.KindLambda)) {
			v.Add(validation.Index("logs.forwarding", i)+".distribution", f.Distribution, "no value: distribution applies to kinesis only")
		}
	}
	for i, f := range l.Service.MetricFilters {
		path := validation.Index("logs.metricFilters", i)
		if f.DefaultValue != nil && len(f.Dimensions) > 0 {
			v.Add(path+".defaultValue", *f.DefaultValue, "no value when dimensions are set: CloudWatch Logs rejects a default value on a metric filter with dimensions")
		}
		if _, ok := logtiers.ParseUnit(f.Unit); f.Unit != "" && !ok {
			v.Add(path+".unit", f.Unit, "a CloudWatch standard unit such as Count, Milliseconds, Bytes or None")
		}
	}
	// Every service's complete props, as the regions build them (the
	// collaborators come from the regional stack); a problem shared by all
	// services is reported once.
	seen := map[string]bool{}
	for _, fe := range validation.Fields(v.Err()) {
		seen[fe.Error()] = true
	}
	for _, svc := range p.Services {
		for _, fe := range validation.Fields(p.ServiceLogsProps(svc.Name, LogsWiring{}).Validate()) {
			fe = &validation.FieldError{Path: validation.Join("logs", fe.Path), Value: fe.Value, Allowed: fe.Allowed}
			if !seen[fe.Error()] {
				seen[fe.Error()] = true
				v.Add(fe.Path, fe.Value, fe.Allowed)
			}
		}
	}
	v.Merge("logs.archive", l.ArchiveProps().Validate())
	if l.Archive.Central {
		if !p.Org() && p.Account == "" {
			v.Add("logs.archive.central", true, "false, or set account: the central archive's bucket and key policies name the account whose regions write into it")
		}
	}
	v.Merge("logs.retention", l.RetentionGuardProps().Validate())
	if a := l.Analysis; a.Enabled {
		props := p.Props(p.Account)
		seenA := map[string]bool{}
		for _, region := range p.Regions {
			for _, fe := range validation.Fields(props.AnalysisProps(region).Validate()) {
				path := validation.Join("logs.analysis", fe.Path)
				if _, ok := a.Vpcs[region]; ok && strings.HasPrefix(fe.Path, "vpc.") {
					path = validation.Join(validation.Key("logs.analysis.vpcs", region), strings.TrimPrefix(fe.Path, "vpc."))
				}
				if !seenA[path+fe.Allowed] {
					seenA[path+fe.Allowed] = true
					v.Add(path, fe.Value, "%s", fe.Allowed)
				}
			}
		}
		for region := range a.Vpcs {
			if !slices.Contains(p.Regions, region) {
				v.Add(validation.Key("logs.analysis.vpcs", region), region, "a region of the platform (regions)")
			}
		}
	} else if !reflect.DeepEqual(a, LogAnalysis{}) {
		v.Add("logs.analysis.enabled", false, "true when other logs.analysis settings are given (they have no effect while the tier is off)")
	}
	for i, t := range l.ForwardTiers {
		if t != "ERROR" && t != "WARN" && t != "INFO" && t != "DEBUG" {
			v.Add(validation.Index("logs.forwardTiers", i), t, "ERROR, WARN, INFO or DEBUG")
		}
	}
}
