package logtiers_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/logtiers"
)

const (
	monitoringAccount = "999999999999"
	accountA          = "111111111111"
	accountB          = "222222222222"
)

// centralOrg builds a central archive in the monitoring account and the
// writer archives of two accounts (A in two regions, B in one).
func centralOrg(t *testing.T, encryption awss3.BucketEncryption) (central map[string]any, writers map[string]map[string]any, target logtiers.CentralArchiveTarget) {
	t.Helper()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	env := func(account, region string) *awscdk.StackProps {
		return &awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)}}
	}
	cs := awscdk.NewStack(app, jsii.String("Central"), env(monitoringAccount, "us-east-1"))
	c, err := logtiers.NewCentralArchive(cs, "LogArchive", logtiers.CentralArchiveProps{
		Platform: "obs", Archive: logtiers.ArchiveProps{Encryption: encryption, TransitionDays: 60, ExpirationDays: 400},
		Writers:        []logtiers.ArchiveWriter{{Account: accountA, Regions: []string{"us-east-1", "eu-west-1"}}, {Account: accountB, Regions: []string{"eu-west-1"}}},
		OrganizationID: "o-abcdefghij",
	})
	if err != nil {
		t.Fatal(err)
	}
	target = c.Target()
	writers = map[string]map[string]any{}
	stacks := map[string]awscdk.Stack{}
	for _, w := range []struct{ account, region string }{{accountA, "us-east-1"}, {accountA, "eu-west-1"}, {accountB, "eu-west-1"}} {
		s := awscdk.NewStack(app, jsii.String("W"+w.account+w.region), env(w.account, w.region))
		a, err := logtiers.NewArchive(s, "Archive", logtiers.ArchiveProps{Central: target})
		if err != nil {
			t.Fatal(err)
		}
		if a.Bucket != nil || a.Key != nil {
			t.Errorf("%s/%s: a writer archive created a bucket or key of its own", w.account, w.region)
		}
		// A Fluent Bit task role, named as the bucket policy requires.
		task := awsiam.NewRole(s, jsii.String("Task"), &awsiam.RoleProps{
			RoleName: jsii.String(logtiers.ArchiveWriterRolePrefix("obs") + "checkout"), AssumedBy: awsiam.NewServicePrincipal(jsii.String("ecs-tasks.amazonaws.com"), nil)})
		a.GrantWriteService(task, "checkout")
		stacks[w.account+"/"+w.region] = s
	}
	// Templates only once the whole tree is built.
	for k, s := range stacks {
		writers[k] = templateJSON(t, s)
	}
	return templateJSON(t, cs), writers, target
}

func templateJSON(t *testing.T, s awscdk.Stack) map[string]any {
	t.Helper()
	return *assertions.Template_FromStack(s, nil).ToJSON()
}

func resourcesOfType(tpl map[string]any, typ string) []map[string]any {
	var out []map[string]any
	for _, r := range tpl["Resources"].(map[string]any) {
		r := r.(map[string]any)
		if r["Type"] == typ {
			out = append(out, r["Properties"].(map[string]any))
		}
	}
	return out
}

