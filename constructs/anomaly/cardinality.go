package anomaly

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/o11yscale/o11yscale/constructs/cardinality"
	"github.com/o11yscale/o11yscale/constructs/validation"
)

// DefaultSeriesBudget is the most time series one metric may have by
// default: the seed's quick reference says "keep total time series under
// 10,000 per metric".
const DefaultSeriesBudget = 10000

// MaxDimensions is CloudWatch's (and EMF's) limit of dimensions per metric.
const MaxDimensions = 30

// highCardinalityAdvice is the seed's advice for unbounded values.
const highCardinalityAdvice = "keep high-cardinality data in logs, not metrics"

// Dimension is one metric dimension and how many distinct values it takes.
type Dimension struct {
	// Name of the dimension, e.g. "Tier". Required, 1-255 characters.
	Name string
	// Cardinality is how many distinct values the dimension takes.
	// Default: derived for a dimension that names the service (Service,
	// ServiceName, FunctionName, ApiName: Budget.Services) or the region
	// (Region: Budget.Regions); required for every other dimension.
	Cardinality int
}

// Budget bounds the time series of each metric. The series of a metric is
// the product of its dimensions' cardinalities (the seed's formula).
type Budget struct {
	// SeriesPerMetric is the most series one metric may have, 1 or more.
	// Default: 10,000 (DefaultSeriesBudget).
	SeriesPerMetric int
	// Services is the number of services, the cardinality of dimensions
	// that name the service. The platform sets it. Default: 1.
	Services int
	// Regions is the number of regions, the cardinality of a Region
	// dimension. The platform sets it. Default: 1.
	Regions int
}

func (b Budget) withDefaults() Budget {
	if b.SeriesPerMetric == 0 {
		b.SeriesPerMetric = DefaultSeriesBudget
	}
	if b.Services == 0 {
		b.Services = 1
	}
	if b.Regions == 0 {
		b.Regions = 1
	}
	return b
}

// Validate reports invalid budget settings.
func (b Budget) Validate() error {
	var v validation.Errors
	if b.SeriesPerMetric < 0 {
		v.Add("seriesPerMetric", b.SeriesPerMetric, "1 or more (0 means the default, %s)", thousands(DefaultSeriesBudget))
	}
	if b.Services < 0 {
		v.Add("services", b.Services, "0 (meaning 1) or more")
	}
	if b.Regions < 0 {
		v.Add("regions", b.Regions, "0 (meaning 1) or more")
	}
	return v.Err()
}

// Factor is one dimension's share of a metric's series.
type Factor struct {
	Name  string
	Count int
}

// Series is a metric's time series count and the product it came from.
type Series struct {
	Factors []Factor
	// Count is the product of the factors; when Saturated it overflowed
	// and holds the largest uint64.
	Count     uint64
	Saturated bool
}

// String shows the arithmetic, e.g.
// "Service(20) x Region(4) x Tier(3) x Status(5) = 1,200 series".
func (s Series) String() string {
	total := thousandsU(s.Count)
	if s.Saturated {
		total = "more than " + total
	}
	if len(s.Factors) == 0 {
		return total + " series (no dimensions)"
	}
	parts := make([]string, len(s.Factors))
	for i, f := range s.Factors {
		parts[i] = fmt.Sprintf("%s(%s)", f.Name, thousands(f.Count))
	}
	return strings.Join(parts, " x ") + " = " + total + " series"
}

// derivedCardinality returns the cardinality the platform implies for a
// dimension name, if any.
func derivedCardinality(name string, b Budget) (int, bool) {
	switch cardinality.Normalize(name) {
	case "service", "servicename", "functionname", "apiname":
		return b.Services, true
	case "region", "awsregion":
		return b.Regions, true
	}
	return 0, false
}

