package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/retention"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// addService creates one service's resources inside its shard.
func addService(r *Regional, shard *Shard, svc config.Service) error {
	scope := constructs.NewConstruct(shard.Stack, jsii.String(svc.Name))
	for _, tier := range []struct {
		name string
		days int
	}{{"error", 30}, {"warn", 7}} {
		awslogs.NewLogGroup(scope, jsii.String(tier.name), &awslogs.LogGroupProps{
			LogGroupName:  jsii.String("/o11yscale/" + svc.Name + "/" + tier.name),
			Retention:     retention.Enum(tier.days),
			EncryptionKey: r.Key,
			RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
		})
	}
	return nil
}
