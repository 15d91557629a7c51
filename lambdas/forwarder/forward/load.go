package forward

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
)

// GetParameterAPI is the SSM call LoadConfig uses.
type GetParameterAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// LoadConfig reads the Config from contract.EnvConfig or, through params, from the
// SSM parameter named by contract.EnvConfigParameter. Exactly one must be set.
func LoadConfig(ctx context.Context, getenv func(string) string, params GetParameterAPI) (contract.Config, error) {
	inline, name := getenv(contract.EnvConfig), getenv(contract.EnvConfigParameter)
	switch {
	case inline != "" && name != "":
		return contract.Config{}, fmt.Errorf("both %s and %s are set; set exactly one", contract.EnvConfig, contract.EnvConfigParameter)
	case inline != "":
		return contract.ParseConfig([]byte(inline))
	case name != "":
		out, err := params.GetParameter(ctx, &ssm.GetParameterInput{Name: &name, WithDecryption: ptr(true)})
		if err != nil {
			return contract.Config{}, fmt.Errorf("reading forwarder config from SSM parameter %q: %w", name, err)
		}
		if out.Parameter == nil || out.Parameter.Value == nil {
			return contract.Config{}, fmt.Errorf("SSM parameter %q has no value", name)
		}
		c, err := contract.ParseConfig([]byte(*out.Parameter.Value))
		if err != nil {
			return contract.Config{}, fmt.Errorf("SSM parameter %q: %w", name, err)
		}
		return c, nil
	default:
		return contract.Config{}, fmt.Errorf("neither %s (inline JSON) nor %s (SSM parameter name) is set", contract.EnvConfig, contract.EnvConfigParameter)
	}
}

func ptr[T any](v T) *T { return &v }
