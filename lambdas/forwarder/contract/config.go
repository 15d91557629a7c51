package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// Environment variables the forwarder reads its Config from; exactly one
// must be set.
const (
	// EnvConfig holds the Config as inline JSON. Lambda caps all
	// environment variables of a function at 4 KB together, which is
	// about 30 metric entries.
	EnvConfig = "FORWARDER_CONFIG"
	// EnvConfigParameter names an SSM parameter (String or SecureString)
	// holding the Config JSON, read once at cold start. A standard
	// parameter holds 4 KB, an advanced one 8 KB; larger metric sets use
	// SearchExpressions.
	EnvConfigParameter = "FORWARDER_CONFIG_PARAMETER"
)

// Defaults for zero-valued Config fields.
const (
	DefaultIntervalSeconds = 300
	DefaultDelaySeconds    = 180
	DefaultPeriodSeconds   = 60
)

// DefaultStatistics is used for a Metric without Statistics; it is the
// seed's set.
var DefaultStatistics = []string{"Average", "Maximum", "Minimum"}

// Config is the forwarder's configuration document. The CDK construct
// marshals it to JSON; the Lambda reads it from EnvConfig or
// EnvConfigParameter.
type Config struct {
	// StreamName is the central Kinesis data stream. Required.
	StreamName string `json:"streamName"`
	// CentralRegion is the region of StreamName. Required.
	CentralRegion string `json:"centralRegion"`
	// RoleARN is assumed (sts:AssumeRole) to put records, for a central
	// stream in another account. Default: the function's own role.
	RoleARN string `json:"roleArn,omitempty"`
	// SessionName starts the name of every RoleARN session; the Lambda
	// appends "-<region>", so the owner of the role (in the monitoring
	// account's CloudTrail) sees which platform and region wrote. 2-48
	// letters, digits or + = , . @ _ - (the region's at most 15 more stay
	// within STS's 64). Default: DefaultSessionName; the construct sets
	// "<platform name>-forwarder".
	SessionName string `json:"sessionName,omitempty"`
	// IntervalSeconds is the window each invocation forwards, and must
	// equal the schedule's rate (see ScheduleExpression). Whole minutes
	// dividing an hour, or whole hours dividing a day. Default: 300.
	IntervalSeconds int `json:"intervalSeconds,omitempty"`
	// DelaySeconds is how far the window end trails the scheduled time,
	// so that CloudWatch has the datapoints by then. 1-86400; zero selects
	// the default, 180.
	// The window stays the same for an event time up to
	// (DelaySeconds mod IntervalSeconds) late or up to
	// IntervalSeconds - (DelaySeconds mod IntervalSeconds) early.
	DelaySeconds int `json:"delaySeconds,omitempty"`
	// Metrics are read with MetricStat queries.
	Metrics []Metric `json:"metrics,omitempty"`
	// SearchExpressions are read with SEARCH() queries. At least one
	// Metric or SearchExpression is required.
	SearchExpressions []SearchExpression `json:"searchExpressions,omitempty"`
}

// Metric is one CloudWatch metric to forward.
type Metric struct {
	// Namespace, 1-255 characters. Required.
	Namespace string `json:"namespace"`
	// MetricName, 1-255 characters. Required.
	MetricName string `json:"metricName"`
	// Dimensions, at most 30; names 1-255, values 1-1024 characters.
	Dimensions map[string]string `json:"dimensions,omitempty"`
	// Statistics are the standard statistics or extended ones such as
	// p99, tm90 or TM(10%:90%). Default: DefaultStatistics.
	Statistics []string `json:"statistics,omitempty"`
	// PeriodSeconds is 1, 5, 10, 20, 30 or a multiple of 60 that divides
	// IntervalSeconds. Default: 60.
	PeriodSeconds int `json:"periodSeconds,omitempty"`
	// Unit restricts the query to data published with this unit (CloudWatch
	// returns nothing for other units) and is copied to the records.
	// Default: any unit, and no unit on the records.
	Unit string `json:"unit,omitempty"`
}

// SearchExpression is one CloudWatch search, sent as
// SEARCH('<Expression>', '<Statistic>', <PeriodSeconds>).
type SearchExpression struct {
	// Expression is the search term, for example
	// `{AWS/Lambda,FunctionName} MetricName="Duration"`. Required; no
	// single quotes.
	Expression string `json:"expression"`
	// Statistic is one statistic, as for Metric. Default: Average.
	Statistic string `json:"statistic,omitempty"`
	// PeriodSeconds as for Metric. Default: 60.
	PeriodSeconds int `json:"periodSeconds,omitempty"`
}

// Limits the configuration is checked against.
const (
	maxDimensions         = 30
	maxNameLength         = 255
	maxDimensionValueLen  = 1024
	maxQueriesPerCall     = 500
	maxStreamNameLength   = 128
	maxSearchExpression   = 1024
	maxDelaySeconds       = 86400
	defaultSearchStatName = "Average"
)

