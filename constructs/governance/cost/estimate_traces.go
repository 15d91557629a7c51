package cost

import (
	"fmt"
	"math"
)

// TracesRecorded splits a month's recorded traces into those always kept
// (errors and slow requests) and those sampled: the reservoir, then the
// baseline rate of the remaining ordinary requests.
func TracesRecorded(requestsPerSecond float64, t TraceSampling) (kept, sampled float64) {
	requests := requestsPerSecond * SecondsPerMonth
	keep := math.Min(t.ErrorShare+t.SlowShare, 1)
	reservoir := math.Min(requestsPerSecond, t.ReservoirPerSecond) * SecondsPerMonth
	ordinary := (1 - keep)
	return requests * keep, ordinary * (reservoir + (requests-reservoir)*t.BaselineRate)
}

func (e *estimator) traces(s Service, r RegionTraffic) {
	requests := r.RequestsPerSecond * SecondsPerMonth
	e.add(Naive, ComponentTraces, s.Name, r.Region, "X-Ray traces recorded: every request", requests, PriceXRayTracesRecorded, "no sampling")
	kept, sampled := TracesRecorded(r.RequestsPerSecond, s.Traces)
	e.add(Declared, ComponentTraces, s.Name, r.Region, "X-Ray traces recorded: errors and slow requests, always kept", kept, PriceXRayTracesRecorded,
		fmt.Sprintf("errorShare %g + slowShare %g of requests", s.Traces.ErrorShare, s.Traces.SlowShare))
	e.add(Declared, ComponentTraces, s.Name, r.Region, "X-Ray traces recorded: sampled ordinary requests", sampled, PriceXRayTracesRecorded,
		fmt.Sprintf("reservoir %g/s, then baseline rate %g of the rest", s.Traces.ReservoirPerSecond, s.Traces.BaselineRate))
}
