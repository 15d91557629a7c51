package test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"

	"github.com/o11yscale/o11yscale/stacks/config"
)

// warningAnnotations returns the warning messages the assembly's stacks
// carry (what `cdk synth` prints as [Warning at <path>]).
func warningAnnotations(asm cxapi.CloudAssembly) map[string]string {
	out := map[string]string{}
	for _, st := range *asm.Stacks() {
		for _, m := range *st.Messages() {
			if m.Level == cxapi.SynthesisMessageLevel_WARNING {
				if s, ok := m.Entry.Data.(string); ok && strings.Contains(s, "go nowhere") {
					out[*m.Id] = s
				}
			}
		}
	}
	return out
}

// The default platform subscribes nobody: synth says so for each region's
// incidents topic and for the billing topic, naming the field to set, as a
// CDK warning on the topic and a line of the printed summary.
func TestTopicsWithoutSubscribersWarnNamingTheFieldToSet(t *testing.T) {
	s := synthDefault(t)
	var printed bytes.Buffer
	s.result.Print(&printed)
	annotations := warningAnnotations(s.asm)
	for _, want := range []struct{ path, text string }{
		{"/o11yscale-us-east-1/Alerting/Incidents", "alerts in us-east-1 go nowhere: the incidents topic o11yscale-incidents has no subscriber; set alarms.alerting.subscriptions"},
		{"/o11yscale-eu-west-1/Alerting/Incidents", "alerts in eu-west-1 go nowhere"},
		{"/o11yscale-ap-southeast-1/Alerting/Incidents", "alerts in ap-southeast-1 go nowhere"},
		{"/o11yscale-central/Billing/Topic", `billing alerts go nowhere: the billing alarm and the budget "o11yscale-observability" notify a topic with no subscriber; set billing.emails`},
		{"/o11yscale-central/Billing/Topic", `"Receive Billing Alerts"`},
		{"/o11yscale-central/Billing/Topic", "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/monitor_estimated_charges_with_cloudwatch.html"},
	} {
		got, ok := annotations[want.path]
		if !ok || !strings.Contains(got, want.text) {
			t.Errorf("annotation at %s = %q, want it to contain %q (all: %v)", want.path, got, want.text, annotations)
		}
		if !strings.Contains(printed.String(), "WARNING: "+strings.SplitN(got, ";", 2)[0]) {
			t.Errorf("the printed summary lacks the warning %q:\n%s", got, printed.String())
		}
	}
	if len(annotations) != 4 || len(s.result.Warnings) != 4 {
		t.Errorf("%d annotations and %d warnings, want 4 (three regions and billing): %v", len(annotations), len(s.result.Warnings), annotations)
	}
}

// Setting the fields the warnings name silences them, and the endpoints
// really subscribe to the topics.
func TestSubscribedTopicsDoNotWarn(t *testing.T) {
	cfg, err := config.Parse("subscribed.yaml", []byte(`
regions: [eu-west-1]
services: [{name: checkout-api}]
alarms:
  alerting:
    subscriptions:
      email: [{endpoint: oncall@example.com}]
billing:
  monthlyUSD: 100
  emails: [finance@example.com]
`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := synth(t.TempDir(), cfg, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if w := warningAnnotations(s.asm); len(w) != 0 || len(s.result.Warnings) != 0 {
		t.Fatalf("warnings with subscribers: %v %v", w, s.result.Warnings)
	}
	var printed bytes.Buffer
	s.result.Print(&printed)
	if strings.Contains(printed.String(), "go nowhere") {
		t.Fatalf("printed:\n%s", printed.String())
	}
}
