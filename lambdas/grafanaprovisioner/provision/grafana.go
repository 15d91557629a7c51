package provision

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Retry bounds the retries of throttled (429) and failed (5xx, network)
// Grafana API calls. The zero value means the defaults.
type Retry struct {
	// Attempts per call, the first included. Default: 6.
	Attempts int
	// Base is the first backoff; each retry doubles it, with full jitter.
	// Default: 200ms.
	Base time.Duration
	// Max caps one backoff (and a server's Retry-After). Default: 5s.
	Max time.Duration
}

func (r Retry) withDefaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 6
	}
	if r.Base <= 0 {
		r.Base = 200 * time.Millisecond
	}
	if r.Max <= 0 {
		r.Max = 5 * time.Second
	}
	return r
}

// backoff is the wait before retry n (0-based): full jitter over an
// exponentially growing window, capped at Max.
func (r Retry) backoff(n int) time.Duration {
	window := r.Base << min(n, 20)
	if window <= 0 || window > r.Max {
		window = r.Max
	}
	return time.Duration(rand.Int64N(int64(window)) + 1)
}

// APIError is a Grafana HTTP API call that failed for good.
type APIError struct {
	Method, Path string
	Status       int
	Message      string
}

func (e *APIError) Error() string {
	switch e.Status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Sprintf("grafana %s %s: HTTP %d, the service account token was rejected (expired, deleted, or the service account lacks the ADMIN role); not retried: %s",
			e.Method, e.Path, e.Status, e.Message)
	}
	return fmt.Sprintf("grafana %s %s: HTTP %d: %s", e.Method, e.Path, e.Status, e.Message)
}

// errNotFound marks a 404, which callers treat as "absent".
var errNotFound = errors.New("not found")

// grafanaAPI calls one workspace's HTTP API with a bearer token. It never
// logs the token and scrubs it from any error text a server echoes.
type grafanaAPI struct {
	base    string
	token   string
	client  *http.Client
	retry   Retry
	log     *slog.Logger
	retries *atomic.Int64
}

// call sends one request, retrying 429, 5xx and network errors, and decodes
// a 2xx JSON answer into out (if non-nil). A 404 returns errNotFound.
func (g *grafanaAPI) call(ctx context.Context, method, path string, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("grafana %s %s: encoding body: %w", method, path, err)
		}
	}
	var last error
	for attempt := range g.retry.Attempts {
		if attempt > 0 {
			wait := g.retry.backoff(attempt - 1)
			var ra *retryAfter
			if errors.As(last, &ra) && ra.wait > 0 {
				wait = min(ra.wait, g.retry.Max)
			}
			g.retries.Add(1)
			g.log.Warn("retrying grafana call", "method", method, "path", path, "attempt", attempt+1, "wait_ms", wait.Milliseconds(), "error", g.scrub(last.Error()))
			select {
			case <-ctx.Done():
				return fmt.Errorf("grafana %s %s: stopped before the Lambda deadline after %d attempts: %w (last error: %s)", method, path, attempt, ctx.Err(), g.scrub(last.Error()))
			case <-time.After(wait):
			}
		}
		status, header, respBody, err := g.send(ctx, method, path, payload)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return fmt.Errorf("grafana %s %s: stopped before the Lambda deadline: %w", method, path, ctx.Err())
			}
			last = fmt.Errorf("grafana %s %s: %s", method, path, g.scrub(err.Error()))
			continue
		case status == http.StatusNotFound:
			return errNotFound
		case status >= 200 && status < 300:
			if out != nil && len(respBody) > 0 {
				if err := json.Unmarshal(respBody, out); err != nil {
					return fmt.Errorf("grafana %s %s: decoding answer: %w", method, path, err)
				}
			}
			return nil
		case status == http.StatusTooManyRequests || status >= 500:
			last = &retryAfter{
				APIError: &APIError{Method: method, Path: path, Status: status, Message: g.message(respBody)},
				wait:     parseRetryAfter(header.Get("Retry-After")),
			}
			continue
		default:
			return &APIError{Method: method, Path: path, Status: status, Message: g.message(respBody)}
		}
	}
	return fmt.Errorf("grafana %s %s: gave up after %d attempts: %w", method, path, g.retry.Attempts, last)
}

// retryAfter is a retryable answer, with the server's Retry-After if any.
type retryAfter struct {
	*APIError
	wait time.Duration
}

func (r *retryAfter) Unwrap() error { return r.APIError }

func (g *grafanaAPI) send(ctx context.Context, method, path string, payload []byte) (int, http.Header, []byte, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, g.base+path, body)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+g.token)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := g.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, b, nil
}

// message extracts Grafana's {"message": ...} or a short excerpt.
func (g *grafanaAPI) message(body []byte) string {
	var m struct {
		Message string `json:"message"`
	}
	text := strings.TrimSpace(string(body))
	if json.Unmarshal(body, &m) == nil && m.Message != "" {
		text = m.Message
	}
	return g.scrub(shorten(text, 300))
}

func (g *grafanaAPI) scrub(s string) string {
	if g.token == "" {
		return s
	}
	return strings.ReplaceAll(s, g.token, "[redacted]")
}

// parseRetryAfter reads a Retry-After header given in seconds.
func parseRetryAfter(v string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}
