package enrich

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
)

// BurnRate is what a burn-rate composite alarm's description says about
// its SLO (constructs/slo writes it): the SLO, its goal, the two windows
// and the threshold.
type BurnRate struct {
	SLO  string
	Goal float64
	// Long and Short are the windows in minutes.
	Long, Short int
	// Threshold is the burn rate both windows must reach; NaN when the
	// description does not say.
	Threshold float64
	// Note explains SLO lines the enricher could not use; the incident is
	// then a plain composite's.
	Note string
}

// Query ids of the burn-rate read.
const (
	burnLongID   = "burn_long"
	burnShortID  = "burn_short"
	attainmentID = "attainment"
	// burnPeriod is the period the SLO metrics are read at.
	burnPeriod = 60
)

var (
	sloLine = regexp.MustCompile(`(?im)^[ \t]*(` + strings.ToLower(strings.Join([]string{
		contract.DescriptionSLOGoal, contract.DescriptionBurnWindows, contract.DescriptionBurnThreshold, contract.DescriptionSLO,
	}, "|")) + `)[ \t]*:[ \t]*([^\r\n]*?)[ \t]*$`)
	sloNamePattern = regexp.MustCompile(`^[0-9A-Za-z][-._0-9A-Za-z ]{0,126}[0-9A-Za-z]$`)
)

// maxLookBackMinutes is Application Signals' longest burn-rate window
// (https://docs.aws.amazon.com/applicationsignals/latest/APIReference/API_BurnRateConfiguration.html).
const maxLookBackMinutes = 10080

// parseBurnRate reads the SLO lines of a composite alarm's description.
// It returns nil when there is no "SLO:" line; SLO lines it cannot use
// give a BurnRate with only Note set, never an error: the incident is
// still published, as a plain composite's.
func parseBurnRate(desc string) *BurnRate {
	fields := map[string]string{}
	for _, m := range sloLine.FindAllStringSubmatch(prefix(desc, maxDescriptionBytes), -1) {
		k := strings.ToLower(m[1])
		if _, seen := fields[k]; !seen {
			fields[k] = m[2]
		}
	}
	name, ok := fields[strings.ToLower(contract.DescriptionSLO)]
	if !ok {
		return nil
	}
	bad := func(format string, args ...any) *BurnRate {
		return &BurnRate{Note: fmt.Sprintf(format, args...)}
	}
	if !sloNamePattern.MatchString(name) {
		return bad("the SLO line %q does not name an SLO", prefix(name, 140))
	}
	br := &BurnRate{SLO: name, Threshold: math.NaN()}
	goal, err := strconv.ParseFloat(fields[strings.ToLower(contract.DescriptionSLOGoal)], 64)
	if err != nil || goal <= 0 || goal >= 100 {
		return bad("the SLO goal line %q is not a percentage above 0 and below 100", prefix(fields[strings.ToLower(contract.DescriptionSLOGoal)], 40))
	}
	br.Goal = goal
	windows := strings.Fields(fields[strings.ToLower(contract.DescriptionBurnWindows)])
	if len(windows) != 2 {
		return bad("the burn windows line %q does not hold two windows in minutes", prefix(fields[strings.ToLower(contract.DescriptionBurnWindows)], 40))
	}
	for i, w := range windows {
		m, err := strconv.Atoi(w)
		if err != nil || m < 1 || m > maxLookBackMinutes {
			return bad("burn window %q is not 1-%d minutes", prefix(w, 20), maxLookBackMinutes)
		}
		if i == 0 {
			br.Long = m
		} else {
			br.Short = m
		}
	}
	if t, err := strconv.ParseFloat(fields[strings.ToLower(contract.DescriptionBurnThreshold)], 64); err == nil && !math.IsInf(t, 0) {
		br.Threshold = t
	}
	return br
}

// usable reports whether the SLO lines named everything the read needs.
func (br *BurnRate) usable() bool { return br != nil && br.Note == "" }

// BurnFigures are the burn rates of both windows and the SLO's attainment,
// each the newest datapoint in the window (NaN when there is none).
type BurnFigures struct {
	Window              Window
	Long, Short         float64
	Attainment          float64
	LongAt, ShortAt, At time.Time
}

// BudgetRemaining is the share of the error budget left in percent:
// (attainment - goal) / (100 - goal) x 100; negative once the budget is
// spent, NaN without attainment.
func (f BurnFigures) BudgetRemaining(goal float64) float64 {
	if math.IsNaN(f.Attainment) {
		return math.NaN()
	}
	return (f.Attainment - goal) / (100 - goal) * 100
}

// BurnInput is the one GetMetricData request for a burn-rate composite:
// BurnRate of both windows (Maximum) and AttainmentRate (Average) of the
// SLO, per minute, over the window.
func (br *BurnRate) BurnInput(w Window) *cloudwatch.GetMetricDataInput {
	burn := func(id string, minutes int) types.MetricDataQuery {
		return sloQuery(id, contract.SLOMetricBurnRate, "Maximum", []types.Dimension{
			{Name: aws.String(contract.SLODimensionName), Value: aws.String(br.SLO)},
			{Name: aws.String(contract.SLODimensionBurnRateWindow), Value: aws.String(strconv.Itoa(minutes))},
		})
	}
	return &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(w.Start),
		EndTime:   aws.Time(w.End),
		MetricDataQueries: []types.MetricDataQuery{
			burn(burnLongID, br.Long),
			burn(burnShortID, br.Short),
			sloQuery(attainmentID, contract.SLOMetricAttainmentRate, "Average", []types.Dimension{
				{Name: aws.String(contract.SLODimensionName), Value: aws.String(br.SLO)},
			}),
		},
		ScanBy: types.ScanByTimestampAscending,
	}
}

