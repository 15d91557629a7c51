package logtiers_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/logrouter/contract"
)

var testVpc = logtiers.AnalysisVpc{
	VpcID: "vpc-0123456789abcdef0", SubnetIDs: []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"},
	SecurityGroupIDs: []string{"sg-0123456789abcdef0"},
}

const (
	readerArn = "arn:aws:iam::111122223333:role/grafana-reader"
	writerArn = "arn:aws:iam::123456789012:role/fluent-bit-task"
)

// analysisStack builds an archive, the analysis tier with props and a
// router wired to both, and returns the stack and its app directory.
func analysisStack(t *testing.T, props logtiers.AnalysisProps, kms bool) (awscdk.Stack, *logtiers.Analysis, *logtiers.Router, string) {
	t.Helper()
	out := t.TempDir()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(out)})
	stack := awscdk.NewStack(app, jsii.String("Regional"), &awscdk.StackProps{Env: &awscdk.Environment{
		Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")}})
	ap := logtiers.ArchiveProps{}
	if kms {
		ap.Encryption = awss3.BucketEncryption_KMS
	}
	archive, err := logtiers.NewArchive(stack, "Archive", ap)
	if err != nil {
		t.Fatal(err)
	}
	props.Archive = archive
	if kms {
		props.EncryptionKey = archive.Key
	}
	a, err := logtiers.NewAnalysis(stack, "Analysis", props)
	if err != nil {
		t.Fatal(err)
	}
	r, err := logtiers.NewRouter(stack, "LogRouter", logtiers.RouterProps{Archive: archive, Analysis: a})
	if err != nil {
		t.Fatal(err)
	}
	return stack, a, r, out
}

// policyOf renders the one resource of type typ's Policy (an Fn::Join of
// strings and references) as JSON with each reference written as
// "<Ref X>" or "<X.Attr>", and decodes it into v.
func policyOf(t *testing.T, tpl assertions.Template, typ string, v any) {
	t.Helper()
	res := *tpl.FindResources(jsii.String(typ), nil)
	if len(res) != 1 {
		t.Fatalf("%d %s resources, want 1", len(res), typ)
	}
	for _, r := range res {
		raw := (*r)["Properties"].(map[string]any)["Policy"]
		if err := json.Unmarshal([]byte(render(raw)), v); err != nil {
			t.Fatalf("%s policy %q: %v", typ, render(raw), err)
		}
	}
}

func render(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any:
		if j, ok := v["Fn::Join"].([]any); ok {
			var b strings.Builder
			for _, part := range j[1].([]any) {
				b.WriteString(render(part))
			}
			return b.String()
		}
		if ref, ok := v["Ref"].(string); ok {
			return "<Ref " + ref + ">"
		}
		if ga, ok := v["Fn::GetAtt"].([]any); ok {
			return fmt.Sprintf("<%s.%s>", ga[0], ga[1])
		}
	}
	return fmt.Sprintf("%v", v)
}

type accessRule struct {
	ResourceType string
	Resource     []string
	Permission   []string
}

type accessStatement struct {
	Description string
	Rules       []accessRule
	Principal   []string
}

func TestDataAccessPolicyNamesOnlyTheDeliveryRoleWritersAndReaders(t *testing.T) {
	stack, a, _, _ := analysisStack(t, logtiers.AnalysisProps{Vpc: testVpc, Readers: []string{readerArn}, Writers: []string{writerArn}}, false)
	tpl := assertions.Template_FromStack(stack, nil)
	var policy []accessStatement
	policyOf(t, tpl, "AWS::OpenSearchServerless::AccessPolicy", &policy)
	role := "<" + *stack.GetLogicalId(a.DeliveryRole.Node().DefaultChild().(awscdk.CfnElement)) + ".Arn>"
	if len(policy) != 2 {
		t.Fatalf("policy has %d statements, want writers and readers: %+v", len(policy), policy)
	}
	w, r := policy[0], policy[1]
	if !slices.Equal(w.Principal, []string{role, writerArn}) {
		t.Errorf("writers = %v, want exactly the delivery role %s and %s", w.Principal, role, writerArn)
	}
	if !slices.Equal(r.Principal, []string{readerArn}) {
		t.Errorf("readers = %v, want exactly %s", r.Principal, readerArn)
	}
	for _, rule := range w.Rules {
		if !slices.Equal(rule.Resource, []string{"index/o11yscale-logs/o11yscale-*"}) || slices.ContainsFunc(rule.Permission, func(p string) bool { return strings.Contains(p, "*") || p == "aoss:DeleteIndex" }) {
			t.Errorf("writer rule %+v: want the platform's indexes, no wildcard or delete permission", rule)
		}
	}
	for _, rule := range r.Rules {
		for _, p := range rule.Permission {
			if p != "aoss:DescribeIndex" && p != "aoss:ReadDocument" && p != "aoss:DescribeCollectionItems" {
				t.Errorf("reader rule %+v grants %s", rule, p)
			}
		}
	}

	// Without readers only the writer statement remains.
	stack, _, _, _ = analysisStack(t, logtiers.AnalysisProps{Vpc: testVpc}, false)
	policy = nil
	policyOf(t, assertions.Template_FromStack(stack, nil), "AWS::OpenSearchServerless::AccessPolicy", &policy)
	if len(policy) != 1 || len(policy[0].Principal) != 1 {
		t.Errorf("policy without readers or writers = %+v, want the delivery role alone", policy)
	}
}

type networkStatement struct {
	Rules           []accessRule
	AllowFromPublic bool
	SourceVPCEs     []string
}

func TestCollectionIsPrivateByDefaultAndPublicOnlyWithAVisibleReason(t *testing.T) {
	stack, a, _, _ := analysisStack(t, logtiers.AnalysisProps{Vpc: testVpc}, false)
	tpl := assertions.Template_FromStack(stack, nil)
	var net []networkStatement
	res := *tpl.FindResources(jsii.String("AWS::OpenSearchServerless::SecurityPolicy"), &map[string]any{"Properties": map[string]any{"Type": "network"}})
	if len(res) != 1 {
		t.Fatalf("%d network policies", len(res))
	}
	for _, r := range res {
		if err := json.Unmarshal([]byte(render((*r)["Properties"].(map[string]any)["Policy"])), &net); err != nil {
			t.Fatal(err)
		}
	}
	vpce := "<" + *stack.GetLogicalId(a.VpcEndpoint) + ".Id>"
	if len(net) != 1 || net[0].AllowFromPublic || !slices.Equal(net[0].SourceVPCEs, []string{vpce}) {
		t.Errorf("network policy %+v: want private, reachable only from %s", net, vpce)
	}
	tpl.HasResourceProperties(jsii.String("AWS::OpenSearchServerless::VpcEndpoint"), map[string]any{
		"VpcId": testVpc.VpcID, "SubnetIds": testVpc.SubnetIDs, "SecurityGroupIds": testVpc.SecurityGroupIDs})
	tpl.HasResourceProperties(jsii.String("AWS::KinesisFirehose::DeliveryStream"), map[string]any{
		"AmazonOpenSearchServerlessDestinationConfiguration": assertions.Match_ObjectLike(&map[string]any{
			"VpcConfiguration": assertions.Match_ObjectLike(&map[string]any{"SubnetIds": testVpc.SubnetIDs, "SecurityGroupIds": testVpc.SecurityGroupIDs}),
		})})
	assertions.Annotations_FromStack(stack).HasNoWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("internet")))

	// Public: the policy says so and synth warns with the reason.
	reason := "no VPC in this account yet, see ADR 7"
	stack, _, _, _ = analysisStack(t, logtiers.AnalysisProps{Network: logtiers.NetworkPublic, PublicReason: reason}, false)
	tpl = assertions.Template_FromStack(stack, nil)
	tpl.ResourceCountIs(jsii.String("AWS::OpenSearchServerless::VpcEndpoint"), jsii.Number(0))
	res = *tpl.FindResources(jsii.String("AWS::OpenSearchServerless::SecurityPolicy"), &map[string]any{"Properties": map[string]any{"Type": "network"}})
	for _, r := range res {
		net = nil
		if err := json.Unmarshal([]byte(render((*r)["Properties"].(map[string]any)["Policy"])), &net); err != nil {
			t.Fatal(err)
		}
	}
	if len(net) != 1 || !net[0].AllowFromPublic {
		t.Errorf("public network policy %+v", net)
	}
	assertions.Annotations_FromStack(stack).HasWarning(jsii.String("/Regional/Analysis/NetworkPolicy"),
		assertions.Match_StringLikeRegexp(jsii.String("accepts requests from the internet.*"+reason)))
}

