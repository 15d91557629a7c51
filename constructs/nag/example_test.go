package nag_test

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/nag"
)

// Suppress one cdk-nag rule on one resource, with the reason reviewers
// read; cdk-nag (in the app or the test module) honours the metadata.
func ExampleSuppress() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Logs"), nil)
	accessLogs := awss3.NewBucket(stack, jsii.String("AccessLogs"), &awss3.BucketProps{
		EnforceSSL: jsii.Bool(true),
	})
	nag.Suppress(accessLogs, nag.Suppression{
		ID:     "AwsSolutions-S1",
		Reason: "This bucket receives the archive's server access logs; logging it into itself would loop.",
	})

	// The metadata lands on the CloudFormation resource behind the L2.
	res := accessLogs.Node().DefaultChild().(awscdk.CfnResource)
	fmt.Println(res.GetMetadata(jsii.String("cdk_nag")))
	// Output:
	// map[rules_to_suppress:[map[id:AwsSolutions-S1 reason:This bucket receives the archive's server access logs; logging it into itself would loop.]]]
}
