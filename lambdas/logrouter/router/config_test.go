package router

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/o11yscale/o11yscale/lambdas/logrouter/contract"
)

func TestConfigFromEnv(t *testing.T) {
	withTiers := func(r Rules, tiers ...Tier) Rules {
		r.Tiers = [numTiers]bool{}
		for _, t := range tiers {
			r.Tiers[t] = true
		}
		return r
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    Config
		wantErr []string // each must appear in the error
	}{
		{"defaults", map[string]string{"DELIVERY_STREAM_NAME": "critical-logs"},
			Config{"critical-logs", DefaultMaxDecompressedBytes, DefaultRules(), slog.LevelInfo, [numTiers]string{}}, nil},
		{"everything set, comma list", map[string]string{"DELIVERY_STREAM_NAME": "s", "MAX_DECOMPRESSED_BYTES": "1048576",
			"FORWARD_TIERS": "error, warn", "FORWARD_MIN_STATUS": "0", "LOG_LEVEL": "debug"},
			Config{"s", 1 << 20, Rules{Tiers: withTiers(Rules{}, TierError, TierWarn).Tiers, MinStatus: 0}, slog.LevelDebug, [numTiers]string{}}, nil},
		{"JSON tier list", map[string]string{"DELIVERY_STREAM_NAME": "s", "FORWARD_TIERS": `["ERROR","UNKNOWN"]`, "FORWARD_MIN_STATUS": "400"},
			Config{"s", DefaultMaxDecompressedBytes, Rules{Tiers: withTiers(Rules{}, TierError, TierUnknown).Tiers, MinStatus: 400}, slog.LevelInfo, [numTiers]string{}}, nil},
		{"empty JSON list leaves the status rule", map[string]string{"DELIVERY_STREAM_NAME": "s", "FORWARD_TIERS": `[]`},
			Config{"s", DefaultMaxDecompressedBytes, Rules{MinStatus: 500}, slog.LevelInfo, [numTiers]string{}}, nil},
		{"every problem reported at once", map[string]string{"MAX_DECOMPRESSED_BYTES": "8MB", "FORWARD_TIERS": "ERROR,LOUD",
			"FORWARD_MIN_STATUS": "700", "LOG_LEVEL": "chatty"}, Config{},
			[]string{"DELIVERY_STREAM_NAME: required", `MAX_DECOMPRESSED_BYTES="8MB"`, `tier "LOUD"`, `FORWARD_MIN_STATUS="700"`, `LOG_LEVEL="chatty"`}},
		{"cap below the minimum", map[string]string{"DELIVERY_STREAM_NAME": "s", "MAX_DECOMPRESSED_BYTES": "10"}, Config{},
			[]string{"MAX_DECOMPRESSED_BYTES=\"10\": want an integer number of bytes in 1024-1073741824"}},
		{"analysis streams by tier", map[string]string{"DELIVERY_STREAM_NAME": "s", "ANALYSIS_STREAMS": "error=errs, WARN = warns "},
			Config{"s", DefaultMaxDecompressedBytes, DefaultRules(), slog.LevelInfo, [numTiers]string{TierError: "errs", TierWarn: "warns"}}, nil},
		{"analysis pair without a stream", map[string]string{"DELIVERY_STREAM_NAME": "s", "ANALYSIS_STREAMS": "ERROR=,WARN=w"}, Config{},
			[]string{`ANALYSIS_STREAMS: "ERROR=,WARN=w": want TIER=stream pairs`}},
		{"analysis tier unknown", map[string]string{"DELIVERY_STREAM_NAME": "s", "ANALYSIS_STREAMS": "LOUD=x"}, Config{},
			[]string{`ANALYSIS_STREAMS: "LOUD=x": tier "LOUD"`}},
		{"analysis tier twice", map[string]string{"DELIVERY_STREAM_NAME": "s", "ANALYSIS_STREAMS": "ERROR=x,error=y"}, Config{},
			[]string{`tier ERROR listed twice`}},
		{"tier list not JSON", map[string]string{"DELIVERY_STREAM_NAME": "s", "FORWARD_TIERS": `["ERROR"`}, Config{},
			[]string{"not a JSON array of strings"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ConfigFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				if got != tt.want {
					t.Errorf("ConfigFromEnv = %+v, want %+v", got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ConfigFromEnv = %+v, want an error", got)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestConfigFromEnvReadsWhatTheContractRenders is the contract between the
// construct (which renders contract.Config.Env) and this Lambda.
func TestConfigFromEnvReadsWhatTheContractRenders(t *testing.T) {
	c := contract.Config{DeliveryStreamName: "archive", ForwardTiers: []string{"ERROR", "UNKNOWN"}, MinStatus: 400, LogLevel: "DEBUG", MaxDecompressedBytes: 1 << 20,
		AnalysisStreams: map[string]string{"WARN": "warnings", "INFO": "infos"}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	env := c.Env()
	got, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var want Rules
	want.Tiers[TierError], want.Tiers[TierUnknown], want.MinStatus = true, true, 400
	if got != (Config{"archive", 1 << 20, want, slog.LevelDebug, [numTiers]string{TierWarn: "warnings", TierInfo: "infos"}}) {
		t.Errorf("ConfigFromEnv = %+v", got)
	}
	for _, tier := range contract.Tiers {
		if _, err := ParseTier(tier); err != nil {
			t.Errorf("contract tier %s: %v", tier, err)
		}
	}
}
