package router

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/o11yscale/o11yscale/lambdas/logrouter/contract"
)

// Config is the Lambda's environment, parsed and checked.
type Config struct {
	// DeliveryStreamName is the Firehose stream records go to (required).
	DeliveryStreamName string
	// MaxDecompressedBytes caps one payload's gzip output.
	// Default DefaultMaxDecompressedBytes (8 MiB).
	MaxDecompressedBytes int
	// Rules select the forwarded events. Default DefaultRules.
	Rules Rules
	// LogLevel is the level of the function's own logs. Default INFO.
	LogLevel slog.Level
	// AnalysisStreams are the analysis tier's Firehose streams, by tier
	// (one index per tier): a second target for the events of those
	// tiers, whatever their status. Default: none.
	AnalysisStreams [numTiers]string
}

// Bounds of MAX_DECOMPRESSED_BYTES and FORWARD_MIN_STATUS, from the
// contract with the construct.
const (
	minDecompressedBytes = contract.MinDecompressedBytes
	maxDecompressedBytes = contract.MaxDecompressedBytes
	minStatusLow         = contract.MinStatusLow
	minStatusHigh        = contract.MinStatusHigh
)

// ConfigFromEnv reads the configuration through getenv (os.Getenv in the
// Lambda) and reports every problem at once.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{
		DeliveryStreamName:   strings.TrimSpace(getenv(contract.EnvDeliveryStreamName)),
		MaxDecompressedBytes: DefaultMaxDecompressedBytes,
		Rules:                DefaultRules(),
		LogLevel:             slog.LevelInfo,
	}
	var errs []error
	if cfg.DeliveryStreamName == "" {
		errs = append(errs, errors.New("DELIVERY_STREAM_NAME: required, the name of the Firehose delivery stream"))
	}
	if v := getenv(contract.EnvMaxDecompressedBytes); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < minDecompressedBytes || n > maxDecompressedBytes {
			errs = append(errs, fmt.Errorf("MAX_DECOMPRESSED_BYTES=%q: want an integer number of bytes in %d-%d", v, minDecompressedBytes, maxDecompressedBytes))
		} else {
			cfg.MaxDecompressedBytes = n
		}
	}
	if v := getenv(contract.EnvForwardTiers); strings.TrimSpace(v) != "" {
		tiers, err := ParseTierList(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("FORWARD_TIERS: %w", err))
		} else {
			cfg.Rules.Tiers = tiers
		}
	}
	if v := getenv(contract.EnvForwardMinStatus); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || (n != 0 && (n < minStatusLow || n > minStatusHigh)) {
			errs = append(errs, fmt.Errorf("FORWARD_MIN_STATUS=%q: want 0 (no status rule) or an HTTP status in %d-%d", v, minStatusLow, minStatusHigh))
		} else {
			cfg.Rules.MinStatus = n
		}
	}
	if v := getenv(contract.EnvAnalysisStreams); strings.TrimSpace(v) != "" {
		streams, err := ParseAnalysisStreams(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("ANALYSIS_STREAMS: %w", err))
		} else {
			cfg.AnalysisStreams = streams
		}
	}
	if v := getenv(contract.EnvLogLevel); v != "" {
		if err := cfg.LogLevel.UnmarshalText([]byte(strings.TrimSpace(v))); err != nil {
			errs = append(errs, fmt.Errorf("LOG_LEVEL=%q: want DEBUG, INFO, WARN or ERROR", v))
		}
	}
	return cfg, errors.Join(errs...)
}

// ParseAnalysisStreams parses ANALYSIS_STREAMS, comma-separated
// TIER=stream pairs ("ERROR=errors-stream,WARN=warnings-stream"), each tier
// at most once.
func ParseAnalysisStreams(s string) ([numTiers]string, error) {
	var out [numTiers]string
	for _, pair := range strings.Split(s, ",") {
		name, stream, ok := strings.Cut(pair, "=")
		stream = strings.TrimSpace(stream)
		if !ok || stream == "" {
			return out, fmt.Errorf("%q: want TIER=stream pairs separated by commas, e.g. ERROR=errors,WARN=warnings", s)
		}
		t, err := ParseTier(name)
		if err != nil {
			return out, fmt.Errorf("%q: %w", s, err)
		}
		if out[t] != "" {
			return out, fmt.Errorf("%q: tier %s listed twice", s, t)
		}
		out[t] = stream
	}
	return out, nil
}
