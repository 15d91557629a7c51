package logtiers_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/golambda"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
)

const echoPkg = "github.com/o11yscale/o11yscale/internal/lambdatest/internal/echo"

func guard(t *testing.T, scope awscdk.App, props logtiers.RetentionGuardProps) *logtiers.RetentionGuard {
	t.Helper()
	g, err := logtiers.NewRetentionGuard(props)
	if err != nil {
		t.Fatal(err)
	}
	g.Apply(scope)
	return g
}

func TestGuardRejectsNeverExpiringGroupsAndAllowsNamedOnes(t *testing.T) {
	app, stack := newStack(t)
	// An L1 without retention and an L2 with INFINITE render the same.
	awslogs.NewCfnLogGroup(stack, jsii.String("Audit"), &awslogs.CfnLogGroupProps{LogGroupName: jsii.String("/audit/trail")})
	awslogs.NewLogGroup(stack, jsii.String("Forever"), &awslogs.LogGroupProps{Retention: awslogs.RetentionDays_INFINITE})
	awslogs.NewCfnLogGroup(stack, jsii.String("Compliance"), &awslogs.CfnLogGroupProps{LogGroupName: jsii.String("/compliance/2024")})
	g := guard(t, app, logtiers.RetentionGuardProps{AllowNeverExpire: []string{"/compliance/*"}})

	ann := assertions.Annotations_FromStack(stack)
	ann.HasError(jsii.String("/S/Audit"), assertions.Match_StringLikeRegexp(jsii.String(`^\[retention guard\] log group /audit/trail \(S/Audit\) never expires`)))
	ann.HasError(jsii.String("/S/Forever/Resource"), assertions.Match_StringLikeRegexp(jsii.String(`never expires`)))
	ann.HasNoError(jsii.String("/S/Compliance"), assertions.Match_AnyValue())
	if len(g.Violations) != 2 {
		t.Fatalf("violations = %q", g.Violations)
	}
}

func TestGuardSetsTheDefaultWhereRetentionIsMissing(t *testing.T) {
	app, stack := newStack(t)
	awslogs.NewCfnLogGroup(stack, jsii.String("Plain"), &awslogs.CfnLogGroupProps{})
	awslogs.NewLogGroup(stack, jsii.String("Kept"), &awslogs.LogGroupProps{Retention: awslogs.RetentionDays_ONE_WEEK})
	g := guard(t, app, logtiers.RetentionGuardProps{DefaultDays: 14})
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 14})
	tpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 7})
	if len(g.Defaulted) != 1 || g.Defaulted[0] != "S/Plain" || len(g.Violations) != 0 {
		t.Fatalf("defaulted %q, violations %q", g.Defaulted, g.Violations)
	}
}

func TestGuardRejectsRetentionsCloudWatchDoesNotAllowOrAboveTheCap(t *testing.T) {
	app, stack := newStack(t)
	awslogs.NewCfnLogGroup(stack, jsii.String("Odd"), &awslogs.CfnLogGroupProps{RetentionInDays: jsii.Number(10)})
	awslogs.NewLogGroup(stack, jsii.String("Long"), &awslogs.LogGroupProps{Retention: awslogs.RetentionDays_TEN_YEARS})
	guard(t, app, logtiers.RetentionGuardProps{MaxDays: 365})
	ann := assertions.Annotations_FromStack(stack)
	ann.HasError(jsii.String("/S/Odd"), assertions.Match_StringLikeRegexp(jsii.String(`RetentionInDays 10, which CloudWatch Logs rejects.*nearest allowed: 7`)))
	ann.HasError(jsii.String("/S/Long/Resource"), assertions.Match_StringLikeRegexp(jsii.String(`3653 days, more than the maximum of 365`)))
}

func TestGuardAcceptsGolambdaAndTierGroupsButSeesIntoNestedShards(t *testing.T) {
	p := newPlatform(t, logtiers.ServiceLogsProps{Service: "checkout-api"})
	fn, err := golambda.NewFunction(p.shard, "Echo", golambda.Props{ImportPath: echoPkg, DisableFailureQueue: true})
	if err != nil {
		t.Fatal(err)
	}
	// One never-expiring group in the shard proves the guard looks there.
	awslogs.NewLogGroup(p.shard, jsii.String("Forgotten"), &awslogs.LogGroupProps{Retention: awslogs.RetentionDays_INFINITE})
	g := guard(t, p.app, logtiers.RetentionGuardProps{})
	p.app.Synth(nil)
	if len(g.Violations) != 1 || !strings.Contains(g.Violations[0], "log group S/Services01/Forgotten/Resource never expires") {
		t.Fatalf("violations: %q", g.Violations)
	}
	// golambda's group (30 days) and the tier groups passed.
	for _, ok := range []string{*fn.LogGroup.Node().Path(), *p.svc.LogGroups[logtiers.Error].Node().Path(), *p.archive.DeliveryLogGroup.Node().Path()} {
		for _, v := range g.Violations {
			if strings.Contains(v, ok+"/") {
				t.Errorf("%s was flagged: %s", ok, v)
			}
		}
	}
}
