package forward

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"
)

// PutRecordsAPI is the Kinesis call the forwarder uses.
type PutRecordsAPI interface {
	PutRecords(ctx context.Context, in *kinesis.PutRecordsInput, optFns ...func(*kinesis.Options)) (*kinesis.PutRecordsOutput, error)
}

// Retry bounds the re-sending of failed PutRecords entries. Zero fields
// take the documented defaults.
type Retry struct {
	// MaxAttempts per batch, the first included. Default 10.
	MaxAttempts int
	// BaseDelay is the backoff cap after the first failure; it doubles
	// per attempt up to MaxDelay, and the sleep is uniform in [0, cap)
	// ("full jitter"). Defaults 100 ms and 5 s.
	BaseDelay, MaxDelay time.Duration
	// Reserve is kept free before the context deadline so the invocation
	// can still report what failed. Default 2 s.
	Reserve time.Duration
}

func (r Retry) withDefaults() Retry {
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = 10
	}
	if r.BaseDelay <= 0 {
		r.BaseDelay = 100 * time.Millisecond
	}
	if r.MaxDelay <= 0 {
		r.MaxDelay = 5 * time.Second
	}
	if r.Reserve <= 0 {
		r.Reserve = 2 * time.Second
	}
	return r
}

// backoff is the full-jitter sleep before retry number attempt (1-based).
func (r Retry) backoff(attempt int, rnd func() float64) time.Duration {
	c := r.BaseDelay << min(attempt-1, 30)
	if c <= 0 || c > r.MaxDelay {
		c = r.MaxDelay
	}
	return time.Duration(rnd() * float64(c))
}

// retryableEntryCodes are the per-entry PutRecords errors worth retrying.
var retryableEntryCodes = map[string]bool{
	"ProvisionedThroughputExceededException": true,
	"InternalFailure":                        true,
	"KMSThrottlingException":                 true,
}

// putStats counts what a put did.
type putStats struct {
	calls, put, retried, failed int
	// failures counts the final error codes of failed entries.
	failures map[string]int
	lastErr  error
}

func (s *putStats) fail(code string, n int) {
	if n == 0 {
		return
	}
	if s.failures == nil {
		s.failures = map[string]int{}
	}
	s.failures[code] += n
	s.failed += n
}

func (s *putStats) String() string {
	var parts []string
	for code, n := range s.failures {
		parts = append(parts, fmt.Sprintf("%d %s", n, code))
	}
	return strings.Join(parts, ", ")
}

// putter sends batches to one stream, re-sending only the failed entries.
type putter struct {
	client PutRecordsAPI
	stream string
	retry  Retry
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error
	rand   func() float64
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// put sends one batch (within the PutRecords limits) and retries failed
// entries with backoff until they succeed, fail permanently, run out of
// attempts or the time budget is spent. Whatever is left is counted in
// st.failed.
func (p *putter) put(ctx context.Context, batch []Entry, st *putStats) {
	pending := batch
	for attempt := 1; ; attempt++ {
		entries := make([]types.PutRecordsRequestEntry, len(pending))
		for i := range pending {
			entries[i] = types.PutRecordsRequestEntry{PartitionKey: &pending[i].PartitionKey, Data: pending[i].Data}
		}
		out, err := p.client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: &p.stream, Records: entries})
		st.calls++
		var retry []Entry
		switch {
		case err != nil:
			st.lastErr = err
			if permanent(ctx, err) {
				st.fail(errorCode(err), len(pending))
				return
			}
			retry = pending
		case len(out.Records) != len(pending):
			// Without index-aligned results nothing is known about which
			// entries landed; re-sending all may duplicate (ids dedupe).
			st.lastErr = fmt.Errorf("PutRecords returned %d results for %d records", len(out.Records), len(pending))
			retry = pending
		default:
			for i, r := range out.Records {
				switch {
				case r.ErrorCode == nil || *r.ErrorCode == "":
					st.put++
				case retryableEntryCodes[*r.ErrorCode]:
					retry = append(retry, pending[i])
				default:
					st.fail(*r.ErrorCode, 1)
				}
			}
		}
		if len(retry) == 0 {
			return
		}
		code := "retries exhausted"
		if attempt >= p.retry.MaxAttempts {
			st.fail(code, len(retry))
			return
		}
		d := p.retry.backoff(attempt, p.rand)
		if deadline, ok := ctx.Deadline(); ok && p.now().Add(d+p.retry.Reserve).After(deadline) {
			st.fail("time budget exhausted", len(retry))
			return
		}
		if err := p.sleep(ctx, d); err != nil {
			st.fail("time budget exhausted", len(retry))
			return
		}
		st.retried += len(retry)
		pending = retry
	}
}

// permanent reports whether a whole-call error will not go away by itself:
// a cancelled context, or a client fault other than throttling (missing
// stream, access denied, validation).
func permanent(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return true
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	code := ae.ErrorCode()
	if retryableEntryCodes[code] || strings.Contains(code, "Throttl") || code == "LimitExceededException" {
		return false
	}
	return ae.ErrorFault() == smithy.FaultClient
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return "time budget exhausted"
	}
	return "request error"
}

func defaultRand() float64 { return rand.Float64() }
