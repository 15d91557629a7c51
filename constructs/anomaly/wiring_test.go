package anomaly_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/internal/cdktest"
)

func TestAlertsTopicInIsTheTopicInItsStackAndAnImportByARNElsewhere(t *testing.T) {
	app := cdktest.NewApp(t, "")
	stack := cdktest.NewStack(app, "Regional", "eu-west-1")
	alerting, err := anomaly.NewAlerting(stack, "Alerting", anomaly.AlertingProps{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if got := alerting.AlertsTopicIn(stack); *got.Node().Path() != *alerting.AlertsTopic.Node().Path() {
		t.Errorf("in its own stack: %s, want the topic itself", *got.Node().Path())
	}
	shard := awscdk.NewNestedStack(stack, jsii.String("Services01"), nil)
	imported := alerting.AlertsTopicIn(shard)
	if again := alerting.AlertsTopicIn(shard); *again.Node().Path() != *imported.Node().Path() {
		t.Errorf("imported twice: %s and %s", *imported.Node().Path(), *again.Node().Path())
	}
	if !strings.HasPrefix(*imported.Node().Path(), "Regional/Services01/") {
		t.Errorf("imported at %s, want inside the shard", *imported.Node().Path())
	}
	// The ARN is built from the shard's pseudo parameters and the topic name.
	arn, _ := json.Marshal(shard.Resolve(imported.TopicArn()))
	if string(arn) != `"arn:aws:sns:eu-west-1:123456789012:acme-alerts"` {
		t.Errorf("imported ARN %s", arn)
	}
}

func TestNewServiceAlarmsErrorsCarryTheConstructPath(t *testing.T) {
	app := cdktest.NewApp(t, "")
	stack := cdktest.NewStack(app, "Regional", "eu-west-1")
	_, err := anomaly.NewServiceAlarms(stack, "checkout-api", anomaly.ServiceAlarmsProps{Service: "checkout-api"})
	if err == nil || !strings.HasPrefix(err.Error(), "anomaly Regional/checkout-api: alertsTopic: <empty> is not allowed; an alerts topic") {
		t.Errorf("no topic: %v", err)
	}
	_, err = anomaly.NewServiceAlarms(stack, "bad", anomaly.ServiceAlarmsProps{Service: "checkout-api", Notify: anomaly.NotifyNone,
		Anomaly: anomaly.Anomaly{BandWidth: -1}})
	if err == nil || !strings.HasPrefix(err.Error(), "anomaly Regional/bad: anomaly.bandWidth: -1 is not allowed") {
		t.Errorf("bad band width: %v", err)
	}
	if _, err := anomaly.NewServiceAlarms(stack, "quiet", anomaly.ServiceAlarmsProps{Service: "worker", Notify: anomaly.NotifyNone}); err != nil {
		t.Errorf("notify none needs no topic: %v", err)
	}
}

func TestNewAlertingErrorsCarryTheConstructPath(t *testing.T) {
	app := cdktest.NewApp(t, "")
	stack := cdktest.NewStack(app, "Regional", "eu-west-1")
	_, err := anomaly.NewAlerting(stack, "Alerting", anomaly.AlertingProps{RunbookBaseURL: "runbooks"})
	if err == nil || !strings.HasPrefix(err.Error(), `anomaly Regional/Alerting: runbookBaseUrl: "runbooks" is not allowed`) {
		t.Errorf("bad runbook base: %v", err)
	}
	imported := awskms.Key_FromKeyArn(stack, jsii.String("Imported"), jsii.String("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"))
	_, err = anomaly.NewAlerting(stack, "Alerting2", anomaly.AlertingProps{Key: imported})
	if err == nil || !strings.HasPrefix(err.Error(), "anomaly Regional/Alerting2: key: an imported key") {
		t.Errorf("imported key: %v", err)
	}
}

func TestAlarmsInAnotherRegionThanTheirTopicAreAnErrorNamingBoth(t *testing.T) {
	// GIVEN alerting in eu-west-1 and a stack for alarms in us-west-2
	app := cdktest.NewApp(t, "")
	alerting, err := anomaly.NewAlerting(cdktest.NewStack(app, "Regional", "eu-west-1"), "Alerting", anomaly.AlertingProps{Name: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	other := cdktest.NewStack(app, "Other", "us-west-2")
	// WHEN the alarms take the topic as AlertsTopicIn gives it
	_, err = anomaly.NewServiceAlarms(other, "checkout-api", anomaly.ServiceAlarmsProps{Name: "shop", Service: "checkout-api", AlertsTopic: alerting.AlertsTopicIn(other)})
	// THEN synth stops, naming the topic's region and the alarms'
	if err == nil || !strings.Contains(err.Error(), "a topic in the alarms' region us-west-2 (it is in eu-west-1)") || !strings.Contains(err.Error(), "sns:eu-west-1:123456789012:shop-alerts") {
		t.Fatalf("got %v", err)
	}
}

func TestARejectedEnumReadsInTheFormOfTheAllowedValues(t *testing.T) {
	err := anomaly.ServiceAlarmsProps{Service: "checkout-api", Anomaly: anomaly.Anomaly{
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, TreatMissingData: "sometimes"}}.Validate()
	for _, want := range []string{
		"anomaly.comparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD is not allowed; one of awscloudwatch.ComparisonOperator_LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD,",
		`anomaly.treatMissingData: "sometimes" is not allowed; one of awscloudwatch.TreatMissingData_BREACHING,`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v\nlacks %q", err, want)
		}
	}
}

func TestNewCentralIncidentsRefusesPoliciesOverTheirQuotas(t *testing.T) {
	accounts := func(n int, regions ...string) []anomaly.IncidentPublisher {
		var out []anomaly.IncidentPublisher
		for i := range n {
			out = append(out, anomaly.IncidentPublisher{Account: fmt.Sprintf("%012d", 200000000000+i), Regions: regions})
		}
		return out
	}
	for _, c := range []struct {
		name       string
		publishers []anomaly.IncidentPublisher
		want       []string
	}{
		{"principals", accounts(201, "us-east-1"), []string{"publishers: 201 is not allowed; at most 200 accounts"}},
		{"bytes", accounts(150, "us-east-1", "eu-west-1", "ap-southeast-1", "eu-central-1"),
			[]string{"publishers: 600 is not allowed; enricher roles whose topic policy for acme-central-incidents fits SNS's 30720 bytes", "key policy fits KMS's 32768 bytes"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			stack := cdktest.NewStack(cdktest.NewApp(t, ""), "Central", "eu-west-1")
			_, err := anomaly.NewCentralIncidents(stack, "Incidents", anomaly.CentralIncidentsProps{Name: "acme", Publishers: c.publishers})
			for _, w := range c.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("%v\nlacks %q", err, w)
				}
			}
		})
	}
	// 80 account-regions, the organization scale test's count, fit.
	stack := cdktest.NewStack(cdktest.NewApp(t, ""), "Central", "eu-west-1")
	if _, err := anomaly.NewCentralIncidents(stack, "Incidents", anomaly.CentralIncidentsProps{Name: "acme", Publishers: accounts(20, "us-east-1", "eu-west-1", "ap-southeast-1", "eu-central-1")}); err != nil {
		t.Errorf("20 accounts in 4 regions: %v", err)
	}
	// What the estimate bounds: the rendered policies' JSON sizes.
	tpl := assertions.Template_FromStack(stack, nil)
	for typ, prop := range map[string]string{"AWS::SNS::TopicPolicy": "PolicyDocument", "AWS::KMS::Key": "KeyPolicy"} {
		for _, r := range *tpl.FindResources(jsii.String(typ), nil) {
			b, _ := json.Marshal((*r)["Properties"].(map[string]any)[prop])
			limit := map[string]int{"AWS::SNS::TopicPolicy": 30 * 1024, "AWS::KMS::Key": 32 * 1024}[typ]
			t.Logf("%s %s of 80 enricher roles: %d bytes (quota %d)", typ, prop, len(b), limit)
			if len(b) > limit/2 {
				t.Errorf("%s: %d bytes for 80 roles; the estimate's margin is gone", typ, len(b))
			}
		}
	}
}
