package anomaly

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
)

// CentralIncidentsTopicName is the central incidents topic's name for a
// platform name: "<name>-central-incidents".
func CentralIncidentsTopicName(platform string) string {
	return contract.CentralIncidentsTopicName(platform)
}

// EnricherRoleName is the fixed name of a region's enricher role when its
// incidents go to a central topic: "<name>-enricher-<region>". The
// central topic and key policies name these roles before they exist.
func EnricherRoleName(platform, region string) string {
	return platform + "-enricher-" + region
}

// maxRoleName is IAM's limit on a role name
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
const maxRoleName = 64

var (
	accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
	orgIDPattern   = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
)

// CentralTarget sends a region's incidents to a central incidents topic
// (NewCentralIncidents) instead of a topic of the region's own.
type CentralTarget struct {
	// Region of the central topic, the monitoring account's central
	// region. Setting it turns the central topic on. Default: "" (off:
	// the region has its own incidents topic).
	Region string
	// Account is the 12-digit monitoring account that holds the topic.
	// Default: the Alerting's own account (a single-account platform).
	Account string
}

// Enabled reports whether incidents go to a central topic.
func (c CentralTarget) Enabled() bool { return c.Region != "" }

func (c CentralTarget) validate(v *validation.Errors, path string) {
	if !c.Enabled() {
		if c.Account != "" {
			v.Add(path+".account", c.Account, "empty unless central.region is set")
		}
		return
	}
	if !regionPattern.MatchString(c.Region) {
		v.Add(path+".region", c.Region, "an AWS region code such as us-east-1")
	}
	if c.Account != "" && !accountPattern.MatchString(c.Account) {
		v.Add(path+".account", c.Account, "a 12-digit AWS account id, or empty for this account")
	}
}

// IncidentPublisher is one account whose enrichers publish to the central
// topic: one enricher, with role EnricherRoleName(name, region), per
// region.
type IncidentPublisher struct {
	// Account is the 12-digit account id. Default: the central stack's own
	// account (a single-account platform).
	Account string
	// Regions with an enricher. Required.
	Regions []string
}

// CentralIncidentsProps configures the central incidents topic.
type CentralIncidentsProps struct {
	// Name is the platform name; the topic is "<name>-central-incidents"
	// and its key alias "alias/<name>-central-incidents". Default:
	// DefaultName.
	Name string
	// Publishers are the accounts and regions whose enrichers may publish.
	// Required.
	Publishers []IncidentPublisher
	// OrganizationID, when set, also requires aws:PrincipalOrgID of every
	// publisher. Default: none (the role list alone decides).
	OrganizationID string
	// Subscriptions receive the enriched incidents of every account and
	// region. Default: none.
	Subscriptions Subscriptions
}

func (p CentralIncidentsProps) withDefaults() CentralIncidentsProps {
	if p.Name == "" {
		p.Name = DefaultName
	}
	return p
}

