package grafana_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/grafana"
	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
	"github.com/o11yscale/o11yscale/constructs/review"
	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/internal/cdktest"
	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/provision"
)

const (
	alertTopic = "arn:aws:sns:us-west-2:123456789012:o11yscale-alerts"
	alertKey   = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

// centralOutside is the seed's platform with the central region outside
// the workload regions, so the role must cover four regions.
func centralOutside() dashboard.Platform {
	p := seedPlatform()
	p.CentralRegion = "us-west-2"
	return p
}

// synthesized is one synthesized app.
type synthesized struct {
	app   awscdk.App
	stack awscdk.Stack
	obs   *grafana.Observability
	tmpl  assertions.Template
	dir   string
}

var outDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "grafana-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	outDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

var synthCount int

// withAlerts adds the imported alert topic and its key to p.
func withAlerts(p grafana.Props) func(awscdk.Stack) grafana.Props {
	return func(stack awscdk.Stack) grafana.Props {
		p.AlertTopics = []awssns.ITopic{awssns.Topic_FromTopicArn(stack, jsii.String("Alerts"), jsii.String(alertTopic))}
		p.AlertTopicKeys = []awskms.IKey{awskms.Key_FromKeyArn(stack, jsii.String("AlertsKey"), jsii.String(alertKey))}
		return p
	}
}

// synth builds props in a fresh app and synthesizes it to disk.
func synth(t *testing.T, region string, props grafana.Props) synthesized {
	t.Helper()
	return synthWith(t, region, func(awscdk.Stack) grafana.Props { return props })
}

// synthWith is synth for props that need the stack, e.g. for topics.
func synthWith(t *testing.T, region string, props func(awscdk.Stack) grafana.Props) synthesized {
	t.Helper()
	synthCount++
	dir := filepath.Join(outDir, fmt.Sprintf("app%d", synthCount))
	app := cdktest.NewApp(t, dir)
	stack := cdktest.NewStack(app, "S", region)
	obs, err := grafana.NewObservability(stack, "Pane", props(stack))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := assertions.Template_FromStack(stack, nil)
	app.Synth(nil)
	return synthesized{app: app, stack: stack, obs: obs, tmpl: tmpl, dir: dir}
}

var (
	bothOnce sync.Once
	both     synthesized
)

// synthBoth is the mode "both" app most tests read; synthesizing once
// keeps the package fast (each synth with the Lambda takes seconds).
func synthBoth(t *testing.T) synthesized {
	t.Helper()
	bothOnce.Do(func() {
		both = synthWith(t, "us-west-2", withAlerts(grafana.Props{Platform: centralOutside(), Mode: grafana.ModeBoth}))
	})
	if both.tmpl == nil {
		t.Fatal("the shared synth failed in an earlier test")
	}
	return both
}

func resources(t *testing.T, tmpl assertions.Template, typ string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for id, r := range *tmpl.FindResources(jsii.String(typ), nil) {
		out[id] = *r
	}
	return out
}

func only(t *testing.T, tmpl assertions.Template, typ string) (string, map[string]any) {
	t.Helper()
	rs := resources(t, tmpl, typ)
	if len(rs) != 1 {
		t.Fatalf("%d %s resources, want 1", len(rs), typ)
	}
	for id, r := range rs {
		props, _ := r["Properties"].(map[string]any)
		return id, props
	}
	return "", nil
}

func TestWorkspaceDefaultsToIdentityCenterInTheCurrentAccount(t *testing.T) {
	s := synthBoth(t)
	s.tmpl.HasResourceProperties(jsii.String("AWS::Grafana::Workspace"), map[string]any{
		"Name":                     "o11yscale",
		"AccountAccessType":        "CURRENT_ACCOUNT",
		"AuthenticationProviders":  []any{"AWS_SSO"},
		"PermissionType":           "SERVICE_MANAGED",
		"DataSources":              []any{"CLOUDWATCH", "XRAY"},
		"NotificationDestinations": []any{"SNS"},
		"GrafanaVersion":           "10.4",
		"RoleArn":                  map[string]any{"Fn::GetAtt": []any{logicalID(s, s.obs.WorkspaceRole.Node().DefaultChild()), "Arn"}},
		"OrganizationalUnits":      assertions.Match_Absent(),
		"SamlConfiguration":        assertions.Match_Absent(),
	})
}

func logicalID(s synthesized, c any) string {
	return *s.stack.GetLogicalId(c.(awscdk.CfnElement))
}

// statements returns the policy statements of the AWS::IAM::Policy attached
// to role, keyed by Sid.
func statements(t *testing.T, s synthesized, roleID string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range resources(t, s.tmpl, "AWS::IAM::Policy") {
		props := r["Properties"].(map[string]any)
		roles, _ := json.Marshal(props["Roles"])
		if !strings.Contains(string(roles), `"`+roleID+`"`) {
			continue
		}
		for _, st := range props["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			out = append(out, st.(map[string]any))
		}
	}
	if len(out) == 0 {
		t.Fatalf("no policy statements for role %s", roleID)
	}
	return out
}

func bySid(t *testing.T, sts []map[string]any, sid string) map[string]any {
	t.Helper()
	for _, st := range sts {
		if st["Sid"] == sid {
			return st
		}
	}
	t.Fatalf("no statement %q among %v", sid, sts)
	return nil
}

func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			b, _ := json.Marshal(x)
			if s, ok := x.(string); ok {
				out = append(out, s)
			} else {
				out = append(out, string(b))
			}
		}
		return out
	}
	b, _ := json.Marshal(v)
	return []string{string(b)}
}

