package logtiers

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"

	"github.com/o11yscale/o11yscale/constructs/retention"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Redundancy of an OpenSearch Serverless collection's compute.
type Redundancy string

// Redundancy settings. With standby replicas OpenSearch Serverless runs
// indexing and search in two Availability Zones and needs at least 2 OCUs
// (0.5 OCU × 2 for indexing, the same for search); without, at least 1
// OCU (0.5 + 0.5), for development and test
// (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-scaling.html).
const (
	RedundancyStandby Redundancy = "ENABLED"
	RedundancyNone    Redundancy = "DISABLED"
)

// NetworkAccess is who may reach the collection's endpoints.
type NetworkAccess string

// Network access of the collection. Private collections are reached
// through an OpenSearch Serverless VPC endpoint only; Firehose delivers
// through ENIs in the same VPC
// (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-network.html,
// https://docs.aws.amazon.com/firehose/latest/APIReference/API_VpcConfiguration.html).
// Public collections accept requests from the internet that pass IAM
// (SigV4) and the data access policy.
const (
	NetworkPrivate NetworkAccess = "private"
	NetworkPublic  NetworkAccess = "public"
)

// Firehose limits of the OpenSearch Serverless destination
// (https://docs.aws.amazon.com/firehose/latest/APIReference/API_AmazonOpenSearchServerlessBufferingHints.html,
// https://docs.aws.amazon.com/firehose/latest/APIReference/API_AmazonOpenSearchServerlessRetryOptions.html).
const (
	AnalysisMinBufferSizeMB   = 1
	AnalysisMaxBufferSizeMB   = 100
	AnalysisMaxBufferInterval = 900 * time.Second
	AnalysisMaxRetryDuration  = 7200 * time.Second
)

// AnalysisVpc is where a private collection is reached: the construct
// creates an OpenSearch Serverless VPC endpoint in these subnets, and the
// Firehose streams deliver through ENIs there. The endpoint takes 1-6
// subnets and 1-5 security groups
// (https://docs.aws.amazon.com/opensearch-service/latest/ServerlessAPIReference/API_CreateVpcEndpoint.html).
type AnalysisVpc struct {
	// VpcID, e.g. "vpc-0123456789abcdef0".
	VpcID string
	// SubnetIDs of the endpoint and the Firehose ENIs, 1-6.
	SubnetIDs []string
	// SecurityGroupIDs of the endpoint and the ENIs, 1-5; they must allow
	// HTTPS between each other.
	SecurityGroupIDs []string
}

// AnalysisRetention is how long each tier's documents stay searchable,
// in days, 1-3650: the lifecycle policy's MinIndexRetention, 24h-3650d;
// documents are deleted within 48 hours or 10% of the period after it
// (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-lifecycle.html).
type AnalysisRetention struct {
	Error, Warn, Info, Debug int
}

func (r AnalysisRetention) get(t Tier) int {
	switch t {
	case Error:
		return r.Error
	case Warn:
		return r.Warn
	case Info:
		return r.Info
	}
	return r.Debug
}

