package validation_test

import (
	"fmt"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// RuleProps is a typical props struct: Validate collects every bad field
// instead of stopping at the first.
type RuleProps struct {
	Name      string
	FixedRate float64
}

func (r RuleProps) Validate() error {
	var v validation.Errors
	if r.Name == "" {
		v.Add("name", r.Name, "a non-empty rule name")
	}
	if r.FixedRate < 0 || r.FixedRate > 1 {
		v.Add("fixedRate", r.FixedRate, "a rate from %d to %d", 0, 1)
	}
	return v.Err()
}

// SamplingProps nests RuleProps and a map of per-service settings.
type SamplingProps struct {
	Rules       []RuleProps
	ServiceDays map[string]int
}

// Validate merges each rule's errors under its own path, so the caller
// sees every problem at once, each with its full field path.
func (s SamplingProps) Validate() error {
	var v validation.Errors
	for i, r := range s.Rules {
		v.Merge(validation.Index("rules", i), r.Validate())
	}
	for svc, days := range s.ServiceDays {
		if days != 7 && days != 14 && days != 30 {
			v.Add(validation.Key("serviceDays", svc), days, "7, 14 or 30 days")
		}
	}
	return v.Err()
}

func ExampleErrors() {
	props := SamplingProps{
		Rules:       []RuleProps{{Name: "checkout", FixedRate: 1}, {FixedRate: 1.5}},
		ServiceDays: map[string]int{"checkout-api": 10},
	}
	// A caller one level up adds its own prefix.
	var v validation.Errors
	v.Merge("sampling", props.Validate())
	err := v.Err()
	fmt.Println(err)

	// Tests and config loaders unpack the errors again.
	for _, fe := range validation.Fields(err) {
		fmt.Printf("%s = %#v\n", fe.Path, fe.Value)
	}
	// Output:
	// sampling.rules[1].name: "" is not allowed; a non-empty rule name
	// sampling.rules[1].fixedRate: 1.5 is not allowed; a rate from 0 to 1
	// sampling.serviceDays["checkout-api"]: 10 is not allowed; 7, 14 or 30 days
	// sampling.rules[1].name = ""
	// sampling.rules[1].fixedRate = 1.5
	// sampling.serviceDays["checkout-api"] = 10
}
