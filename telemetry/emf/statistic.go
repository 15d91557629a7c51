package emf

import "time"

// StatisticSet is the aggregate of the values recorded for one metric and
// dimension set during one flush interval, in CloudWatch's StatisticValues
// shape.
type StatisticSet struct {
	Name       string
	Unit       Unit
	Dimensions map[string]string // read-only; shared with the aggregator
	// SampleCount, Sum, Min and Max summarise the recorded values.
	SampleCount, Sum, Min, Max float64
	// Timestamp is when the interval was flushed.
	Timestamp time.Time

	series *Series // where a failed set is merged back
}
