package sampling_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/review"
	"github.com/o11yscale/o11yscale/constructs/sampling"
	"github.com/o11yscale/o11yscale/internal/otelcol"
)

func TestTransactionSearchByDefault(t *testing.T) {
	stack, tr, tpl := synth(t, sampling.Props{})

	t.Run("config indexes the free 1% after the policy and both log groups exist", func(t *testing.T) {
		tpl.ResourceCountIs(jsii.String("AWS::XRay::TransactionSearchConfig"), jsii.Number(1))
		tpl.HasResourceProperties(jsii.String("AWS::XRay::TransactionSearchConfig"), map[string]any{"IndexingPercentage": 1})
		cfgID := *stack.GetLogicalId(tr.TransactionSearch.Config)
		res := tpl.ToJSON()
		deps, _ := (*res)["Resources"].(map[string]any)[cfgID].(map[string]any)["DependsOn"].([]any)
		want := []string{
			*stack.GetLogicalId(tr.TransactionSearch.Policy),
			*stack.GetLogicalId(tr.TransactionSearch.SpansLogGroup.Node().DefaultChild().(awscdk.CfnElement)),
			*stack.GetLogicalId(tr.TransactionSearch.ApplicationSignalsLogGroup.Node().DefaultChild().(awscdk.CfnElement)),
		}
		for _, w := range want {
			found := false
			for _, d := range deps {
				found = found || d == w
			}
			if !found {
				t.Errorf("TransactionSearchConfig DependsOn %v lacks %s", deps, w)
			}
		}
	})

	t.Run("log groups X-Ray writes to have a retention and survive stack deletion", func(t *testing.T) {
		for _, name := range []string{"aws/spans", "/aws/application-signals/data"} {
			tpl.HasResource(jsii.String("AWS::Logs::LogGroup"), map[string]any{
				"Properties":     map[string]any{"LogGroupName": name, "RetentionInDays": 30},
				"DeletionPolicy": "Retain",
			})
		}
	})

	t.Run("resource policy lets only this account's X-Ray put events into the two groups", func(t *testing.T) {
		tpl.ResourceCountIs(jsii.String("AWS::Logs::ResourcePolicy"), jsii.Number(1))
		policies := tpl.FindResources(jsii.String("AWS::Logs::ResourcePolicy"), nil)
		for _, r := range *policies {
			props := (*r)["Properties"].(map[string]any)
			if props["PolicyName"] != "o11yscale-TransactionSearch" {
				t.Errorf("PolicyName = %v", props["PolicyName"])
			}
			// The stack has a concrete account and region, so the document
			// is a plain string apart from the partition.
			b, _ := json.Marshal(props["PolicyDocument"])
			doc := string(b)
			for _, want := range []string{
				`\"Service\":\"xray.amazonaws.com\"`, `\"Action\":\"logs:PutLogEvents\"`,
				`:logs:us-east-1:123456789012:log-group:aws/spans:*`,
				`:logs:us-east-1:123456789012:log-group:/aws/application-signals/data:*`,
				`:xray:us-east-1:123456789012:*`, `\"aws:SourceAccount\":\"123456789012\"`,
			} {
				if !strings.Contains(doc, want) {
					t.Errorf("policy document lacks %s:\n%s", want, doc)
				}
			}
			if strings.Contains(doc, `"Resource":"*"`) || strings.Contains(doc, `\"Principal\":\"*\"`) {
				t.Errorf("policy must not use wildcards for resource or principal:\n%s", doc)
			}
		}
	})

	t.Run("collector exports to the stack region's endpoint", func(t *testing.T) {
		c, err := otelcol.Unmarshal(tr.CollectorConfig)
		if err != nil {
			t.Fatal(err)
		}
		if c.Exporters.XRay.TracesEndpoint != "https://xray.us-east-1.amazonaws.com/v1/traces" || c.Extensions.SigV4XRay.Region != "us-east-1" {
			t.Errorf("exporter %+v, extension %+v", c.Exporters.XRay, c.Extensions.SigV4XRay)
		}
	})
}

func TestEnvironmentAgnosticStackTakesTheRegionFromTheCollectorsEnvironment(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("Agnostic"), nil)
	tr, err := sampling.NewTracing(stack, "Tracing", sampling.Props{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := otelcol.Unmarshal(tr.CollectorConfig)
	if err != nil {
		t.Fatal(err)
	}
	if c.Extensions.SigV4XRay.Region != sampling.RegionFromEnvironment {
		t.Errorf("region = %q, want %q", c.Extensions.SigV4XRay.Region, sampling.RegionFromEnvironment)
	}
	if _, ok := review.Content(stack, sampling.ReviewPath); !ok {
		t.Errorf("review file %s not registered", sampling.ReviewPath)
	}
}

func TestTransactionSearchPercentageRetentionAndDisabled(t *testing.T) {
	_, _, tpl := synth(t, sampling.Props{TransactionSearch: sampling.TransactionSearchProps{IndexingPercentage: 5, RetentionDays: 7}})
	tpl.HasResourceProperties(jsii.String("AWS::XRay::TransactionSearchConfig"), map[string]any{"IndexingPercentage": 5})
	tpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"LogGroupName": "aws/spans", "RetentionInDays": 7})

	_, tr, tpl := synth(t, sampling.Props{
		TailSampling:      sampling.TailSamplingProps{Exporter: sampling.ExporterXRayLegacy},
		TransactionSearch: sampling.TransactionSearchProps{Disabled: true},
	})
	tpl.ResourceCountIs(jsii.String("AWS::XRay::TransactionSearchConfig"), jsii.Number(0))
	tpl.ResourceCountIs(jsii.String("AWS::Logs::ResourcePolicy"), jsii.Number(0))
	tpl.ResourceCountIs(jsii.String("AWS::Logs::LogGroup"), jsii.Number(0))
	if tr.TransactionSearch != nil {
		t.Error("TransactionSearch should be nil when disabled")
	}
	tpl.HasResourceProperties(jsii.String("AWS::SSM::Parameter"), map[string]any{
		"Value": assertions.Match_StringLikeRegexp(jsii.String("awsxray:\n    region: us-east-1"))})
}

func TestTransactionSearchValidation(t *testing.T) {
	err := sampling.Props{TransactionSearch: sampling.TransactionSearchProps{IndexingPercentage: 101, RetentionDays: 10}}.Validate()
	for _, want := range []string{
		"transactionSearch.indexingPercentage: 101", "above 0 and at most 100",
		"transactionSearch.retentionDays: 10", "nearest allowed: 7",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	// The OTLP endpoint needs Transaction Search.
	err = sampling.Props{TransactionSearch: sampling.TransactionSearchProps{Disabled: true}}.Validate()
	if err == nil || !strings.Contains(err.Error(), `transactionSearch.disabled: true`) || !strings.Contains(err.Error(), "xray-legacy") {
		t.Errorf("disabling Transaction Search under the OTLP exporter: %v", err)
	}
	if err := (sampling.Props{TailSampling: sampling.TailSamplingProps{Disabled: true}, TransactionSearch: sampling.TransactionSearchProps{Disabled: true}}).Validate(); err != nil {
		t.Errorf("no collector config, no Transaction Search: %v", err)
	}
}
