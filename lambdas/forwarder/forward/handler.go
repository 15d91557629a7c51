package forward

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/o11yscale/o11yscale/telemetry/emf"

	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
)

// GetMetricDataAPI is the CloudWatch call the forwarder uses.
type GetMetricDataAPI interface {
	GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)
}

// MetricEmitter writes the forwarder's self-metrics (an *emf.Logger).
type MetricEmitter interface {
	Emit(dims map[string]string, metrics ...emf.Metric) error
}

// Handler forwards one window of metrics per scheduled event.
type Handler struct {
	// Config must have passed Validate; Handle applies WithDefaults.
	Config contract.Config
	// Region is where CloudWatch is read, written to every datapoint.
	Region     string
	CloudWatch GetMetricDataAPI
	// Kinesis puts to Config.StreamName in Config.CentralRegion.
	Kinesis PutRecordsAPI
	Metrics MetricEmitter
	Log     *slog.Logger
	Retry   Retry
	// Now defaults to time.Now; tests set it.
	Now func() time.Time
	// Sleep defaults to a context-aware timer.
	Sleep func(context.Context, time.Duration) error
}

// Summary is what one invocation did; Handle returns it as the Lambda
// response.
type Summary struct {
	WindowStart        time.Time `json:"windowStart"`
	WindowEnd          time.Time `json:"windowEnd"`
	DatapointsRead     int       `json:"datapointsRead"`
	RecordsPut         int       `json:"recordsPut"`
	RecordsRetried     int       `json:"recordsRetried"`
	RecordsFailed      int       `json:"recordsFailed"`
	QueriesFailed      int       `json:"queriesFailed"`
	GetMetricDataCalls int       `json:"getMetricDataCalls"`
	PutRecordsCalls    int       `json:"putRecordsCalls"`
	LagSeconds         float64   `json:"lagSeconds"`
}

// Handle forwards the window of the scheduled event ev. It returns an
// error, after forwarding everything it could, when any query or record
// failed, so Lambda's retry and on-failure destination take over; a
// retry re-sends the same window with the same datapoint ids.
func (h *Handler) Handle(ctx context.Context, ev events.CloudWatchEvent) (Summary, error) {
	now := h.Now
	if now == nil {
		now = time.Now
	}
	log := h.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg := h.Config.WithDefaults()

	eventTime := ev.Time
	if eventTime.IsZero() {
		eventTime = now()
		log.Warn("event has no time; using the clock, so a retry of this invocation may forward a different window",
			"eventId", ev.ID, "time", eventTime)
	}
	account := ev.AccountID
	if account == "" {
		account = accountFromContext(ctx)
	}
	if account == "" {
		return Summary{}, errors.New("cannot tell the account: the event has no \"account\" and the Lambda context has no function ARN")
	}
	w := WindowAt(eventTime, time.Duration(cfg.IntervalSeconds)*time.Second, time.Duration(cfg.DelaySeconds)*time.Second)
	sum := Summary{WindowStart: w.Start, WindowEnd: w.End}

	metrics := make([]*series, len(cfg.Metrics))
	for i, m := range cfg.Metrics {
		metrics[i] = newSeries(h.Region, account, m.Namespace, m.MetricName, m.Dimensions, m.Statistics, m.PeriodSeconds, m.Unit, "")
	}
	sleep := h.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	p := &putter{client: h.Kinesis, stream: cfg.StreamName, retry: h.Retry.withDefaults(), now: now, sleep: sleep, rand: defaultRand}
	var (
		st       putStats
		batcher  Batcher
		problems []string
	)
	send := func(batches [][]Entry) {
		for _, b := range batches {
			p.put(ctx, b, &st)
		}
	}
	addEntries := func(entries []Entry) {
		for _, e := range entries {
			if err := batcher.Add(e); err != nil {
				st.fail("record too large", 1)
				log.Error("record not sent", "error", err)
			}
		}
		send(batcher.Ready())
	}

	calls := planCalls(cfg, metrics, w)
	for ci := range calls {
		c := &calls[ci]
		if ctx.Err() != nil {
			// Out of time: name what was skipped once, not per call.
			skipped := 0
			for _, rest := range calls[ci:] {
				skipped += len(rest.queries)
			}
			sum.QueriesFailed += skipped
			problems = append(problems, fmt.Sprintf("GetMetricData calls %d-%d of %d (%d queries) not made: %v", ci+1, len(calls), len(calls), skipped, ctx.Err()))
			break
		}
		a := newAssembly(c, metrics, w)
		pages := cloudwatch.NewGetMetricDataPaginator(h.CloudWatch, c.input(w))
		var callErr error
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			sum.GetMetricDataCalls++
			if err == nil {
				err = a.add(c, out)
			}
			if err != nil {
				callErr = err
				break
			}
		}
		if callErr != nil {
			// The rows of a half-read call may lack statistics or
			// timestamps; forward none of it and let the retry do it whole.
			sum.QueriesFailed += len(c.queries)
			problems = append(problems, fmt.Sprintf("GetMetricData call %d of %d (%d queries): %v", ci+1, len(calls), len(c.queries), callErr))
			log.Error("GetMetricData failed", "call", ci+1, "queries", len(c.queries), "error", callErr)
			continue
		}
		if len(a.failed) > 0 {
			sum.QueriesFailed += len(a.failed)
			problems = append(problems, fmt.Sprintf("%d queries failed: %s", len(a.failed), strings.Join(first(a.failed, 5), "; ")))
			log.Error("GetMetricData queries failed", "count", len(a.failed), "queries", first(a.failed, 20))
		}
		entries, n := encodeCall(a, c, metrics, cfg, h.Region, account)
		sum.DatapointsRead += n
		addEntries(entries)
	}
	send(batcher.Flush())

	sum.RecordsPut, sum.RecordsRetried, sum.RecordsFailed, sum.PutRecordsCalls = st.put, st.retried, st.failed, st.calls
	sum.LagSeconds = now().Sub(w.End).Seconds()
	h.emit(log, sum)

	if st.failed > 0 {
		msg := fmt.Sprintf("%d of %d records not delivered to stream %s (%s)", st.failed, st.failed+st.put, cfg.StreamName, st.String())
		if st.lastErr != nil {
			msg += "; last error: " + st.lastErr.Error()
		}
		problems = append(problems, msg)
	}
	log.Info("forwarded window", "windowStart", w.Start, "windowEnd", w.End, "datapointsRead", sum.DatapointsRead,
		"recordsPut", sum.RecordsPut, "recordsRetried", sum.RecordsRetried, "recordsFailed", sum.RecordsFailed,
		"queriesFailed", sum.QueriesFailed, "getMetricDataCalls", sum.GetMetricDataCalls, "putRecordsCalls", sum.PutRecordsCalls)
	if len(problems) > 0 {
		return sum, fmt.Errorf("forwarding window %s to %s: %s", w.Start.Format(time.RFC3339), w.End.Format(time.RFC3339), strings.Join(problems, "; "))
	}
	return sum, nil
}

