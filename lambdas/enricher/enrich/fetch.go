package enrich

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"
)

// GetMetricDataAPI is the CloudWatch operation the enricher calls.
type GetMetricDataAPI interface {
	GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)
}

// Window settings.
const (
	// Lookback is how far back the enricher looks, as in the seed.
	Lookback = 15 * time.Minute
	// MinWindowPeriods keeps at least this many periods in the window, so
	// alarms with long periods (900 s, 3600 s) still get a baseline.
	MinWindowPeriods = 10
	// maxPages bounds NextToken paging; a 15-minute window of two
	// queries is one page, this only guards against a misbehaving API.
	maxPages = 10
)

// Window is the time range fetched for a state change.
type Window struct {
	Start, End time.Time
	// Periods is how many datapoints the window can hold.
	Periods int
}

// WindowFor returns the window ending at the period that contains the
// state change, so a redelivery hours later still describes the moment
// the alarm changed state. The end never lies more than one period after
// now, which guards against a bogus future StateChangeTime. Both ends sit
// on period boundaries, as GetMetricData recommends.
func WindowFor(t Target, changedAt, now time.Time) Window {
	period := time.Duration(t.Period) * time.Second
	ref := changedAt
	if ref.After(now) {
		ref = now
	}
	end := ref.Truncate(period).Add(period)
	periods := max(int((Lookback+period-1)/period), MinWindowPeriods)
	return Window{Start: end.Add(-time.Duration(periods) * period), End: end, Periods: periods}
}

// Input builds the single GetMetricData request: the alarm's queries with
// only the series returning data, plus the band of the series.
func (t Target) Input(w Window, withBand bool) *cloudwatch.GetMetricDataInput {
	queries := make([]types.MetricDataQuery, 0, len(t.Queries)+1)
	for _, q := range t.Queries {
		queries = append(queries, q.sdk())
	}
	if withBand {
		queries = append(queries, types.MetricDataQuery{
			Id:         aws.String(t.BandID),
			Expression: aws.String(t.BandExpression()),
			ReturnData: aws.Bool(true),
		})
	}
	return &cloudwatch.GetMetricDataInput{
		StartTime:         aws.Time(w.Start),
		EndTime:           aws.Time(w.End),
		MetricDataQueries: queries,
		ScanBy:            types.ScanByTimestampAscending,
	}
}

func (q MetricDataQuery) sdk() types.MetricDataQuery {
	out := types.MetricDataQuery{Id: aws.String(q.ID), ReturnData: aws.Bool(q.ReturnData)}
	if q.AccountID != "" {
		out.AccountId = aws.String(q.AccountID)
	}
	if q.Label != "" {
		out.Label = aws.String(q.Label)
	}
	if q.MetricStat != nil {
		ms := q.MetricStat
		dims := make([]types.Dimension, len(ms.Metric.Dimensions))
		for i, d := range ms.Metric.Dimensions {
			dims[i] = types.Dimension{Name: aws.String(d.Name), Value: aws.String(d.Value)}
		}
		out.MetricStat = &types.MetricStat{
			Metric: &types.Metric{
				Namespace:  aws.String(ms.Metric.Namespace),
				MetricName: aws.String(ms.Metric.MetricName),
				Dimensions: dims,
			},
			Period: aws.Int32(int32(ms.Period)),
			Stat:   aws.String(ms.Stat),
		}
		if ms.Unit != "" {
			out.MetricStat.Unit = types.StandardUnit(ms.Unit)
		}
		return out
	}
	out.Expression = aws.String(q.Expression)
	if q.Period > 0 && q.Period <= maxPeriodSeconds {
		out.Period = aws.Int32(int32(q.Period))
	}
	return out
}

// Fetched is what CloudWatch returned for a target.
type Fetched struct {
	Window Window
	Points []Point
	Band   []BandPoint
	// BandNote explains a missing band, e.g. CloudWatch's message for it.
	BandNote string
	// Calls is how many GetMetricData requests were made.
	Calls int
	// Burn holds a burn-rate composite's SLO figures (FetchBurnRate).
	Burn BurnFigures
}

// Fetch reads the series and its band in one GetMetricData call. When
// CloudWatch rejects the band for an alarm that is not an anomaly-band
// alarm (there may be no model for its metric), it asks once more without
// the band, so a static-threshold alarm still gets its figures.
func Fetch(ctx context.Context, api GetMetricDataAPI, t Target, w Window) (Fetched, error) {
	f, err := fetch(ctx, api, t, w, true)
	if err != nil && !t.Anomaly && isValidationError(err) {
		bandErr, calls := err, f.Calls
		f, err = fetch(ctx, api, t, w, false)
		f.Calls += calls
		f.BandNote = "CloudWatch rejected the band query: " + prefix(bandErr.Error(), 300)
	}
	return f, err
}

func fetch(ctx context.Context, api GetMetricDataAPI, t Target, w Window, withBand bool) (Fetched, error) {
	f := Fetched{Window: w}
	in := t.Input(w, withBand)
	var band [][]Point
	var notes []string
	for page := 0; page < maxPages; page++ {
		f.Calls++
		out, err := api.GetMetricData(ctx, in)
		if err != nil {
			return f, fmt.Errorf("GetMetricData for %s from %s to %s: %w", t.SeriesID, w.Start.Format(time.RFC3339), w.End.Format(time.RFC3339), err)
		}
		for _, r := range out.MetricDataResults {
			pts := resultPoints(r)
			switch aws.ToString(r.Id) {
			case t.SeriesID:
				f.Points = append(f.Points, pts...)
			case t.BandID:
				band = append(band, pts)
				for _, m := range r.Messages {
					notes = append(notes, aws.ToString(m.Code)+": "+aws.ToString(m.Value))
				}
			}
		}
		if aws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	if withBand {
		f.Band = BandFromResults(band)
		if len(f.Band) == 0 {
			f.BandNote = "CloudWatch returned no band values for " + t.BandExpression()
			if len(notes) > 0 {
				f.BandNote += " (" + prefix(strings.Join(notes, "; "), 300) + ")"
			}
		}
	}
	return f, nil
}

// resultPoints pairs timestamps and values; a length mismatch keeps the
// common prefix rather than failing.
func resultPoints(r types.MetricDataResult) []Point {
	n := min(len(r.Timestamps), len(r.Values))
	pts := make([]Point, n)
	for i := range n {
		pts[i] = Point{Time: r.Timestamps[i], Value: r.Values[i]}
	}
	return pts
}

func isValidationError(err error) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	code := apiErr.ErrorCode()
	return strings.Contains(code, "Validation") || strings.Contains(code, "InvalidParameter")
}
