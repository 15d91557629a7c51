package logkit_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/o11yscale/o11yscale/telemetry/logkit"
)

func Example() {
	level, levelErr := logkit.LevelFromEnv() // LOG_LEVEL; INFO if unset or bad
	h, err := logkit.New(os.Stdout, logkit.Options{
		Level:       level,
		SampleRate:  0.1, // keep 10% of INFO and DEBUG; WARN and ERROR always
		DebugSecret: "example-secret-0123456789",
		// Drop the time so the example output is stable.
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
	if err != nil {
		panic(err)
	}
	defer h.Close(context.Background())
	logger := slog.New(h)
	if levelErr != nil {
		logger.Warn("ignoring LOG_LEVEL", "error", levelErr)
	}

	// Per request: raise to DEBUG only if the caller presented the secret,
	// e.g. from an X-Debug-Token header.
	ctx := logkit.WithDebugToken(context.Background(), "example-secret-0123456789")
	logger.DebugContext(ctx, "cart loaded", "items", 3)
	logger.Error("payment failed", "status", 502)

	// In Lambda, flush before returning from each invocation.
	fmt.Println(h.Flush(context.Background()))
	// Output:
	// {"level":"DEBUG","msg":"cart loaded","items":3}
	// {"level":"ERROR","msg":"payment failed","status":502}
	// <nil>
}
