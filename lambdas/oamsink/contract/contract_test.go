package contract

import (
	"strings"
	"testing"
)

func TestValidateListsEveryBadProperty(t *testing.T) {
	err := ResourceProperties{ReaderRoleArn: "arn:aws:iam::123:role/x", ParameterName: "no-slash", Region: "mars-1"}.Validate()
	if err == nil {
		t.Fatal("bad properties accepted")
	}
	for _, want := range []string{`ReaderRoleArn: "arn:aws:iam::123:role/x"`, `ParameterName: "no-slash"`, `Region: "mars-1"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v lacks %q", err, want)
		}
	}
	ok := ResourceProperties{ReaderRoleArn: "arn:aws:iam::111122223333:role/o11yscale-oam-sink-reader", ParameterName: ParameterName("o11yscale"), Region: "eu-west-1"}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid properties refused: %v", err)
	}
	if ok.Account() != "111122223333" {
		t.Errorf("Account() = %q", ok.Account())
	}
}

func TestCheckSinkArnAcceptsOnlyTheMonitoringAccountsSinkInItsRegion(t *testing.T) {
	good := "arn:aws:oam:eu-west-1:111122223333:sink/f3d6a2b1-0000-4000-8000-000000000001"
	if err := CheckSinkArn(good, "111122223333", "eu-west-1"); err != nil {
		t.Errorf("good ARN refused: %v", err)
	}
	for arn, want := range map[string]string{
		"arn:aws:sns:eu-west-1:111122223333:topic":                       "not an OAM sink ARN",
		"arn:aws:oam:us-east-1:111122223333:sink/abc":                    "not the monitoring region eu-west-1",
		"arn:aws:oam:eu-west-1:999999999999:sink/abc":                    "not the monitoring account 111122223333",
		"arn:aws:oam:eu-west-1:111122223333:link/abc":                    "not an OAM sink ARN",
		"arn:aws:oam:eu-west-1:111122223333:sink/abc\narn:aws:oam:x:y:z": "not an OAM sink ARN",
	} {
		err := CheckSinkArn(arn, "111122223333", "eu-west-1")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckSinkArn(%q) = %v, want %q", arn, err, want)
		}
	}
}
