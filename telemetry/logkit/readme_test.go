package logkit_test

import (
	"context"
	"log/slog"
	"net/http"
	"os"

	"github.com/o11yscale/o11yscale/telemetry/logkit"
)

// readmeLogkit compiles the Go snippet of telemetry/README.md line 56 (TestEveryReadmeGoSnippetIsCompiledByATest in test/ checks it is here verbatim); it is not run.
func readmeLogkit(ctx context.Context, r *http.Request) error {
	level, levelErr := logkit.LevelFromEnv() // DEBUG/INFO/WARN/WARNING/ERROR, any case; INFO + error if bad
	h, err := logkit.New(os.Stdout, logkit.Options{
		Level:       level,
		SampleRate:  0.1,                      // keep 10% of INFO/DEBUG; WARN and ERROR always
		DebugSecret: os.Getenv("DEBUG_TOKEN"), // at least 16 bytes; empty disables raising
		QueueSize:   10_000,                   // records waiting for the writer; more are dropped and counted
		// FlushInterval: 100 * time.Millisecond,  // the writer wakes at least this often, or per 64 KiB batch
	})
	logger := slog.New(h)
	if levelErr != nil {
		logger.Warn("ignoring LOG_LEVEL", "error", levelErr)
	}
	defer h.Close(ctx) // drains everything accepted

	// per request: only this request's records are raised to DEBUG, if the token matches
	ctx = logkit.WithDebugToken(ctx, r.Header.Get("X-Debug-Token"))
	logger.DebugContext(ctx, "cart loaded", "items", 3)
	return err
}
