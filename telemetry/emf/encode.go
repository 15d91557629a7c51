package emf

import (
	"strconv"
	"time"

	"github.com/o11yscale/o11yscale/internal/jsonenc"
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
		b = jsonenc.AppendString(b, k)
	}
	b = append(b, `]],"Metrics":[`...)
	for i, e := range entries {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"Name":`...)
		b = jsonenc.AppendString(b, e.name)
		if e.unit != "" {
			b = append(b, `,"Unit":`...)
			b = jsonenc.AppendString(b, string(e.unit))
		}
		b = append(b, '}')
	}
	b = append(b, `],"Namespace":`...)
	b = jsonenc.AppendString(b, namespace)
	b = append(b, `}],"Timestamp":`...)
	b = strconv.AppendInt(b, ts.UnixMilli(), 10)
	b = append(b, '}')

	// Merge the two sorted lists of root members.
	i, j := 0, 0
	for i < len(keys) || j < len(entries) {
		b = append(b, ',')
		if j == len(entries) || (i < len(keys) && keys[i] < entries[j].name) {
			b = jsonenc.AppendString(b, keys[i])
			b = append(b, ':')
			b = jsonenc.AppendString(b, dims[keys[i]])
			i++
			continue
		}
		e := &entries[j]
		b = jsonenc.AppendString(b, e.name)
		b = append(b, ':')
		if e.stats != nil {
			b = appendStats(b, e.stats)
		} else {
			b = jsonenc.AppendFloat(b, e.value)
		}
		j++
	}
	return append(b, "}\n"...)
}

// appendStats writes a statistic set in the object form the CloudWatch agent
// and the OpenTelemetry awsemf exporter use for EMF: {Count, Max, Min, Sum}.
func appendStats(b []byte, s *StatisticSet) []byte {
	b = append(b, `{"Count":`...)
	b = jsonenc.AppendFloat(b, s.SampleCount)
	b = append(b, `,"Max":`...)
	b = jsonenc.AppendFloat(b, s.Max)
	b = append(b, `,"Min":`...)
	b = jsonenc.AppendFloat(b, s.Min)
	b = append(b, `,"Sum":`...)
	b = jsonenc.AppendFloat(b, s.Sum)
	return append(b, '}')
}
