// Package enrich turns CloudWatch alarm notifications delivered through SNS
// into readable incidents: it decodes the alarm, fetches the alarm's series
// and its anomaly band in one GetMetricData call (composite alarms, which
// have no metric, name their child alarms instead), compares the current
// values with the baseline and publishes one message per state change.
//
// Decisions, in the order a notification meets them:
//
//   - Decoding. The alarm is the JSON string in Sns.Message (decoded
//     twice). Single-metric alarms (Trigger.MetricName, upper-case
//     Statistic) get one query m1; metric-math alarms keep their own
//     queries, and the series reported is the argument of the
//     ANOMALY_DETECTION_BAND expression (anomaly alarms) or the one query
//     with ReturnData true.
//   - Composite alarms. A notification with no Trigger metric but an
//     AlarmRule is a composite alarm's: nothing is fetched, and the
//     incident lists the rule and the child alarms that moved it
//     (TriggeringChildren; when CloudWatch names none, as after
//     SetAlarmState, the alarms the rule names), each with its console
//     link, in place of figures. Subject, severity, attributes, links,
//     states and duplicates follow the rules below, as for metric alarms.
//     A notification naming a metric is a metric alarm even if it also has
//     a rule.
//   - Burn-rate composites. A composite whose description has the SLO
//     lines of constructs/slo ("SLO:", "SLO goal:", "Burn windows: <long>
//     <short>", "Burn threshold:") gets its SLO's figures from one
//     GetMetricData call: AWS/ApplicationSignals BurnRate of both windows
//     and AttainmentRate, the newest datapoint of each in the 15 minutes
//     ending at the state change, and the error budget remaining,
//     (attainment - goal) / (100 - goal). SLO lines it cannot use are named
//     in the incident, which is then a plain composite's; a failed read is
//     reported like a metric alarm's (MetricDataErrors).
//   - Malformed input (bad JSON, unknown state, bad ARN or time, neither a
//     metric nor an AlarmRule, a band on an unknown series, a rule over
//     CloudWatch's 10,240 characters, ...) is logged at ERROR with a
//     bounded prefix of the message, counted as MalformedMessages, and never
//     published. The invocation returns an error, so the event reaches the
//     function's on-failure destination after Lambda's retries; each retry
//     counts MalformedMessages again.
//   - Metric read. One GetMetricData call asks for the series and
//     ANOMALY_DETECTION_BAND(series, k), k from the alarm (2 for alarms
//     that are not band alarms), over the 15 minutes (at least 10 periods)
//     ending at the period of the state change. If CloudWatch rejects the
//     band for a non-band alarm, a second call without it follows. If the
//     read fails, the incident is still published, saying the figures are
//     unavailable (MetricDataErrors): an incident without figures beats no
//     incident.
//   - Figures. Current is the mean of the last 5 datapoints present,
//     baseline the mean of the earlier ones present; missing, fewer or no
//     datapoints give "insufficient data", never a division by zero or NaN.
//     The band is judged at the newest datapoint that has band values.
//   - States. ALARM publishes with the description's "Severity:" (default
//     high); OK publishes "RESOLVED" (or "OK" when it was not in ALARM)
//     with severity info; INSUFFICIENT_DATA publishes a low-severity
//     "DATA MISSING" notice, because missing data often means a broken
//     producer, which someone should see without being paged.
//   - Links and attributes. "Runbook: <url>", "Dashboard: <url>",
//     "Severity: <level>" and "Service: <name>" lines of the alarm
//     description win; otherwise RUNBOOK_BASE_URL/<alarm name>, the
//     console deep link to the alarm, and a service dimension (Service,
//     ServiceName, ApiName, FunctionName) are used. Message attributes
//     severity, service and region are always set.
//   - Duplicates. The state change (alarm ARN + StateChangeTime) is claimed
//     with a conditional PutItem before publishing and marked published
//     after; a later delivery skips it (DuplicatesSkipped). A failed publish
//     releases the claim and fails the invocation, so Lambda's retry
//     publishes it; a claim left by a crashed invocation expires after
//     DefaultLease, shorter than Lambda's first retry delay.
package enrich