func TestWorkspaceRoleTrustsOnlyGrafanaWorkspacesOfThisAccount(t *testing.T) {
	s := synthBoth(t)
	s.tmpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{
		"AssumeRolePolicyDocument": map[string]any{"Statement": []any{map[string]any{
			"Action":    "sts:AssumeRole",
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": "grafana.amazonaws.com"},
			"Condition": map[string]any{
				"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"},
				"StringLike":   map[string]any{"aws:SourceArn": "arn:aws:grafana:us-west-2:123456789012:/workspaces/*"},
			},
		}}},
	})
}

func TestWorkspaceRoleReadsOnlyInTheDataSourceRegions(t *testing.T) {
	s := synthBoth(t)
	sts := statements(t, s, logicalID(s, s.obs.WorkspaceRole.Node().DefaultChild()))
	want := []string{"us-east-1", "eu-west-1", "ap-southeast-1", "us-west-2"} // workload regions, then central

	read := bySid(t, sts, "ReadWithoutResourceLevelPermissions")
	regions := strs(read["Condition"].(map[string]any)["StringEquals"].(map[string]any)["aws:RequestedRegion"])
	if !slices.Equal(regions, want) {
		t.Errorf("wildcard reads limited to %v, want %v", regions, want)
	}
	logs := bySid(t, sts, "QueryPlatformLogGroups")
	scoped := strs(logs["Resource"])
	var wantLogs []string
	for _, region := range want {
		wantLogs = append(wantLogs, "arn:aws:logs:"+region+":123456789012:log-group:/o11yscale/*")
	}
	slices.Sort(scoped)
	slices.Sort(wantLogs)
	if !slices.Equal(scoped, wantLogs) {
		t.Errorf("log queries allowed on %v, want the /o11yscale/* log groups of each region: %v", scoped, wantLogs)
	}
	for _, st := range sts {
		if st["Effect"] != "Allow" {
			t.Errorf("statement %v is not an Allow", st)
		}
		for _, a := range strs(st["Action"]) {
			if strings.Contains(a, "*") {
				t.Errorf("wildcard action %s in %v", a, st["Sid"])
			}
			if verb := a[strings.Index(a, ":")+1:]; !slices.ContainsFunc([]string{"Get", "List", "Describe", "BatchGet", "StartQuery", "StopQuery"}, func(p string) bool { return strings.HasPrefix(verb, p) }) &&
				a != "sns:Publish" && a != "kms:GenerateDataKey" && a != "kms:Decrypt" {
				t.Errorf("action %s is neither a read nor alert publishing", a)
			}
		}
	}
}

func TestWorkspaceRolePublishesOnlyToTheAlertTopics(t *testing.T) {
	s := synthBoth(t)
	sts := statements(t, s, logicalID(s, s.obs.WorkspaceRole.Node().DefaultChild()))
	publish := bySid(t, sts, "PublishAlerts")
	if got := strs(publish["Resource"]); !slices.Equal(got, []string{alertTopic}) || !slices.Equal(strs(publish["Action"]), []string{"sns:Publish"}) {
		t.Errorf("publish statement %v, want sns:Publish on %s only", publish, alertTopic)
	}
	kms := bySid(t, sts, "EncryptAlertsThroughSNS")
	if got := strs(kms["Resource"]); !slices.Equal(got, []string{alertKey}) {
		t.Errorf("KMS statement resources %v, want %s", got, alertKey)
	}
	if via := kms["Condition"].(map[string]any)["StringLike"].(map[string]any)["kms:ViaService"]; via != "sns.*.amazonaws.com" {
		t.Errorf("KMS use not limited to SNS: %v", via)
	}
}