func statements(doc any) []map[string]any {
	var out []map[string]any
	for _, s := range doc.(map[string]any)["Statement"].([]any) {
		out = append(out, s.(map[string]any))
	}
	return out
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCentralArchiveBucketPolicyGivesEachAccountOnlyItsOwnPrefix(t *testing.T) {
	central, _, _ := centralOrg(t, awss3.BucketEncryption_KMS)
	var policy map[string]any
	for _, p := range resourcesOfType(central, "AWS::S3::BucketPolicy") {
		if strings.Contains(jsonText(t, p["Bucket"]), "LogArchiveBucket") && !strings.Contains(jsonText(t, p["Bucket"]), "AccessLogs") {
			policy = p
		}
	}
	if policy == nil {
		t.Fatal("no policy on the central archive bucket")
	}
	// Three statements for all accounts: each names both accounts and
	// their roles, and the object statements reach the caller's own
	// prefixes through ${aws:PrincipalAccount}. test/policy_test.go
	// evaluates them request by request.
	own := func(prefix string) string {
		return `:s3:::obs-logs-999999999999-us-east-1/` + prefix + `account=${aws:PrincipalAccount}/*"`
	}
	want := map[string]struct {
		actions, roles string
		resources      []string
	}{
		"ArchiveList":    {`["s3:GetBucketLocation","s3:ListBucket","s3:ListBucketMultipartUploads"]`, "obs-log-archive-*", nil},
		"ArchiveObjects": {`["s3:AbortMultipartUpload","s3:GetObject","s3:PutObject"]`, "obs-log-archive-*", []string{own("logs/"), own("errors/")}},
		"ArchiveWriters": {`"s3:PutObject"`, "obs-log-writer-*", []string{own("logs/")}},
	}
	seen := map[string]bool{}
	for _, s := range statements(policy["PolicyDocument"]) {
		text := jsonText(t, s)
		if s["Effect"] == "Deny" {
			continue // the TLS-only statement
		}
		sid, _ := s["Sid"].(string)
		w, ok := want[sid]
		if !ok {
			t.Errorf("unexpected statement %s: %s", sid, text)
			continue
		}
		seen[sid] = true
		if p := jsonText(t, s["Principal"]); strings.Contains(p, `"*"`) || strings.Count(p, ":root") != 2 {
			t.Errorf("%s: principals %s, want the two accounts", sid, p)
		}
		for _, a := range []string{accountA, accountB} {
			if !strings.Contains(jsonText(t, s["Principal"]), ":iam::"+a+":root") || !strings.Contains(text, ":iam::"+a+":role/"+w.roles) {
				t.Errorf("%s does not name account %s and its %s roles: %s", sid, a, w.roles, text)
			}
		}
		if !strings.Contains(text, `"aws:PrincipalOrgID":"o-abcdefghij"`) {
			t.Errorf("%s has no aws:PrincipalOrgID condition", sid)
		}
		if a := jsonText(t, s["Action"]); a != w.actions {
			t.Errorf("%s actions %s, want %s", sid, a, w.actions)
		}
		res := jsonText(t, s["Resource"])
		if strings.Contains(res, accountA) || strings.Contains(res, accountB) {
			t.Errorf("%s names an account in its resources: %s", sid, res)
		}
		if w.resources == nil && strings.Contains(res, "account=") {
			t.Errorf("%s grants objects: %s", sid, res)
		}
		for _, r := range w.resources {
			if !strings.Contains(res, r) {
				t.Errorf("%s: resources %s lack %s", sid, res, r)
			}
		}
		if n := strings.Count(res, "account="); n != len(w.resources) {
			t.Errorf("%s: %d object resources, want %d: %s", sid, n, len(w.resources), res)
		}
	}
	for sid := range want {
		if !seen[sid] {
			t.Errorf("no %s statement", sid)
		}
	}
}

func TestCentralArchiveKeyPolicyLetsWritersUseItOnlyThroughS3ForTheBucket(t *testing.T) {
	central, _, target := centralOrg(t, awss3.BucketEncryption_KMS)
	if !target.KMS || target.Account != monitoringAccount || target.Region != "us-east-1" || target.BucketName != "obs-logs-999999999999-us-east-1" {
		t.Fatalf("target %+v", target)
	}
	keys := resourcesOfType(central, "AWS::KMS::Key")
	if len(keys) != 1 {
		t.Fatalf("%d keys in the central stack, want 1", len(keys))
	}
	found := 0
	for _, s := range statements(keys[0]["KeyPolicy"]) {
		sid, _ := s["Sid"].(string)
		if sid != "ArchiveWriters" {
			continue
		}
		found++
		text := jsonText(t, s)
		if p := jsonText(t, s["Principal"]); strings.Contains(p, `"*"`) || strings.Count(p, ":root") != 2 {
			t.Errorf("%s: principals %s, want the two accounts", sid, p)
		}
		for _, want := range []string{`"kms:ViaService":"s3.us-east-1.amazonaws.com"`, `"aws:PrincipalOrgID":"o-abcdefghij"`, "kms:EncryptionContext:aws:s3:arn",
			":iam::" + accountA + ":role/obs-log-archive-*", ":iam::" + accountB + ":role/obs-log-archive-*", ":iam::" + accountA + ":role/obs-log-writer-*", ":iam::" + accountB + ":role/obs-log-writer-*",
			`:s3:::obs-logs-999999999999-us-east-1"`, `:s3:::obs-logs-999999999999-us-east-1/logs/*"`, `:s3:::obs-logs-999999999999-us-east-1/errors/*"`} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %s: %s", sid, want, text)
			}
		}
		if a := jsonText(t, s["Action"]); a != `["kms:Decrypt","kms:GenerateDataKey"]` {
			t.Errorf("%s actions %s", sid, a)
		}
	}
	if found != 1 {
		t.Errorf("%d writer statements in the key policy, want 1 for all accounts", found)
	}
}

