package emf

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// checkStats rejects sets CloudWatch would refuse: no samples, Min > Max,
// or numbers that are not finite or lie outside ±2^360 (a Sum can overflow
// the range even when every value was inside it).
func checkStats(st *StatisticSet) error {
	if !(st.SampleCount > 0) {
		return fmt.Errorf("emf: metric %q: SampleCount %v must be positive", st.Name, st.SampleCount)
	}
	if st.Min > st.Max {
		return fmt.Errorf("emf: metric %q: Min %v is above Max %v", st.Name, st.Min, st.Max)
	}
	for _, f := range [...]struct {
		field string
		v     float64
	}{{"SampleCount", st.SampleCount}, {"Sum", st.Sum}, {"Min", st.Min}, {"Max", st.Max}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || math.Abs(f.v) > maxAbsValue {
			return fmt.Errorf("emf: metric %q: %s %v is not a finite number within ±2^360", st.Name, f.field, f.v)
		}
	}
	return nil
}

// writeError marks a failure of the underlying writer, as opposed to input
// the Logger refuses.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// Publish writes sets as EMF, which makes a Logger an Aggregator Publisher.
// Sets sharing a dimension set and timestamp go into one event (split at 100
// metrics); each value is written as {"Count","Max","Min","Sum"}, the
// statistic-set form the CloudWatch agent and the OpenTelemetry awsemf
// exporter emit. That form is not in the public EMF specification; when you
// need the documented API path, use CloudWatchPublisher.
func (l *Logger) Publish(_ context.Context, sets []StatisticSet) error {
	var pe PublishError
	groups := groupByDimensions(sets)
	for _, g := range groups {
		s := getScratch()
		s.entries = s.entries[:0]
		var bad error
		for _, i := range g.idx {
			if err := cmp.Or(checkSeries(sets[i].Name, sets[i].Unit, sets[i].Dimensions), checkStats(&sets[i])); err != nil {
				bad = err
				pe.Rejected = append(pe.Rejected, sets[i])
				continue
			}
			st := &sets[i]
			s.entries = append(s.entries, entry{name: st.Name, unit: st.Unit, stats: st})
		}
		if bad != nil {
			pe.Err = errors.Join(pe.Err, bad)
		}
		if len(s.entries) == 0 {
			putScratch(s)
			continue
		}
		if written, err := l.write(s, g.dims, g.ts); err != nil {
			// Events already written are published; only the rest may be retried.
			var we *writeError
			for _, e := range s.entries[written:] {
				if errors.As(err, &we) {
					pe.Failed = append(pe.Failed, *e.stats)
				} else {
					pe.Rejected = append(pe.Rejected, *e.stats)
				}
			}
			pe.Err = errors.Join(pe.Err, err)
		}
		putScratch(s)
	}
	if pe.Err != nil {
		return &pe
	}
	return nil
}

type group struct {
	dims map[string]string
	ts   time.Time
	idx  []int
}

// groupByDimensions groups set indexes by dimension set and timestamp, in a
// deterministic order.
func groupByDimensions(sets []StatisticSet) []group {
	pairs := make([]dimPair, 0, MaxDimensions)
	byKey := map[string]*group{}
	var order []string
	for i := range sets {
		b := appendDimsKey(nil, pairs, sets[i].Dimensions)
		b = appendField(b, sets[i].Timestamp.UTC().Format(time.RFC3339Nano))
		k := string(b)
		g := byKey[k]
		if g == nil {
			g = &group{dims: sets[i].Dimensions, ts: sets[i].Timestamp}
			byKey[k] = g
			order = append(order, k)
		}
		g.idx = append(g.idx, i)
	}
	slices.Sort(order)
	out := make([]group, len(order))
	for i, k := range order {
		out[i] = *byKey[k]
	}
	return out
}

// PutMetricDataAPI is the part of the CloudWatch client CloudWatchPublisher
// uses.
type PutMetricDataAPI interface {
	PutMetricData(ctx context.Context, in *cloudwatch.PutMetricDataInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricDataOutput, error)
}

// PutMetricData request limits.
const (
	// MaxDatumsPerRequest is the most metrics one PutMetricData call takes.
	MaxDatumsPerRequest = 1000
	// MaxRequestBytes is the PutMetricData payload limit (1 MB).
	MaxRequestBytes = 1_000_000
)

