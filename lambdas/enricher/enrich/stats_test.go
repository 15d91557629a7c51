package enrich

import (
	"math"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

// series returns one point per minute from t0 with the given values; a NaN
// value leaves that minute out, as a missing datapoint.
func series(values ...float64) []Point {
	var pts []Point
	for i, v := range values {
		if math.IsNaN(v) {
			continue
		}
		pts = append(pts, Point{Time: t0.Add(time.Duration(i) * time.Minute), Value: v})
	}
	return pts
}

var gap = math.NaN()

func TestSummarizeHandlesMissingFewerAndEmptyDatapoints(t *testing.T) {
	tests := []struct {
		name                string
		points              []Point
		present             int
		currentN, baselineN int
		current, baseline   float64
		changeKnown         bool
		change              float64
		note                string
	}{
		{
			name:   "no datapoints says insufficient data",
			points: nil, note: "insufficient data: no datapoints in the window",
		},
		{
			name:   "fewer than five datapoints give a current but no baseline",
			points: series(10, 20, 30), present: 3, currentN: 3, current: 20,
			note: "insufficient data: no datapoints before the recent ones to form a baseline",
		},
		{
			name:   "exactly five datapoints give no baseline",
			points: series(1, 2, 3, 4, 5), present: 5, currentN: 5, current: 3,
			note: "insufficient data: no datapoints before the recent ones to form a baseline",
		},
		{
			name:    "full window: last five against the ten before",
			points:  series(100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 250, 250, 250, 250, 250),
			present: 15, currentN: 5, baselineN: 10, current: 250, baseline: 100, changeKnown: true, change: 150,
		},
		{
			name: "missing datapoints: means use only those present, not a fixed divisor",
			// 15 minutes with 6 gaps: baseline from 4 present, current from the last 5 present.
			points:  series(100, gap, 100, gap, 100, gap, 100, 200, gap, 200, 200, gap, gap, 200, 200),
			present: 9, currentN: 5, baselineN: 4, current: 200, baseline: 100, changeKnown: true, change: 100,
		},
		{
			name:   "one earlier datapoint is enough for a baseline",
			points: series(50, 40, 40, 40, 40, 40), present: 6, currentN: 5, baselineN: 1, current: 40, baseline: 50,
			changeKnown: true, change: -20,
		},
		{
			name:   "non-finite values are dropped as missing",
			points: series(100, math.Inf(1), 100, math.Inf(-1), 100, 300, 300, 300, 300, 300), present: 8,
			currentN: 5, baselineN: 3, current: 300, baseline: 100, changeKnown: true, change: 200,
		},
		{
			name:   "zero baseline and zero current is no change",
			points: series(0, 0, 0, 0, 0, 0), present: 6, currentN: 5, baselineN: 1, changeKnown: true,
		},
		{
			name:   "zero baseline with a non-zero current has no percentage",
			points: series(0, 0, 5, 5, 5, 5, 5), present: 7, currentN: 5, baselineN: 2, current: 5,
			note: "not computable: the baseline is 0",
		},
		{
			name:   "negative baseline: change is relative to its magnitude",
			points: series(-10, -5, -5, -5, -5, -5), present: 6, currentN: 5, baselineN: 1, current: -5, baseline: -10,
			changeKnown: true, change: 50,
		},
		{
			name:    "values near the float64 limit do not overflow the mean",
			points:  series(math.MaxFloat64, math.MaxFloat64, math.MaxFloat64, math.MaxFloat64, math.MaxFloat64, math.MaxFloat64),
			present: 6, currentN: 5, baselineN: 1, current: math.MaxFloat64, baseline: math.MaxFloat64, changeKnown: true,
		},
		{
			name:    "a change beyond the float64 range is reported as not computable",
			points:  series(-math.MaxFloat64, math.MaxFloat64, math.MaxFloat64, math.MaxFloat64, math.MaxFloat64, math.MaxFloat64),
			present: 6, currentN: 5, baselineN: 1, current: math.MaxFloat64, baseline: -math.MaxFloat64,
			note: "not computable: the change exceeds the float64 range",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := Summarize(tc.points, nil, 15)
			if s.Present != tc.present || s.CurrentN != tc.currentN || s.BaselineN != tc.baselineN {
				t.Fatalf("present %d current %d baseline %d datapoints, want %d %d %d", s.Present, s.CurrentN, s.BaselineN, tc.present, tc.currentN, tc.baselineN)
			}
			if !near(s.Current, tc.current) || !near(s.Baseline, tc.baseline) {
				t.Errorf("current %v baseline %v, want %v %v", s.Current, s.Baseline, tc.current, tc.baseline)
			}
			if s.ChangeKnown != tc.changeKnown || !near(s.ChangePercent, tc.change) || s.ChangeNote != tc.note {
				t.Errorf("change %v known=%v note %q, want %v %v %q", s.ChangePercent, s.ChangeKnown, s.ChangeNote, tc.change, tc.changeKnown, tc.note)
			}
			for _, v := range []float64{s.Current, s.Baseline, s.ChangePercent} {
				if !finite(v) {
					t.Errorf("summary holds a non-finite value: %+v", s)
				}
			}
		})
	}
}

