package anomaly_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/internal/cdktest"
	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
)

func TestARenamedPlatformLeavesNoO11yscaleInCreatedNames(t *testing.T) {
	app := cdktest.NewApp(t, "")
	stack := cdktest.NewStack(app, "Regional", "eu-west-1")
	if _, err := anomaly.NewAlerting(stack, "Alerting", anomaly.AlertingProps{Name: "acme"}); err != nil {
		t.Fatal(err)
	}
	tpl := assertions.Template_FromStack(stack, nil)
	// The enricher writes its self-metrics to acme's pipeline namespace.
	tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{"Environment": map[string]any{
		"Variables": assertions.Match_ObjectLike(&map[string]any{contract.EnvMetricNamespace: "Acme/Pipeline"})}})
	if left := cdktest.Leftovers(*tpl.ToJSON(), "o11yscale"); len(left) > 0 {
		t.Errorf("o11yscale left in created names:\n%s", strings.Join(left, "\n"))
	}
}
