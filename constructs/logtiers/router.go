package logtiers

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/o11yscale/o11yscale/constructs/golambda"
	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/internal/naming"
	"github.com/o11yscale/o11yscale/lambdas/logrouter/contract"
)

// RouterImportPath is the log router Lambda's main package.
const RouterImportPath = "github.com/o11yscale/o11yscale/lambdas/logrouter"

// RouterProps configures the log router.
type RouterProps struct {
	// Name is the platform name: 1-32 lowercase letters, digits, '-' or
	// '_'; the
	// default LogGroupPrefix derives from it. Default: "o11yscale"
	// (DefaultName).
	Name string
	// Archive receives the forwarded events through its delivery stream;
	// the router is granted PutRecord on it. Required.
	Archive *Archive
	// LogGroupPrefix is the start of the names of the log groups whose
	// subscription filters may invoke the router: one permission covers
	// them all. A service whose log groups lie outside it cannot subscribe.
	// Default: "/<Name>/" (LogGroupPrefix(Name) + "/"), e.g. "/o11yscale/".
	LogGroupPrefix string
	// ForwardTiers are forwarded whatever their status. Default: [Error].
	ForwardTiers []Tier
	// MinStatus forwards any event with a status_code of at least this
	// value, 100-599. Default: 500.
	MinStatus int
	// DisableStatusRule forwards by tier only (MinStatus is then unused).
	// Default: false.
	DisableStatusRule bool
	// LogLevel of the router's own logs: DEBUG, INFO, WARN or ERROR.
	// Default: "INFO".
	LogLevel string
	// Description of the function. Default: "Forwards critical log events
	// from subscription filters to the log archive".
	Description string
	// Analysis, when set, is the second target: the events of its tiers
	// also go to its tier streams (and indexes), and the router may put
	// records to them. Default: nil, the archive only.
	Analysis *Analysis
}

func (p RouterProps) withDefaults() RouterProps {
	if p.Name == "" {
		p.Name = DefaultName
	}
	if p.LogGroupPrefix == "" {
		p.LogGroupPrefix = LogGroupPrefix(p.Name) + "/"
	}
	if len(p.ForwardTiers) == 0 {
		p.ForwardTiers = []Tier{Error}
	}
	if p.MinStatus == 0 {
		p.MinStatus = 500
	}
	if p.LogLevel == "" {
		p.LogLevel = "INFO"
	}
	if p.Description == "" {
		p.Description = "Forwards critical log events from subscription filters to the log archive"
	}
	return p
}

// config is the router's environment for p (after defaults).
func (p RouterProps) config() contract.Config {
	c := contract.Config{MinStatus: p.MinStatus, LogLevel: p.LogLevel, MetricNamespace: naming.PipelineNamespace(p.Name)}
	if p.Archive != nil {
		c.DeliveryStreamName = p.Archive.DeliveryStreamName()
	}
	if p.Analysis != nil {
		c.AnalysisStreams = p.Analysis.StreamNames()
	}
	if p.DisableStatusRule {
		c.MinStatus = 0
	}
	for _, t := range p.ForwardTiers {
		c.ForwardTiers = append(c.ForwardTiers, string(t))
	}
	return c
}

// Validate checks the settings: the prefix and the router's environment
// against its contract. The Archive collaborator, which exists only in its
// region's stack, is checked by NewRouter.
func (p RouterProps) Validate() error {
	p = p.withDefaults()
	var v validation.Errors
	validateName(&v, p.Name)
	if !prefixRE.MatchString(p.LogGroupPrefix) {
		v.Add("logGroupPrefix", p.LogGroupPrefix, "a log group name prefix starting with '/', of letters, digits and . _ / # -")
	}
	for i, t := range p.ForwardTiers {
		if !t.valid() {
			v.Add(validation.Index("forwardTiers", i), string(t), "one of ERROR, WARN, INFO, DEBUG")
		}
	}
	for _, fe := range validation.Fields(p.config().Validate()) {
		switch {
		case strings.HasPrefix(fe.Path, "forwardTiers"): // checked above, as Tier values
		case fe.Path == "deliveryStreamName" && p.Archive == nil: // the collaborator, checked by NewRouter
		default:
			v.Add(fe.Path, fe.Value, fe.Allowed)
		}
	}
	return v.Err()
}

// Router is the log router Lambda: it receives the subscription filters'
// events and forwards the critical ones to the archive. It is a
// SubscriptionDestination.
type Router struct {
	// Function is the built Lambda; its construct is the router's node.
	*golambda.Function
	// InvokePermission lets CloudWatch Logs invoke the function for every
	// log group under LogGroupPrefix.
	InvokePermission awslambda.CfnPermission
	// LogGroupPrefix is what the permission covers.
	LogGroupPrefix string
	// Config is the function's environment.
	Config contract.Config
}

// NewRouter creates the log router function at scope/id (golambda), its
// environment, its grant on the archive's stream and, at scope/<id>Invoke,
// the one invoke permission for every log group under the prefix.
func NewRouter(scope constructs.Construct, id string, props RouterProps) (*Router, error) {
	where := *scope.Node().Path() + "/" + id
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("logtiers router %s: %w", where, err)
	}
	if props.Archive == nil {
		var v validation.Errors
		v.Add("archive", nil, "the region's archive (NewArchive), whose delivery stream the router writes")
		return nil, fmt.Errorf("logtiers router %s: %w", where, v.Err())
	}
	p := props.withDefaults()
	r := &Router{LogGroupPrefix: p.LogGroupPrefix, Config: p.config()}
	var err error
	r.Function, err = golambda.NewFunction(scope, id, golambda.Props{
		ImportPath:  RouterImportPath,
		Description: p.Description,
		Environment: r.Config.Env(),
	})
	if err != nil {
		return nil, fmt.Errorf("logtiers router %s: %w", where, err)
	}
	p.Archive.GrantPutRecords(r.Function.Function)
	if p.Analysis != nil {
		p.Analysis.GrantPutRecords(r.Function.Function)
	}
	// A sibling, not a child: one statement at the stack's top level.
	r.InvokePermission = AllowLogsToInvoke(scope, id+"Invoke", r.Function.Function, p.LogGroupPrefix)
	return r, nil
}

// SubscriptionKind is KindLambda.
func (r *Router) SubscriptionKind() DestinationKind { return KindLambda }

// BindSubscription checks that the service's log groups lie under the
// router's prefix (its permission covers nothing else) and returns the
// function with the shared permission.
func (r *Router) BindSubscription(_ constructs.Construct, prefix string) (SubscriptionConfig, error) {
	if !strings.HasPrefix(prefix, r.LogGroupPrefix) {
		return SubscriptionConfig{}, fmt.Errorf("log groups %s* are outside the prefix %s* that the log router %s may be invoked for; use the router's prefix in ServiceLogsProps.LogGroupPrefix or give NewRouter a wider LogGroupPrefix",
			prefix, r.LogGroupPrefix, *r.Node().Path())
	}
	return SubscriptionConfig{Arn: *r.Function.Function.FunctionArn(), DependsOn: r.InvokePermission}, nil
}
