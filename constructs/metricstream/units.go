package metricstream

import "github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"

// cloudWatchUnits maps the jsii unit names to the unit strings CloudWatch
// and the forwarder's configuration use, listed in the StandardUnit type
// of the CloudWatch API reference:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDatum.html
var cloudWatchUnits = map[awscloudwatch.Unit]string{
	awscloudwatch.Unit_SECONDS: "Seconds", awscloudwatch.Unit_MICROSECONDS: "Microseconds", awscloudwatch.Unit_MILLISECONDS: "Milliseconds",
	awscloudwatch.Unit_BYTES: "Bytes", awscloudwatch.Unit_KILOBYTES: "Kilobytes", awscloudwatch.Unit_MEGABYTES: "Megabytes",
	awscloudwatch.Unit_GIGABYTES: "Gigabytes", awscloudwatch.Unit_TERABYTES: "Terabytes",
	awscloudwatch.Unit_BITS: "Bits", awscloudwatch.Unit_KILOBITS: "Kilobits", awscloudwatch.Unit_MEGABITS: "Megabits",
	awscloudwatch.Unit_GIGABITS: "Gigabits", awscloudwatch.Unit_TERABITS: "Terabits",
	awscloudwatch.Unit_PERCENT: "Percent", awscloudwatch.Unit_COUNT: "Count",
	awscloudwatch.Unit_BYTES_PER_SECOND: "Bytes/Second", awscloudwatch.Unit_KILOBYTES_PER_SECOND: "Kilobytes/Second",
	awscloudwatch.Unit_MEGABYTES_PER_SECOND: "Megabytes/Second", awscloudwatch.Unit_GIGABYTES_PER_SECOND: "Gigabytes/Second",
	awscloudwatch.Unit_TERABYTES_PER_SECOND: "Terabytes/Second",
	awscloudwatch.Unit_BITS_PER_SECOND:      "Bits/Second", awscloudwatch.Unit_KILOBITS_PER_SECOND: "Kilobits/Second",
	awscloudwatch.Unit_MEGABITS_PER_SECOND: "Megabits/Second", awscloudwatch.Unit_GIGABITS_PER_SECOND: "Gigabits/Second",
	awscloudwatch.Unit_TERABITS_PER_SECOND: "Terabits/Second",
	awscloudwatch.Unit_COUNT_PER_SECOND:    "Count/Second", awscloudwatch.Unit_NONE: "None",
}

// unitName is the CloudWatch unit string of u: "" for "", and u itself
// for a value that is no awscloudwatch.Unit (Validate reports it).
func unitName(u awscloudwatch.Unit) string {
	if n, ok := cloudWatchUnits[u]; ok {
		return n
	}
	return string(u)
}

// ParseUnit returns the awscloudwatch.Unit of a CloudWatch unit string
// such as "Milliseconds" or "Bytes/Second"; ok is false for any other
// string.
func ParseUnit(s string) (u awscloudwatch.Unit, ok bool) {
	for u, n := range cloudWatchUnits {
		if n == s {
			return u, true
		}
	}
	return "", false
}
