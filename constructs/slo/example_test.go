package slo_test

import (
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/slo"
)

// One service's availability and latency SLOs with the workbook's
// burn-rate alerts, notifying an alerts topic (in the platform: the
// enricher's, anomaly.Alerting.AlertsTopicIn(scope)).
func Example() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Regional"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")},
	})
	discovery := slo.NewDiscovery(stack, "ApplicationSignals")
	slos, err := slo.NewServiceSLOs(stack, "checkout-slos", slo.ServiceSLOsProps{
		Service:     "checkout",
		AlertsTopic: awssns.NewTopic(stack, jsii.String("Alerts"), nil),
		Objectives: []slo.Objective{
			{ID: "availability", Kind: slo.KindAvailability, Environment: "lambda:default", Goal: 99.9},
			{ID: "latency", Kind: slo.KindLatency, Environment: "lambda:default", Operation: "POST /checkout",
				Percentile: "p99", Threshold: 500 * time.Millisecond, Goal: 99, Window: 28 * 24 * time.Hour},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range slos.Objectives {
		o.SLO.AddDependency(discovery) // SLOs need Application Signals' role
		for _, a := range o.Alerts {
			fmt.Printf("%s: burn rate >= %v\n", *a.Composite.AlarmName(), a.Threshold)
		}
	}
	// Output:
	// o11yscale-checkout-availability-fast-burn: burn rate >= 14.4
	// o11yscale-checkout-availability-slow-burn: burn rate >= 6
	// o11yscale-checkout-availability-ticket: burn rate >= 1
	// o11yscale-checkout-latency-fast-burn: burn rate >= 13.44
	// o11yscale-checkout-latency-slow-burn: burn rate >= 5.6
	// o11yscale-checkout-latency-ticket: burn rate >= 0.933333
}