// AnalysisProps configures the analysis tier: an OpenSearch Serverless
// time-series collection with its policies, and one Firehose stream (and
// index) per tier feeding it.
type AnalysisProps struct {
	// Name is the platform name; the collection, policies and index names
	// derive from it. Default: "o11yscale" (DefaultName).
	Name string
	// CollectionName, 3-28 lowercase letters, digits or '-', starting with
	// a letter (policy names add a 4-character suffix within the limit of
	// 32). Default: "<Name>-logs" with '_' as '-'.
	CollectionName string
	// Tiers indexed, each in its own index "<Name>-<tier>" fed by its own
	// stream. Default: [Error, Warn], the seed's "errors + warnings only".
	Tiers []Tier
	// Retention of each tier's documents, in days. Default: the tiers'
	// CloudWatch defaults, ERROR 30, WARN 7, INFO 14, DEBUG 3; the
	// platform passes the configured tier retention.
	Retention AnalysisRetention
	// Redundancy of the collection's compute. Default: RedundancyStandby
	// (2 OCUs minimum, two Availability Zones).
	Redundancy Redundancy
	// Network access. Default: NetworkPrivate, which needs Vpc.
	Network NetworkAccess
	// PublicReason is why the collection is public; required with
	// NetworkPublic, shown in a synth warning on the network policy.
	PublicReason string
	// Vpc of a private collection. Required with NetworkPrivate.
	Vpc AnalysisVpc
	// ReaderVpcs are more VPCs whose clients reach a private collection,
	// e.g. the Grafana workspace's VPC: the construct creates an
	// OpenSearch Serverless VPC endpoint in each and lists it in the
	// network policy's SourceVPCEs; a VPC with Vpc's VpcID reuses Vpc's
	// endpoint (one endpoint serves every collection of the region from
	// its VPC). Each VPC must be in the collection's account and region:
	// an endpoint serves its own region's collections
	// (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-vpc.html),
	// and a network policy names endpoints, not accounts
	// (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-network.html).
	// Only with NetworkPrivate. Default: none.
	ReaderVpcs []AnalysisVpc
	// Readers are IAM role or user ARNs allowed to search every index
	// (e.g. a Grafana workspace role). Default: none.
	Readers []string
	// Writers are IAM role ARNs allowed to write documents besides the
	// delivery role (e.g. task roles running Fluent Bit's opensearch
	// output). Default: none.
	Writers []string
	// BufferSizeMB before Firehose writes a bulk request, 1-100. Default: 5.
	BufferSizeMB int
	// BufferInterval before Firehose writes, 0s-900s in whole seconds.
	// Default: 60s (errors are searchable within about a minute).
	BufferInterval time.Duration
	// RetryDuration Firehose retries a failed bulk request before it
	// writes the documents to the archive's error prefix, 0s-7200s.
	// Default: 300s.
	RetryDuration time.Duration
	// DeliveryLogRetentionDays of the Firehose delivery error log group.
	// Default: 30.
	DeliveryLogRetentionDays int
	// DestroyOnRemoval deletes the collection and log group with the stack.
	// Default: false (retained).
	DestroyOnRemoval bool

	// Archive receives the documents Firehose could not index, under its
	// ErrorPrefix + "analysis/<tier>/". Required (checked by NewAnalysis).
	Archive *Archive
	// EncryptionKey encrypts the collection, the streams and the failed
	// documents. Default: AWS-owned keys (the archive bucket's own
	// encryption for failed documents).
	EncryptionKey awskms.IKey
}

