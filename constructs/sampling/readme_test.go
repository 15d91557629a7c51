package sampling_test

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"

	"github.com/o11yscale/o11yscale/constructs/sampling"
)

// readmeNewTracing compiles the Go snippet of sampling/README.md line 18 (TestEveryReadmeGoSnippetIsCompiledByATest in test/ checks it is here verbatim); it is not run.
func readmeNewTracing(stack awscdk.Stack, collectorTaskRole awsiam.IGrantable) error {
	tracing, err := sampling.NewTracing(stack, "Tracing", sampling.Props{
		Rules: append(sampling.DefaultRules(), sampling.Rule{
			ServiceName: "search", URLPath: "/api/*", Priority: 100,
			FixedRate: 0.02, ReservoirSize: 2,
			Boost: sampling.Boost{MaxRate: 0.5, CooldownWindowMinutes: 5},
		}),
		SlowThreshold: 1500 * time.Millisecond,
		Groups:        sampling.GroupsProps{Services: []string{"checkout-api", "search"}, Insights: true},
	})
	if err != nil {
		// every invalid field after the construct path, e.g.
		// "sampling Observability/Tracing: rules[3].fixedRate: 1.5 is not allowed; a rate from 0 to 1"
		return err
	}
	tracing.CollectorParameter.GrantRead(collectorTaskRole)
	return nil
}
