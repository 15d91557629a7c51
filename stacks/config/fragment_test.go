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
	if p.Cost == nil || len(p.Cost.Volumes.Services) != len(d.Cost.Volumes.Services) {
		t.Errorf("a fragment without cost keeps the default cost volumes: %+v", p.Cost)
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
