package anomaly

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"

	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
)

// Notify says which alarms of a service send notifications to the alerts
// topic.
type Notify string

const (
	// NotifyComposite (the default, also for ""): only the service's
	// composite alarm notifies (ALARM and OK), one page per service however
	// many of its alarms fire. The enricher names the child alarms that
	// moved it, with console links, instead of figures (a composite has no
	// metric).
	NotifyComposite Notify = "composite"
	// NotifyAlarms: every band alarm and the error-rate alarm notify (ALARM
	// and OK), one page per alarm; the composite only rolls the service up.
	// Each incident then carries its metric's figures.
	NotifyAlarms Notify = "alarms"
	// NotifyNone: no alarm actions.
	NotifyNone Notify = "none"
)

// Severity is written into alarm descriptions ("Severity: <level>"),
// which the enricher publishes as the severity message attribute
// (contract.AttributeSeverity); subscriptions filter on it.
type Severity string

// Severities, most severe first (the values of contract.Severities).
const (
	SeverityCritical Severity = contract.SeverityCritical
	SeverityHigh     Severity = contract.SeverityHigh
	SeverityMedium   Severity = contract.SeverityMedium
	SeverityLow      Severity = contract.SeverityLow
	SeverityInfo     Severity = contract.SeverityInfo
)

// severities are the valid severities, most severe first.
var severities = []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow, SeverityInfo}

func (s Severity) valid() bool {
	for _, v := range severities {
		if s == v {
			return true
		}
	}
	return false
}

// rank orders severities, 0 the most severe; an unknown one ranks last.
func (s Severity) rank() int {
	for i, v := range severities {
		if s == v {
			return i
		}
	}
	return len(severities)
}

// The only comparison operators CloudWatch accepts on an
// ANOMALY_DETECTION_BAND threshold
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-alarm.html#cfn-cloudwatch-alarm-comparisonoperator),
// with their CloudFormation strings and the word a description uses.
var bandOperators = map[awscloudwatch.ComparisonOperator]struct{ cfn, word string }{
	awscloudwatch.ComparisonOperator_LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD: {"LessThanLowerOrGreaterThanUpperThreshold", "outside"},
	awscloudwatch.ComparisonOperator_LESS_THAN_LOWER_THRESHOLD:                       {"LessThanLowerThreshold", "below"},
	awscloudwatch.ComparisonOperator_GREATER_THAN_UPPER_THRESHOLD:                    {"GreaterThanUpperThreshold", "above"},
}

// TreatMissingData values with their CloudFormation strings
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-alarm.html#cfn-cloudwatch-alarm-treatmissingdata).
var missingData = map[awscloudwatch.TreatMissingData]string{
	awscloudwatch.TreatMissingData_BREACHING:     "breaching",
	awscloudwatch.TreatMissingData_NOT_BREACHING: "notBreaching",
	awscloudwatch.TreatMissingData_IGNORE:        "ignore",
	awscloudwatch.TreatMissingData_MISSING:       "missing",
}

// The allowed values in validation messages.
const (
	bandOperatorsAllowed = "one of awscloudwatch.ComparisonOperator_LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD, awscloudwatch.ComparisonOperator_LESS_THAN_LOWER_THRESHOLD, awscloudwatch.ComparisonOperator_GREATER_THAN_UPPER_THRESHOLD (an anomaly band's operators)"
	missingDataAllowed   = "one of awscloudwatch.TreatMissingData_BREACHING, awscloudwatch.TreatMissingData_NOT_BREACHING, awscloudwatch.TreatMissingData_IGNORE, awscloudwatch.TreatMissingData_MISSING"
)

// goEnum shows a jsii enum value as the Go constant a caller writes
// (jsii values are the member names), so a rejected value reads in the
// same form as the allowed ones; any other string is shown as given.
func goEnum(typeName, value string) any {
	if value != "" && strings.Trim(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == "" {
		return goEnumName("awscloudwatch." + typeName + "_" + value)
	}
	return value
}

// goEnumName prints unquoted in validation messages.
type goEnumName string

func (n goEnumName) String() string { return string(n) }

// staticErrorRateOperator is the error-rate alarm's CloudFormation
// comparison operator (ComparisonOperator_GREATER_THAN_THRESHOLD).
const staticErrorRateOperator = "GreaterThanThreshold"