func TestCollectionIsATimeSeriesEncryptedWithTheCustomerKeyWhenThereIsOne(t *testing.T) {
	stack, _, _, _ := analysisStack(t, logtiers.AnalysisProps{Vpc: testVpc}, true)
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.HasResourceProperties(jsii.String("AWS::OpenSearchServerless::Collection"), map[string]any{
		"Name": "o11yscale-logs", "Type": "TIMESERIES", "StandbyReplicas": "ENABLED"})
	tpl.HasResource(jsii.String("AWS::OpenSearchServerless::Collection"), map[string]any{
		"DeletionPolicy": "Retain",
		"DependsOn":      assertions.Match_ArrayWith(&[]any{assertions.Match_StringLikeRegexp(jsii.String("^AnalysisEncryptionPolicy"))}),
	})
	res := *tpl.FindResources(jsii.String("AWS::OpenSearchServerless::SecurityPolicy"), &map[string]any{"Properties": map[string]any{"Type": "encryption"}})
	for _, r := range res {
		got := render((*r)["Properties"].(map[string]any)["Policy"])
		if !strings.Contains(got, `"AWSOwnedKey":false`) || !strings.Contains(got, `"KmsARN":"<ArchiveKey`) {
			t.Errorf("encryption policy %s: want the archive's customer key", got)
		}
	}
	tpl.HasResourceProperties(jsii.String("AWS::KinesisFirehose::DeliveryStream"), map[string]any{
		"DeliveryStreamEncryptionConfigurationInput": assertions.Match_ObjectLike(&map[string]any{"KeyType": "CUSTOMER_MANAGED_CMK"}),
		"AmazonOpenSearchServerlessDestinationConfiguration": assertions.Match_ObjectLike(&map[string]any{
			"S3Configuration": assertions.Match_ObjectLike(&map[string]any{"EncryptionConfiguration": assertions.Match_AnyValue()}),
		}),
	})

	stack, _, _, _ = analysisStack(t, logtiers.AnalysisProps{Vpc: testVpc, Redundancy: logtiers.RedundancyNone}, false)
	tpl = assertions.Template_FromStack(stack, nil)
	tpl.HasResourceProperties(jsii.String("AWS::OpenSearchServerless::Collection"), map[string]any{"StandbyReplicas": "DISABLED"})
	res = *tpl.FindResources(jsii.String("AWS::OpenSearchServerless::SecurityPolicy"), &map[string]any{"Properties": map[string]any{"Type": "encryption"}})
	for _, r := range res {
		if got := render((*r)["Properties"].(map[string]any)["Policy"]); !strings.Contains(got, `"AWSOwnedKey":true`) {
			t.Errorf("encryption policy without a platform key %s: want an AWS-owned key", got)
		}
	}
}