func TestCentralArchiveBucketIsOwnerEnforcedEncryptedAndKeepsTheLifecycle(t *testing.T) {
	central, _, _ := centralOrg(t, awss3.BucketEncryption_KMS)
	var bucket map[string]any
	for _, b := range resourcesOfType(central, "AWS::S3::Bucket") {
		if b["BucketName"] == "obs-logs-999999999999-us-east-1" {
			bucket = b
		}
	}
	if bucket == nil {
		t.Fatal("no bucket named obs-logs-999999999999-us-east-1")
	}
	text := jsonText(t, bucket)
	for _, want := range []string{`"ObjectOwnership":"BucketOwnerEnforced"`, `"SSEAlgorithm":"aws:kms"`, `"BlockPublicAcls":true`,
		`"TransitionInDays":60`, `"ExpirationInDays":400`} {
		if !strings.Contains(text, want) {
			t.Errorf("central bucket lacks %s: %s", want, text)
		}
	}
}

func TestWriterArchiveRoleIsScopedToItsAccountRegionPrefixOfTheCentralBucket(t *testing.T) {
	_, writers, _ := centralOrg(t, awss3.BucketEncryption_KMS)
	for key, tpl := range writers {
		account, region, _ := strings.Cut(key, "/")
		logs, errs := logtiers.CentralArchivePrefixes(account, region)
		var role map[string]any
		for _, r := range resourcesOfType(tpl, "AWS::IAM::Role") {
			if r["RoleName"] == "obs-log-archive-"+region {
				role = r
			}
		}
		if role == nil {
			t.Fatalf("%s: no role obs-log-archive-%s", key, region)
		}
		var delivery map[string]any
		for _, s := range resourcesOfType(tpl, "AWS::KinesisFirehose::DeliveryStream") {
			delivery = s["ExtendedS3DestinationConfiguration"].(map[string]any)
		}
		if bucket := jsonText(t, delivery["BucketARN"]); !strings.Contains(bucket, ":s3:::obs-logs-999999999999-us-east-1") {
			t.Errorf("%s: Firehose writes %s", key, bucket)
		}
		if p := jsonText(t, delivery["Prefix"]); !strings.Contains(p, logs+"service=!{partitionKeyFromQuery:service}/tier=") {
			t.Errorf("%s: prefix %s, want under %s", key, p, logs)
		}
		if p := jsonText(t, delivery["ErrorOutputPrefix"]); !strings.Contains(p, errs) {
			t.Errorf("%s: error prefix %s, want under %s", key, p, errs)
		}
		for _, pol := range resourcesOfType(tpl, "AWS::IAM::Policy") {
			text := jsonText(t, pol["PolicyDocument"])
			if !strings.Contains(text, "ListArchive") {
				continue // the task role's policy, checked below
			}
			for _, s := range statements(pol["PolicyDocument"]) {
				res := jsonText(t, s["Resource"])
				switch s["Sid"] {
				case "WriteArchivePrefixes":
					if !strings.Contains(res, "obs-logs-999999999999-us-east-1/"+logs+"*") || !strings.Contains(res, "obs-logs-999999999999-us-east-1/"+errs+"*") || strings.Count(res, "account=") != 2 {
						t.Errorf("%s: writes %s", key, res)
					}
				case "EncryptArchiveObjects":
					if !strings.Contains(res, ":kms:us-east-1:999999999999:key/*") || !strings.Contains(jsonText(t, s), `"kms:ViaService":"s3.us-east-1.amazonaws.com"`) {
						t.Errorf("%s: key statement %s", key, jsonText(t, s))
					}
				}
				if strings.Contains(res, `"*"`) {
					t.Errorf("%s: statement %v on resource *", key, s["Sid"])
				}
			}
		}
		// Fluent Bit's role: one service's prefix of this account-region.
		found := false
		for _, pol := range resourcesOfType(tpl, "AWS::IAM::Policy") {
			if text := jsonText(t, pol["PolicyDocument"]); strings.Contains(text, "obs-logs-999999999999-us-east-1/"+logs+"service=checkout/*") {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: GrantWriteService did not scope the task role to %sservice=checkout/", key, logs)
		}
	}
}

func TestCentralArchivePropsReportEveryProblemByPath(t *testing.T) {
	err := logtiers.CentralArchiveProps{Platform: "Obs", Archive: logtiers.ArchiveProps{TransitionDays: 90, ExpirationDays: 30},
		Writers:        []logtiers.ArchiveWriter{{Account: "123"}, {Account: accountA, Regions: []string{"mars-1"}}, {Account: accountA, Regions: []string{"us-east-1"}}},
		OrganizationID: "org"}.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`platform: "Obs"`, "archive.expirationDays: 30", `writers[0].account: "123"`, "writers[0].regions: <empty>",
		`writers[1].regions[0]: "mars-1"`, `writers[2].account: "111111111111" is not allowed; each account once`, `organizationId: "org"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	_, stack := newStack(t)
	_, err = logtiers.NewArchive(stack, "A", logtiers.ArchiveProps{BucketName: "mine", Encryption: awss3.BucketEncryption_KMS,
		Central: logtiers.CentralArchiveTarget{Platform: "obs", Account: "12", Region: "us-east-1"}})
	for _, want := range []string{`central.account: "12"`, `bucketName: "set"`, `encryption: "set"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NewArchive error lacks %q: %v", want, err)
		}
	}
}

