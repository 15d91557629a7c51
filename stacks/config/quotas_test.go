package config

import (
	"reflect"
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/quotas"
)

func TestQuotaOverridesMapToTheCheck(t *testing.T) {
	p, err := Parse("p.yaml", []byte(twoServices+"quotas: {overrides: [{service: xray, quota: samplingRules, value: 50, region: eu-west-1}]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := quotas.Props{Overrides: []quotas.Override{{Service: "xray", Quota: "samplingRules", Value: 50, Region: "eu-west-1"}}}
	if got := p.Props("").Quotas; !reflect.DeepEqual(got, want) {
		t.Errorf("quotas = %+v, want %+v", got, want)
	}
}

func TestBadQuotaOverridesAreReportedByPathAtOnce(t *testing.T) {
	_, err := Parse("p.yaml", []byte(twoServices+"quotas: {overrides: [{service: xray, quota: groups, value: 50}, {service: events, quota: rulesPerBus, value: 0}]}\n"))
	if err == nil {
		t.Fatal("bad overrides accepted")
	}
	for _, want := range []string{
		`p.yaml: quotas.overrides[0]: "xray/groups" is not allowed; an adjustable quota`,
		`quotas.overrides[1].value: 0 is not allowed; a quota of at least 1`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	_, err = Parse("p.yaml", []byte(twoServices+"quotas: {overrides: [{service: x, quota: y, value: 1, colour: red}]}\n"))
	if err == nil || !strings.Contains(err.Error(), `quotas.overrides[0]: unknown field "colour"; allowed: service, quota, value, account, region`) {
		t.Errorf("unknown field: %v", err)
	}
}
