package lookup

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// SDKReader reads the parameter with the SDK: STS AssumeRole into the
// monitoring account, then SSM GetParameter in the monitoring region.
type SDKReader struct {
	// Config is the Lambda's own configuration (its execution role).
	Config aws.Config
	// SessionName tags the assumed session in the monitoring account's
	// CloudTrail. Default: "o11yscale-oam-lookup".
	SessionName string
}

// ReadParameter implements Reader.
func (r SDKReader) ReadParameter(ctx context.Context, roleArn, region, name string) (string, error) {
	session := r.SessionName
	if session == "" {
		session = "o11yscale-oam-lookup"
	}
	stsClient := sts.NewFromConfig(r.Config)
	cfg := r.Config.Copy()
	cfg.Region = region
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsClient, roleArn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = session
	}))
	out, err := ssm.NewFromConfig(cfg).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
	if err != nil {
		return "", err
	}
	if out.Parameter == nil || out.Parameter.Value == nil {
		return "", fmt.Errorf("parameter %s has no value", name)
	}
	return aws.ToString(out.Parameter.Value), nil
}