func TestEachTierHasItsStreamIndexAndRetention(t *testing.T) {
	stack, a, r, _ := analysisStack(t, logtiers.AnalysisProps{Vpc: testVpc, Retention: logtiers.AnalysisRetention{Warn: 3}}, false)
	tpl := assertions.Template_FromStack(stack, nil)
	var lifecycle struct {
		Rules []struct {
			ResourceType      string
			Resource          []string
			MinIndexRetention string
		}
	}
	policyOf(t, tpl, "AWS::OpenSearchServerless::LifecyclePolicy", &lifecycle)
	got := map[string]string{}
	for _, rule := range lifecycle.Rules {
		got[strings.Join(rule.Resource, ",")] = rule.MinIndexRetention
	}
	want := map[string]string{"index/o11yscale-logs/o11yscale-error": "30d", "index/o11yscale-logs/o11yscale-warn": "3d"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("retention rules %v, want %v", got, want)
	}
	tpl.ResourceCountIs(jsii.String("AWS::KinesisFirehose::DeliveryStream"), jsii.Number(3)) // archive + 2 tiers
	for _, tier := range []string{"error", "warn"} {
		tpl.HasResourceProperties(jsii.String("AWS::KinesisFirehose::DeliveryStream"), map[string]any{
			"AmazonOpenSearchServerlessDestinationConfiguration": assertions.Match_ObjectLike(&map[string]any{
				"IndexName":      "o11yscale-" + tier,
				"BufferingHints": map[string]any{"IntervalInSeconds": 60, "SizeInMBs": 5},
				"RetryOptions":   map[string]any{"DurationInSeconds": 300},
				"S3BackupMode":   "FailedDocumentsOnly",
				"S3Configuration": assertions.Match_ObjectLike(&map[string]any{
					"Prefix": "errors/analysis/" + tier + "/", "CompressionFormat": "GZIP"}),
			}),
		})
	}
	// The router sends ERROR and WARN to their streams and may put to them.
	env := r.Config.Env()
	wantEnv := fmt.Sprintf("ERROR=%s,WARN=%s", *a.Streams[logtiers.Error].Ref(), *a.Streams[logtiers.Warn].Ref())
	if env[contract.EnvAnalysisStreams] != wantEnv {
		t.Errorf("router %s = %q, want %q", contract.EnvAnalysisStreams, env[contract.EnvAnalysisStreams], wantEnv)
	}
	policies := *tpl.FindResources(jsii.String("AWS::IAM::Policy"), nil)
	found := false
	for id, p := range policies {
		if !strings.HasPrefix(id, "LogRouter") {
			continue
		}
		b, _ := json.Marshal(p)
		found = strings.Contains(string(b), `"`+*stack.GetLogicalId(a.Streams[logtiers.Warn])+`","Arn"`)
	}
	if !found {
		t.Error("the router's policy does not grant PutRecordBatch on the WARN stream")
	}
}

