// Package anomaly is the seed's real-time anomaly detection as two
// constructs and a synth-time check:
//
//   - NewAlerting (once per region): the alerts topic CloudWatch alarms
//     publish to, the incidents topic, both KMS-encrypted, and the
//     alert-enrichment Lambda (lambdas/enricher) between them with its
//     idempotency table. What the construct and the Lambda agree on (the
//     environment, the table's attributes, the description lines, the
//     console links) is in lambdas/enricher/contract.
//   - NewServiceAlarms (once per service): an anomaly detector and an
//     ANOMALY_DETECTION_BAND alarm per metric, a static error-rate alarm
//     and a composite alarm. Give it the alerts topic as an awssns.ITopic;
//     in a nested stack, Alerting.AlertsTopicIn(shard) imports it by its
//     deterministic ARN so the nested stack needs no parameter.
//   - CheckCardinality: the series budget (product of dimension
//     cardinalities, at most 10,000 per metric by default).
//
// The props are code-only: enumerations use the awscloudwatch jsii enums
// (ComparisonOperator, TreatMissingData) and this package's Notify and
// Severity; the zero value of every field is its documented default.
// Validate checks complete props (a service name is required);
// ValidateIn also checks the alarm descriptions, which end with the
// console link of the region. Errors of NewAlerting and NewServiceAlarms
// start with the construct path. The platform's YAML schema for these
// props is in stacks/config (the alarms section).
package anomaly
