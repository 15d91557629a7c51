package enrich

import (
	"math"
	"slices"
	"time"
)

// RecentPoints is how many of the newest datapoints present make up
// "current"; the datapoints before them make up the baseline.
const RecentPoints = 5

// Point is one datapoint of the alarm's series.
type Point struct {
	Time  time.Time
	Value float64
}

// BandPoint is the anomaly band at one timestamp.
type BandPoint struct {
	Time         time.Time
	Lower, Upper float64
}

// Position says where a value sits relative to the anomaly band.
type Position int

// Positions of a value relative to the band.
const (
	BandUnknown Position = iota // no band value at any datapoint
	BandWithin
	BandAbove
	BandBelow
)

// Summary compares the current values of a series with its baseline and
// its band. Every figure has a flag saying whether it could be computed;
// nothing is ever NaN or infinite.
type Summary struct {
	// Expected is how many datapoints the window could hold; Present is
	// how many it held (finite values, one per timestamp).
	Expected, Present int

	// Current is the mean of the newest CurrentN (at most RecentPoints)
	// datapoints; valid when CurrentN > 0.
	Current  float64
	CurrentN int
	// Baseline is the mean of the BaselineN datapoints before them; valid
	// when BaselineN > 0.
	Baseline  float64
	BaselineN int

	// ChangePercent is (Current-Baseline)/|Baseline|*100; valid when
	// ChangeKnown. ChangeNote says why it is unknown.
	ChangePercent float64
	ChangeKnown   bool
	ChangeNote    string

	// Position is where the newest datapoint that has a band value sits;
	// BandAt is that datapoint and Band the band there.
	Position Position
	BandAt   Point
	Band     BandPoint
	// OutsideRecent counts, among the recent datapoints that have a band
	// value (RecentWithBand), those outside the band.
	OutsideRecent, RecentWithBand int

	// Recent are the newest datapoints, oldest first (at most RecentPoints).
	Recent []Point
}

// Summarize computes a Summary from whatever datapoints exist. Points may
// be missing, fewer than expected, unordered, repeated or non-finite:
// non-finite values are dropped, a repeated timestamp keeps its last value,
// and figures that cannot be computed are flagged instead of guessed.
func Summarize(points []Point, band []BandPoint, expected int) Summary {
	pts := cleanPoints(points)
	s := Summary{Expected: expected, Present: len(pts)}

	split := max(len(pts)-RecentPoints, 0)
	recent, earlier := pts[split:], pts[:split]
	s.Recent = recent
	s.Current, s.CurrentN = mean(recent), len(recent)
	s.Baseline, s.BaselineN = mean(earlier), len(earlier)
	s.ChangePercent, s.ChangeKnown, s.ChangeNote = change(s)

	bands := make(map[int64]BandPoint, len(band))
	for _, b := range band {
		if finite(b.Lower) && finite(b.Upper) && b.Lower <= b.Upper {
			bands[b.Time.UnixNano()] = b
		}
	}
	for i := len(pts) - 1; i >= 0; i-- {
		b, ok := bands[pts[i].Time.UnixNano()]
		if !ok {
			continue
		}
		pos := position(pts[i].Value, b)
		if s.Position == BandUnknown {
			s.Position, s.BandAt, s.Band = pos, pts[i], b
		}
		if i >= split {
			s.RecentWithBand++
			if pos != BandWithin {
				s.OutsideRecent++
			}
		}
	}
	return s
}

func cleanPoints(points []Point) []Point {
	pts := make([]Point, 0, len(points))
	for _, p := range points {
		if finite(p.Value) {
			pts = append(pts, p)
		}
	}
	// Stable, so among equal timestamps the last given stays last.
	slices.SortStableFunc(pts, func(a, b Point) int { return a.Time.Compare(b.Time) })
	out := pts[:0]
	for _, p := range pts {
		if n := len(out); n > 0 && out[n-1].Time.Equal(p.Time) {
			out[n-1] = p
			continue
		}
		out = append(out, p)
	}
	return out
}

// mean sums x/n rather than x and divides once, so values near the float64
// limit cannot overflow to Inf. It returns 0 for no points.
func mean(pts []Point) float64 {
	if len(pts) == 0 {
		return 0
	}
	n := float64(len(pts))
	var m float64
	for _, p := range pts {
		m += p.Value / n
	}
	return m
}

func change(s Summary) (pct float64, known bool, note string) {
	switch {
	case s.CurrentN == 0:
		return 0, false, "insufficient data: no datapoints in the window"
	case s.BaselineN == 0:
		return 0, false, "insufficient data: no datapoints before the recent ones to form a baseline"
	case s.Baseline == 0 && s.Current == 0:
		return 0, true, ""
	case s.Baseline == 0:
		return 0, false, "not computable: the baseline is 0"
	}
	pct = (s.Current - s.Baseline) / math.Abs(s.Baseline) * 100
	if !finite(pct) {
		return 0, false, "not computable: the change exceeds the float64 range"
	}
	return pct, true, ""
}

func position(v float64, b BandPoint) Position {
	switch {
	case v > b.Upper:
		return BandAbove
	case v < b.Lower:
		return BandBelow
	default:
		return BandWithin
	}
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// BandFromResults turns the values returned for a band query into band
// points. CloudWatch returns a band as two series (upper and lower bound)
// under the band query's id; their labels are not a stable contract, so
// the bounds are told apart by value: at each timestamp the smallest value
// is the lower bound and the largest the upper. A timestamp with a single
// value is not a band and is dropped.
func BandFromResults(series [][]Point) []BandPoint {
	type acc struct {
		t      time.Time
		lo, hi float64
		n      int
	}
	byTime := map[int64]*acc{}
	var order []int64
	for _, s := range series {
		for _, p := range s {
			if !finite(p.Value) {
				continue
			}
			k := p.Time.UnixNano()
			a := byTime[k]
			if a == nil {
				a = &acc{t: p.Time, lo: p.Value, hi: p.Value}
				byTime[k] = a
				order = append(order, k)
			}
			a.lo, a.hi = min(a.lo, p.Value), max(a.hi, p.Value)
			a.n++
		}
	}
	slices.Sort(order)
	var out []BandPoint
	for _, k := range order {
		if a := byTime[k]; a.n >= 2 {
			out = append(out, BandPoint{Time: a.t, Lower: a.lo, Upper: a.hi})
		}
	}
	return out
}
