package config

import (
	"strings"
	"testing"
)

func TestAFragmentReplacesOnlyTheKeysItSets(t *testing.T) {
	p, err := ParseFragment("f.yaml", []byte("regions: [eu-west-1]\nlogs:\n  tiers: {warn: {retentionDays: 14}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	if len(p.Regions) != 1 || p.Regions[0] != "eu-west-1" || len(p.Services) != len(d.Services) {
		t.Errorf("regions %v services %d, want [eu-west-1] and the default's %d", p.Regions, len(p.Services), len(d.Services))
	}
	// logs is replaced whole: the default's fluentBit.publish is gone.
	if p.Logs.Service.Tiers.Warn.RetentionDays != 14 || p.Logs.Service.FluentBit.Publish {
		t.Errorf("logs = %+v", p.Logs.Service)
	}
	// The default's cost volumes name its regions: a fragment replacing
	// regions keeps the default traffic of the regions it still has.
	if p.Cost == nil || len(p.Cost.Volumes.Services) != len(d.Cost.Volumes.Services) {
		t.Fatalf("a fragment with eu-west-1 lost the default's eu-west-1 traffic: %+v", p.Cost)
	}
	for _, s := range p.Cost.Volumes.Services {
		if len(s.Regions) != 1 || s.Regions[0].Region != "eu-west-1" {
			t.Errorf("%s keeps traffic for %+v, want only eu-west-1", s.Name, s.Regions)
		}
	}
	l, err := ParseFragment("l.yaml", []byte("logs:\n  tiers: {warn: {retentionDays: 14}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if l.Cost == nil || len(l.Cost.Volumes.Services) != len(d.Cost.Volumes.Services) {
		t.Errorf("a fragment without cost, services or regions keeps the default cost volumes: %+v", l.Cost)
	}
}

func TestAFragmentIsDecodedStrictlyWithItsOwnLineNumbers(t *testing.T) {
	_, err := ParseFragment("README.md block", []byte("# comment\nlogs:\n  metricFilters:\n    - {name: L, pattern: x, metricValue: $.v}\n"))
	if err == nil || !strings.Contains(err.Error(), `logs.metricFilters[0]: unknown field "metricValue"`) || !strings.Contains(err.Error(), "(line 4)") {
		t.Fatalf("got %v", err)
	}
	_, err = ParseFragment("f", []byte("- a\n- b\n"))
	if err == nil || !strings.Contains(err.Error(), "a mapping of top-level keys") {
		t.Fatalf("got %v", err)
	}
	if _, err := ParseFragment("f", []byte("{billing: {monthlyUSD: -1}}")); err == nil || !strings.Contains(err.Error(), "billing.monthlyUSD: -1 is not allowed") {
		t.Fatalf("a flow-style fragment is validated too: %v", err)
	}
}

// An organization fragment replaces accounts and services wholesale: the
// default's single-account keys may not be set beside accounts, so they are
// not merged in.
func TestAnOrganizationFragmentDropsTheDefaultsSingleAccountKeys(t *testing.T) {
	f := "billing: {monthlyUSD: 100}\nmonitoring: {account: \"111111111111\", region: us-east-1}\n" +
		"accounts: [{name: shop, id: \"222222222222\", regions: [us-east-1], services: [{name: checkout-api}]}]\n"
	p, err := ParseFragment("org.yaml", []byte(f))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Regions) != 0 || len(p.Services) != 0 || p.CentralRegion != "" || len(p.Accounts) != 1 {
		t.Errorf("regions %v services %v centralRegion %q accounts %d, want only the fragment's accounts", p.Regions, p.Services, p.CentralRegion, len(p.Accounts))
	}
}