func TestAnalysisPropsReportEveryProblemAtOnce(t *testing.T) {
	err := logtiers.AnalysisProps{
		CollectionName: "Logs", Tiers: []logtiers.Tier{logtiers.Error, "LOUD", logtiers.Error},
		Retention: logtiers.AnalysisRetention{Warn: 4000}, Redundancy: "MAYBE",
		Vpc:     logtiers.AnalysisVpc{VpcID: "vpc-1", SecurityGroupIDs: []string{"sg-1", "x", "y", "z", "w", "v"}},
		Readers: []string{"arn:aws:iam::123456789012:role/*"}, Writers: []string{"fluent-bit"},
		BufferSizeMB: 128, BufferInterval: 1500 * 1e9, RetryDuration: -1,
	}.Validate()
	want := []string{"collectionName", "tiers[1]", "tiers[2]", "retention.warn", "redundancy", "vpc.vpcId", "vpc.subnetIds",
		"vpc.securityGroupIds", "vpc.securityGroupIds[0]", "vpc.securityGroupIds[1]", "vpc.securityGroupIds[2]", "vpc.securityGroupIds[3]",
		"vpc.securityGroupIds[4]", "vpc.securityGroupIds[5]", "readers[0]", "writers[0]", "bufferSizeMB", "bufferInterval", "retryDuration"}
	var got []string
	for _, fe := range validation.Fields(err) {
		got = append(got, fe.Path)
	}
	if !slices.Equal(got, want) {
		t.Errorf("paths %v\nwant  %v\n(%v)", got, want, err)
	}
	err = logtiers.AnalysisProps{Network: logtiers.NetworkPublic, PublicReason: "because"}.Validate()
	if fe := validation.Fields(err); len(fe) != 1 || fe[0].Path != "publicReason" {
		t.Errorf("public without a real reason: %v", err)
	}
	if err := (logtiers.AnalysisProps{Network: logtiers.NetworkPublic, PublicReason: "no VPC in this account yet"}).Validate(); err != nil {
		t.Errorf("public with a reason: %v", err)
	}
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("S"), nil)
	if _, err := logtiers.NewAnalysis(stack, "A", logtiers.AnalysisProps{Vpc: testVpc}); err == nil || !strings.Contains(err.Error(), "archive") {
		t.Errorf("no archive: %v", err)
	}
}

func TestAnalysisTemplatesPassCfnLint(t *testing.T) {
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Fatalf("cfn-lint is not on PATH (it is preinstalled on this machine): %v", err)
	}
	for name, props := range map[string]logtiers.AnalysisProps{
		"private": {Vpc: testVpc, Readers: []string{readerArn}},
		"public":  {Network: logtiers.NetworkPublic, PublicReason: "no VPC in this account yet", Tiers: logtiers.TierNames},
	} {
		t.Run(name, func(t *testing.T) {
			stack, _, _, out := analysisStack(t, props, name == "private")
			awscdk.Stage_Of(stack).(awscdk.App).Synth(nil)
			files, _ := filepath.Glob(filepath.Join(out, "*.template.json"))
			args := append([]string{"--non-zero-exit-code", "informational", "--format", "parseable", "--regions", "eu-west-1", "--"}, files...)
			if msg, err := exec.Command(lint, args...).CombinedOutput(); err != nil {
				t.Fatalf("cfn-lint: %v\n%s", err, strings.TrimSpace(string(msg)))
			}
		})
	}
}