// Validate reports every invalid field at once.
func (p CentralIncidentsProps) Validate() error {
	var v validation.Errors
	if p.Name != "" && !namePattern.MatchString(p.Name) {
		v.Add("name", p.Name, "1-40 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	name := p.withDefaults().Name
	if len(p.Publishers) == 0 {
		v.Add("publishers", nil, "at least one account with its enricher regions")
	}
	seen := map[string]int{}
	for i, pub := range p.Publishers {
		at := validation.Index("publishers", i)
		if pub.Account != "" && !accountPattern.MatchString(pub.Account) {
			v.Add(at+".account", pub.Account, "a 12-digit AWS account id, or empty for the central stack's account")
		} else if j, dup := seen[pub.Account]; dup {
			v.Add(at+".account", pub.Account, "an account listed once; publishers[%d] has it", j)
		}
		seen[pub.Account] = i
		if len(pub.Regions) == 0 {
			v.Add(at+".regions", nil, "at least one region with an enricher")
		}
		for j, r := range pub.Regions {
			rat := validation.Index(at+".regions", j)
			switch {
			case !regionPattern.MatchString(r):
				v.Add(rat, r, "an AWS region code such as eu-west-1")
			case slices.Index(pub.Regions, r) != j:
				v.Add(rat, r, "each region once")
			case len(EnricherRoleName(name, r)) > maxRoleName:
				v.Add(rat, r, "a region whose enricher role name %q fits IAM's %d characters (shorten the name)", EnricherRoleName(name, r), maxRoleName)
			}
		}
	}
	if p.OrganizationID != "" && !orgIDPattern.MatchString(p.OrganizationID) {
		v.Add("organizationId", p.OrganizationID, "an AWS Organizations id such as o-a1b2c3d4e5")
	}
	sub := AlertingProps{Name: p.Name, Subscriptions: p.Subscriptions}
	for _, fe := range validation.Fields(sub.Validate()) {
		v.Add(fe.Path, fe.Value, "%s", fe.Allowed)
	}
	return v.Err()
}

// CentralIncidents is the monitoring account's one incidents topic, which
// the enrichers of every configured account and region publish to.
type CentralIncidents struct {
	constructs.Construct
	// Key encrypts the topic; its alias is
	// contract.CentralIncidentsKeyAlias(name).
	Key awskms.Key
	// Alias is the key's alias.
	Alias awskms.Alias
	// Topic is "<name>-central-incidents". Subscriptions attach here.
	Topic awssns.Topic
	// PublisherRoleArns are the enricher roles allowed to publish, in
	// order of the publishers and their regions.
	PublisherRoleArns []string
}

// NewCentralIncidents creates the central topic and its key. The topic
// policy lets only the publishers' enricher roles publish (over TLS), and
// denies everyone else; the key policy lets the same roles use the key
// through SNS only. The roles are named by account principal plus
// aws:PrincipalArn, because key and topic policies refuse a principal
// that does not exist yet, and the workload stacks with the roles deploy
// after this one.
func NewCentralIncidents(scope constructs.Construct, id string, props CentralIncidentsProps) (*CentralIncidents, error) {
	if err := props.Validate(); err != nil {
		return nil, pathError(scope, id, err)
	}
	p := props.withDefaults()
	c := constructs.NewConstruct(scope, &id)
	stack := awscdk.Stack_Of(c)
	ci := &CentralIncidents{Construct: c}

	var accounts []awsiam.IPrincipal
	var roleArns []string
	for _, pub := range p.Publishers {
		account := pub.Account
		if account == "" {
			account = *stack.Account()
		}
		accounts = append(accounts, awsiam.NewAccountPrincipal(jsii.String(account)))
		for _, r := range pub.Regions {
			roleArns = append(roleArns, fmt.Sprintf("arn:%s:iam::%s:role/%s", contract.PartitionOfRegion(r), account, EnricherRoleName(p.Name, r)))
		}
	}
	ci.PublisherRoleArns = roleArns
	if err := policyFits(p.Name, roleArns, len(accounts)); err != nil {
		return nil, pathError(scope, id, err)
	}
	who := map[string]any{"ArnEquals": map[string]any{"aws:PrincipalArn": roleArns}}
	if p.OrganizationID != "" {
		who["StringEquals"] = map[string]any{"aws:PrincipalOrgID": p.OrganizationID}
	}

	ci.Key = awskms.NewKey(c, jsii.String("Key"), &awskms.KeyProps{
		Description:       jsii.String("o11yscale " + p.Name + " central incidents topic"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
	})
	// Publishers' roles match the key by this alias (kms:ResourceAliases),
	// since its id is unknown to their accounts.
	ci.Alias = ci.Key.AddAlias(jsii.String(contract.CentralIncidentsKeyAlias(p.Name)))
	// A publisher to an encrypted topic needs a data key and kms:Decrypt
	// on its key, which SNS calls on its behalf
	// (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
	// The page's example grants kms:GenerateDataKey*; the enricher's own
	// policy allows only kms:GenerateDataKey, so the key grants exactly
	// that and no wildcard action reaches across accounts.
	keyWho := map[string]any{"StringEquals": map[string]any{"kms:ViaService": "sns." + *stack.Region() + ".amazonaws.com"}}
	keyWho["ArnEquals"] = who["ArnEquals"]
	if p.OrganizationID != "" {
		keyWho["StringEquals"].(map[string]any)["aws:PrincipalOrgID"] = p.OrganizationID
	}
	ci.Key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("EnrichersPublishThroughSNS"),
		Principals: &accounts,
		Actions:    jsii.Strings("kms:GenerateDataKey", "kms:Decrypt"),
		Resources:  jsii.Strings("*"),
		Conditions: &keyWho,
	}), jsii.Bool(false))

	ci.Topic = awssns.NewTopic(c, jsii.String("Topic"), &awssns.TopicProps{
		TopicName:   jsii.String(CentralIncidentsTopicName(p.Name)),
		DisplayName: jsii.String(p.Name + " incidents, all accounts"),
		MasterKey:   ci.Key,
		EnforceSSL:  jsii.Bool(true),
	})
	publishOnly(ci.Topic, "OnlyTheEnrichers", accounts, &who, roleArns)
	subscribe(ci.Topic, p.Subscriptions)
	return ci, nil
}

