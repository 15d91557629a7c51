package anomaly

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// ErrorRate is the static-threshold alarm on 100 * errors / requests.
type ErrorRate struct {
	// Disabled skips the alarm. Default: false.
	Disabled bool
	// ThresholdPercent the error rate must exceed, above 0 and at most
	// 100. Default: 5.
	ThresholdPercent float64
	// Errors counts failed requests. Default (when Namespace and
	// MetricName are both empty): AWS/Lambda Errors (Sum) by
	// FunctionName={service}. With "{apiName}" in a dimension, services
	// without an API get no error-rate alarm.
	Errors MetricSource
	// Requests counts all requests. Default: AWS/Lambda Invocations (Sum)
	// by FunctionName={service}.
	Requests MetricSource
	// Period, whole minutes. Default: 1m.
	Period time.Duration
	// EvaluationPeriods, 1 or more. Default: 2.
	EvaluationPeriods int
	// DatapointsToAlarm, at most EvaluationPeriods. Default:
	// EvaluationPeriods.
	DatapointsToAlarm int
	// TreatMissingData. Default: TreatMissingData_IGNORE (see
	// Anomaly.TreatMissingData).
	TreatMissingData awscloudwatch.TreatMissingData
	// Severity. Default: SeverityHigh.
	Severity Severity
}

func (e ErrorRate) withDefaults() ErrorRate {
	fn := map[string]string{"FunctionName": ServicePlaceholder}
	if e.ThresholdPercent == 0 {
		e.ThresholdPercent = 5
	}
	if e.Errors.empty() {
		e.Errors = MetricSource{Namespace: "AWS/Lambda", MetricName: "Errors", Dimensions: fn, Cardinality: e.Errors.Cardinality}
	}
	if e.Requests.empty() {
		e.Requests = MetricSource{Namespace: "AWS/Lambda", MetricName: "Invocations", Dimensions: fn, Cardinality: e.Requests.Cardinality}
	}
	if e.Errors.Stat == "" {
		e.Errors.Stat = "Sum"
	}
	if e.Requests.Stat == "" {
		e.Requests.Stat = "Sum"
	}
	if e.Period == 0 {
		e.Period = time.Minute
	}
	if e.EvaluationPeriods == 0 {
		e.EvaluationPeriods = 2
	}
	if e.DatapointsToAlarm == 0 {
		e.DatapointsToAlarm = e.EvaluationPeriods
	}
	if e.TreatMissingData == "" {
		e.TreatMissingData = awscloudwatch.TreatMissingData_IGNORE
	}
	if e.Severity == "" {
		e.Severity = SeverityHigh
	}
	return e
}

// validateErrorRate checks p.ErrorRate (p without defaults applied). Its
// sources are checked against the budget only when the service gets the
// alarm (a source using "{apiName}" on a service without an API does not).
func validateErrorRate(v *validation.Errors, p ServiceAlarmsProps) {
	e := p.ErrorRate
	if e.Disabled {
		return
	}
	if e.ThresholdPercent < 0 || e.ThresholdPercent > 100 {
		v.Add("errorRate.thresholdPercent", e.ThresholdPercent, "a percentage above 0 and at most 100")
	}
	if e.Period != 0 && (e.Period%time.Minute != 0 || e.Period < 0) {
		v.Add("errorRate.period", e.Period.String(), "whole minutes, at least 1m")
	}
	if e.EvaluationPeriods < 0 {
		v.Add("errorRate.evaluationPeriods", e.EvaluationPeriods, "1 or more")
	}
	if e.DatapointsToAlarm < 0 {
		v.Add("errorRate.datapointsToAlarm", e.DatapointsToAlarm, "1 or more")
	}
	validateMissing(v, "errorRate.treatMissingData", e.TreatMissingData)
	validateSeverity(v, "errorRate.severity", e.Severity)
	d := e.withDefaults()
	if e.Period >= 0 && e.EvaluationPeriods >= 0 && e.DatapointsToAlarm >= 0 {
		if d.DatapointsToAlarm > d.EvaluationPeriods {
			v.Add("errorRate.datapointsToAlarm", d.DatapointsToAlarm, "at most evaluationPeriods (%d)", d.EvaluationPeriods)
		}
		if time.Duration(d.EvaluationPeriods)*d.Period > 24*time.Hour {
			v.Add("errorRate.evaluationPeriods", d.EvaluationPeriods, "evaluationPeriods x period (%s) of at most one day", d.Period)
		}
	}
	pd := p
	pd.ErrorRate = d
	enabled := pd.errorRateEnabled()
	for _, s := range []struct {
		path string
		src  MetricSource
	}{{"errorRate.errors", d.Errors}, {"errorRate.requests", d.Requests}} {
		validateSource(v, s.path, s.src)
		if enabled {
			checkSource(v, s.path, p.expand(s.src, "Sum"), p.Budget)
		}
	}
}

// errorRateEnabled reports whether the service gets the error-rate alarm:
// not when disabled, nor when its sources need an API name the service
// lacks (props with defaults applied).
func (p ServiceAlarmsProps) errorRateEnabled() bool {
	e := p.ErrorRate
	usesAPI := Metric{Inputs: []MathInput{{MetricSource: e.Errors}, {MetricSource: e.Requests}}}.usesAPI()
	return !e.Disabled && (p.APIName != "" || !usesAPI)
}