func TestAllEventsRulesTakeNoPattern(t *testing.T) {
	err := logtiers.ServiceLogsProps{Service: "api", Forwarding: []logtiers.ForwardProps{{AllEvents: true, Pattern: "ERROR"}}}.Validate()
	if err == nil || !strings.Contains(err.Error(), `forwarding[0].pattern: "ERROR" is not allowed; no pattern with allEvents`) {
		t.Errorf("got %v", err)
	}
}

// A reader VPC (e.g. the Grafana workspace's) gets its own OpenSearch
// Serverless endpoint, listed in the network policy beside the delivery
// VPC's; a reader VPC that is the delivery VPC reuses its endpoint.
func TestReaderVpcsReachThePrivateCollectionThroughTheirOwnEndpoint(t *testing.T) {
	grafanaVpc := logtiers.AnalysisVpc{VpcID: "vpc-0fedcba9876543210", SubnetIDs: []string{"subnet-0fedcba9876543210", "subnet-0fedcba9876543211"},
		SecurityGroupIDs: []string{"sg-0fedcba9876543210"}}
	stack, a, _, _ := analysisStack(t, logtiers.AnalysisProps{Vpc: testVpc, ReaderVpcs: []logtiers.AnalysisVpc{grafanaVpc, testVpc}}, false)
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.ResourceCountIs(jsii.String("AWS::OpenSearchServerless::VpcEndpoint"), jsii.Number(2))
	tpl.HasResourceProperties(jsii.String("AWS::OpenSearchServerless::VpcEndpoint"), map[string]any{
		"Name": "o11yscale-logs-rd1", "VpcId": grafanaVpc.VpcID, "SubnetIds": grafanaVpc.SubnetIDs, "SecurityGroupIds": grafanaVpc.SecurityGroupIDs})
	if len(a.ReaderVpcEndpoints) != 1 {
		t.Fatalf("%d reader endpoints, want 1 (the delivery VPC's is reused)", len(a.ReaderVpcEndpoints))
	}
	var net []networkStatement
	res := *tpl.FindResources(jsii.String("AWS::OpenSearchServerless::SecurityPolicy"), &map[string]any{"Properties": map[string]any{"Type": "network"}})
	for _, r := range res {
		if err := json.Unmarshal([]byte(render((*r)["Properties"].(map[string]any)["Policy"])), &net); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"<" + *stack.GetLogicalId(a.VpcEndpoint) + ".Id>", "<" + *stack.GetLogicalId(a.ReaderVpcEndpoints[0]) + ".Id>"}
	if len(net) != 1 || net[0].AllowFromPublic || !slices.Equal(net[0].SourceVPCEs, want) {
		t.Errorf("network policy %+v: want private, reachable from exactly %v", net, want)
	}
}

func TestReaderVpcsAreCheckedByPath(t *testing.T) {
	err := logtiers.AnalysisProps{Vpc: testVpc, ReaderVpcs: []logtiers.AnalysisVpc{
		{VpcID: "vpc-x", SubnetIDs: []string{"subnet-0123456789abcdef0"}, SecurityGroupIDs: []string{"sg-0123456789abcdef0"}},
		{VpcID: "vpc-x", SubnetIDs: []string{"nope"}, SecurityGroupIDs: []string{"sg-0123456789abcdef0"}},
	}}.Validate()
	want := []string{"readerVpcs[0].vpcId", "readerVpcs[1].vpcId", "readerVpcs[1].subnetIds[0]", "readerVpcs[1].vpcId"}
	var got []string
	for _, fe := range validation.Fields(err) {
		got = append(got, fe.Path)
	}
	if !slices.Equal(got, want) {
		t.Errorf("paths %v\nwant  %v\n(%v)", got, want, err)
	}
	err = logtiers.AnalysisProps{Network: logtiers.NetworkPublic, PublicReason: "no VPC in this account yet",
		ReaderVpcs: []logtiers.AnalysisVpc{testVpc}}.Validate()
	if fe := validation.Fields(err); len(fe) != 1 || fe[0].Path != "readerVpcs" {
		t.Errorf("reader VPCs of a public collection: %v", err)
	}
}
