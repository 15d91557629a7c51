package contract_test

import (
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/logrouter/contract"
)

func TestValidConfigRendersTheRouterEnvironment(t *testing.T) {
	c := contract.Config{DeliveryStreamName: "archive", ForwardTiers: []string{"ERROR", "WARN"}, MinStatus: 500, LogLevel: "INFO"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	env := c.Env()
	want := map[string]string{"DELIVERY_STREAM_NAME": "archive", "FORWARD_TIERS": "ERROR,WARN", "FORWARD_MIN_STATUS": "500", "LOG_LEVEL": "INFO"}
	if len(env) != len(want) {
		t.Fatalf("env = %v, want %v", env, want)
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	c.MaxDecompressedBytes = 1 << 20
	if got := c.Env()[contract.EnvMaxDecompressedBytes]; got != "1048576" {
		t.Errorf("MAX_DECOMPRESSED_BYTES = %q", got)
	}
}

func TestValidateReportsEveryFieldAtOnce(t *testing.T) {
	err := contract.Config{ForwardTiers: []string{"ERROR", "FATAL"}, MinStatus: 700, LogLevel: "chatty", MaxDecompressedBytes: 10}.Validate()
	want := map[string]string{
		"deliveryStreamName":   "Firehose delivery stream",
		"forwardTiers[1]":      "ERROR, WARN, INFO, DEBUG, UNKNOWN",
		"minStatus":            "100-599",
		"logLevel":             "DEBUG, INFO, WARN, ERROR",
		"maxDecompressedBytes": "1024-1073741824",
	}
	fields := validation.Fields(err)
	if len(fields) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(fields), len(want), err)
	}
	for _, fe := range fields {
		if !strings.Contains(fe.Allowed, want[fe.Path]) {
			t.Errorf("%s: %v, want ...%s...", fe.Path, fe, want[fe.Path])
		}
	}
	if err := (contract.Config{DeliveryStreamName: "s", LogLevel: "INFO"}).Validate(); err == nil || !strings.Contains(err.Error(), "forwardTiers") {
		t.Errorf("no tiers accepted: %v", err)
	}
	if err := (contract.Config{DeliveryStreamName: "s", ForwardTiers: []string{"ERROR"}, LogLevel: "INFO"}).Validate(); err != nil {
		t.Errorf("MinStatus 0 (no status rule) rejected: %v", err)
	}
}

func TestAnalysisStreamsRenderInTierOrderAndAreChecked(t *testing.T) {
	c := contract.Config{DeliveryStreamName: "archive", ForwardTiers: []string{"ERROR"}, LogLevel: "INFO",
		AnalysisStreams: map[string]string{"WARN": "warnings", "ERROR": "errors"}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := c.Env()[contract.EnvAnalysisStreams]; got != "ERROR=errors,WARN=warnings" {
		t.Errorf("%s = %q", contract.EnvAnalysisStreams, got)
	}
	c.AnalysisStreams = nil
	if _, ok := c.Env()[contract.EnvAnalysisStreams]; ok {
		t.Error("no analysis streams writes the variable")
	}
	c.AnalysisStreams = map[string]string{"NOTICE": "n", "WARN": " ", "ERROR": "a,b"}
	fields := validation.Fields(c.Validate())
	got := map[string]bool{}
	for _, fe := range fields {
		got[fe.Path] = true
	}
	if len(fields) != 3 || !got["analysisStreams.NOTICE"] || !got["analysisStreams.WARN"] || !got["analysisStreams.ERROR"] {
		t.Errorf("bad analysis streams: %v", fields)
	}
}
