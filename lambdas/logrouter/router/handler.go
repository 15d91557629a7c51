package router

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/smithy-go"

	"github.com/o11yscale/o11yscale/lambdas/logrouter/contract"
	"github.com/o11yscale/o11yscale/telemetry/emf"
)

// PutRecordBatchAPI is the part of the Firehose client the router uses.
type PutRecordBatchAPI interface {
	PutRecordBatch(ctx context.Context, in *firehose.PutRecordBatchInput, optFns ...func(*firehose.Options)) (*firehose.PutRecordBatchOutput, error)
}

// MetricEmitter writes EMF metrics (emf.Logger).
type MetricEmitter interface {
	Emit(dims map[string]string, metrics ...emf.Metric) error
}

// Metric names, dimensions and drop reasons.
const (
	Namespace    = contract.Namespace
	FunctionName = contract.FunctionName

	// DropControlMessage counts the events of CONTROL_MESSAGE payloads.
	DropControlMessage = contract.DropControlMessage
	// DropTierNotForwarded counts events no rule selects.
	DropTierNotForwarded = contract.DropTierNotForwarded
	// DropRecordTooLarge counts events whose fields other than the message
	// alone exceed MaxRecordBytes (impossible within CloudWatch's limits).
	DropRecordTooLarge = contract.DropRecordTooLarge
)

// DropReasons lists every Reason dimension value of EventsDropped.
var DropReasons = contract.DropReasons

// Retry bounds how often failed records are sent again.
type Retry struct {
	// MaxAttempts counts the first call. Default 8.
	MaxAttempts int
	// BaseDelay is the backoff before the second attempt; it doubles per
	// attempt up to MaxDelay, and each sleep is drawn uniformly from
	// [0, backoff] (full jitter). Default 100ms.
	BaseDelay time.Duration
	// MaxDelay caps the backoff. Default 5s.
	MaxDelay time.Duration
	// Reserve is kept free before the invocation deadline, so the function
	// can still report failures and metrics. Default 500ms.
	Reserve time.Duration
}

// DefaultRetry is the retry policy of the deployed function.
func DefaultRetry() Retry {
	return Retry{MaxAttempts: 8, BaseDelay: 100 * time.Millisecond, MaxDelay: 5 * time.Second, Reserve: 500 * time.Millisecond}
}

// Handler routes CloudWatch Logs subscription payloads to Firehose. It is
// safe for concurrent use.
type Handler struct {
	Firehose           PutRecordBatchAPI
	DeliveryStreamName string
	Rules              Rules
	// AnalysisStreams are the analysis tier's streams, by event tier: an
	// event whose tier has one goes there too ("" for none).
	AnalysisStreams [numTiers]string
	// MaxDecompressedBytes caps a payload's decompressed size (0: default).
	MaxDecompressedBytes int
	Retry                Retry
	Metrics              MetricEmitter
	Log                  *slog.Logger

	workers sync.Pool
}

// NewHandler returns a Handler for cfg with the default retry policy.
func NewHandler(cfg Config, fh PutRecordBatchAPI, metrics MetricEmitter, log *slog.Logger) *Handler {
	return &Handler{
		Firehose:             fh,
		DeliveryStreamName:   cfg.DeliveryStreamName,
		Rules:                cfg.Rules,
		AnalysisStreams:      cfg.AnalysisStreams,
		MaxDecompressedBytes: cfg.MaxDecompressedBytes,
		Retry:                DefaultRetry(),
		Metrics:              metrics,
		Log:                  log,
	}
}

// Targets of a record: the archive stream, then the analysis stream of
// each tier (target targetAnalysis+tier).
const (
	targetArchive  = 0
	targetAnalysis = 1
	numTargets     = targetAnalysis + int(numTiers)
)

// worker holds the reusable buffers of one invocation.
type worker struct {
	dec     Decoder
	records recordBuilder
	// sel holds per payload event the targets that selected it (bit per
	// target); failed per target and event whether some record of the
	// event was not delivered there.
	sel    []uint16
	failed [numTargets][]bool
	recs   [numTargets][]record
	todo   []record
	retry  []record
	batch  []types.Record
}

