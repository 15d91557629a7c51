package cost_test

import (
	"errors"
	"fmt"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
)

// Price the default platform and compare the declared architecture with
// the naive one; a budget below the estimate stops with the breakdown.
func ExampleConfig_Estimate() {
	c := cost.DefaultConfig()
	report, err := c.Estimate()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(report.PriceSet.Name, report.Total.Declared < report.Total.Naive)

	c.Budget = cost.Budget{MonthlyUSD: 100}
	_, err = c.Budget.Check(report)
	var over *cost.BudgetExceededError
	fmt.Println(errors.As(err, &over), over.BudgetUSD)
	// Output:
	// us-east-1-2026-11 true
	// true 100
}

// Validate names every bad field with its path.
func ExampleConfig_Validate() {
	c := cost.Config{Volumes: cost.Volumes{Services: []cost.Service{
		{Name: "api", Regions: []cost.RegionTraffic{{Region: "us-east-1", RequestsPerSecond: -1}}},
	}}}
	fmt.Println(c.Validate())
	// Output: volumes.services[0].regions[0].requestsPerSecond: -1 is not allowed; a number from 0 to 10000000
}