func near(a, b float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

func TestSummarizeOrdersAndDeduplicatesDatapoints(t *testing.T) {
	pts := series(1, 1, 1, 1, 1, 9, 9, 9, 9, 9)
	// Reverse order (as TimestampDescending returns) and repeat one
	// timestamp with a later value that must win.
	var shuffled []Point
	for i := len(pts) - 1; i >= 0; i-- {
		shuffled = append(shuffled, pts[i])
	}
	shuffled = append(shuffled, Point{Time: pts[9].Time, Value: 19})
	s := Summarize(shuffled, nil, 10)
	if s.Present != 10 || s.Current != 11 || s.Baseline != 1 {
		t.Fatalf("present %d current %v baseline %v, want 10, 11 (9,9,9,9,19), 1", s.Present, s.Current, s.Baseline)
	}
	for i := 1; i < len(s.Recent); i++ {
		if !s.Recent[i-1].Time.Before(s.Recent[i].Time) {
			t.Fatalf("recent datapoints not in time order: %v", s.Recent)
		}
	}
}

func TestSummarizeSaysWhichBandWasBreached(t *testing.T) {
	band := func(lo, hi float64, minutes ...int) []BandPoint {
		var out []BandPoint
		for _, m := range minutes {
			out = append(out, BandPoint{Time: t0.Add(time.Duration(m) * time.Minute), Lower: lo, Upper: hi})
		}
		return out
	}
	tests := []struct {
		name           string
		points         []Point
		band           []BandPoint
		pos            Position
		at             int // minute of the datapoint judged
		outside, withB int
	}{
		{"no band values", series(1, 2, 3), nil, BandUnknown, -1, 0, 0},
		{"above the upper bound", series(10, 10, 10, 500), band(5, 50, 0, 1, 2, 3), BandAbove, 3, 1, 4},
		{"below the lower bound", series(10, 10, 1, 1), band(5, 50, 0, 1, 2, 3), BandBelow, 3, 2, 4},
		{"within the band", series(10, 10), band(5, 50, 0, 1), BandWithin, 1, 0, 2},
		{"on a bound counts as within", series(10, 50), band(5, 50, 0, 1), BandWithin, 1, 0, 2},
		{"band missing at the newest datapoint: judge the newest that has one", series(10, 100, 100), band(5, 50, 0, 1), BandAbove, 1, 1, 2},
		{"inverted or non-finite band values are ignored", series(10, 10), append(band(50, 5, 1), BandPoint{Time: t0, Lower: math.NaN(), Upper: 1}), BandUnknown, -1, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := Summarize(tc.points, tc.band, 15)
			if s.Position != tc.pos || s.OutsideRecent != tc.outside || s.RecentWithBand != tc.withB {
				t.Fatalf("position %v outside %d of %d, want %v %d of %d", s.Position, s.OutsideRecent, s.RecentWithBand, tc.pos, tc.outside, tc.withB)
			}
			if tc.at >= 0 && !s.BandAt.Time.Equal(t0.Add(time.Duration(tc.at)*time.Minute)) {
				t.Errorf("judged the datapoint at %s, want minute %d", s.BandAt.Time, tc.at)
			}
		})
	}
}

func TestBandFromResultsTellsBoundsApartByValue(t *testing.T) {
	upper := []Point{{t0, 50}, {t0.Add(time.Minute), 60}, {t0.Add(2 * time.Minute), 70}}
	lower := []Point{{t0, 5}, {t0.Add(time.Minute), 6}}
	tests := []struct {
		name   string
		series [][]Point
		want   []BandPoint
	}{
		{"upper then lower", [][]Point{upper, lower}, []BandPoint{{t0, 5, 50}, {t0.Add(time.Minute), 6, 60}}},
		{"lower then upper", [][]Point{lower, upper}, []BandPoint{{t0, 5, 50}, {t0.Add(time.Minute), 6, 60}}},
		{"a single series is not a band", [][]Point{upper}, nil},
		{"nothing returned", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := BandFromResults(tc.series)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if !got[i].Time.Equal(tc.want[i].Time) || got[i].Lower != tc.want[i].Lower || got[i].Upper != tc.want[i].Upper {
					t.Errorf("band[%d] = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}
