package emf_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/o11yscale/o11yscale/telemetry/emf"
)

func ExampleLogger_Emit() {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	l := emf.New(os.Stdout, "O11yscale/Pipeline", emf.WithClock(func() time.Time { return at }))
	err := l.Emit(map[string]string{"Function": "forwarder"},
		emf.Metric{Name: "RecordsIn", Unit: emf.Count, Value: 500},
		emf.Metric{Name: "Duration", Unit: emf.Milliseconds, Value: 12.5},
	)
	fmt.Println(err)
	// Output:
	// {"_aws":{"CloudWatchMetrics":[{"Dimensions":[["Function"]],"Metrics":[{"Name":"Duration","Unit":"Milliseconds"},{"Name":"RecordsIn","Unit":"Count"}],"Namespace":"O11yscale/Pipeline"}],"Timestamp":1740830400000},"Duration":12.5,"Function":"forwarder","RecordsIn":500}
	// <nil>
}

func ExampleAggregator() {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	// Publish as EMF on stdout; emf.NewCloudWatchPublisher(client, ns) calls
	// PutMetricData instead.
	pub := emf.New(os.Stdout, "MyApp")
	agg, err := emf.NewAggregator(pub, emf.AggregatorOptions{Now: func() time.Time { return at }})
	if err != nil {
		panic(err)
	}
	// A Series handle is the cheapest way to record on a hot path.
	latency, _ := agg.Series("ResponseTime", emf.Milliseconds, map[string]string{"Endpoint": "/checkout"})
	for _, ms := range []float64{120, 80, 310} {
		_ = latency.Record(ms)
	}
	_ = agg.Record("Errors", map[string]string{"Endpoint": "/checkout"}, emf.Count, 1)
	// In Lambda, flush before returning; in a server, agg.Start() and
	// defer agg.Close(ctx).
	fmt.Println(agg.Flush(context.Background()))
	// Output:
	// {"_aws":{"CloudWatchMetrics":[{"Dimensions":[["Endpoint"]],"Metrics":[{"Name":"Errors","Unit":"Count"},{"Name":"ResponseTime","Unit":"Milliseconds"}],"Namespace":"MyApp"}],"Timestamp":1740830400000},"Endpoint":"/checkout","Errors":{"Count":1,"Max":1,"Min":1,"Sum":1},"ResponseTime":{"Count":3,"Max":310,"Min":80,"Sum":510}}
	// <nil>
}