func TestProvisionerLambdaHasTimeAndOnlyServiceAccountPermissions(t *testing.T) {
	s := synthBoth(t)
	s.tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
		"Timeout": 600, "Runtime": "provided.al2023", "Architectures": []any{"arm64"},
	})
	sts := statements(t, s, logicalID(s, s.obs.Provisioner.Role.Node().DefaultChild()))
	st := bySid(t, sts, "ManageProvisioningServiceAccount")
	wantActions := []string{"grafana:CreateWorkspaceServiceAccount", "grafana:CreateWorkspaceServiceAccountToken",
		"grafana:DeleteWorkspaceServiceAccount", "grafana:DeleteWorkspaceServiceAccountToken", "grafana:ListWorkspaceServiceAccounts"}
	if got := strs(st["Action"]); !slices.Equal(got, wantActions) {
		t.Errorf("provisioner actions %v, want %v", got, wantActions)
	}
	res := strs(st["Resource"])
	wsID := logicalID(s, s.obs.Workspace)
	if len(res) != 1 || !strings.Contains(res[0], `:grafana:us-west-2:123456789012:/workspaces/"`) || !strings.Contains(res[0], `"Fn::GetAtt":["`+wsID+`","Id"]`) {
		t.Errorf("provisioner resource %v, want the workspace's ARN", res)
	}
}

// provisioningProperties returns the custom resource's properties with the
// workspace attributes replaced by what CloudFormation would resolve.
func provisioningProperties(t *testing.T, s synthesized) (map[string]any, json.RawMessage) {
	t.Helper()
	_, props := only(t, s.tmpl, grafana.ProvisioningResourceType)
	resolved := map[string]any{}
	for k, v := range props {
		resolved[k] = v
	}
	resolved["WorkspaceId"] = "g-0123456789"
	resolved["WorkspaceEndpoint"] = "g-0123456789.grafana-workspace.us-west-2.amazonaws.com"
	resolved["ServiceToken"] = "arn:aws:lambda:us-west-2:123456789012:function:provisioner"
	raw, err := json.Marshal(resolved)
	if err != nil {
		t.Fatal(err)
	}
	return props, raw
}

func TestCustomResourceSendsWhatTheProvisionerDecodes(t *testing.T) {
	s := synthBoth(t)
	props, raw := provisioningProperties(t, s)
	wsID, fnID := logicalID(s, s.obs.Workspace), logicalID(s, s.obs.Provisioner.Function.Node().DefaultChild())
	checks := map[string]any{
		"ServiceToken":      map[string]any{"Fn::GetAtt": []any{fnID, "Arn"}},
		"WorkspaceId":       map[string]any{"Fn::GetAtt": []any{wsID, "Id"}},
		"WorkspaceEndpoint": map[string]any{"Fn::GetAtt": []any{wsID, "Endpoint"}},
		"Region":            "us-west-2",
	}
	for k, want := range checks {
		g, _ := json.Marshal(props[k])
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("property %s = %s, want %s", k, g, w)
		}
	}
	if _, ok := props["Dashboards"]; ok {
		t.Error("rendered dashboards are in the template; they must be regenerated from Platform")
	}
	got, err := provision.DecodeProperties(raw)
	if err != nil {
		t.Fatalf("the provisioner rejects the construct's properties: %v", err)
	}
	p := centralOutside()
	wantHash, _ := dashboard.ContentHash(p)
	if got.ContentHash != wantHash || s.obs.ContentHash != wantHash {
		t.Errorf("ContentHash %q (field %q), want dashboard.ContentHash %q", got.ContentHash, s.obs.ContentHash, wantHash)
	}
	if !slices.Equal(got.DataSources, dashboard.DataSources(p)) || !slices.Equal(got.Folders, dashboard.Folders(p)) {
		t.Errorf("provisioner sees data sources %v and folders %v", got.DataSources, got.Folders)
	}
	all, _ := dashboard.All(p)
	if len(got.Dashboards) != len(all) {
		t.Fatalf("provisioner regenerates %d dashboards, want %d", len(got.Dashboards), len(all))
	}
	for i, d := range got.Dashboards {
		if string(d.Model) != string(s.obs.Dashboards[d.UID]) || d.UID != all[i].UID {
			t.Errorf("dashboard %s the provisioner uploads differs from the one reviewed in cdk.out", d.UID)
		}
	}
}

