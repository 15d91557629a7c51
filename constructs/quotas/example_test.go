package quotas_test

import (
	"fmt"

	"github.com/o11yscale/o11yscale/constructs/quotas"
)

// An account with an approved increase of X-Ray sampling rules in
// eu-west-1 raises that quota; other regions keep the default of 25.
func ExampleProps_Check() {
	p := quotas.Props{Overrides: []quotas.Override{{Service: "xray", Quota: "samplingRules", Value: 50, Region: "eu-west-1"}}}
	if err := p.Validate(); err != nil {
		fmt.Println(err)
	}
	err := p.Check([]quotas.Usage{
		{Quota: "xray/samplingRules", Account: "111122223333", Region: "eu-west-1", Count: 40},
		{Quota: "xray/samplingRules", Account: "111122223333", Region: "us-east-1", Count: 26},
	})
	fmt.Println(err)
	// Output:
	// the platform exceeds AWS service quotas; nothing was written:
	//   account 111122223333, region us-east-1: 26 of X-Ray sampling rules is over the quota of 25 per account-region (https://docs.aws.amazon.com/general/latest/gr/xray.html); fix: list fewer rules under sampling.rules; or, with an approved increase, raise it in config: quotas.overrides: [{service: xray, quota: samplingRules, value: N}]
}