func TestCentralArchiveBucketPolicyOverTwentyKBStopsSynth(t *testing.T) {
	build := func(accounts int) (awscdk.App, *logtiers.CentralArchive) {
		app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
		cs := awscdk.NewStack(app, jsii.String("Central"), &awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String(monitoringAccount), Region: jsii.String("us-east-1")}})
		var writers []logtiers.ArchiveWriter
		for i := range accounts {
			writers = append(writers, logtiers.ArchiveWriter{Account: fmt.Sprintf("3000000000%02d", i), Regions: []string{"us-east-1", "eu-west-1", "ap-southeast-1"}})
		}
		c, err := logtiers.NewCentralArchive(cs, "LogArchive", logtiers.CentralArchiveProps{Platform: "obs", Writers: writers, OrganizationID: "o-abcdefghij"})
		if err != nil {
			t.Fatal(err)
		}
		return app, c
	}
	// The policy grows by about 270 bytes per account, not per region:
	// sixty accounts in three regions fit, a hundred do not.
	app, _ := build(60)
	if msg := synthError(app); msg != "" {
		t.Fatalf("60 accounts: %s", msg)
	}
	app, _ = build(100)
	msg := synthError(app)
	t.Log(msg)
	for _, want := range []string{"central log archive bucket policy of bucket obs-logs-999999999999-us-east-1 (account 999999999999, region us-east-1)", "for 100 writer accounts", "the limit is 20480 bytes", "using-iam-policies.html"} {
		if !strings.Contains(msg, want) {
			t.Errorf("synth error lacks %q: %s", want, msg)
		}
	}
}

func TestAnalysisBacksUpFailedDocumentsToTheCentralArchive(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("Regional"), &awscdk.StackProps{Env: &awscdk.Environment{
		Account: jsii.String(accountA), Region: jsii.String("eu-west-1")}})
	target := logtiers.CentralArchiveTarget{Platform: "obs", Account: monitoringAccount, Region: "us-east-1", KMS: true}
	archive, err := logtiers.NewArchive(stack, "Archive", logtiers.ArchiveProps{Central: target})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := logtiers.NewAnalysis(stack, "Analysis", logtiers.AnalysisProps{Name: "obs", Archive: archive, Vpc: testVpc}); err != nil {
		t.Fatal(err)
	}
	tpl := templateJSON(t, stack)
	_, errs := logtiers.CentralArchivePrefixes(accountA, "eu-west-1")
	// The role's name matches the central policies' delivery-role pattern.
	var named bool
	for _, r := range resourcesOfType(tpl, "AWS::IAM::Role") {
		named = named || r["RoleName"] == "obs-log-archive-analysis-eu-west-1"
	}
	if !named {
		t.Error("no analysis delivery role named obs-log-archive-analysis-eu-west-1")
	}
	backups := 0
	for _, s := range resourcesOfType(tpl, "AWS::KinesisFirehose::DeliveryStream") {
		d, ok := s["AmazonOpenSearchServerlessDestinationConfiguration"].(map[string]any)
		if !ok {
			continue
		}
		backups++
		b := d["S3Configuration"].(map[string]any)
		if arn := jsonText(t, b["BucketARN"]); !strings.Contains(arn, ":s3:::obs-logs-999999999999-us-east-1") {
			t.Errorf("backup bucket %s", arn)
		}
		if p := jsonText(t, b["Prefix"]); !strings.Contains(p, errs+"analysis/") {
			t.Errorf("backup prefix %s, want under %sanalysis/", p, errs)
		}
	}
	if backups == 0 {
		t.Fatal("no analysis stream")
	}
	found := false
	for _, pol := range resourcesOfType(tpl, "AWS::IAM::Policy") {
		for _, s := range statements(pol["PolicyDocument"]) {
			switch s["Sid"] {
			case "WriteFailedDocuments":
				found = true
				if res := jsonText(t, s["Resource"]); !strings.Contains(res, "obs-logs-999999999999-us-east-1/"+errs+"analysis/*") || strings.Count(res, "account=") != 1 {
					t.Errorf("failed documents written to %s", res)
				}
			case "EncryptFailedDocuments":
				if !strings.Contains(jsonText(t, s), `"kms:ViaService":"s3.us-east-1.amazonaws.com"`) {
					t.Errorf("key statement %s", jsonText(t, s))
				}
			}
		}
	}
	if !found {
		t.Error("no WriteFailedDocuments statement")
	}
}