// Stats counts what one invocation did; they become its EMF metrics.
type Stats struct {
	EventsIn int
	// EventsForwarded are the selected events every target they were
	// selected for took; EventsFailed those some target did not take.
	EventsForwarded int
	EventsFailed    int
	Dropped         map[string]int
	// RecordsRetried and RecordsFailed count the records of every target.
	RecordsRetried int
	RecordsFailed  int
	DecodeErrors   int
	// AnalysisEventsForwarded and AnalysisEventsFailed are the events
	// selected for an analysis stream that it took, and did not take.
	AnalysisEventsForwarded int
	AnalysisEventsFailed    int
	// FailureCodes counts the error codes of records that were not
	// delivered in the end.
	FailureCodes map[string]int
}

func (s *Stats) drop(reason string, n int) {
	if s.Dropped == nil {
		s.Dropped = map[string]int{}
	}
	s.Dropped[reason] += n
}

// Handle is the Lambda entry point. It returns an error, so that Lambda
// retries and finally sends the event to the on-failure destination, when
// the payload is malformed or any record could not be delivered.
func (h *Handler) Handle(ctx context.Context, ev events.CloudwatchLogsEvent) error {
	st, err := h.Route(ctx, ev.AWSLogs.Data)
	h.emit(&st)
	return err
}

// selects returns the targets (bit per target) that take an event of
// class c.
func (h *Handler) selects(c Class) uint16 {
	var m uint16
	if h.Rules.Forward(c) {
		m |= 1 << targetArchive
	}
	if c.Tier < numTiers && h.AnalysisStreams[c.Tier] != "" {
		m |= 1 << (targetAnalysis + int(c.Tier))
	}
	return m
}

// analysis reports whether any tier has an analysis stream.
func (h *Handler) analysis() bool { return h.AnalysisStreams != [numTiers]string{} }

// Route decodes one awslogs.data payload and forwards its selected events.
func (h *Handler) Route(ctx context.Context, data string) (Stats, error) {
	w, _ := h.workers.Get().(*worker)
	if w == nil {
		w = &worker{}
	}
	defer h.workers.Put(w)
	var st Stats
	w.dec.MaxDecompressedBytes = h.MaxDecompressedBytes
	p, err := w.dec.Decode(data)
	if err == nil && !p.Control() && !p.Data() {
		err = fmt.Errorf("%w: messageType %q, want %s or %s", ErrMalformed, p.MessageType.String(), DataMessage, ControlMessage)
	}
	if err != nil {
		st.DecodeErrors = 1
		h.Log.ErrorContext(ctx, "payload not decoded; failing the invocation so the on-failure destination keeps it",
			"error", err, "base64Bytes", len(data))
		return st, fmt.Errorf("logrouter: %w", err)
	}
	st.EventsIn = len(p.Events)
	if p.Control() {
		st.drop(DropControlMessage, len(p.Events))
		h.Log.DebugContext(ctx, "control message skipped", "events", len(p.Events))
		return st, nil
	}
	w.records.reset(p)
	w.sel = slices.Grow(w.sel[:0], len(p.Events))[:len(p.Events)]
	for n := range p.Events {
		ev := &p.Events[n]
		c := ev.Class
		w.sel[n] = h.selects(c)
		if w.sel[n] == 0 {
			st.drop(DropTierNotForwarded, 1)
			continue
		}
		if !w.records.add(ev, n, c) {
			w.sel[n] = 0
			st.drop(DropRecordTooLarge, 1)
			h.Log.ErrorContext(ctx, "event dropped: its fields leave no room for the message in a Firehose record",
				"id", ev.ID.String(), "logGroup", p.LogGroup.String(), "maxRecordBytes", MaxRecordBytes)
		}
	}
	recs := w.records.list()
	if len(recs) == 0 {
		return st, nil
	}
	// One record, built once, goes to every target that selected its event.
	var streams [numTargets]string
	streams[targetArchive] = h.DeliveryStreamName
	copy(streams[targetAnalysis:], h.AnalysisStreams[:])
	var report [numTargets]targetReport
	for t := range numTargets {
		w.failed[t] = slices.Grow(w.failed[t][:0], len(p.Events))[:len(p.Events)]
		clear(w.failed[t])
		w.recs[t] = w.recs[t][:0]
		for _, r := range recs {
			if w.sel[r.event]&(1<<t) != 0 {
				w.recs[t] = append(w.recs[t], r)
			}
		}
		if len(w.recs[t]) > 0 {
			report[t] = h.forward(ctx, w, streams[t], w.failed[t], w.recs[t], &st)
		}
	}
	for n := 0; n < len(recs); {
		ev := recs[n].event
		for n < len(recs) && recs[n].event == ev {
			n++
		}
		failed := false
		for t := range numTargets {
			if w.sel[ev]&(1<<t) == 0 {
				continue
			}
			report[t].events++
			if w.failed[t][ev] {
				report[t].eventsFailed++
				failed = true
			}
		}
		if failed {
			st.EventsFailed++
		} else {
			st.EventsForwarded++
		}
	}
	for _, r := range report[targetAnalysis:] {
		st.AnalysisEventsFailed += r.eventsFailed
		st.AnalysisEventsForwarded += r.events - r.eventsFailed
	}
	if st.RecordsFailed == 0 {
		return st, nil
	}
	var errs []string
	for t := range numTargets {
		r := report[t]
		if r.recordsFailed == 0 {
			continue
		}
		var ids []string
		for n := range p.Events {
			if w.failed[t][n] && len(ids) < 10 {
				ids = append(ids, p.Events[n].ID.String())
			}
		}
		codes := formatCodes(r.codes)
		h.Log.ErrorContext(ctx, "records not delivered after retries; failing the invocation",
			"stream", streams[t], "recordsFailed", r.recordsFailed, "records", r.records,
			"eventsFailed", r.eventsFailed, "eventsForwarded", r.events-r.eventsFailed, "codes", codes, "firstFailedIDs", ids)
		errs = append(errs, fmt.Sprintf("%d of %d records (%d of %d forwarded events) not delivered to Firehose stream %q after retries: %s",
			r.recordsFailed, r.records, r.eventsFailed, r.events, streams[t], codes))
	}
	return st, fmt.Errorf("logrouter: %s", strings.Join(errs, "; "))
}