// subscribe attaches the endpoints to an incidents topic.
func subscribe(topic awssns.Topic, subs Subscriptions) {
	for _, s := range subs.Email {
		topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(s.Endpoint), &awssnssubscriptions.EmailSubscriptionProps{
			FilterPolicy: severityFilter(s.Severities),
		}))
	}
	for _, s := range subs.HTTPS {
		topic.AddSubscription(awssnssubscriptions.NewUrlSubscription(jsii.String(s.Endpoint), &awssnssubscriptions.UrlSubscriptionProps{
			Protocol: awssns.SubscriptionProtocol_HTTPS, FilterPolicy: severityFilter(s.Severities),
		}))
	}
	for _, s := range subs.Chat {
		topic.AddSubscription(awssnssubscriptions.NewUrlSubscription(jsii.String(s.Endpoint), &awssnssubscriptions.UrlSubscriptionProps{
			Protocol: awssns.SubscriptionProtocol_HTTPS, RawMessageDelivery: jsii.Bool(true), FilterPolicy: severityFilter(s.Severities),
		}))
	}
}

// Policy quotas the central topic and key policies must fit: an SNS
// policy holds at most 30 KB and 200 principals
// (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html),
// a key policy at most 32 KB
// (https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html).
const (
	snsPolicyBytes      = 30 * 1024
	snsPolicyPrincipals = 200
	keyPolicyBytes      = 32 * 1024
	// policyOverhead bounds what the policies hold besides the role and
	// account ARNs (statements, conditions, the key's admin statement).
	policyOverhead = 2048
)

// policyFits checks, before anything is written, that the topic policy
// (each role in the allow and the deny) and the key policy fit their
// quotas, naming the counts.
func policyFits(name string, roleArns []string, accounts int) error {
	roles := 0
	for _, r := range roleArns {
		roles += len(r) + 3 // quotes and comma
	}
	principals := accounts * len(`"arn:aws-us-gov:iam::123456789012:root",`)
	topic, key := policyOverhead+2*roles+principals, policyOverhead+roles+principals
	var v validation.Errors
	if accounts > snsPolicyPrincipals {
		v.Add("publishers", accounts, "at most %d accounts: an SNS topic policy names at most %d principals", snsPolicyPrincipals, snsPolicyPrincipals)
	}
	if topic > snsPolicyBytes {
		v.Add("publishers", len(roleArns), "enricher roles whose topic policy for %s fits SNS's %d bytes (about %d bytes here); split the accounts over several platforms", CentralIncidentsTopicName(name), snsPolicyBytes, topic)
	}
	if key > keyPolicyBytes {
		v.Add("publishers", len(roleArns), "enricher roles whose key policy fits KMS's %d bytes (about %d bytes here)", keyPolicyBytes, key)
	}
	return v.Err()
}
