package test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o11yscale/o11yscale/constructs/platform"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// orgRegions are the six regions of the single-account scale test.
var orgRegions = []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1"}

const orgMonitoringAccount = "100000000000"

// orgPlatform generates an organization of accounts workload accounts with
// services services each, in 3 to 6 regions (3, 4, 6, 3, 3, 4, ...): 20
// accounts give 80 account-regions and 200 services.
func orgPlatform(t testing.TB, accounts, services int) *config.Platform {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "billing: {monthlyUSD: 50000}\nmonitoring:\n  account: %q\n  region: us-east-1\n  organizationId: o-exampleorg1\naccounts:\n", orgMonitoringAccount)
	for i := range accounts {
		var regions []string
		// 3, 4, 6 or 3 regions: 80 workload account-regions in all, the
		// issue's minimum, to keep the suite's time down.
		for k := range []int{3, 4, 6, 3}[i%4] {
			regions = append(regions, orgRegions[(i+k)%len(orgRegions)])
		}
		fmt.Fprintf(&b, "  - name: team%02d\n    id: \"2000000000%02d\"\n    regions: [%s]\n    services:\n", i+1, i+1, strings.Join(regions, ", "))
		for k := range services {
			fmt.Fprintf(&b, "      - name: team%02d-service-%02d\n", i+1, k)
		}
	}
	cfg, err := config.Parse("generated-org", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

var (
	orgOnce sync.Once
	orgApp  *synthesized
	orgErr  error
	orgTook time.Duration
)

// synthOrg synthesizes the 20-account organization once per test binary,
// with cdk-nag, for every check below.
func synthOrg(t *testing.T) *synthesized {
	t.Helper()
	orgOnce.Do(func() {
		dir, err := os.MkdirTemp("", "o11yscale-org-")
		if err != nil {
			orgErr = err
			return
		}
		start := time.Now()
		orgApp, orgErr = synth(dir, orgPlatform(t, 20, 10), "", true)
		orgTook = time.Since(start)
	})
	if orgErr != nil {
		t.Fatal(orgErr)
	}
	return orgApp
}

// TestOrgOfTwentyAccountsAtScale: 20 workload accounts of 10 services in 3
// to 6 regions (80 account-regions) and the monitoring account, from one
// synth: every template within CloudFormation's limits, every stack in
// its account and region, cdk-nag and cfn-lint clean on every template,
// one OAM link per workload account-region and one sink per region.
func TestOrgOfTwentyAccountsAtScale(t *testing.T) {
	s := synthOrg(t)
	t.Logf("synth of the organization with cdk-nag, review files and pictures: %s", orgTook.Round(time.Millisecond))
	if err := s.summary.LimitsError(); err != nil {
		t.Fatal(err)
	}
	ars := s.platform.AccountRegions()
	workload := 0
	for _, ar := range ars {
		if ar.AccountName != "" {
			workload++
		}
		if len(ar.Account) != 12 || ar.Region == "" {
			t.Errorf("account-region %+v has no concrete account and region", ar)
		}
	}
	if workload < 80 {
		t.Fatalf("%d workload account-regions; the scale test needs at least 80", workload)
	}
	t.Logf("%d account-regions (%d workload), %d top-level stacks", len(ars), workload, len(s.summary.Stacks))

	links, sinks := 0, 0
	budgets := map[string]int{} // stack name → AWS::Budgets::Budget count
	stackNames := map[string]bool{}
	for _, st := range *s.asm.Stacks() {
		stackNames[*st.StackName()] = true
		tpl := readJSON(t, filepath.Join(s.dir, *st.TemplateFile()))
		for _, r := range tpl["Resources"].(map[string]any) {
			switch r.(map[string]any)["Type"] {
			case "AWS::Oam::Link":
				links++
			case "AWS::Budgets::Budget":
				budgets[*st.StackName()]++
			case "AWS::Oam::Sink":
				sinks++
				// Each sink names the accounts with workloads in its region.
				policy := fmt.Sprint(r.(map[string]any)["Properties"].(map[string]any)["Policy"])
				want := len(s.platform.Props.SourceAccountsIn(*st.Environment().Region))
				if n := strings.Count(policy, ":root"); n != want || want == 0 || strings.Contains(policy, orgMonitoringAccount) {
					t.Errorf("%s: sink policy names %d account principals, want the %d workload accounts of its region only", *st.StackName(), n, want)
				}
			}
		}
	}
	if links != workload || sinks != len(orgRegions) {
		t.Errorf("%d links and %d sinks; want %d links (one per workload account-region) and %d sinks", links, sinks, workload, len(orgRegions))
	}
	// One budget per workload account, in its first region's stack, and
	// the platform's own in the billing stack.
	for i := range 20 {
		first := fmt.Sprintf("o11yscale-team%02d-%s", i+1, orgRegions[i%len(orgRegions)])
		if budgets[first] != 1 {
			t.Errorf("%s has %d budgets, want the account's one", first, budgets[first])
		}
		delete(budgets, first)
	}
	if len(budgets) != 1 || budgets["o11yscale-central"]+budgets["o11yscale-billing"] != 1 {
		t.Errorf("budgets outside the workload accounts' first regions: %v, want only the platform's", budgets)
	}
	if rows := s.platform.CostReport.ByAccount; len(rows) != 21 {
		t.Errorf("%d account rows in the cost report, want 20 workload accounts and the monitoring account", len(rows))
	}
	// Stack names carry the account name, so one account deploys alone.
	for _, want := range []string{"o11yscale-central", "o11yscale-monitoring-eu-west-1", "o11yscale-team01-us-east-1", "o11yscale-team20-eu-central-1"} {
		if !stackNames[want] {
			t.Errorf("no stack %s", want)
		}
	}

	findings := platformFindings(s.asm)
	if len(findings) > 0 {
		t.Fatalf("%d cdk-nag findings:\n%s", len(findings), strings.Join(findings[:min(len(findings), 40)], "\n"))
	}
	start := time.Now()
	n, distinct, wait := lintByRegion(t, s)
	if n != len(s.templates(t)) {
		t.Errorf("linted %d templates of %d in the assembly", n, len(s.templates(t)))
	}
	// The workload templates of one region share a few shapes; if most
	// templates look distinct, orgShape misses what differs between them.
	if distinct*2 > n {
		t.Errorf("%d of %d templates are distinct up to account name, id and hashes: orgShape no longer matches what differs between accounts", distinct, n)
	}
	t.Parallel() // cfn-lint runs while the serial tests synthesize
	wait()
	t.Logf("cfn-lint of %d templates, each in its region, done %s after it started", n, time.Since(start).Round(time.Millisecond))
}

// orgShape matches what differs between the workload accounts' templates:
// the account name (teamNN), its id (2000000000NN), hex hashes and each
// account's budget amount (its own estimate). CDK's 8-digit logical-id
// hashes are often followed by more of an id ("...Alerts881113F7Arn",
// "...Function80997E5D<hash>"), so no word boundary is required after
// them: with one, no two templates matched.
var orgShape = regexp.MustCompile(`(?i:team)\d\d|2000000000\d\d|[0-9a-f]{64}|[0-9A-F]{8}|"Amount": ?[0-9.]+`)

// lintByRegion starts linting every template shape of s (nested ones
// included) against its own stack's region only, one cfn-lint process per
// region in the background, as many at once as there are cores: linting
// every template against every region would multiply the work by the
// number of regions. It returns the number of templates, how many of them
// are distinct (and linted), and wait, which reports each region's result
// as a subtest.
func lintByRegion(t *testing.T, s *synthesized) (int, int, func()) {
	t.Helper()
	byRegion := map[string][]string{}
	seen := map[string]bool{}
	n := 0
	for _, st := range s.summary.Stacks {
		for _, ts := range append([]platform.TemplateStats{st.Template}, st.Nested...) {
			f := ts.File
			if !filepath.IsAbs(f) {
				f = filepath.Join(s.dir, f)
			}
			n++
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			// Workload templates of one region differ only in the account's
			// name and id and in the hashes those change; cfn-lint's rules
			// do not read those values (the substitutes have the same
			// lengths), so one real template per distinct shape is linted.
			key := st.Region + "\x00" + string(orgShape.ReplaceAll(b, []byte("~")))
			if seen[key] {
				continue
			}
			seen[key] = true
			byRegion[st.Region] = append(byRegion[st.Region], f)
		}
	}
	distinct := 0
	for _, fs := range byRegion {
		distinct += len(fs)
	}
	t.Logf("%d templates, %d distinct up to account name, id and hashes, linted in their regions", n, distinct)
	regions := slices.Sorted(maps.Keys(byRegion))
	jobs := map[string]*lintJob{}
	for _, region := range regions {
		jobs[region] = startCfnLint(t, []string{region}, byRegion[region])
	}
	return n, distinct, func() {
		for _, region := range regions {
			t.Run("cfn-lint-"+region, func(t *testing.T) { jobs[region].wait(t) })
		}
	}
}

// cfnServices maps a CloudFormation type's service to its IAM prefix.
var cfnServices = map[string]string{
	"CloudFormation": "cloudformation", "IAM": "iam", "KMS": "kms", "Logs": "logs", "Lambda": "lambda", "SNS": "sns",
	"SQS": "sqs", "Kinesis": "kinesis", "KinesisFirehose": "firehose", "S3": "s3", "CloudWatch": "cloudwatch",
	"XRay": "xray", "Events": "events", "SSM": "ssm", "Oam": "oam", "Budgets": "budgets", "Grafana": "grafana", "DynamoDB": "dynamodb",
}

// TestExecutionPolicyCoversEveryResourceType keeps the README's execution
// policy (docs/cfn-exec-policy.json) honest: every resource type of the
// organization's templates needs a service the policy names, with no
// wildcard action. A new resource type fails here until the policy (and
// this table) learns it.
func TestExecutionPolicyCoversEveryResourceType(t *testing.T) {
	s := synthOrg(t)
	var pol struct {
		Statement []struct {
			Action []string
		}
	}
	b, err := os.ReadFile(filepath.Join("..", "docs", "cfn-exec-policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &pol); err != nil {
		t.Fatal(err)
	}
	granted := map[string][]string{}
	for _, st := range pol.Statement {
		for _, a := range st.Action {
			svc, action, _ := strings.Cut(a, ":")
			if strings.Contains(action, "*") {
				t.Errorf("wildcard action %s in the execution policy", a)
			}
			granted[svc] = append(granted[svc], action)
		}
	}
	types := map[string]bool{}
	for _, f := range s.templates(t) {
		for _, r := range readJSON(t, f)["Resources"].(map[string]any) {
			types[r.(map[string]any)["Type"].(string)] = true
		}
	}
	for typ := range types {
		parts := strings.Split(typ, "::")
		if parts[0] == "Custom" {
			// CloudFormation invokes the custom resource's Lambda itself.
			if !slices.Contains(granted["lambda"], "InvokeFunction") {
				t.Errorf("%s needs lambda:InvokeFunction", typ)
			}
			continue
		}
		if typ == "AWS::CDK::Metadata" {
			continue
		}
		svc, ok := cfnServices[parts[1]]
		if !ok {
			t.Errorf("resource type %s: no IAM service known for %s; add it to cfnServices and the execution policy", typ, parts[1])
			continue
		}
		if len(granted[svc]) == 0 {
			t.Errorf("resource type %s: the execution policy grants nothing for %s", typ, svc)
		}
	}
	for _, want := range []string{"oam:CreateLink", "oam:CreateSink", "oam:PutSinkPolicy", "cloudwatch:Link", "logs:Link", "xray:Link", "application-signals:Link"} {
		svc, action, _ := strings.Cut(want, ":")
		if !slices.Contains(granted[svc], action) {
			t.Errorf("the execution policy lacks %s, which creating the sink or a link needs", want)
		}
	}
	t.Logf("%d resource types covered", len(types))
}

// BenchmarkOrgSynthAgainstSingleAccount synthesizes, in one run and in
// alternation, the 200-service six-region single-account platform and the
// 20-account organization (200 services, 80 account-regions), without
// cdk-nag, and reports the organization's cost as ratios of the single
// account's: wall time, Go bytes allocated, and the peak resident memory
// of the jsii node process (VmHWM: the single account's peak is read
// after its first synth, before any organization synth has run).
func BenchmarkOrgSynthAgainstSingleAccount(b *testing.B) {
	single, org := largePlatform(b, 200), orgPlatform(b, 20, 10)
	var singleNs, orgNs, singleAlloc, orgAlloc float64
	var singlePeak, orgPeak float64
	measure := func(cfg *config.Platform) (float64, float64) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		if _, err := synth(b.TempDir(), cfg, "123456789012", false); err != nil {
			b.Fatal(err)
		}
		ns := float64(time.Since(start).Nanoseconds())
		runtime.ReadMemStats(&after)
		return ns, float64(after.TotalAlloc - before.TotalAlloc)
	}
	runs := 0
	for b.Loop() {
		ns, alloc := measure(single)
		singleNs, singleAlloc = singleNs+ns, singleAlloc+alloc
		if runs == 0 {
			singlePeak = nodePeakRSS()
		}
		ns, alloc = measure(org)
		orgNs, orgAlloc = orgNs+ns, orgAlloc+alloc
		orgPeak = nodePeakRSS()
		runs++
	}
	b.ReportMetric(singleNs/float64(runs)/1e9, "single-s/op")
	b.ReportMetric(orgNs/float64(runs)/1e9, "org-s/op")
	b.ReportMetric(orgNs/singleNs, "org/single-time")
	b.ReportMetric(orgAlloc/singleAlloc, "org/single-go-alloc")
	if singlePeak > 0 {
		b.ReportMetric(singlePeak/(1<<20), "single-node-peak-MB")
		b.ReportMetric(orgPeak/(1<<20), "org-node-peak-MB")
		b.ReportMetric(orgPeak/singlePeak, "org/single-node-peak")
	}
}

// nodePeakRSS is the largest VmHWM among this process's node descendants
// (the jsii runtime wrapper and the node program it starts), in bytes; 0
// when none is found.
func nodePeakRSS() float64 {
	parents := map[string]bool{strconv.Itoa(os.Getpid()): true}
	peak := 0.0
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	// Two passes find children, then grandchildren.
	for range 2 {
		for _, st := range stats {
			b, err := os.ReadFile(st)
			if err != nil {
				continue
			}
			// pid (comm) state ppid ...
			fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
			if len(fields) < 2 || !parents[fields[1]] || !strings.Contains(string(b), "(node)") {
				continue
			}
			parents[filepath.Base(filepath.Dir(st))] = true
			status, err := os.ReadFile(filepath.Join(filepath.Dir(st), "status"))
			if err != nil {
				continue
			}
			for _, line := range strings.Split(string(status), "\n") {
				if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
					kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
					peak = max(peak, float64(kb)*1024)
				}
			}
		}
	}
	return peak
}
