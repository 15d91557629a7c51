package logtiers

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/archive"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// A central log archive is one bucket (in the monitoring account's central
// stack) that every account-region's archive Firehose delivers into, each
// under its own prefix. Both sides derive the names below from the
// platform name, so a workload stack in another account needs no
// cross-stack reference.

// CentralArchiveBucketName is the central archive bucket of a platform in
// an account and region.
func CentralArchiveBucketName(platform, account, region string) string {
	return platform + "-logs-" + account + "-" + region
}

// ArchiveDeliveryRoleName is the fixed name of an account-region's
// archive Firehose role when it delivers to a central archive; the central
// bucket and key policies name exactly these roles.
func ArchiveDeliveryRoleName(platform, region string) string {
	return platform + "-log-archive-" + region
}

// ArchiveWriterRolePrefix starts the names of roles that write an archive
// tier straight to the central bucket (Fluent Bit's s3 output, see
// Archive.GrantWriteService): the bucket policy lets an account's roles
// named so put objects under its own logs/ prefix only.
func ArchiveWriterRolePrefix(platform string) string { return platform + "-log-writer-" }

// CentralArchivePrefixes are an account-region's object and error
// prefixes in the central archive: logs/account=<id>/region=<region>/ and
// errors/account=<id>/region=<region>/. Under the first, the keys are
// laid out as in a regional archive (service=/tier=/year=/.../hour=).
func CentralArchivePrefixes(account, region string) (logs, errors string) {
	return DefaultArchivePrefix + "account=" + account + "/region=" + region + "/",
		DefaultErrorPrefix + "account=" + account + "/region=" + region + "/"
}

// CentralArchiveTarget points a region's archive (ArchiveProps.Central) at
// a central archive bucket (NewCentralArchive) in another stack, usually
// in another account.
type CentralArchiveTarget struct {
	// Platform is the platform name the fixed names derive from
	// (CentralArchiveBucketName, ArchiveDeliveryRoleName). Required.
	Platform string
	// Account and Region of the central archive's stack. Required.
	Account, Region string
	// BucketName of the central bucket. Default:
	// CentralArchiveBucketName(Platform, Account, Region).
	BucketName string
	// KMS tells that the central bucket is encrypted with a KMS key of
	// Account (CentralArchiveProps.Archive.Encryption KMS). Its id is not
	// known here, so the delivery role may use Account's keys in Region,
	// but only through S3 and only for this bucket's encryption context.
	// Default: false (SSE-S3).
	KMS bool
}

// On reports whether the target is set.
func (t CentralArchiveTarget) On() bool { return t != CentralArchiveTarget{} }

func (t CentralArchiveTarget) bucketName() string {
	if t.BucketName != "" {
		return t.BucketName
	}
	return CentralArchiveBucketName(t.Platform, t.Account, t.Region)
}

var (
	accountIDRE = regexp.MustCompile(`^[0-9]{12}$`)
	regionIDRE  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
	platformRE  = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)
)

func (t CentralArchiveTarget) validate(v *validation.Errors) {
	if !platformRE.MatchString(t.Platform) {
		v.Add("central.platform", t.Platform, "the platform name: lowercase letters, digits and hyphens, starting with a letter, 1-20 characters")
	}
	if !accountIDRE.MatchString(t.Account) {
		v.Add("central.account", t.Account, "the 12-digit account id of the central archive")
	}
	if !regionIDRE.MatchString(t.Region) {
		v.Add("central.region", t.Region, "the region of the central archive, such as us-east-1")
	}
	if t.BucketName != "" && !bucketNameRE.MatchString(t.BucketName) {
		v.Add("central.bucketName", t.BucketName, "3-63 lower-case letters, digits, '.' or '-', starting and ending with a letter or digit")
	}
}

// ArchiveWriter is one account whose archive Firehoses deliver into a
// central archive, from each of its regions.
type ArchiveWriter struct {
	// Account is the 12-digit account id. Required, unique.
	Account string
	// Regions are the account's regions with an archive Firehose.
	// Required.
	Regions []string
}

// CentralArchiveProps configures a central log archive.
type CentralArchiveProps struct {
	// Platform is the platform name of the fixed names. Required.
	Platform string
	// Archive holds the bucket settings: Encryption (with KMS a rotating
	// key in this stack, or EncryptionKey), BucketName (default
	// CentralArchiveBucketName of this stack's account and region), the
	// lifecycle and DestroyOnRemoval, validated as for a regional archive.
	// The Firehose settings apply to the writers' archives, not here.
	Archive ArchiveProps
	// Writers are the accounts that deliver here. Required: at least one.
	Writers []ArchiveWriter
	// OrganizationID, when set, adds aws:PrincipalOrgID to every bucket
	// and key policy statement for the writers. Default: none.
	OrganizationID string
}

var orgIDRE = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)

// Validate reports every invalid field at once.
func (p CentralArchiveProps) Validate() error {
	var v validation.Errors
	if !platformRE.MatchString(p.Platform) {
		v.Add("platform", p.Platform, "the platform name: lowercase letters, digits and hyphens, starting with a letter, 1-20 characters")
	}
	a := p.Archive
	a.Central = CentralArchiveTarget{}
	v.Merge("archive", a.Validate())
	if len(p.Writers) == 0 {
		v.Add("writers", nil, "at least one account that delivers into the archive")
	}
	seen := map[string]bool{}
	for i, w := range p.Writers {
		path := validation.Index("writers", i)
		switch {
		case !accountIDRE.MatchString(w.Account):
			v.Add(path+".account", w.Account, "a 12-digit AWS account id")
		case seen[w.Account]:
			v.Add(path+".account", w.Account, "each account once")
		}
		seen[w.Account] = true
		if len(w.Regions) == 0 {
			v.Add(path+".regions", nil, "at least one region with an archive Firehose")
		}
		for j, r := range w.Regions {
			if !regionIDRE.MatchString(r) || slices.Index(w.Regions, r) != j {
				v.Add(validation.Index(path+".regions", j), r, "a region code such as eu-west-1, each once")
			}
		}
	}
	if p.OrganizationID != "" && !orgIDRE.MatchString(p.OrganizationID) {
		v.Add("organizationId", p.OrganizationID, "an AWS Organizations id such as o-a1b2c3d4e5")
	}
	return v.Err()
}

// CentralArchive is the central log archive: bucket, access-log bucket
// and (with KMS) key, with per-account grants.
type CentralArchive struct {
	constructs.Construct
	Bucket, AccessLogsBucket awss3.Bucket
	// Key encrypts the bucket; nil with SSE-S3.
	Key awskms.IKey
	// BucketName is the bucket's fixed name.
	BucketName string
	// Props as built, defaults applied to Archive.
	Props CentralArchiveProps
	// ownKey is the key created here (not a given EncryptionKey), whose
	// policy this construct writes.
	ownKey awskms.Key
}

// Target is where the writers' archives point (ArchiveProps.Central).
func (c *CentralArchive) Target() CentralArchiveTarget {
	stack := awscdk.Stack_Of(c.Construct)
	return CentralArchiveTarget{Platform: c.Props.Platform, Account: *stack.Account(), Region: *stack.Region(),
		BucketName: c.BucketName, KMS: c.Key != nil}
}