func sloQuery(id, metric, stat string, dims []types.Dimension) types.MetricDataQuery {
	return types.MetricDataQuery{
		Id: aws.String(id),
		MetricStat: &types.MetricStat{
			Metric: &types.Metric{Namespace: aws.String(contract.SLOMetricNamespace), MetricName: aws.String(metric), Dimensions: dims},
			Period: aws.Int32(burnPeriod),
			Stat:   aws.String(stat),
		},
		ReturnData: aws.Bool(true),
	}
}

// FetchBurnRate reads both windows' burn rates and the attainment in one
// GetMetricData call (pages of it follow NextToken), over the Lookback
// ending at the minute of the state change.
func FetchBurnRate(ctx context.Context, api GetMetricDataAPI, br *BurnRate, changedAt, now time.Time) (BurnFigures, int, error) {
	w := WindowFor(Target{Period: burnPeriod}, changedAt, now)
	f := BurnFigures{Window: w, Long: math.NaN(), Short: math.NaN(), Attainment: math.NaN()}
	in := br.BurnInput(w)
	calls := 0
	for page := 0; page < maxPages; page++ {
		calls++
		out, err := api.GetMetricData(ctx, in)
		if err != nil {
			return f, calls, fmt.Errorf("GetMetricData for the burn rates of SLO %s from %s to %s: %w", br.SLO, w.Start.Format(time.RFC3339), w.End.Format(time.RFC3339), err)
		}
		for _, r := range out.MetricDataResults {
			pts := resultPoints(r)
			if len(pts) == 0 {
				continue
			}
			last := pts[0]
			for _, p := range pts[1:] {
				if p.Time.After(last.Time) {
					last = p
				}
			}
			switch aws.ToString(r.Id) {
			case burnLongID:
				if f.LongAt.IsZero() || last.Time.After(f.LongAt) {
					f.Long, f.LongAt = last.Value, last.Time
				}
			case burnShortID:
				if f.ShortAt.IsZero() || last.Time.After(f.ShortAt) {
					f.Short, f.ShortAt = last.Value, last.Time
				}
			case attainmentID:
				if f.At.IsZero() || last.Time.After(f.At) {
					f.Attainment, f.At = last.Value, last.Time
				}
			}
		}
		if aws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	return f, calls, nil
}

// writeBurnRate writes a burn-rate composite's SLO figures.
func writeBurnRate(b *strings.Builder, br *BurnRate, f BurnFigures, fetchErr error) {
	fmt.Fprintf(b, "SLO: %s, goal %s%% (error budget %s%% of requests or periods)\n",
		br.SLO, percent(br.Goal), percent(100-br.Goal))
	threshold := "not stated"
	if !math.IsNaN(br.Threshold) {
		threshold = strconv.FormatFloat(br.Threshold, 'f', -1, 64)
	}
	if fetchErr != nil {
		fmt.Fprintf(b, "Figures: not available, reading the SLO metrics failed: %s\n", oneLine(fetchErr.Error(), 500))
		return
	}
	fmt.Fprintf(b, "Window: %s to %s\n", f.Window.Start.UTC().Format(time.RFC3339), f.Window.End.UTC().Format(time.RFC3339))
	for _, w := range []struct {
		minutes int
		value   float64
		at      time.Time
	}{{br.Long, f.Long, f.LongAt}, {br.Short, f.Short, f.ShortAt}} {
		if math.IsNaN(w.value) || math.IsInf(w.value, 0) {
			fmt.Fprintf(b, "Burn rate over %s: insufficient data (threshold %s)\n", contract.WindowName(w.minutes), threshold)
			continue
		}
		fmt.Fprintf(b, "Burn rate over %s: %s at %s (threshold %s)\n", contract.WindowName(w.minutes), number(w.value), w.at.UTC().Format(time.RFC3339), threshold)
	}
	rem := f.BudgetRemaining(br.Goal)
	switch {
	case math.IsNaN(rem) || math.IsInf(rem, 0):
		b.WriteString("Error budget remaining: insufficient data (no attainment datapoint)\n")
	case rem < 0:
		fmt.Fprintf(b, "Error budget remaining: none, overspent by %s%% (attainment %s%% against the goal %s%%)\n",
			number(-rem), percent(f.Attainment), percent(br.Goal))
	default:
		fmt.Fprintf(b, "Error budget remaining: %s%% (attainment %s%% against the goal %s%%)\n",
			number(rem), percent(f.Attainment), percent(br.Goal))
	}
}

// percent writes a percentage with up to 10 significant digits, so
// 100 - 99.9 reads 0.1.
func percent(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }
