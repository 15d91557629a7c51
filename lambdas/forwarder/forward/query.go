package forward

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
)

// GetMetricData limits.
const (
	MaxQueriesPerCall    = 500
	MaxDatapointsPerCall = 100800
)

// call is one planned GetMetricData request. Query i has Id "q<i>" and
// reads statistic refs[i].stat of metric series refs[i].series, or search
// expression refs[i].search when that is >= 0.
type call struct {
	queries []types.MetricDataQuery
	refs    []queryRef
	// metrics is the range [first, end) of metric series this call reads,
	// so rows can be assembled per call.
	first, end int
}

type queryRef struct{ series, stat, search int }

// planCalls packs all queries for the window into as few calls as the
// limits allow: at most MaxQueriesPerCall queries and MaxDatapointsPerCall
// expected datapoints per call, and all statistics of one metric in the
// same call. A search expression counts as one series; if it returns more,
// CloudWatch paginates and the NextToken loop fetches the rest.
func planCalls(cfg contract.Config, metrics []*series, w Window) []call {
	windowSeconds := int(w.End.Sub(w.Start).Seconds())
	var calls []call
	var cur *call
	points := 0
	open := func(nq, np int) {
		if cur == nil || len(cur.queries)+nq > MaxQueriesPerCall || (len(cur.queries) > 0 && points+np > MaxDatapointsPerCall) {
			end := 0
			if cur != nil {
				end = cur.end
			}
			calls = append(calls, call{first: end, end: end})
			cur = &calls[len(calls)-1]
			points = 0
		}
		points += np
	}
	for i, s := range metrics {
		m := cfg.Metrics[i]
		np := len(s.stats) * windowSeconds / m.PeriodSeconds
		open(len(s.stats), np)
		dims := make([]types.Dimension, len(s.dims))
		for j := range s.dims {
			dims[j] = types.Dimension{Name: &s.dims[j].name, Value: &s.dims[j].value}
		}
		metric := &types.Metric{Namespace: &s.namespace, MetricName: &s.metric, Dimensions: dims}
		for j := range s.stats {
			stat := &types.MetricStat{Metric: metric, Period: ptr(int32(m.PeriodSeconds)), Stat: &s.stats[j]}
			if m.Unit != "" {
				stat.Unit = types.StandardUnit(m.Unit)
			}
			cur.queries = append(cur.queries, types.MetricDataQuery{
				Id: ptr("q" + strconv.Itoa(len(cur.queries))), MetricStat: stat, ReturnData: ptr(true),
			})
			cur.refs = append(cur.refs, queryRef{series: i, stat: j, search: -1})
		}
		cur.end = i + 1
	}
	for i, se := range cfg.SearchExpressions {
		open(1, windowSeconds/se.PeriodSeconds)
		expr := fmt.Sprintf("SEARCH('%s', '%s', %d)", se.Expression, se.Statistic, se.PeriodSeconds)
		cur.queries = append(cur.queries, types.MetricDataQuery{
			Id: ptr("q" + strconv.Itoa(len(cur.queries))), Expression: &expr, ReturnData: ptr(true),
		})
		cur.refs = append(cur.refs, queryRef{series: -1, stat: 0, search: i})
	}
	return calls
}

// input is the request for c over w.
func (c *call) input(w Window) *cloudwatch.GetMetricDataInput {
	return &cloudwatch.GetMetricDataInput{
		StartTime:         &w.Start,
		EndTime:           &w.End,
		MetricDataQueries: c.queries,
		MaxDatapoints:     ptr(int32(MaxDatapointsPerCall)),
		ScanBy:            types.ScanByTimestampAscending,
	}
}

// rows collects one series' datapoints: timestamps ascending, and for
// row r the statistic values vals[r*n : (r+1)*n], NaN where missing.
type rows struct {
	n    int
	ts   []int64
	vals []float64
}