func TestCustomResourceGivesUpBeforeCloudFormationsHour(t *testing.T) {
	s := synthBoth(t)
	_, props := only(t, s.tmpl, grafana.ProvisioningResourceType)
	// 3 attempts of 10 minutes plus 5 minutes of retry delays.
	if fmt.Sprint(props["ServiceTimeout"]) != "2100" {
		t.Errorf("ServiceTimeout = %v, want 2100 seconds", props["ServiceTimeout"])
	}
}

func TestEveryDashboardIsRegisteredForReview(t *testing.T) {
	s := synthBoth(t)
	all, _ := dashboard.All(centralOutside())
	want := []string{"grafana/cloudwatch-o11yscale-global-api-performance.json"}
	for _, d := range all {
		want = append(want, "grafana/"+d.UID+".json")
		b, _ := dashboard.Render(d)
		if got, ok := review.Content(s.app, "grafana/"+d.UID+".json"); !ok || string(got) != string(b) {
			t.Errorf("review file for %s missing or different from dashboard.Render", d.UID)
		}
	}
	slices.Sort(want)
	if got := review.Files(s.app); !slices.Equal(got, want) {
		t.Errorf("review files %v, want %v", got, want)
	}
}

func TestCloudWatchDashboardShowsTheGlobalAPIView(t *testing.T) {
	s := synthBoth(t)
	body, _ := dashboard.CloudWatchGlobalAPIBody(centralOutside())
	s.tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Dashboard"), map[string]any{
		"DashboardName": "o11yscale-global-api-performance",
		"DashboardBody": string(body),
	})
}

func TestModeChoosesWhatIsDeployed(t *testing.T) {
	tests := []struct {
		mode                               grafana.Mode
		workspaces, lambdas, provisionings int
		cloudWatchDashboards               int
	}{
		{"", 0, 0, 0, 1}, // the default
		{grafana.ModeCloudWatch, 0, 0, 0, 1},
		{grafana.ModeGrafana, 1, 1, 1, 0},
	}
	for _, tt := range tests {
		t.Run("mode "+string(tt.mode), func(t *testing.T) {
			s := synth(t, "us-east-1", grafana.Props{Platform: seedPlatform(), Mode: tt.mode})
			for typ, n := range map[string]int{
				"AWS::Grafana::Workspace": tt.workspaces, "AWS::Lambda::Function": tt.lambdas,
				grafana.ProvisioningResourceType: tt.provisionings, "AWS::CloudWatch::Dashboard": tt.cloudWatchDashboards,
			} {
				s.tmpl.ResourceCountIs(jsii.String(typ), jsii.Number(float64(n)))
			}
			if (s.obs.Workspace != nil) != (tt.workspaces == 1) || (s.obs.CloudWatchDashboard != nil) != (tt.cloudWatchDashboards == 1) {
				t.Errorf("exposed fields do not match the mode: workspace %v, dashboard %v", s.obs.Workspace != nil, s.obs.CloudWatchDashboard != nil)
			}
		})
	}
	t.Run("mode both", func(t *testing.T) {
		s := synthBoth(t)
		s.tmpl.ResourceCountIs(jsii.String("AWS::Grafana::Workspace"), jsii.Number(1))
		s.tmpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Dashboard"), jsii.Number(1))
		s.tmpl.ResourceCountIs(jsii.String(grafana.ProvisioningResourceType), jsii.Number(1))
	})
}

func TestContentHashChangesWhenServicesChange(t *testing.T) {
	base := synthBoth(t)
	more := centralOutside()
	more.Services = append(more.Services, "payments")
	changed := synthWith(t, "us-west-2", withAlerts(grafana.Props{Platform: more, Mode: grafana.ModeBoth}))
	_, a := only(t, base.tmpl, grafana.ProvisioningResourceType)
	_, b := only(t, changed.tmpl, grafana.ProvisioningResourceType)
	if a["ContentHash"] == b["ContentHash"] {
		t.Errorf("ContentHash %v unchanged after adding a service", a["ContentHash"])
	}
	if want, _ := dashboard.ContentHash(more); b["ContentHash"] != want {
		t.Errorf("ContentHash %v, want %s", b["ContentHash"], want)
	}
	if !strings.Contains(fmt.Sprint(b["Platform"]), `"payments"`) {
		t.Errorf("Platform property lacks the new service: %v", b["Platform"])
	}
	for _, k := range []string{"WorkspaceId", "WorkspaceEndpoint", "DataSources", "Folders", "ServiceToken"} {
		x, _ := json.Marshal(a[k])
		y, _ := json.Marshal(b[k])
		if string(x) != string(y) {
			t.Errorf("property %s changed too (%s -> %s); only the content should", k, x, y)
		}
	}
}