// NewCentralArchive creates the central archive. The bucket policy lets
// each writer account, by id (never "*") and only through its archive
// delivery roles (ArchiveDeliveryRoleName of each of its regions), list
// the bucket and write under its own logs/account=<id>/ and
// errors/account=<id>/, and its ArchiveWriterRolePrefix roles put objects
// under its own logs/account=<id>/ only; the key policy lets the same
// roles use the key only through S3 in this region for this bucket.
// Objects are owned by this account (bucket owner enforced), and the
// lifecycle is the regional archive's.
func NewCentralArchive(scope constructs.Construct, id string, props CentralArchiveProps) (*CentralArchive, error) {
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("logtiers central archive %s/%s: %w", *scope.Node().Path(), id, err)
	}
	props.Archive = props.Archive.withDefaults()
	p := props.Archive
	c := constructs.NewConstruct(scope, &id)
	stack := awscdk.Stack_Of(c)
	out := &CentralArchive{Construct: c, Props: props, BucketName: p.BucketName}
	if out.BucketName == "" {
		out.BucketName = CentralArchiveBucketName(props.Platform, *stack.Account(), *stack.Region())
	}
	removal := awscdk.RemovalPolicy_RETAIN
	if p.DestroyOnRemoval {
		removal = awscdk.RemovalPolicy_DESTROY
	}
	var key awskms.Key
	if p.Encryption == awss3.BucketEncryption_KMS {
		out.Key = p.EncryptionKey
		if out.Key == nil {
			key = awskms.NewKey(c, jsii.String("Key"), &awskms.KeyProps{
				Description:       jsii.String("o11yscale central log archive"),
				EnableKeyRotation: jsii.Bool(true),
				RemovalPolicy:     removal,
			})
			out.Key, out.ownKey = key, key
		}
	}
	transition := awss3.StorageClass_GLACIER_INSTANT_RETRIEVAL()
	if p.TransitionClass == GlacierFlexibleRetrieval {
		transition = awss3.StorageClass_GLACIER()
	}
	// Bucket owner enforced (archive.New): every object a writer puts is
	// owned by this account, with no ACL to set.
	buckets := archive.New(c, "Bucket", archive.Props{
		BucketName: out.BucketName, Key: out.Key,
		TransitionClass: transition, TransitionDays: p.TransitionDays, ExpirationDays: p.ExpirationDays,
		NoncurrentExpirationDays: p.NoncurrentExpirationDays, AccessLogExpirationDays: p.AccessLogExpirationDays,
		AccessLogPrefix: "archive/", Removal: removal,
	})
	out.Bucket, out.AccessLogsBucket = buckets.Bucket, buckets.AccessLogs

	// roles are an account's roles whose names start with prefix.
	roles := func(account, prefix string) string {
		return fmt.Sprintf("arn:%s:iam::%s:role/%s*", *stack.Partition(), account, prefix)
	}
	conds := func(principals any) *map[string]any {
		m := map[string]any{"ArnLike": map[string]any{"aws:PrincipalArn": principals}}
		if props.OrganizationID != "" {
			m["StringEquals"] = map[string]any{"aws:PrincipalOrgID": props.OrganizationID}
		}
		return &m
	}
	// Three bucket statements and one key statement for all accounts,
	// whatever their number: each names every account (by id, never "*")
	// and, by aws:PrincipalArn, only its delivery (or writer) roles, and
	// the object statements reach only the caller's own prefixes through
	// the ${aws:PrincipalAccount} policy variable ("any single-valued
	// condition key", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
	// A statement per account instead costs about 1 KB and filled S3's
	// 20 KB bucket policy at about 20 accounts; now it is 69.
	var everyone []awsiam.IPrincipal
	var delivery, writers []any
	for _, w := range props.Writers {
		everyone = append(everyone, awsiam.NewAccountPrincipal(jsii.String(w.Account)))
		delivery = append(delivery, roles(w.Account, ArchiveDeliveryRoleName(props.Platform, "")))
		writers = append(writers, roles(w.Account, ArchiveWriterRolePrefix(props.Platform)))
	}
	// What Firehose needs on its S3 destination
	// (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3),
	// granted cross-account in the bucket policy as well as in the role's
	// own policy.
	out.Bucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid: jsii.String("ArchiveList"), Principals: &everyone, Conditions: conds(delivery),
		Actions:   jsii.Strings("s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"),
		Resources: &[]*string{out.Bucket.BucketArn()},
	}))
	// The bucket's ARN from its fixed name: shorter in the policy than a
	// reference, and the key policy cannot reference the bucket (they
	// would depend on each other).
	arn := fmt.Sprintf("arn:%s:s3:::%s", *stack.Partition(), out.BucketName)
	own := func(prefix string) *string {
		return jsii.String(arn + "/" + prefix + "account=${aws:PrincipalAccount}/*")
	}
	out.Bucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid: jsii.String("ArchiveObjects"), Principals: &everyone, Conditions: conds(delivery),
		Actions:   jsii.Strings("s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"),
		Resources: &[]*string{own(DefaultArchivePrefix), own(DefaultErrorPrefix)},
	}))
	out.Bucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid: jsii.String("ArchiveWriters"), Principals: &everyone, Conditions: conds(writers),
		Actions:   jsii.Strings("s3:PutObject"),
		Resources: &[]*string{own(DefaultArchivePrefix)},
	}))
	if key != nil {
		// S3 asks KMS for a data key on the writer's behalf; with S3
		// Bucket Keys the encryption context is the bucket's ARN
		// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html),
		// else the object's, so both are allowed and the prefix is
		// enforced by the bucket policy above.
		cond := map[string]any{
			"ArnLike":      map[string]any{"aws:PrincipalArn": append(slices.Clone(delivery), writers...)},
			"StringEquals": map[string]any{"kms:ViaService": fmt.Sprintf("s3.%s.amazonaws.com", *stack.Region())},
			"StringLike":   map[string]any{"kms:EncryptionContext:aws:s3:arn": []any{arn, arn + "/" + DefaultArchivePrefix + "*", arn + "/" + DefaultErrorPrefix + "*"}},
		}
		if props.OrganizationID != "" {
			cond["StringEquals"].(map[string]any)["aws:PrincipalOrgID"] = props.OrganizationID
		}
		key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid: jsii.String("ArchiveWriters"), Principals: &everyone,
			Actions: jsii.Strings("kms:Decrypt", "kms:GenerateDataKey"), Resources: jsii.Strings("*"),
			Conditions: &cond,
		}), nil)
	}
	c.Node().AddValidation(&policySize{archive: out})
	return out, nil
}

