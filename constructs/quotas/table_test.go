package quotas

import (
	"strings"
	"testing"
)

func TestEveryQuotaHasAnAWSSourceAFixAndAUniqueID(t *testing.T) {
	seen := map[string]bool{}
	for _, q := range Table {
		if seen[q.ID()] {
			t.Errorf("%s listed twice", q.ID())
		}
		seen[q.ID()] = true
		if !strings.HasPrefix(q.Source, "https://docs.aws.amazon.com/") {
			t.Errorf("%s: source %q is not an AWS documentation page", q.ID(), q.Source)
		}
		if q.Value < 1 || q.Kind == "" || q.Per == "" || q.Fix == "" {
			t.Errorf("%s: incomplete row %+v", q.ID(), q)
		}
	}
}

func TestUnverifiedQuotasSayUnverifiedInTheirMessage(t *testing.T) {
	for _, q := range Table {
		err := Props{}.Check([]Usage{{Quota: q.ID(), Account: "111122223333", Region: "us-east-1", Count: q.ValueIn("us-east-1") + 1}})
		if err == nil {
			t.Fatalf("%s: over-quota count accepted", q.ID())
		}
		if got := strings.Contains(err.Error(), "(unverified)"); got == q.Verified {
			t.Errorf("%s (verified %v): message %q", q.ID(), q.Verified, err)
		}
	}
}

func TestFirehoseStreamsQuotaDependsOnTheRegion(t *testing.T) {
	q, _ := Lookup("firehose", "deliveryStreams")
	for region, want := range map[string]int{"us-east-1": 5000, "eu-central-1": 2000, "eu-north-1": 500, "il-central-1": 100, "us-west-1": 100} {
		if got := q.ValueIn(region); got != want {
			t.Errorf("%s: %d Firehose streams, want %d", region, got, want)
		}
	}
}

func TestCheckNamesAccountRegionKindCountQuotaSourceAndFix(t *testing.T) {
	err := Props{}.Check([]Usage{
		{Quota: "xray/groups", Account: "111122223333", Region: "eu-west-1", Count: 202},
		{Quota: "xray/samplingRules", Account: "111122223333", Region: "eu-west-1", Count: 30},
		{Quota: "logs/subscriptionFiltersPerLogGroup", Region: "us-east-1", Subject: "/o11yscale/api", Count: 3},
	})
	if err == nil {
		t.Fatal("over-quota usage accepted")
	}
	for _, want := range []string{
		"account 111122223333, region eu-west-1: 202 of X-Ray groups is over the quota of 25 per account-region (https://docs.aws.amazon.com/general/latest/gr/xray.html); fix: list fewer services under sampling.groups.services",
		"(AWS does not raise this quota)",
		"30 of X-Ray sampling rules is over the quota of 25",
		"raise it in config: quotas.overrides: [{service: xray, quota: samplingRules, value: N}]",
		"account (no account set), region us-east-1, log group /o11yscale/api: 3 of subscription filters is over the quota of 2 per log group",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if n := strings.Count(err.Error(), "\n  "); n != 3 {
		t.Errorf("%d problems listed, want all 3:\n%v", n, err)
	}
}

func TestAnOverrideRaisesOnlyItsAccountAndRegion(t *testing.T) {
	p := Props{Overrides: []Override{{Service: "xray", Quota: "samplingRules", Value: 50, Account: "111122223333", Region: "eu-west-1"}}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	over := Usage{Quota: "xray/samplingRules", Account: "111122223333", Region: "eu-west-1", Count: 40}
	if err := p.Check([]Usage{over}); err != nil {
		t.Errorf("raised quota still fails: %v", err)
	}
	other := over
	other.Region = "us-east-1"
	err := p.Check([]Usage{other})
	if err == nil || !strings.Contains(err.Error(), "region us-east-1: 40 of X-Ray sampling rules is over the quota of 25") {
		t.Errorf("override leaked to another region: %v", err)
	}
	tooMany := over
	tooMany.Count = 51
	if err := p.Check([]Usage{tooMany}); err == nil || !strings.Contains(err.Error(), "over the raised quota of 50") {
		t.Errorf("raised quota not enforced: %v", err)
	}
}

func TestOverridesOfUnknownOrFixedQuotasAreRejectedByPath(t *testing.T) {
	err := Props{Overrides: []Override{
		{Service: "xray", Quota: "groups", Value: 50},
		{Service: "xray", Quota: "nope", Value: 1},
		{Service: "events", Quota: "rulesPerBus", Value: 0, Account: "12", Region: "mars"},
	}}.Validate()
	if err == nil {
		t.Fatal("bad overrides accepted")
	}
	for _, want := range []string{
		`overrides[0]: "xray/groups" is not allowed; an adjustable quota; AWS does not raise X-Ray groups`,
		`overrides[1]: "xray/nope" is not allowed; one of xray/samplingRules, xray/groups`,
		`overrides[2].value: 0 is not allowed; a quota of at least 1`,
		`overrides[2].account: "12" is not allowed`,
		`overrides[2].region: "mars" is not allowed`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestPeaksPickTheHighestShareOfEachQuota(t *testing.T) {
	p := Props{Overrides: []Override{{Service: "xray", Quota: "samplingRules", Value: 100, Region: "eu-west-1"}}}
	peaks := p.Peaks([]Usage{
		{Quota: "xray/samplingRules", Region: "eu-west-1", Count: 40}, // 40 of 100
		{Quota: "xray/samplingRules", Region: "us-east-1", Count: 20}, // 20 of 25
		{Quota: "xray/groups", Region: "us-east-1", Count: 2},
	})
	if len(peaks) != 2 || peaks[0].Quota.ID() != "xray/samplingRules" || peaks[0].Usage.Region != "us-east-1" || peaks[0].Limit != 25 {
		t.Fatalf("peaks = %+v", peaks)
	}
	if s := PeaksTable(peaks); !strings.Contains(s, "xray/groups") || !strings.Contains(s, "us-east-1") {
		t.Errorf("table:\n%s", s)
	}
}