func TestSAMLAndOrganizationReachTheWorkspace(t *testing.T) {
	s := synth(t, "us-east-1", grafana.Props{
		Platform: seedPlatform(), Mode: grafana.ModeGrafana, WorkspaceName: "observability.prod",
		AccountAccess: grafana.Organization, OrganizationalUnits: []string{"ou-ab12-cdef3456"},
		Authentication: []grafana.AuthProvider{grafana.SAML},
		SAML: grafana.SAMLSettings{
			MetadataURL:     "https://idp.example.com/metadata.xml",
			Assertions:      grafana.SAMLAssertions{Role: "role", Email: "mail", Login: "uid"},
			AdminRoleValues: []string{"grafana-admins"}, EditorRoleValues: []string{"sre"},
			AllowedOrganizations: []string{"example"}, LoginValidity: 8 * time.Hour,
		},
		DataSources: []grafana.DataSourceType{grafana.DataSourcePrometheus},
	})
	s.tmpl.HasResourceProperties(jsii.String("AWS::Grafana::Workspace"), map[string]any{
		"Name":                    "observability.prod",
		"AccountAccessType":       "ORGANIZATION",
		"OrganizationalUnits":     []any{"ou-ab12-cdef3456"},
		"AuthenticationProviders": []any{"SAML"},
		"DataSources":             []any{"CLOUDWATCH", "XRAY", "PROMETHEUS"},
		"RoleArn":                 assertions.Match_AnyValue(),
		"SamlConfiguration": map[string]any{
			"IdpMetadata":           map[string]any{"Url": "https://idp.example.com/metadata.xml"},
			"AssertionAttributes":   map[string]any{"Role": "role", "Email": "mail", "Login": "uid"},
			"RoleValues":            map[string]any{"Admin": []any{"grafana-admins"}, "Editor": []any{"sre"}},
			"AllowedOrganizations":  []any{"example"},
			"LoginValidityDuration": 480,
		},
	})
	lint(t, s, "us-east-1")
}

func TestInvalidPropsCreateNothing(t *testing.T) {
	app := cdktest.NewApp(t, "")
	stack := cdktest.NewStack(app, "S", "us-east-1")
	_, err := grafana.NewObservability(stack, "Pane", grafana.Props{Platform: seedPlatform(), Mode: grafana.ModeBoth, GrafanaVersion: "8.4"})
	if err == nil || !strings.Contains(err.Error(), "grafanaVersion") || !strings.Contains(err.Error(), "S/Pane") {
		t.Fatalf("error = %v, want the construct path and the grafanaVersion field", err)
	}
	if n := len(*stack.Node().Children()); n != 0 {
		t.Errorf("stack has %d children after a validation error, want 0", n)
	}
	if files := review.Files(app); len(files) != 0 {
		t.Errorf("review files %v registered after a validation error", files)
	}
}

func TestSynthesizedTemplatePassesCfnLint(t *testing.T) {
	lint(t, synthBoth(t), "us-west-2")
}

func lint(t *testing.T, s synthesized, region string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(s.dir, "*.template.json"))
	if len(files) == 0 {
		t.Fatalf("no templates in %s", s.dir)
	}
	cmd := exec.Command("cfn-lint", append([]string{"--non-zero-exit-code", "warning", "--regions", region, "--"}, files...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cfn-lint: %v\n%s", err, b)
	}
}