var (
	collectionRE = regexp.MustCompile(`^[a-z][a-z0-9-]{2,27}$`)
	vpcIDRE      = regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`)
	subnetIDRE   = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	sgIDRE       = regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`)
	principalRE  = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$`)
)

func (p AnalysisProps) withDefaults() AnalysisProps {
	if p.Name == "" {
		p.Name = DefaultName
	}
	if p.CollectionName == "" {
		p.CollectionName = strings.ReplaceAll(p.Name, "_", "-") + "-logs"
	}
	if p.Tiers == nil {
		p.Tiers = []Tier{Error, Warn}
	}
	r := &p.Retention
	for _, f := range []struct {
		days *int
		tier Tier
	}{{&r.Error, Error}, {&r.Warn, Warn}, {&r.Info, Info}, {&r.Debug, Debug}} {
		if *f.days == 0 {
			*f.days = tierDefaults[f.tier].RetentionDays
		}
	}
	if p.Redundancy == "" {
		p.Redundancy = RedundancyStandby
	}
	if p.Network == "" {
		p.Network = NetworkPrivate
	}
	if p.BufferSizeMB == 0 {
		p.BufferSizeMB = 5
	}
	if p.BufferInterval == 0 {
		p.BufferInterval = time.Minute
	}
	if p.RetryDuration == 0 {
		p.RetryDuration = 300 * time.Second
	}
	if p.DeliveryLogRetentionDays == 0 {
		p.DeliveryLogRetentionDays = 30
	}
	return p
}

// Collection is the collection's name after defaults.
func (p AnalysisProps) Collection() string { return p.withDefaults().CollectionName }

// Indexes reports whether tier is indexed, after defaults.
func (p AnalysisProps) Indexes(tier Tier) bool { return slices.Contains(p.withDefaults().Tiers, tier) }

// IndexName is the index of a tier's documents: "<name>-<tier>", e.g.
// "o11yscale-error".
func IndexName(name string, tier Tier) string {
	if name == "" {
		name = DefaultName
	}
	return name + "-" + tier.lower()
}

// Validate checks every field and reports all problems at once. The
// Archive collaborator, which exists only in its region's stack, is
// checked by NewAnalysis.
func (p AnalysisProps) Validate() error {
	p = p.withDefaults()
	var v validation.Errors
	validateName(&v, p.Name)
	if !collectionRE.MatchString(p.CollectionName) {
		v.Add("collectionName", p.CollectionName, "3-28 lowercase letters, digits or '-', starting with a letter")
	}
	if len(p.Tiers) == 0 {
		v.Add("tiers", "", "at least one of ERROR, WARN, INFO, DEBUG")
	}
	for i, t := range p.Tiers {
		switch {
		case !t.valid():
			v.Add(validation.Index("tiers", i), string(t), "one of ERROR, WARN, INFO, DEBUG")
		case slices.Index(p.Tiers, t) != i:
			v.Add(validation.Index("tiers", i), string(t), "each tier once")
		}
	}
	for _, t := range TierNames {
		if d := p.Retention.get(t); d < 1 || d > 3650 {
			v.Add("retention."+t.lower(), d, "1-3650 days")
		}
	}
	if p.Redundancy != RedundancyStandby && p.Redundancy != RedundancyNone {
		v.Add("redundancy", string(p.Redundancy), "one of ENABLED (standby replicas), DISABLED")
	}
	switch p.Network {
	case NetworkPrivate:
		if p.PublicReason != "" {
			v.Add("publicReason", p.PublicReason, "no value for a private collection")
		}
		validateVpc(&v, "vpc", p.Vpc)
		if len(p.ReaderVpcs) > 9 {
			// "<collection>-rd<n>" stays within the endpoint name's 32 characters.
			v.Add("readerVpcs", len(p.ReaderVpcs), "at most 9 reader VPCs")
		}
		for i, rv := range p.ReaderVpcs {
			validateVpc(&v, validation.Index("readerVpcs", i), rv)
			if slices.IndexFunc(p.ReaderVpcs, func(o AnalysisVpc) bool { return o.VpcID == rv.VpcID }) != i {
				v.Add(validation.Index("readerVpcs", i)+".vpcId", rv.VpcID, "each VPC once")
			}
		}
	case NetworkPublic:
		if len(strings.Fields(p.PublicReason)) < 4 {
			v.Add("publicReason", p.PublicReason, "a reason of at least four words why the collection's endpoints are public")
		}
		if p.Vpc.VpcID != "" || len(p.Vpc.SubnetIDs) > 0 || len(p.Vpc.SecurityGroupIDs) > 0 {
			v.Add("vpc.vpcId", p.Vpc.VpcID, "no VPC for a public collection")
		}
		if len(p.ReaderVpcs) > 0 {
			v.Add("readerVpcs", len(p.ReaderVpcs), "no reader VPCs for a public collection (it is reachable from every VPC)")
		}
	default:
		v.Add("network", string(p.Network), "one of private, public")
	}
	for i, r := range p.Readers {
		if !principalRE.MatchString(r) && !unresolved(r) {
			v.Add(validation.Index("readers", i), r, "an IAM role or user ARN (arn:aws:iam::<account>:role/<name>), no wildcards")
		}
	}
	for i, w := range p.Writers {
		if !principalRE.MatchString(w) && !unresolved(w) {
			v.Add(validation.Index("writers", i), w, "an IAM role or user ARN (arn:aws:iam::<account>:role/<name>), no wildcards")
		}
	}
	if p.BufferSizeMB < AnalysisMinBufferSizeMB || p.BufferSizeMB > AnalysisMaxBufferSizeMB {
		v.Add("bufferSizeMB", p.BufferSizeMB, "%d-%d MB", AnalysisMinBufferSizeMB, AnalysisMaxBufferSizeMB)
	}
	if p.BufferInterval < 0 || p.BufferInterval > AnalysisMaxBufferInterval || p.BufferInterval%time.Second != 0 {
		v.Add("bufferInterval", p.BufferInterval.String(), "whole seconds from 0s to 900s")
	}
	if p.RetryDuration < 0 || p.RetryDuration > AnalysisMaxRetryDuration || p.RetryDuration%time.Second != 0 {
		v.Add("retryDuration", p.RetryDuration.String(), "whole seconds from 0s to 2h0m0s")
	}
	if !retention.Valid(p.DeliveryLogRetentionDays) {
		v.Add("deliveryLogRetentionDays", p.DeliveryLogRetentionDays, retention.Allowed(p.DeliveryLogRetentionDays))
	}
	return v.Err()
}

func validateVpc(v *validation.Errors, path string, vpc AnalysisVpc) {
	if !vpcIDRE.MatchString(vpc.VpcID) && !unresolved(vpc.VpcID) {
		v.Add(path+".vpcId", vpc.VpcID, "a VPC id (vpc-…): a private collection is reached through a VPC endpoint; or network: public with a reason")
	}
	if n := len(vpc.SubnetIDs); n < 1 || n > 6 {
		v.Add(path+".subnetIds", n, "1-6 subnet ids")
	}
	for i, s := range vpc.SubnetIDs {
		if !subnetIDRE.MatchString(s) && !unresolved(s) {
			v.Add(validation.Index(path+".subnetIds", i), s, "a subnet id (subnet-…)")
		}
	}
	if n := len(vpc.SecurityGroupIDs); n < 1 || n > 5 {
		v.Add(path+".securityGroupIds", n, "1-5 security group ids")
	}
	for i, s := range vpc.SecurityGroupIDs {
		if !sgIDRE.MatchString(s) && !unresolved(s) {
			v.Add(validation.Index(path+".securityGroupIds", i), s, "a security group id (sg-…)")
		}
	}
}
