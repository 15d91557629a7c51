package enrich

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Alarm states CloudWatch reports in NewStateValue and OldStateValue.
const (
	StateAlarm            = "ALARM"
	StateOK               = "OK"
	StateInsufficientData = "INSUFFICIENT_DATA"
)

// Event is the SNS event Lambda delivers. Only the fields the enricher
// uses are decoded, so SNS may add fields without breaking the decoder.
type Event struct {
	Records []Record `json:"Records"`
}

// Record is one SNS delivery inside an Event.
type Record struct {
	EventSource string  `json:"EventSource"`
	SNS         Message `json:"Sns"`
}

// Message is the SNS notification. Message holds the alarm as a JSON
// string, so the alarm is decoded a second time by ParseAlarm.
type Message struct {
	MessageID string `json:"MessageId"`
	TopicArn  string `json:"TopicArn"`
	Subject   string `json:"Subject"`
	Message   string `json:"Message"`
}

// Alarm is the CloudWatch alarm state-change notification as CloudWatch
// writes it into Sns.Message. Region is the human-readable region name
// ("US East (Ohio)"); the region code comes from AlarmARN. A metric alarm
// sets Trigger; a composite alarm sets AlarmRule and TriggeringChildren
// instead.
type Alarm struct {
	AlarmName        string  `json:"AlarmName"`
	AlarmDescription string  `json:"AlarmDescription"`
	AWSAccountID     string  `json:"AWSAccountId"`
	NewStateValue    string  `json:"NewStateValue"`
	NewStateReason   string  `json:"NewStateReason"`
	StateChangeTime  string  `json:"StateChangeTime"`
	Region           string  `json:"Region"`
	AlarmARN         string  `json:"AlarmArn"`
	OldStateValue    string  `json:"OldStateValue"`
	Trigger          Trigger `json:"Trigger"`
	// AlarmRule is a composite alarm's rule, e.g.
	// ALARM("a") OR ALARM("b").
	AlarmRule string `json:"AlarmRule"`
	// TriggeringChildren are the child alarms whose state change moved a
	// composite alarm; CloudWatch leaves it empty when the state was set
	// by hand (SetAlarmState).
	TriggeringChildren []TriggeringChild `json:"TriggeringChildren"`
}

// TriggeringChild is one entry of a composite alarm's TriggeringChildren.
type TriggeringChild struct {
	ARN   string     `json:"Arn"`
	State ChildState `json:"State"`
}

// ChildState is a triggering child's state when the composite changed.
type ChildState struct {
	Value     string `json:"Value"`
	Timestamp string `json:"Timestamp"`
}

// Trigger describes what the alarm evaluates. Single-metric alarms set
// MetricName, Namespace, Statistic (upper case, e.g. AVERAGE) and
// Dimensions; metric-math alarms, anomaly-band alarms among them, set
// Metrics instead. Threshold is absent for anomaly-band alarms.
type Trigger struct {
	MetricName         string            `json:"MetricName"`
	Namespace          string            `json:"Namespace"`
	StatisticType      string            `json:"StatisticType"`
	Statistic          string            `json:"Statistic"`
	ExtendedStatistic  string            `json:"ExtendedStatistic"`
	Unit               string            `json:"Unit"`
	Dimensions         []Dimension       `json:"Dimensions"`
	Period             int64             `json:"Period"`
	EvaluationPeriods  int64             `json:"EvaluationPeriods"`
	DatapointsToAlarm  int64             `json:"DatapointsToAlarm"`
	ComparisonOperator string            `json:"ComparisonOperator"`
	Threshold          *float64          `json:"Threshold"`
	ThresholdMetricID  string            `json:"ThresholdMetricId"`
	TreatMissingData   string            `json:"TreatMissingData"`
	Metrics            []MetricDataQuery `json:"Metrics"`
}

// Dimension is a metric dimension. Alarm notifications spell the keys in
// lower case, unlike the CloudWatch API.
type Dimension struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// MetricDataQuery is one entry of a metric-math alarm's Trigger.Metrics.
type MetricDataQuery struct {
	ID         string      `json:"Id"`
	AccountID  string      `json:"AccountId"`
	Expression string      `json:"Expression"`
	Label      string      `json:"Label"`
	MetricStat *MetricStat `json:"MetricStat"`
	Period     int64       `json:"Period"`
	ReturnData bool        `json:"ReturnData"`
}

// MetricStat names a metric and how to aggregate it. Stat is in API case
// ("Average", "p99"), unlike Trigger.Statistic.
type MetricStat struct {
	Metric Metric `json:"Metric"`
	Period int64  `json:"Period"`
	Stat   string `json:"Stat"`
	Unit   string `json:"Unit"`
}

// Metric identifies a CloudWatch metric.
type Metric struct {
	Namespace  string      `json:"Namespace"`
	MetricName string      `json:"MetricName"`
	Dimensions []Dimension `json:"Dimensions"`
}

// MalformedError marks input the enricher cannot process however often it
// is retried: bad JSON, missing or invalid fields.
type MalformedError struct {
	Err error
}

func (e *MalformedError) Error() string { return "malformed alarm notification: " + e.Err.Error() }
func (e *MalformedError) Unwrap() error { return e.Err }

// IsMalformed reports whether err (or an error it wraps) is a MalformedError.
func IsMalformed(err error) bool {
	var m *MalformedError
	return errors.As(err, &m)
}

func malformed(format string, args ...any) error {
	return &MalformedError{Err: fmt.Errorf(format, args...)}
}

