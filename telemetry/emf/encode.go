package emf

import (
	"math"
	"strconv"
	"time"
)

// appendEvent appends one EMF event and a newline to b. keys are the sorted
// dimension keys of dims; entries are sorted by name with unique names.
// Root members after "_aws" are in sorted order, so output is deterministic.
func appendEvent(b []byte, namespace string, keys []string, dims map[string]string, entries []entry, ts time.Time) []byte {
	b = append(b, `{"_aws":{"CloudWatchMetrics":[{"Dimensions":[[`...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
	}
	b = append(b, `]],"Metrics":[`...)
	for i, e := range entries {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"Name":`...)
		b = appendString(b, e.name)
		if e.unit != "" {
			b = append(b, `,"Unit":`...)
			b = appendString(b, string(e.unit))
		}
		b = append(b, '}')
	}
	b = append(b, `],"Namespace":`...)
	b = appendString(b, namespace)
	b = append(b, `}],"Timestamp":`...)
	b = strconv.AppendInt(b, ts.UnixMilli(), 10)
	b = append(b, '}')

	// Merge the two sorted lists of root members.
	i, j := 0, 0
	for i < len(keys) || j < len(entries) {
		b = append(b, ',')
		if j == len(entries) || (i < len(keys) && keys[i] < entries[j].name) {
			b = appendString(b, keys[i])
			b = append(b, ':')
			b = appendString(b, dims[keys[i]])
			i++
			continue
		}
		e := &entries[j]
		b = appendString(b, e.name)
		b = append(b, ':')
		if e.stats != nil {
			b = appendStats(b, e.stats)
		} else {
			b = appendFloat(b, e.value)
		}
		j++
	}
	return append(b, "}\n"...)
}

// appendStats writes a statistic set in the object form the CloudWatch agent
// and the OpenTelemetry awsemf exporter use for EMF: {Count, Max, Min, Sum}.
func appendStats(b []byte, s *StatisticSet) []byte {
	b = append(b, `{"Count":`...)
	b = appendFloat(b, s.SampleCount)
	b = append(b, `,"Max":`...)
	b = appendFloat(b, s.Max)
	b = append(b, `,"Min":`...)
	b = appendFloat(b, s.Min)
	b = append(b, `,"Sum":`...)
	b = appendFloat(b, s.Sum)
	return append(b, '}')
}

// appendString writes s as a JSON string. Names and dimensions are validated
// to hold no control characters, so only quote and backslash need escaping.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '"' && c != '\\' && c >= 0x20 {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		default: // control characters: unreachable after validation, kept valid JSON anyway
			b = append(b, `\u00`...)
			b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendFloat formats a finite float like encoding/json does: plain decimal
// for ordinary magnitudes, exponent form for very small or large ones.
func appendFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// Clean up e-09 to e-9, as encoding/json does.
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
