package dashboard

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

const monitoringAccount = "999999999999"

// orgPlatform is the SLO platform as an organization's: three workload
// accounts, one of which runs in one region only.
func orgPlatform() Platform {
	p := sloPlatform()
	p.Accounts = []Account{
		{Name: "payments", ID: "111111111111", Regions: []string{"us-east-1", "eu-west-1"}},
		{Name: "search", ID: "222222222222", Regions: []string{"ap-southeast-1"}},
		{Name: "retail", ID: "333333333333", Regions: []string{"us-east-1", "eu-west-1", "ap-southeast-1"}},
	}
	p.MonitoringAccount = monitoringAccount
	return p
}

// centralMetric reports whether q reads a resource of the central stack.
func centralMetric(q *CloudWatchQuery) bool {
	return q.Namespace == "AWS/Kinesis" || q.Namespace == "AWS/Firehose"
}

func TestOrgDashboardsHaveTheAccountVariableWithExactlyTheConfiguredAccounts(t *testing.T) {
	p := orgPlatform()
	for _, d := range mustAll(t, p) {
		if len(d.Templating.List) == 0 || d.Templating.List[0].Name != AccountVariable {
			t.Fatalf("%s: first variable %+v, want %q", d.UID, d.Templating.List, AccountVariable)
		}
		v := d.Templating.List[0]
		if v.Type != "custom" || !v.IncludeAll || v.Multi || v.AllValue != "all" {
			t.Errorf("%s: account variable type %q includeAll %v multi %v allValue %q, want a single-valued custom variable whose All is \"all\"",
				d.UID, v.Type, v.IncludeAll, v.Multi, v.AllValue)
		}
		if want := "payments : 111111111111,search : 222222222222,retail : 333333333333"; v.Query != want {
			t.Errorf("%s: query %q, want %q", d.UID, v.Query, want)
		}
		var got [][2]any
		for _, o := range v.Options {
			got = append(got, [2]any{o.Text, o.Value})
		}
		want := [][2]any{{"All", "$__all"}, {"payments", "111111111111"}, {"search", "222222222222"}, {"retail", "333333333333"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: options %v, want %v", d.UID, got, want)
		}
		if v.Current.Value != "$__all" {
			t.Errorf("%s: current %v, want All", d.UID, v.Current.Value)
		}
	}
}

func TestOrgCloudWatchTargetsReadTheSelectedAccount(t *testing.T) {
	p := orgPlatform()
	metrics, expressions, central := 0, 0, 0
	for _, d := range mustAll(t, p) {
		for _, pn := range d.Panels {
			for _, tg := range pn.Targets {
				q, ok := tg.(*CloudWatchQuery)
				if !ok {
					continue
				}
				switch {
				case q.Expression != "":
					// Metric math reads the queries it names; those carry
					// the account (checked below).
					expressions++
					if q.AccountID != "" {
						t.Errorf("%s %q: expression with accountId %q", d.UID, pn.Title, q.AccountID)
					}
				case centralMetric(q):
					central++
					if q.AccountID != monitoringAccount {
						t.Errorf("%s %q: central %s metric reads account %q, want the monitoring account", d.UID, pn.Title, q.Namespace, q.AccountID)
					}
				default:
					metrics++
					if q.AccountID != "$account" {
						t.Errorf("%s %q: %s %s reads account %q, want $account", d.UID, pn.Title, q.Namespace, q.MetricName, q.AccountID)
					}
				}
			}
		}
	}
	if metrics == 0 || expressions == 0 || central != 3 {
		t.Fatalf("checked %d metrics, %d expressions and %d central metrics; want some of each and the 3 central panels", metrics, expressions, central)
	}
	// The rendered JSON carries the field under Grafana's name.
	b, err := Render(GlobalAPIPerformance(p))
	if err != nil {
		t.Fatal(err)
	}
	if n, want := bytes.Count(b, []byte(`"accountId": "$account"`)), 5*len(p.Regions); n != want {
		t.Errorf("Global API Performance renders accountId $account %d times, want %d (5 panels x %d regions)", n, want, len(p.Regions))
	}
}

func TestSingleAccountDashboardsHaveNoAccountField(t *testing.T) {
	for _, d := range mustAll(t, sloPlatform()) {
		b, err := Render(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{`"accountId"`, `"allValue"`, `"account"`} {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s: single-account dashboard contains %s", d.UID, s)
			}
		}
	}
	body, err := CloudWatchGlobalAPIBody(sloPlatform())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(body, []byte("accountId")) {
		t.Error("single-account CloudWatch body contains accountId")
	}
}

func TestOrgCloudWatchBodyHasOneSeriesPerAccountAndRegion(t *testing.T) {
	p := orgPlatform()
	body := cloudWatchBody(t, p)
	accountRegions := 0
	for _, a := range p.Accounts {
		accountRegions += len(a.Regions)
	}
	byID := map[string]string{}
	for _, a := range p.Accounts {
		byID[a.ID] = a.Name
	}
	for _, w := range body.Widgets {
		title := w.Properties.Title
		var rows []map[string]any
		for _, m := range w.Properties.Metrics {
			rows = append(rows, m[len(m)-1].(map[string]any))
		}
		if strings.HasSuffix(title, "by Region") {
			if len(rows) != accountRegions {
				t.Errorf("%q: %d series, want one per account-region (%d)", title, len(rows), accountRegions)
			}
		}
		ids := map[string]bool{}
		for _, o := range rows {
			if id, ok := o["id"].(string); ok {
				if ids[id] {
					t.Errorf("%q: id %s twice", title, id)
				}
				ids[id] = true
			}
		}
		for _, o := range rows {
			label, _ := o["label"].(string)
			region, _ := o["region"].(string)
			if expr, ok := o["expression"].(string); ok {
				// Each budget expression reads a hidden query of its own
				// account, which exists in the same widget.
				ref := strings.Fields(strings.Trim(expr, "("))[0]
				if !ids[ref] {
					t.Errorf("%q: expression %q reads %s, which the widget lacks", title, expr, ref)
				}
				continue
			}
			acct, _ := o["accountId"].(string)
			name, ok := byID[acct]
			if !ok {
				t.Errorf("%q: series %q reads account %q, not a workload account", title, label, acct)
				continue
			}
			if !strings.HasPrefix(label, name+" ") {
				t.Errorf("%q: series %q of account %s is not labelled with its name %q", title, label, acct, name)
			}
			for _, a := range p.Accounts {
				if a.ID == acct && !slices.Contains(a.Regions, region) {
					t.Errorf("%q: series %q reads %s in %s, where the account does not run", title, label, name, region)
				}
			}
		}
	}
}

func TestOrgPlatformValidationNamesEveryBadAccountField(t *testing.T) {
	p := orgPlatform()
	p.MonitoringAccount = "12345"
	p.Accounts = append(p.Accounts,
		Account{Name: "bad,name", ID: "111111111111", Regions: []string{"us-west-2"}},
		Account{Name: "payments", ID: "4444", Regions: nil},
	)
	got := map[string]any{}
	for _, fe := range validation.Fields(p.Validate()) {
		got[fe.Path] = fe.Value
	}
	want := map[string]any{
		"monitoringAccount":      "12345",
		"accounts[3].name":       "bad,name",
		"accounts[3].id":         "111111111111",
		"accounts[3].regions[0]": "us-west-2",
		"accounts[4].name":       "payments",
		"accounts[4].id":         "4444",
		"accounts[4].regions":    nil,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems %v, want %v", got, want)
	}
	single := seedPlatform()
	single.MonitoringAccount = monitoringAccount
	if fs := validation.Fields(single.Validate()); len(fs) != 1 || fs[0].Path != "monitoringAccount" {
		t.Errorf("monitoring account without accounts: %v, want one problem at monitoringAccount", fs)
	}
}

func TestSingleAccountWireFormHasNoAccountKeys(t *testing.T) {
	// Neither key, so a single-account platform's custom resource
	// properties stay as they were.
	single, err := json.Marshal(seedPlatform().Contract())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(single, []byte("ccount")) {
		t.Errorf("single-account wire form mentions accounts: %s", single)
	}
}