// set records statistic stat at unix second t, keeping ts sorted.
func (r *rows) set(t int64, stat int, v float64) {
	i := len(r.ts)
	if i == 0 || r.ts[i-1] < t {
		r.ts = append(r.ts, t)
		for k := 0; k < r.n; k++ {
			r.vals = append(r.vals, math.NaN())
		}
	} else {
		i = sort.Search(len(r.ts), func(k int) bool { return r.ts[k] >= t })
		if r.ts[i] != t {
			r.ts = append(r.ts, 0)
			copy(r.ts[i+1:], r.ts[i:])
			r.ts[i] = t
			r.vals = append(r.vals, make([]float64, r.n)...)
			copy(r.vals[(i+1)*r.n:], r.vals[i*r.n:])
			for k := 0; k < r.n; k++ {
				r.vals[i*r.n+k] = math.NaN()
			}
		}
	}
	r.vals[i*r.n+stat] = v
}

// assembly gathers the results of one call across its pages.
type assembly struct {
	metrics []rows // indexed by series - call.first
	// searches maps a search expression index and result label to rows.
	searches map[searchKey]*rows
	// failed lists queries CloudWatch answered with an error status.
	failed []string
}

type searchKey struct {
	search int
	label  string
}

// newAssembly prepares rows for the metric series of c, with room for
// one datapoint per period of w carved from two shared arrays.
func newAssembly(c *call, metrics []*series, w Window) *assembly {
	a := &assembly{metrics: make([]rows, c.end-c.first)}
	seconds := int(w.End.Sub(w.Start) / time.Second)
	nts, nvals := 0, 0
	for i := range a.metrics {
		s := metrics[c.first+i]
		nts += seconds / s.periodSeconds
		nvals += seconds / s.periodSeconds * len(s.stats)
	}
	ts, vals := make([]int64, nts), make([]float64, nvals)
	for i := range a.metrics {
		s := metrics[c.first+i]
		p, v := seconds/s.periodSeconds, seconds/s.periodSeconds*len(s.stats)
		// Full slice expressions: growing past the estimate reallocates
		// instead of overwriting the next series.
		a.metrics[i] = rows{n: len(s.stats), ts: ts[:0:p], vals: vals[:0:v]}
		ts, vals = ts[p:], vals[v:]
	}
	return a
}

// add folds one page of results into a.
func (a *assembly) add(c *call, out *cloudwatch.GetMetricDataOutput) error {
	for _, r := range out.MetricDataResults {
		if r.Id == nil || len(*r.Id) < 2 || (*r.Id)[0] != 'q' {
			return fmt.Errorf("GetMetricData returned result id %v, not one of ours (q0-q%d)", str(r.Id), len(c.refs)-1)
		}
		q, err := strconv.Atoi((*r.Id)[1:])
		if err != nil || q < 0 || q >= len(c.refs) {
			return fmt.Errorf("GetMetricData returned result id %q, not one of ours (q0-q%d)", *r.Id, len(c.refs)-1)
		}
		if len(r.Timestamps) != len(r.Values) {
			return fmt.Errorf("GetMetricData result %q has %d timestamps for %d values", *r.Id, len(r.Timestamps), len(r.Values))
		}
		if r.StatusCode == types.StatusCodeInternalError || r.StatusCode == types.StatusCodeForbidden {
			msg := fmt.Sprintf("%s: %s", *r.Id, r.StatusCode)
			for _, m := range r.Messages {
				msg += fmt.Sprintf(" (%s: %s)", str(m.Code), str(m.Value))
			}
			a.failed = append(a.failed, msg)
		}
		ref := c.refs[q]
		var dst *rows
		if ref.search >= 0 {
			k := searchKey{ref.search, str(r.Label)}
			if a.searches == nil {
				a.searches = map[searchKey]*rows{}
			}
			if dst = a.searches[k]; dst == nil {
				dst = &rows{n: 1}
				a.searches[k] = dst
			}
		} else {
			dst = &a.metrics[ref.series-c.first]
		}
		for i, t := range r.Timestamps {
			dst.set(t.Unix(), ref.stat, r.Values[i])
		}
	}
	return nil
}

// sortedSearches returns the search results in a deterministic order.
func (a *assembly) sortedSearches() []searchKey {
	keys := make([]searchKey, 0, len(a.searches))
	for k := range a.searches {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].search != keys[j].search {
			return keys[i].search < keys[j].search
		}
		return keys[i].label < keys[j].label
	})
	return keys
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