// CloudWatchPublisher publishes statistic sets with PutMetricData
// StatisticValues, batching up to 1,000 metrics and an estimated 1 MB per
// call. Transient errors are retried by the SDK client's retryer; a batch
// that still fails is returned as Failed so the Aggregator retries it at the
// next flush.
type CloudWatchPublisher struct {
	api       PutMetricDataAPI
	namespace string
	// maxDatums and maxRequestBytes are the API limits except in tests,
	// which lower them to keep moto fast.
	maxDatums, maxRequestBytes int
}

// NewCloudWatchPublisher returns a Publisher that calls api.PutMetricData
// under namespace.
func NewCloudWatchPublisher(api PutMetricDataAPI, namespace string) (*CloudWatchPublisher, error) {
	if api == nil {
		return nil, errors.New("emf: NewCloudWatchPublisher: PutMetricDataAPI is nil")
	}
	if err := checkNamespace(namespace); err != nil {
		return nil, err
	}
	return &CloudWatchPublisher{api: api, namespace: namespace, maxDatums: MaxDatumsPerRequest, maxRequestBytes: MaxRequestBytes}, nil
}

// datumBytes over-estimates one datum's share of a request. Requests are
// CBOR (or form-encoded with older SDKs), where field names and framing cost
// well under 300 bytes per datum and 64 per dimension; strings count twice
// to cover escaping.
func datumBytes(st *StatisticSet) int {
	n := 300 + 2*(len(st.Name)+len(st.Unit))
	for k, v := range st.Dimensions {
		n += 64 + 2*(len(k)+len(v))
	}
	return n
}

// Publish sends sets in as few PutMetricData calls as the limits allow.
func (p *CloudWatchPublisher) Publish(ctx context.Context, sets []StatisticSet) error {
	var pe PublishError
	var batch []types.MetricDatum
	var members []StatisticSet
	size := 0
	send := func() {
		if len(batch) == 0 {
			return
		}
		_, err := p.api.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String(p.namespace), MetricData: batch})
		if err != nil {
			if permanent(err) {
				pe.Rejected = append(pe.Rejected, members...)
			} else {
				pe.Failed = append(pe.Failed, members...)
			}
			pe.Err = errors.Join(pe.Err, fmt.Errorf("PutMetricData of %d metrics: %w", len(batch), err))
		}
		batch, members, size = nil, nil, 0
	}
	for i := range sets {
		st := &sets[i]
		if err := cmp.Or(checkSeries(st.Name, st.Unit, st.Dimensions), checkStats(st)); err != nil {
			pe.Rejected = append(pe.Rejected, *st)
			pe.Err = errors.Join(pe.Err, err)
			continue
		}
		n := datumBytes(st)
		if len(batch) == p.maxDatums || (len(batch) > 0 && size+n > p.maxRequestBytes) {
			send()
		}
		batch = append(batch, toDatum(st))
		members = append(members, *st)
		size += n
	}
	send()
	if pe.Err != nil {
		return &pe
	}
	return nil
}

func toDatum(st *StatisticSet) types.MetricDatum {
	d := types.MetricDatum{
		MetricName: aws.String(st.Name),
		Timestamp:  aws.Time(st.Timestamp),
		StatisticValues: &types.StatisticSet{
			SampleCount: aws.Float64(st.SampleCount),
			Sum:         aws.Float64(st.Sum),
			Minimum:     aws.Float64(st.Min),
			Maximum:     aws.Float64(st.Max),
		},
	}
	if st.Unit != "" {
		d.Unit = types.StandardUnit(st.Unit)
	}
	for k, v := range st.Dimensions {
		d.Dimensions = append(d.Dimensions, types.Dimension{Name: aws.String(k), Value: aws.String(v)})
	}
	slices.SortFunc(d.Dimensions, func(a, b types.Dimension) int { return strings.Compare(*a.Name, *b.Name) })
	return d
}

// permanent reports errors that retrying the same request cannot fix.
func permanent(err error) bool {
	var (
		badValue *types.InvalidParameterValueException
		badCombo *types.InvalidParameterCombinationException
		missing  *types.MissingRequiredParameterException
	)
	return errors.As(err, &badValue) || errors.As(err, &badCombo) || errors.As(err, &missing)
}
