package logtiers_test

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/constructs/logtiers/pattern"
)

// Example builds a region's shared archive and log router, and one
// service's tiers in a nested-stack shard, subscribed to the router.
func Example() {
	app := awscdk.NewApp(nil)
	regional := awscdk.NewStack(app, jsii.String("o11yscale-eu-west-1"), &awscdk.StackProps{
		Env: &awscdk.Environment{Region: jsii.String("eu-west-1")}})

	// Shared, once per region.
	archive, err := logtiers.NewArchive(regional, "Archive", logtiers.ArchiveProps{
		TransitionDays: 30, TransitionClass: logtiers.GlacierInstantRetrieval, ExpirationDays: 365})
	if err != nil {
		panic(err)
	}
	router, err := logtiers.NewRouter(regional, "LogRouter", logtiers.RouterProps{Archive: archive})
	if err != nil {
		panic(err)
	}

	// Per service, in a nested-stack shard.
	shard := awscdk.NewNestedStack(regional, jsii.String("Services01"), nil)
	svc, err := logtiers.NewServiceLogs(shard, "checkout-api", logtiers.ServiceLogsProps{
		Service: "checkout-api",
		Tiers:   logtiers.TiersProps{Warn: logtiers.TierProps{RetentionDays: 14}},
		MetricFilters: []logtiers.MetricFilterProps{{
			Name: "ServerErrors", Tier: logtiers.Error,
			Pattern:    pattern.JSON(pattern.Ge("$.status_code", 500)).String(),
			Dimensions: map[string]string{"StatusClass": "$.status_class"}, // not $.user_id
		}},
		FluentBit:   logtiers.FluentBitProps{Publish: true},
		Archive:     archive,
		Destination: router,
	})
	if err != nil {
		panic(err)
	}

	guard, err := logtiers.NewRetentionGuard(logtiers.RetentionGuardProps{AllowNeverExpire: []string{"/audit/*"}})
	if err != nil {
		panic(err)
	}
	guard.Apply(app)

	fmt.Println(logtiers.LogGroupName("", "checkout-api", logtiers.Error))
	fmt.Println("router forwards", router.Config.ForwardTiers, "and status >=", router.Config.MinStatus, "for", router.LogGroupPrefix+"*")
	fmt.Println(len(svc.LogGroups), "log groups,", len(svc.MetricFilters), "metric filters,", len(svc.SubscriptionFilters), "subscription filters")
	// Output:
	// /o11yscale/checkout-api/error
	// router forwards [ERROR] and status >= 500 for /o11yscale/*
	// 2 log groups, 2 metric filters, 2 subscription filters
}

// ExampleMetricNamespace shows the names a platform called "acme" gets by
// default.
func ExampleMetricNamespace() {
	fmt.Println(logtiers.LogGroupPrefix("acme"), logtiers.MetricNamespace("acme"))
	fmt.Println(logtiers.LogGroupName(logtiers.LogGroupPrefix("acme"), "checkout-api", logtiers.Error))
	// Output:
	// /acme Acme/Logs
	// /acme/checkout-api/error
}
