package platform

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"

	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/internal/cdktest"
)

func TestOrgCentralArchiveIsOneBucketInTheMonitoringAccount(t *testing.T) {
	props := orgProps()
	props.Logs.CentralArchive = true
	props.Logs.Archive.Encryption = awss3.BucketEncryption_KMS
	props.Logs.Service.FluentBit.Publish = true
	app := cdktest.NewApp(t, "")
	p, err := New(app, props)
	if err != nil {
		t.Fatal(err)
	}
	c := p.Central.LogArchive
	if c == nil || c.BucketName != "acme-logs-111111111111-eu-west-1" || c.Key == nil {
		t.Fatalf("central archive %+v", c)
	}
	var writers []string
	for _, w := range c.Props.Writers {
		writers = append(writers, w.Account+":"+strings.Join(w.Regions, ","))
	}
	if got := strings.Join(writers, " "); got != "222222222222:eu-west-1,us-east-1 333333333333:eu-west-1 111111111111:eu-west-1" {
		t.Errorf("writers %s", got)
	}
	central := templateOf(t, p.Central.Stack)
	for _, want := range []string{`"aws:PrincipalOrgID":"o-a1b2c3d4e5"`, `"Sid":"ArchiveObjects"`, "account=${aws:PrincipalAccount}/*",
		":iam::222222222222:role/acme-log-archive-*", ":iam::333333333333:role/acme-log-archive-*", ":iam::111111111111:role/acme-log-archive-*"} {
		if !strings.Contains(central, want) {
			t.Errorf("central stack lacks %s", want)
		}
	}
	for _, r := range p.Regional {
		tpl := templateOf(t, r.Stack)
		if strings.Contains(tpl, `"AWS::S3::Bucket"`) {
			t.Errorf("%s still has a bucket of its own", *r.Stack.StackName())
		}
		logs, _ := logtiers.CentralArchivePrefixes(r.Account, r.Region)
		if r.LogArchive.Prefix != logs || !strings.Contains(tpl, "acme-logs-111111111111-eu-west-1/"+logs) {
			t.Errorf("%s: archive prefix %s, want %s in the role policy", *r.Stack.StackName(), r.LogArchive.Prefix, logs)
		}
		// Fluent Bit's s3 tier writes the same prefix of the same bucket.
		for _, sh := range r.Shards {
			for svc, l := range sh.Logs {
				if cfg := l.FluentBitConfig; !strings.Contains(cfg, "acme-logs-111111111111-eu-west-1") || !strings.Contains(cfg, logs+"service="+svc+"/tier=info/") {
					t.Errorf("%s %s: Fluent Bit config does not write the central archive:\n%s", *r.Stack.StackName(), svc, cfg)
				}
			}
		}
	}
	// The cost report says where the archive is billed.
	if md := string(p.CostReport.Markdown()); !strings.Contains(md, "stored in the central archive of account 111111111111 in eu-west-1") {
		t.Errorf("cost report does not place the archive in the monitoring account:\n%s", md)
	}
}

func TestCentralArchivePlatformErrors(t *testing.T) {
	single := Props{Name: "solo", Regions: []string{"us-east-1"}, Services: []Service{{Name: "api"}}}
	single.Logs.CentralArchive = true
	err := single.Validate()
	for _, want := range []string{"logs.archive.central: true is not allowed; false, or set account"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	hand := orgProps()
	hand.Logs.Archive.Central = logtiers.CentralArchiveTarget{Platform: "acme"}
	if err := hand.Validate(); err == nil || !strings.Contains(err.Error(), "logs.archive.central") {
		t.Errorf("a hand-set Archive.Central passed: %v", err)
	}
}

// A single-account platform with an account keeps its archive in the
// central stack too: every region writes there cross-region.
func TestSingleAccountCentralArchiveUsesTheCentralStack(t *testing.T) {
	props := Props{Name: "solo", Account: "123456789012", Regions: []string{"us-east-1", "eu-west-1"}, Services: []Service{{Name: "api"}},
		Billing: orgProps().Billing}
	props.Logs.CentralArchive = true
	app := cdktest.NewApp(t, "")
	p, err := New(app, props)
	if err != nil {
		t.Fatal(err)
	}
	c := p.Central.LogArchive
	if c == nil || c.BucketName != "solo-logs-123456789012-us-east-1" || c.Key != nil || len(c.Props.Writers) != 1 ||
		strings.Join(c.Props.Writers[0].Regions, ",") != "us-east-1,eu-west-1" {
		t.Fatalf("central archive %+v", c)
	}
	for _, r := range p.Regional {
		if r.LogArchive.Bucket != nil || r.LogArchive.Central.Account != "123456789012" || r.LogArchive.Central.Region != "us-east-1" {
			t.Errorf("%s: archive %+v", *r.Stack.StackName(), r.LogArchive.Central)
		}
	}
}