// MaxEventBytes bounds the SNS event accepted. Lambda's asynchronous
// payload limit is 256 KiB and SNS messages are at most 256 KiB, so a
// larger event is not a real SNS delivery.
const MaxEventBytes = 1 << 20

// maxARNLength bounds the alarm ARN: a partition, region and account
// around a 255-character alarm name fit easily.
const maxARNLength = 512

// ParseEvent decodes the SNS envelope. It fails when the payload is not an
// SNS event with at least one record.
func ParseEvent(payload []byte) (Event, error) {
	if len(payload) > MaxEventBytes {
		return Event{}, malformed("event is %d bytes, more than the %d allowed", len(payload), MaxEventBytes)
	}
	var ev Event
	if err := json.Unmarshal(payload, &ev); err != nil {
		return Event{}, malformed("SNS event is not valid JSON of the expected shape: %v", err)
	}
	if len(ev.Records) == 0 {
		return Event{}, malformed("SNS event has no Records")
	}
	return ev, nil
}

// StateChange is one decoded, validated alarm state change with everything
// needed to enrich it.
type StateChange struct {
	Alarm Alarm
	// Key identifies the state change for de-duplication: the alarm ARN
	// and the state-change time, which together name one transition.
	Key string
	// ChangedAt is StateChangeTime parsed.
	ChangedAt time.Time
	// Partition and RegionCode come from the alarm ARN.
	Partition  string
	RegionCode string
	// Target is what to fetch from CloudWatch; zero for a composite alarm.
	Target Target
	// Composite is set for a composite alarm, which has no metric to
	// fetch: the incident names its children instead.
	Composite *Composite
	// BurnRate is set for a composite alarm whose description names an
	// SLO (a burn-rate alert of constructs/slo): the enricher then reads
	// the SLO's burn rates and attainment.
	BurnRate *BurnRate
}

// stateChangeLayouts are the StateChangeTime formats CloudWatch uses
// ("2021-06-29T15:36:20.269+0000") plus RFC 3339 for hand-made events.
var stateChangeLayouts = []string{
	"2006-01-02T15:04:05.000-0700",
	"2006-01-02T15:04:05-0700",
	time.RFC3339Nano,
}

// ParseAlarm decodes the alarm JSON carried in an SNS message and checks
// every field the enricher relies on. All failures are MalformedErrors.
func ParseAlarm(message string) (StateChange, error) {
	msg := strings.TrimSpace(message)
	if msg == "" {
		return StateChange{}, malformed("Sns.Message is empty")
	}
	if msg[0] != '{' {
		return StateChange{}, malformed("Sns.Message is not a JSON object (starts with %q)", prefix(msg, 20))
	}
	var a Alarm
	if err := json.Unmarshal([]byte(msg), &a); err != nil {
		return StateChange{}, malformed("Sns.Message is not a CloudWatch alarm notification: %v", err)
	}
	if a.AlarmName == "" || len(a.AlarmName) > maxNameLength {
		return StateChange{}, malformed("AlarmName %q must be 1-%d characters", prefix(a.AlarmName, 60), maxNameLength)
	}
	if len(a.AlarmARN) > maxARNLength {
		return StateChange{}, malformed("AlarmArn is %d characters, more than %d", len(a.AlarmARN), maxARNLength)
	}
	switch a.NewStateValue {
	case StateAlarm, StateOK, StateInsufficientData:
	default:
		return StateChange{}, malformed("NewStateValue %q is not one of ALARM, OK, INSUFFICIENT_DATA", prefix(a.NewStateValue, 40))
	}
	partition, region, err := parseAlarmARN(a.AlarmARN)
	if err != nil {
		return StateChange{}, err
	}
	changedAt, err := parseStateChangeTime(a.StateChangeTime)
	if err != nil {
		return StateChange{}, err
	}
	c := StateChange{
		Alarm:      a,
		Key:        a.AlarmARN + "|" + a.StateChangeTime,
		ChangedAt:  changedAt,
		Partition:  partition,
		RegionCode: region,
	}
	// A notification naming a metric is a metric alarm, whatever else it
	// holds; only one without any metric and with a rule is a composite.
	switch {
	case a.Trigger.hasMetric():
		c.Target, err = planTarget(a.Trigger)
	case strings.TrimSpace(a.AlarmRule) != "":
		c.Composite, err = parseComposite(a, partition)
		c.BurnRate = parseBurnRate(a.AlarmDescription)
	default:
		err = malformed("Trigger has neither Metrics nor MetricName and Namespace, and AlarmRule is empty: neither a metric alarm nor a composite alarm")
	}
	if err != nil {
		return StateChange{}, err
	}
	return c, nil
}

// parseAlarmARN checks arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>
// and returns the partition and region. Alarm names may contain colons.
func parseAlarmARN(arn string) (partition, region string, err error) {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "cloudwatch" || parts[5] != "alarm" ||
		parts[1] == "" || parts[3] == "" || parts[6] == "" {
		return "", "", malformed("AlarmArn %q is not arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>", prefix(arn, 200))
	}
	for _, r := range parts[3] {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return "", "", malformed("AlarmArn %q: region %q may hold only a-z, 0-9 and '-'", prefix(arn, 200), prefix(parts[3], 40))
		}
	}
	return parts[1], parts[3], nil
}

func parseStateChangeTime(s string) (time.Time, error) {
	for _, layout := range stateChangeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, malformed("StateChangeTime %q is not a time like 2021-06-29T15:36:20.269+0000", prefix(s, 60))
}

// prefix returns at most n bytes of s, cut on a rune boundary, so error
// messages and logs stay bounded for hostile input.
func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
