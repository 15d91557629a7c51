package forward

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/o11yscale/o11yscale/internal/jsonenc"
)

// Datapoint is one line of a record: one time series at one timestamp with
// all its statistics. The forwarder writes it with a hand-rolled encoder;
// this type documents the format and lets consumers decode it with
// encoding/json.
type Datapoint struct {
	// ID is 32 hex digits identifying the series and timestamp (see
	// package doc); equal IDs are the same datapoint sent twice.
	ID            string             `json:"id"`
	Region        string             `json:"region"`
	Account       string             `json:"account"`
	Namespace     string             `json:"namespace"`
	Metric        string             `json:"metric"`
	Dimensions    map[string]string  `json:"dimensions"`
	PeriodSeconds int                `json:"periodSeconds"`
	Timestamp     time.Time          `json:"timestamp"`
	Values        map[string]float64 `json:"values"`
	Unit          string             `json:"unit,omitempty"`
	// Expression is set on datapoints of a search expression, whose
	// Metric is the result's label.
	Expression string `json:"expression,omitempty"`
}

type dimension struct{ name, value string }

// series is one forwarded time series: a configured Metric, or one result
// (one label) of a SearchExpression.
type series struct {
	namespace, metric string
	dims              []dimension // sorted by name
	stats             []string    // value keys, in configured order
	periodSeconds     int
	unit              string
	expression        string

	// partitionKey spreads records by metric identity (namespace, metric,
	// dimensions; for a search the expression and label).
	partitionKey string
	// identity hashes everything but the timestamp that goes into an ID.
	identity [sha256.Size]byte
	// head and tail are the constant parts of every line of this series.
	head, tail []byte
}

func newSeries(region, account, namespace, metric string, dims map[string]string, stats []string, period int, unit, expression string) *series {
	s := &series{namespace: namespace, metric: metric, stats: stats, periodSeconds: period, unit: unit, expression: expression}
	for _, k := range sortedKeys(dims) {
		s.dims = append(s.dims, dimension{k, dims[k]})
	}

	// Every variable-length field is length-prefixed, so no two different
	// identities hash the same input.
	var key []byte
	key = appendField(key, namespace)
	key = appendField(key, metric)
	for _, d := range s.dims {
		key = appendField(key, d.name)
		key = appendField(key, d.value)
	}
	key = appendField(key, expression)
	pk := sha256.Sum256(key)
	s.partitionKey = hex.EncodeToString(pk[:16])

	sorted := append([]string(nil), stats...)
	sort.Strings(sorted)
	id := appendField(nil, region)
	id = appendField(id, account)
	id = append(id, key...)
	id = binary.BigEndian.AppendUint64(id, uint64(period))
	for _, st := range sorted {
		id = appendField(id, st)
	}
	s.identity = sha256.Sum256(id)

	h := append([]byte(nil), `,"region":`...)
	h = jsonenc.AppendString(h, region)
	h = append(h, `,"account":`...)
	h = jsonenc.AppendString(h, account)
	h = append(h, `,"namespace":`...)
	h = jsonenc.AppendString(h, namespace)
	h = append(h, `,"metric":`...)
	h = jsonenc.AppendString(h, metric)
	h = append(h, `,"dimensions":{`...)
	for i, d := range s.dims {
		if i > 0 {
			h = append(h, ',')
		}
		h = jsonenc.AppendString(h, d.name)
		h = append(h, ':')
		h = jsonenc.AppendString(h, d.value)
	}
	h = append(h, `},"periodSeconds":`...)
	h = strconv.AppendInt(h, int64(period), 10)
	h = append(h, `,"timestamp":"`...)
	s.head = h

	var t []byte
	if unit != "" {
		t = append(t, `,"unit":`...)
		t = jsonenc.AppendString(t, unit)
	}
	if expression != "" {
		t = append(t, `,"expression":`...)
		t = jsonenc.AppendString(t, expression)
	}
	s.tail = append(t, "}\n"...)
	return s
}

func appendField(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// id is the datapoint ID of this series at unix second ts.
func (s *series) id(ts int64) [16]byte {
	var in [sha256.Size + 8]byte
	copy(in[:], s.identity[:])
	binary.BigEndian.PutUint64(in[sha256.Size:], uint64(ts))
	sum := sha256.Sum256(in[:])
	var out [16]byte
	copy(out[:], sum[:16])
	return out
}

// appendLine appends one newline-terminated JSON line for the row at
// unix second ts with vals[i] for stats[i]; NaN marks a missing value.
// It reports false, appending nothing, when the row has no finite value.
func (s *series) appendLine(b []byte, ts int64, vals []float64) ([]byte, bool) {
	has := false
	for _, v := range vals {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			has = true
			break
		}
	}
	if !has {
		return b, false
	}
	id := s.id(ts)
	b = append(b, `{"id":"`...)
	b = hex.AppendEncode(b, id[:])
	b = append(b, '"')
	b = append(b, s.head...)
	b = time.Unix(ts, 0).UTC().AppendFormat(b, time.RFC3339)
	b = append(b, `","values":{`...)
	first := true
	for i, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = jsonenc.AppendString(b, s.stats[i])
		b = append(b, ':')
		b = jsonenc.AppendFloat(b, v)
	}
	b = append(b, '}')
	return append(b, s.tail...), true
}

// searchNamespace extracts the namespace from a search term's schema
// braces, `{AWS/Lambda,FunctionName} ...` or `{"My NS",Dim}`, else "".
func searchNamespace(expr string) string {
	e := strings.TrimSpace(expr)
	if !strings.HasPrefix(e, "{") {
		return ""
	}
	end := strings.IndexAny(e, ",}")
	if end < 0 {
		return ""
	}
	return strings.Trim(strings.TrimSpace(e[1:end]), `"`)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