// targetReport is what one target's delivery came to.
type targetReport struct {
	records, recordsFailed int
	events, eventsFailed   int
	codes                  map[string]int
}

func formatCodes(codes map[string]int) string {
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(codes)) {
		parts = append(parts, fmt.Sprintf("%s×%d", c, codes[c]))
	}
	return strings.Join(parts, ", ")
}

// forward sends recs to stream in batches within the limits, each with
// retries, marking in failed the events of records it could not deliver.
func (h *Handler) forward(ctx context.Context, w *worker, stream string, failed []bool, recs []record, st *Stats) targetReport {
	retry := h.retryPolicy()
	callCtx := ctx
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		callCtx, cancel = context.WithDeadline(ctx, deadline.Add(-retry.Reserve))
		defer cancel()
	}
	r := targetReport{records: len(recs)}
	for len(recs) > 0 {
		n := nextBatch(recs)
		h.sendBatch(callCtx, w, stream, failed, recs[:n], retry, st, &r)
		recs = recs[n:]
	}
	return r
}

func (h *Handler) retryPolicy() Retry {
	r, def := h.Retry, DefaultRetry()
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = def.MaxAttempts
	}
	if r.BaseDelay <= 0 {
		r.BaseDelay = def.BaseDelay
	}
	if r.MaxDelay <= 0 {
		r.MaxDelay = def.MaxDelay
	}
	if r.Reserve <= 0 {
		r.Reserve = def.Reserve
	}
	return r
}

