package platform_test

import (
	"fmt"
	"log"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/oam"
	"github.com/o11yscale/o11yscale/constructs/platform"
)

// The whole platform as one construct inside your own CDK app, synthesized
// with the same pipeline as the o11yscale app (the README's "Two ways to
// use it"). It bundles the Lambdas, so it is compiled but not run here.
func ExampleNew() {
	app := awscdk.NewApp(nil)
	p, err := platform.New(app, platform.Props{
		Name:     "acme",
		Regions:  []string{"us-east-1", "eu-west-1"},
		Services: []platform.Service{{Name: "checkout-api", APIName: "checkout-api"}, {Name: "auth-service"}},
		Billing:  platform.Billing{BillingProps: governance.BillingProps{MonthlyUSD: 5000}},
	})
	if err != nil {
		log.Fatal(err) // every problem at once, each with its field path
	}
	// Instead of app.Synth: writes cdk.out/review/, prints the summary and the
	// cost table, and fails on a CloudFormation limit naming stack, account,
	// region, count and limit, exactly as our app does.
	res, err := platform.Synth(app, p)
	res.Print(os.Stderr)
	if err != nil {
		log.Fatal(err)
	}
}

// Validate (which New calls first) reports every bad field of the props
// at once, each with its path, the value and what is allowed; nothing is
// created.
func ExampleProps_Validate() {
	err := platform.Props{
		Name:             "Acme",
		Account:          "1234",
		Regions:          []string{"us-east-1", "mars-1", "us-east-1"},
		Services:         []platform.Service{{Name: "checkout-api"}, {Name: "Checkout_API"}, {Name: "checkout-api"}},
		ServicesPerShard: 500,
	}.Validate()
	fmt.Println(err)
	// Output:
	// name: "Acme" is not allowed; lowercase letters, digits and hyphens, starting with a letter, 1-20 characters
	// account: "1234" is not allowed; a 12-digit AWS account id
	// regions[1]: "mars-1" is not allowed; an AWS region code such as eu-west-1
	// regions[2]: "us-east-1" is not allowed; each region once
	// services[1].name: "Checkout_API" is not allowed; lowercase letters, digits and hyphens, starting with a letter, 1-40 characters
	// services[2].name: "checkout-api" is not allowed; a name not used by another service
	// servicesPerShard: 500 is not allowed; 1-100 services per nested stack
}

// An organization: the monitoring account holds the central stack and an
// OAM sink per region; each workload account gets a stack per region with
// its own services and an OAM link (the README's "Organizations").
func ExampleProps_accounts() {
	props := platform.Props{
		Name: "acme",
		Monitoring: platform.Monitoring{
			Account:        "111111111111",
			Region:         "eu-west-1",
			OrganizationID: "o-a1b2c3d4e5",
			Link:           oam.LinkProps{ResourceTypes: []oam.ResourceType{oam.Metrics, oam.LogGroups, oam.Traces}},
		},
		Accounts: []platform.Account{
			{Name: "payments", ID: "222222222222", Regions: []string{"eu-west-1", "us-east-1"},
				Services: []platform.Service{{Name: "checkout-api", APIName: "checkout-api"}}},
			{Name: "identity", ID: "333333333333", Regions: []string{"eu-west-1"},
				Services: []platform.Service{{Name: "auth-service"}}},
		},
		Billing: platform.Billing{BillingProps: governance.BillingProps{MonthlyUSD: 5000}},
	}
	fmt.Println(props.Validate())
	d := props.WithDefaults()
	fmt.Println(d.Account, d.CentralRegion, d.Regions, len(d.Services))
	fmt.Println(platform.WorkloadStackName("acme", "payments", "us-east-1"), platform.MonitoringStackName("acme", "eu-west-1"))
	// Output:
	// <nil>
	// 111111111111 eu-west-1 [eu-west-1 us-east-1] 2
	// acme-payments-us-east-1 acme-monitoring-eu-west-1
}