// MaxBucketPolicyBytes is the size limit of an S3 bucket policy: "Bucket
// policies are limited to 20 KB in size"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html).
const MaxBucketPolicyBytes = 20 * 1024

// MaxKeyPolicyBytes is the size limit of a KMS key policy, 32 KB
// (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html).
const MaxKeyPolicyBytes = 32 * 1024

// policySize checks, once the tree is final, that the central bucket's
// policy and the key policy of the archive's own key fit their limits.
// Both grow by the writer accounts' principals and role patterns only
// (about 270 and 150 bytes per account), so the bucket policy binds
// first, at 69 accounts with the default platform name.
type policySize struct {
	archive *CentralArchive
}

func (v *policySize) Validate() *[]*string {
	c := v.archive
	stack := awscdk.Stack_Of(c.Construct)
	errs := []*string{}
	check := func(what string, doc any, limit int, source string) {
		if n := len(renderedJSON(stack.Resolve(doc))); n > limit {
			errs = append(errs, jsii.String(fmt.Sprintf(
				"central log archive %s of bucket %s (account %s, region %s) is about %d bytes for %d writer accounts; the limit is %d bytes (%s). Split the accounts over more platforms or turn logs.archive.central off",
				what, c.BucketName, *stack.Account(), *stack.Region(), n, len(c.Props.Writers), limit, source)))
		}
	}
	if policy := c.Bucket.Policy(); policy != nil {
		check("bucket policy", policy.Document(), MaxBucketPolicyBytes, "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html")
	}
	if c.ownKey != nil {
		check("key policy", c.ownKey.Policy(), MaxKeyPolicyBytes, "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html")
	}
	return &errs
}

// renderedJSON is a resolved policy as S3 receives it, compact: joins
// joined, the partition "aws", other references as long as the longest
// value they can take (a bucket ARN), so the estimate errs high.
func renderedJSON(v any) string {
	var render func(v any) any
	render = func(v any) any {
		switch t := v.(type) {
		case map[string]any:
			if parts, ok := t["Fn::Join"].([]any); ok && len(parts) == 2 {
				sep, _ := parts[0].(string)
				var out []string
				for _, p := range parts[1].([]any) {
					out = append(out, fmt.Sprint(render(p)))
				}
				return strings.Join(out, sep)
			}
			if ref, ok := t["Ref"]; ok {
				if ref == "AWS::Partition" {
					return "aws"
				}
				return strings.Repeat("x", 63)
			}
			if _, ok := t["Fn::GetAtt"]; ok {
				return "arn:aws:s3:::" + strings.Repeat("x", 63)
			}
			m := map[string]any{}
			for k, e := range t {
				m[k] = render(e)
			}
			return m
		case []any:
			out := make([]any, len(t))
			for i, e := range t {
				out[i] = render(e)
			}
			return out
		}
		return v
	}
	b, _ := json.Marshal(render(v))
	return string(b)
}