func TestAlertTopicsAreWiredAsObjects(t *testing.T) {
	var topic awssns.Topic
	s := synthWith(t, "us-east-1", func(stack awscdk.Stack) grafana.Props {
		topic = awssns.NewTopic(stack, jsii.String("Alerts"), nil)
		return grafana.Props{Platform: seedPlatform(), Mode: grafana.ModeGrafana, AlertTopics: []awssns.ITopic{topic}}
	})
	sts := statements(t, s, logicalID(s, s.obs.WorkspaceRole.Node().DefaultChild()))
	publish := bySid(t, sts, "PublishAlerts")
	want := map[string]any{"Ref": logicalID(s, topic.Node().DefaultChild())}
	if got, _ := json.Marshal(publish["Resource"]); string(got) != string(must(json.Marshal(want))) {
		t.Errorf("publish resource %s, want the stack's topic %v", got, want)
	}
	if !strings.HasPrefix(s.obs.WorkspaceURL, "https://") || !strings.Contains(s.obs.WorkspaceURL, "${Token[") {
		t.Errorf("WorkspaceURL %q, want https:// and the workspace endpoint", s.obs.WorkspaceURL)
	}
	if _, err := grafana.NewObservability(s.stack, "Second", grafana.Props{Platform: seedPlatform(), AlertTopics: []awssns.ITopic{nil}}); err == nil ||
		!strings.Contains(err.Error(), "S/Second") || !strings.Contains(err.Error(), "alertTopics[0]") {
		t.Errorf("nil topic: error %v, want the construct path and alertTopics[0]", err)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// With a VPC the workspace joins it; the data-source stack's custom
// resource sends the provisioner the OpenSearch data sources alone, which
// it decodes, through the function and workspace of the central stack.
func TestWorkspaceJoinsItsVpcAndTheSyncSendsOnlyOpenSearchDataSources(t *testing.T) {
	p := centralOutside()
	p.Analysis = dashboard.Analysis{Collection: "o11yscale-logs", ErrorIndex: "o11yscale-error", Regions: []string{p.Regions[0]}}
	vpc := grafana.WorkspaceVpc{VpcID: "vpc-0123456789abcdef0", SubnetIDs: []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"},
		SecurityGroupIDs: []string{"sg-0123456789abcdef0"}}
	props := grafana.Props{Platform: p, Mode: grafana.ModeGrafana, Vpc: vpc}
	app := cdktest.NewApp(t, "")
	central := cdktest.NewStack(app, "Central", "us-west-2")
	obs, err := grafana.NewObservability(central, "Pane", props)
	if err != nil {
		t.Fatal(err)
	}
	last := cdktest.NewStack(app, "DataSources", "us-west-2")
	cr, err := obs.SyncOpenSearchDataSources(last, "Sync", props)
	if err != nil || cr == nil {
		t.Fatalf("sync: %v %v", cr, err)
	}
	ct := assertions.Template_FromStack(central, nil)
	ct.HasResourceProperties(jsii.String("AWS::Grafana::Workspace"), map[string]any{
		"VpcConfiguration": map[string]any{"SubnetIds": vpc.SubnetIDs, "SecurityGroupIds": vpc.SecurityGroupIDs}})
	lt := assertions.Template_FromStack(last, nil)
	_, props2 := only(t, lt, "Custom::GrafanaProvisioning")
	if _, ok := props2["ServiceToken"].(map[string]any)["Fn::ImportValue"]; !ok {
		t.Errorf("ServiceToken %v: want the central stack's provisioner, imported", props2["ServiceToken"])
	}
	for _, k := range []string{"Platform", "Folders", "Dashboards", "ContentHash"} {
		if _, ok := props2[k]; ok {
			t.Errorf("the sync sends %s: it must provision the data sources only", k)
		}
	}
	// The tokens stand in for the workspace the provisioner would see.
	props2["WorkspaceId"], props2["WorkspaceEndpoint"], props2["Region"] = "g-0123456789", "g-0123456789.grafana-workspace.us-west-2.amazonaws.com", "us-west-2"
	delete(props2, "ServiceToken")
	raw, _ := json.Marshal(props2)
	got, err := provision.DecodeProperties(raw)
	if err != nil {
		t.Fatalf("the provisioner rejects the sync's properties: %v", err)
	}
	if len(got.DataSources) != 1 || got.DataSources[0].Type != dashboard.OpenSearchType || got.DataSources[0].Region != p.Regions[0] ||
		got.DataSources[0].Collection != "o11yscale-logs" || len(got.Dashboards) != 0 || len(got.Folders) != 0 {
		t.Errorf("the sync provisions %+v, want the one OpenSearch data source of %s", got, p.Regions[0])
	}

	err = grafana.Props{Platform: p, Mode: grafana.ModeCloudWatch, Vpc: grafana.WorkspaceVpc{VpcID: "vpc-1", SubnetIDs: []string{"subnet-0123456789abcdef0"}}}.Validate()
	var paths []string
	for _, fe := range validation.Fields(err) {
		paths = append(paths, fe.Path)
	}
	if want := []string{"vpc.vpcId", "vpc.subnetIds", "vpc.securityGroupIds", "vpc.vpcId"}; !slices.Equal(paths, want) {
		t.Errorf("VPC problems %v, want %v (%v)", paths, want, err)
	}
}