// sendBatch puts one batch, then resends only the entries that failed, with
// exponential backoff and full jitter, until all are in, the attempts are
// used up, the error is permanent, or the deadline leaves no time.
func (h *Handler) sendBatch(ctx context.Context, w *worker, stream string, failedEvents []bool, batch []record, retry Retry, st *Stats, rep *targetReport) {
	todo := append(w.todo[:0], batch...)
	for attempt := 1; ; attempt++ {
		w.batch = w.batch[:0]
		for _, r := range todo {
			w.batch = append(w.batch, types.Record{Data: r.data})
		}
		out, err := h.Firehose.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{
			DeliveryStreamName: &stream,
			Records:            w.batch,
		})
		failed := w.retry[:0]
		var codes map[string]int // allocated only on failure
		count := func(code string, n int) {
			if codes == nil {
				codes = map[string]int{}
			}
			codes[code] += n
		}
		permanent := false
		switch {
		case err != nil:
			failed = append(failed, todo...)
			count(errorCode(err), len(todo))
			permanent = !retryable(err)
			h.Log.WarnContext(ctx, "PutRecordBatch failed", "stream", stream, "error", err, "records", len(todo), "attempt", attempt)
		case len(out.RequestResponses) != len(todo):
			// Responses are index-aligned; without alignment nothing is
			// known to be delivered, so everything is sent again
			// (consumers deduplicate on id).
			failed = append(failed, todo...)
			count("ResponseCountMismatch", len(todo))
			h.Log.WarnContext(ctx, "PutRecordBatch response not aligned with the request", "stream", stream,
				"records", len(todo), "responses", len(out.RequestResponses), "attempt", attempt)
		default:
			for k, r := range out.RequestResponses {
				if r.ErrorCode != nil && *r.ErrorCode != "" {
					failed = append(failed, todo[k])
					count(*r.ErrorCode, 1)
				}
			}
			if len(failed) > 0 {
				h.Log.WarnContext(ctx, "PutRecordBatch partially failed", "stream", stream, "failed", len(failed),
					"records", len(todo), "codes", formatCodes(codes), "attempt", attempt)
			}
		}
		w.retry, w.todo = todo[:0], failed
		if len(failed) == 0 {
			return
		}
		if permanent || attempt >= retry.MaxAttempts || !sleep(ctx, backoff(retry, attempt)) {
			st.RecordsFailed += len(failed)
			rep.recordsFailed += len(failed)
			for _, r := range failed {
				failedEvents[r.event] = true
			}
			if st.FailureCodes == nil {
				st.FailureCodes = map[string]int{}
			}
			if rep.codes == nil {
				rep.codes = map[string]int{}
			}
			for c, n := range codes {
				st.FailureCodes[c] += n
				rep.codes[c] += n
			}
			return
		}
		st.RecordsRetried += len(failed)
		todo = failed
	}
}

// backoff draws the sleep before attempt+1.
func backoff(r Retry, attempt int) time.Duration {
	d := r.MaxDelay
	if attempt < 30 {
		d = min(r.MaxDelay, r.BaseDelay<<(attempt-1))
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}

// sleep waits d, or reports false at once if ctx ends before d is over.
func sleep(ctx context.Context, d time.Duration) bool {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= d {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// errorCode names an error for counting: the API error code, or the
// context error.
func errorCode(err error) string {
	var api smithy.APIError
	switch {
	case errors.As(err, &api):
		return api.ErrorCode()
	case errors.Is(err, context.DeadlineExceeded):
		return "DeadlineExceeded"
	case errors.Is(err, context.Canceled):
		return "Canceled"
	}
	return "RequestError"
}

// retryable reports whether sending the same records again can succeed.
func retryable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "ResourceNotFoundException", "InvalidArgumentException", "AccessDeniedException",
			"ValidationException", "UnrecognizedClientException", "InvalidSignatureException":
			return false
		}
	}
	return true
}

// emit writes the invocation's metrics.
func (h *Handler) emit(st *Stats) {
	if h.Metrics == nil {
		return
	}
	dims := map[string]string{contract.DimensionFunction: FunctionName}
	metrics := []emf.Metric{
		{Name: contract.MetricEventsIn, Unit: emf.Count, Value: float64(st.EventsIn)},
		{Name: contract.MetricEventsForwarded, Unit: emf.Count, Value: float64(st.EventsForwarded)},
		{Name: contract.MetricEventsFailed, Unit: emf.Count, Value: float64(st.EventsFailed)},
		{Name: contract.MetricRecordsRetried, Unit: emf.Count, Value: float64(st.RecordsRetried)},
		{Name: contract.MetricRecordsFailed, Unit: emf.Count, Value: float64(st.RecordsFailed)},
		{Name: contract.MetricDecodeErrors, Unit: emf.Count, Value: float64(st.DecodeErrors)},
	}
	if h.analysis() {
		metrics = append(metrics,
			emf.Metric{Name: contract.MetricAnalysisEventsForwarded, Unit: emf.Count, Value: float64(st.AnalysisEventsForwarded)},
			emf.Metric{Name: contract.MetricAnalysisEventsFailed, Unit: emf.Count, Value: float64(st.AnalysisEventsFailed)})
	}
	err := h.Metrics.Emit(dims, metrics...)
	for _, reason := range DropReasons {
		err = errors.Join(err, h.Metrics.Emit(map[string]string{contract.DimensionFunction: FunctionName, contract.DimensionReason: reason},
			emf.Metric{Name: contract.MetricEventsDropped, Unit: emf.Count, Value: float64(st.Dropped[reason])}))
	}
	if err != nil {
		h.Log.Error("metrics not written", "error", err)
	}
}
