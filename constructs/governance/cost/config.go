package cost

import "fmt"

import "github.com/o11yscale/o11yscale/constructs/validation"

// Config is the cost block of the platform config: prices, declared
// volumes, the declared architecture and an optional budget.
type Config struct {
	// Pricing selects the price set. Default: us-east-1 list prices.
	Pricing Pricing
	// Volumes is the declared workload.
	Volumes Volumes
	// Architecture is the declared design. Default: see Architecture.WithDefaults.
	Architecture Architecture
	// Budget is the optional monthly budget. Default: none.
	Budget Budget
}

// Validate reports every invalid field of the block at once, with paths
// such as "volumes.services[2].traces.baselineRate".
func (c Config) Validate() error {
	var errs validation.Errors
	errs.Merge("pricing", c.Pricing.Validate())
	errs.Merge("volumes", c.Volumes.Validate())
	errs.Merge("architecture", c.Architecture.Validate())
	errs.Merge("budget", c.Budget.Validate())
	return errs.Err()
}

// Estimate validates the block, resolves its prices and prices both
// architectures.
func (c Config) Estimate() (*Report, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	for i, s := range c.Volumes.Services {
		if s.Traces.FromRules {
			return nil, fmt.Errorf("volumes.services[%d].traces.fromRules: unresolved; the caller must set baselineRate and reservoirPerSecond from its sampling rules (the o11yscale app does)", i)
		}
	}
	prices, err := c.Pricing.Resolve()
	if err != nil {
		return nil, err
	}
	return Estimate(c.Volumes, c.Architecture, prices)
}