// DefaultSessionName is SessionName's default, the default platform's.
const DefaultSessionName = "o11yscale-forwarder"

// RoleSessionName is the STS session name of the forwarder in region:
// SessionName (or its default) and the region.
func (c Config) RoleSessionName(region string) string {
	name := c.SessionName
	if name == "" {
		name = DefaultSessionName
	}
	return name + "-" + region
}

var (
	// RoleSessionName: 2-64 characters of [\w+=,.@-]
	// (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html);
	// the longest region suffix, "-ap-southeast-5" and the like, takes 15.
	sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,48}$`)
	streamNameRE  = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)
	regionRE      = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	roleARNRE     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)
	statisticRE   = regexp.MustCompile(`^(Average|Maximum|Minimum|SampleCount|Sum|IQM|` +
		`p(100|[0-9]{1,2})(\.[0-9]{1,10})?|(tm|tc|ts|wm)(100|[0-9]{1,2})(\.[0-9]{1,10})?|` +
		`(TM|TC|TS|WM|PR)\([0-9.%:]*\))$`)
)

const statisticsAllowed = "Average, Maximum, Minimum, SampleCount, Sum, IQM, pNN(.N), tmNN, tcNN, tsNN, wmNN or TM/TC/TS/WM/PR(a:b)"

var units = map[string]bool{
	"Seconds": true, "Microseconds": true, "Milliseconds": true, "Bytes": true, "Kilobytes": true,
	"Megabytes": true, "Gigabytes": true, "Terabytes": true, "Bits": true, "Kilobits": true,
	"Megabits": true, "Gigabits": true, "Terabits": true, "Percent": true, "Count": true,
	"Bytes/Second": true, "Kilobytes/Second": true, "Megabytes/Second": true, "Gigabytes/Second": true,
	"Terabytes/Second": true, "Bits/Second": true, "Kilobits/Second": true, "Megabits/Second": true,
	"Gigabits/Second": true, "Terabits/Second": true, "Count/Second": true, "None": true,
}

// WithDefaults returns a copy of c with every zero-valued field set to its
// documented default. It does not modify c.
func (c Config) WithDefaults() Config {
	if c.IntervalSeconds == 0 {
		c.IntervalSeconds = DefaultIntervalSeconds
	}
	if c.DelaySeconds == 0 {
		c.DelaySeconds = DefaultDelaySeconds
	}
	metrics := make([]Metric, len(c.Metrics))
	for i, m := range c.Metrics {
		if len(m.Statistics) == 0 {
			m.Statistics = append([]string(nil), DefaultStatistics...)
		}
		if m.PeriodSeconds == 0 {
			m.PeriodSeconds = DefaultPeriodSeconds
		}
		metrics[i] = m
	}
	c.Metrics = metrics
	searches := make([]SearchExpression, len(c.SearchExpressions))
	for i, s := range c.SearchExpressions {
		if s.Statistic == "" {
			s.Statistic = defaultSearchStatName
		}
		if s.PeriodSeconds == 0 {
			s.PeriodSeconds = DefaultPeriodSeconds
		}
		searches[i] = s
	}
	c.SearchExpressions = searches
	return c
}

// Validate reports every invalid field of c (after WithDefaults), each
// naming the field path, the value and what is allowed. The errors are
// validation.FieldError values, so a construct can Merge them.
func (c Config) Validate() error {
	c = c.WithDefaults()
	var errs validation.Errors
	if c.StreamName == "" || len(c.StreamName) > maxStreamNameLength || !streamNameRE.MatchString(c.StreamName) {
		errs.Add("streamName", c.StreamName, "a Kinesis stream name: 1-128 of a-z A-Z 0-9 _ . -")
	}
	if !regionRE.MatchString(c.CentralRegion) {
		errs.Add("centralRegion", c.CentralRegion, "an AWS region name such as us-east-1")
	}
	if c.RoleARN != "" && !roleARNRE.MatchString(c.RoleARN) {
		errs.Add("roleArn", c.RoleARN, "empty, or an IAM role ARN arn:aws:iam::<12 digits>:role/<name>")
	}
	if c.SessionName != "" && !sessionNameRE.MatchString(c.SessionName) {
		errs.Add("sessionName", c.SessionName, "empty (%s), or 2-48 letters, digits or + = , . @ _ -", DefaultSessionName)
	}
	if !validInterval(c.IntervalSeconds) {
		errs.Add("intervalSeconds", c.IntervalSeconds,
			"whole minutes dividing an hour (60, 120, 180, 240, 300, 360, 600, 720, 900, 1200, 1800) or whole hours dividing a day (3600 ... 86400)")
	}
	if c.DelaySeconds < 0 || c.DelaySeconds > maxDelaySeconds {
		errs.Add("delaySeconds", c.DelaySeconds, "0-86400")
	}
	if len(c.Metrics) == 0 && len(c.SearchExpressions) == 0 {
		errs.Add("metrics", nil, "at least one metric or search expression")
	}
	seen := map[string]int{}
	for i, m := range c.Metrics {
		path := validation.Index("metrics", i)
		validateMetric(&errs, path, m, c.IntervalSeconds)
		key := fmt.Sprintf("%s\x00%s\x00%d\x00%s", m.Namespace, m.MetricName, m.PeriodSeconds, canonicalDimensions(m.Dimensions))
		if j, dup := seen[key]; dup {
			errs.Add(path, m.Namespace+" "+m.MetricName, "each metric, dimensions and period once; metrics[%d] is the same (merge their statistics)", j)
		} else {
			seen[key] = i
		}
	}
	for i, s := range c.SearchExpressions {
		path := validation.Index("searchExpressions", i)
		if s.Expression == "" || len(s.Expression) > maxSearchExpression || strings.ContainsAny(s.Expression, "'\n") {
			errs.Add(path+".expression", s.Expression, "a search term of 1-1024 characters without single quotes or newlines")
		}
		if !statisticRE.MatchString(s.Statistic) {
			errs.Add(path+".statistic", s.Statistic, statisticsAllowed)
		}
		validatePeriod(&errs, path+".periodSeconds", s.PeriodSeconds, c.IntervalSeconds)
	}
	return errs.Err()
}

func validateMetric(errs *validation.Errors, path string, m Metric, interval int) {
	if m.Namespace == "" || len(m.Namespace) > maxNameLength {
		errs.Add(path+".namespace", m.Namespace, "1-255 characters")
	}
	if m.MetricName == "" || len(m.MetricName) > maxNameLength {
		errs.Add(path+".metricName", m.MetricName, "1-255 characters")
	}
	if len(m.Dimensions) > maxDimensions {
		errs.Add(path+".dimensions", len(m.Dimensions), "at most 30 dimensions")
	}
	for _, k := range sortedKeys(m.Dimensions) {
		v := m.Dimensions[k]
		if k == "" || len(k) > maxNameLength {
			errs.Add(validation.Key(path+".dimensions", k), k, "a dimension name of 1-255 characters")
		}
		if v == "" || len(v) > maxDimensionValueLen {
			errs.Add(validation.Key(path+".dimensions", k), v, "a dimension value of 1-1024 characters")
		}
	}
	if len(m.Statistics) > maxQueriesPerCall {
		errs.Add(path+".statistics", len(m.Statistics), "at most 500 statistics (one GetMetricData call)")
	}
	stats := map[string]bool{}
	for j, s := range m.Statistics {
		if !statisticRE.MatchString(s) {
			errs.Add(validation.Index(path+".statistics", j), s, statisticsAllowed)
		} else if stats[s] {
			errs.Add(validation.Index(path+".statistics", j), s, "each statistic once")
		}
		stats[s] = true
	}
	validatePeriod(errs, path+".periodSeconds", m.PeriodSeconds, interval)
	if m.Unit != "" && !units[m.Unit] {
		errs.Add(path+".unit", m.Unit, "empty or a CloudWatch standard unit such as Count, Milliseconds, Bytes/Second, None")
	}
}

func validatePeriod(errs *validation.Errors, path string, period, interval int) {
	ok := period == 1 || period == 5 || period == 10 || period == 20 || period == 30 || (period > 0 && period%60 == 0)
	if !ok || (interval > 0 && interval%period != 0) {
		errs.Add(path, period, "1, 5, 10, 20, 30 or a multiple of 60 that divides intervalSeconds (%d)", interval)
	}
}

func validInterval(s int) bool {
	switch {
	case s <= 0 || s%60 != 0:
		return false
	case s < 3600:
		return 60%(s/60) == 0
	default:
		return s%3600 == 0 && 24%(s/3600) == 0
	}
}

// ScheduleExpression is the EventBridge schedule that matches
// IntervalSeconds. It is a cron expression firing on interval boundaries
// (minute 0, 5, 10, ... for 300 s), so that event times sit where the
// window computation tolerates the most jitter.
func (c Config) ScheduleExpression() string {
	s := c.WithDefaults().IntervalSeconds
	switch {
	case s < 3600:
		return fmt.Sprintf("cron(0/%d * * * ? *)", s/60)
	case s < 86400:
		return fmt.Sprintf("cron(0 0/%d * * ? *)", s/3600)
	default:
		return "cron(0 0 * * ? *)"
	}
}

// ParseConfig decodes a Config document, rejecting unknown fields (a typo
// would otherwise silently fall back to a default), applies the defaults
// and validates it.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("forwarder config: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Config{}, errors.New("forwarder config: trailing data after the JSON document")
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("forwarder config: %w", err)
	}
	return c.WithDefaults(), nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// canonicalDimensions is an unambiguous encoding of a dimension map.
func canonicalDimensions(d map[string]string) string {
	var b strings.Builder
	for _, k := range sortedKeys(d) {
		fmt.Fprintf(&b, "%d:%s%d:%s", len(k), k, len(d[k]), d[k])
	}
	return b.String()
}