// encodeCall writes the datapoints of one call as records: one record per
// series (split at PackLimitBytes), one JSON line per timestamp. It
// returns the records and the number of datapoints (lines).
func encodeCall(a *assembly, c *call, metrics []*series, cfg contract.Config, region, account string) ([]Entry, int) {
	// One arena for all lines of the call; an estimate that is too small
	// only costs a reallocation, since records are capped sub-slices.
	size := 0
	for i := range a.metrics {
		s := metrics[c.first+i]
		size += len(a.metrics[i].ts) * (len(s.head) + len(s.tail) + 64 + 32*len(s.stats))
	}
	data := make([]byte, 0, size)
	var (
		entries  = make([]Entry, 0, len(a.metrics)+len(a.searches))
		lineEnds []int
		lines    int
	)
	encode := func(s *series, r *rows) {
		if len(r.ts) == 0 {
			return
		}
		start := len(data)
		lineEnds = lineEnds[:0]
		for k, t := range r.ts {
			var ok bool
			if data, ok = s.appendLine(data, t, r.vals[k*r.n:(k+1)*r.n]); ok {
				lineEnds = append(lineEnds, len(data)-start)
				lines++
			}
		}
		entries = packLines(s.partitionKey, data[start:], lineEnds, entries)
	}
	for i := range a.metrics {
		encode(metrics[c.first+i], &a.metrics[i])
	}
	for _, k := range a.sortedSearches() {
		se := cfg.SearchExpressions[k.search]
		s := newSeries(region, account, searchNamespace(se.Expression), k.label, nil, []string{se.Statistic}, se.PeriodSeconds, "", se.Expression)
		encode(s, a.searches[k])
	}
	return entries, lines
}

func (h *Handler) emit(log *slog.Logger, s Summary) {
	if h.Metrics == nil {
		return
	}
	err := h.Metrics.Emit(map[string]string{contract.DimensionFunction: contract.FunctionName},
		emf.Metric{Name: contract.MetricDatapointsRead, Unit: emf.Count, Value: float64(s.DatapointsRead)},
		emf.Metric{Name: contract.MetricRecordsPut, Unit: emf.Count, Value: float64(s.RecordsPut)},
		emf.Metric{Name: contract.MetricRecordsRetried, Unit: emf.Count, Value: float64(s.RecordsRetried)},
		emf.Metric{Name: contract.MetricRecordsFailed, Unit: emf.Count, Value: float64(s.RecordsFailed)},
		emf.Metric{Name: contract.MetricQueriesFailed, Unit: emf.Count, Value: float64(s.QueriesFailed)},
		emf.Metric{Name: contract.MetricGetMetricDataCalls, Unit: emf.Count, Value: float64(s.GetMetricDataCalls)},
		emf.Metric{Name: contract.MetricPutRecordsCalls, Unit: emf.Count, Value: float64(s.PutRecordsCalls)},
		emf.Metric{Name: contract.MetricLagSeconds, Unit: emf.Seconds, Value: s.LagSeconds},
	)
	if err != nil {
		log.Error("emitting self-metrics", "error", err)
	}
}

// accountFromContext reads the account from the invoked function ARN,
// arn:aws:lambda:<region>:<account>:function:<name>.
func accountFromContext(ctx context.Context) string {
	lc, ok := lambdacontext.FromContext(ctx)
	if !ok {
		return ""
	}
	parts := strings.Split(lc.InvokedFunctionArn, ":")
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
