package logtiers_test

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/o11yscale/o11yscale/constructs/logtiers"
)

// ExampleNewCentralArchive keeps one archive bucket in the monitoring
// account; a workload account-region's archive writes its own prefix.
func ExampleNewCentralArchive() {
	app := awscdk.NewApp(nil)
	env := func(account, region string) *awscdk.StackProps {
		return &awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)}}
	}
	central := awscdk.NewStack(app, jsii.String("acme-central"), env("111111111111", "eu-west-1"))
	bucket, err := logtiers.NewCentralArchive(central, "LogArchive", logtiers.CentralArchiveProps{
		Platform: "acme",
		Archive:  logtiers.ArchiveProps{Encryption: awss3.BucketEncryption_KMS, TransitionDays: 30, ExpirationDays: 365},
		Writers:  []logtiers.ArchiveWriter{{Account: "222222222222", Regions: []string{"eu-west-1", "us-east-1"}}},
		// OrganizationID: "o-a1b2c3d4e5",
	})
	if err != nil {
		panic(err)
	}

	workload := awscdk.NewStack(app, jsii.String("acme-payments-us-east-1"), env("222222222222", "us-east-1"))
	archive, err := logtiers.NewArchive(workload, "LogArchive", logtiers.ArchiveProps{Central: bucket.Target()})
	if err != nil {
		panic(err)
	}
	fmt.Println(archive.BucketName())
	fmt.Println(archive.Prefix)
	// Output:
	// acme-logs-111111111111-eu-west-1
	// logs/account=222222222222/region=us-east-1/
}
