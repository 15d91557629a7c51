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
	// AnalysisStreamName is the analysis tier's Firehose stream, a second
	// target; "" leaves the router with one target.
	AnalysisStreamName string
	// AnalysisTiers go to AnalysisStreamName, whatever their status.
	// Default ERROR and WARN (contract.DefaultAnalysisTiers).
	AnalysisTiers [numTiers]bool
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
	if cfg.AnalysisStreamName = strings.TrimSpace(getenv(contract.EnvAnalysisStreamName)); cfg.AnalysisStreamName != "" {
		cfg.AnalysisTiers[TierError], cfg.AnalysisTiers[TierWarn] = true, true
		if v := getenv(contract.EnvAnalysisTiers); strings.TrimSpace(v) != "" {
			tiers, err := ParseTierList(v)
			switch {
			case err != nil:
				errs = append(errs, fmt.Errorf("ANALYSIS_TIERS: %w", err))
			case tiers == [numTiers]bool{}:
				errs = append(errs, fmt.Errorf("ANALYSIS_TIERS=%q: want at least one of ERROR, WARN, INFO, DEBUG, UNKNOWN", v))
			default:
				cfg.AnalysisTiers = tiers
			}
		}
	}
	if v := getenv(contract.EnvLogLevel); v != "" {
		if err := cfg.LogLevel.UnmarshalText([]byte(strings.TrimSpace(v))); err != nil {
			errs = append(errs, fmt.Errorf("LOG_LEVEL=%q: want DEBUG, INFO, WARN or ERROR", v))
		}
	}
	return cfg, errors.Join(errs...)
}