// CheckCardinality checks one metric's dimensions against the budget and
// returns its series arithmetic. Every problem is reported at once as a
// validation error whose paths index dims ("[2].name", "[2].cardinality");
// the budget itself is reported at the empty path, with the arithmetic as
// the value. Problems: a missing, duplicate or known high-cardinality name
// (user id, request id, full URL, timestamp: compared ignoring case and
// separators), a cardinality that is negative or neither declared nor
// derivable, more than 30 dimensions, and a product above the budget.
// The budget itself is checked by Budget.Validate, once, by the caller.
func CheckCardinality(dims []Dimension, b Budget) (Series, error) {
	var v validation.Errors
	b = b.withDefaults()
	if len(dims) > MaxDimensions {
		v.Add("", len(dims), "at most %d dimensions per metric (CloudWatch and EMF limit)", MaxDimensions)
	}
	s := Series{Count: 1}
	seen := map[string]int{}
	for i, d := range dims {
		at := validation.Index("", i)
		switch {
		case d.Name == "" || len(d.Name) > 255:
			v.Add(at+".name", d.Name, "a dimension name of 1-255 characters")
		default:
			if j, dup := seen[d.Name]; dup {
				v.Add(at+".name", d.Name, "a name unique within the metric; [%d] has it too", j)
			}
			seen[d.Name] = i
		}
		kind, high := HighCardinality(d.Name)
		if high {
			v.Add(at+".name", d.Name, "a low-cardinality dimension such as Service, Region, Tier or StatusClass; %s is a %s, which makes one series per value: %s", d.Name, kind, highCardinalityAdvice)
		}
		n := d.Cardinality
		if n < 0 {
			v.Add(at+".cardinality", n, "the number of distinct values, 1 or more")
			continue
		}
		if n == 0 {
			derived, ok := derivedCardinality(d.Name, b)
			if !ok {
				if high {
					continue // already rejected by name
				}
				v.Add(at+".cardinality", n, "the number of distinct values of %q, 1 or more; only Service, ServiceName, FunctionName, ApiName and Region are derived", d.Name)
				continue
			}
			n = derived
		}
		s.Factors = append(s.Factors, Factor{Name: d.Name, Count: n})
		if !s.Saturated {
			hi, lo := bits.Mul64(s.Count, uint64(n))
			if hi != 0 {
				s.Count, s.Saturated = ^uint64(0), true
			} else {
				s.Count = lo
			}
		}
	}
	if s.Saturated || s.Count > uint64(b.SeriesPerMetric) {
		v.Add("", s.String(), "at most %s series per metric (the seed's quick reference); drop the dimension or bucket its values (StatusClass 2xx/4xx/5xx instead of status codes, a grouped endpoint instead of the URL)", thousands(b.SeriesPerMetric))
	}
	return s, v.Err()
}

// HighCardinality reports whether a dimension name is known to carry
// unbounded values, and which kind ("user id", "request id", "full URL",
// "timestamp", "client address"); see package cardinality.
func HighCardinality(name string) (kind string, ok bool) { return cardinality.High(name) }

// MetricDeclaration declares a metric an application emits through EMF,
// so its dimensions are checked against the budget at synth.
type MetricDeclaration struct {
	// Namespace of the metric. Default: none (shown as the bare name).
	Namespace string
	// Name of the metric, e.g. "RequestDuration". Required.
	Name string
	// Dimensions of the metric's one dimension set (the emf Logger emits
	// all keys of its dims map as one set).
	Dimensions []Dimension
}

// Check validates the declaration and its cardinality.
func (m MetricDeclaration) Check(b Budget) (Series, error) {
	var v validation.Errors
	if m.Name == "" || len(m.Name) > 255 {
		v.Add("name", m.Name, "a metric name of 1-255 characters")
	}
	s, err := CheckCardinality(m.Dimensions, b)
	v.Merge("dimensions", err)
	return s, v.Err()
}

// String names the metric as Namespace/Name.
func (m MetricDeclaration) String() string {
	if m.Namespace == "" {
		return m.Name
	}
	return m.Namespace + "/" + m.Name
}

func thousands(n int) string {
	if n < 0 {
		return "-" + thousandsU(uint64(-n))
	}
	return thousandsU(uint64(n))
}

func thousandsU(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
