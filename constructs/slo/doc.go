// Package slo is Application Signals service level objectives with the
// Google SRE Workbook's multi-window, multi-burn-rate alerts:
//
//   - NewDiscovery (once per account-region): AWS::ApplicationSignals::Discovery,
//     which creates Application Signals' service-linked role; SLOs need it.
//   - NewServiceSLOs (once per service): an
//     AWS::ApplicationSignals::ServiceLevelObjective per [Objective]
//     (availability: request-based, good over total; latency: a percentile
//     under a threshold, period-based), each with the burn-rate
//     configurations its alerts read, and per [BurnRateAlert] two metric
//     alarms on the SLO's BurnRate metrics (a long and a short window) and
//     a composite alarm that is in ALARM only while both are. The
//     composite notifies the alerts topic with a severity; its description
//     carries the threshold arithmetic and the lines the enricher reads
//     (lambdas/enricher/contract: SLO, SLO goal, Burn windows, Burn
//     threshold), so incidents show both windows' burn rates and the error
//     budget remaining.
//
// # Thresholds
//
// A burn rate of 1 spends the error budget exactly over the SLO's window.
// An alert that fires when a share b of the budget is spent within its
// long window L of an SLO window W needs burn rate
//
//	threshold = b × W / L
//
// [DefaultBurnRateAlerts] are the workbook's recommended parameters
// ("Alerting on SLOs", table 6, https://sre.google/workbook/alerting-on-slos/):
// page when 2% of the budget burns in 1 h (short window 5 min), page when
// 5% burns in 6 h (30 min), ticket when 10% burns in 3 days (6 h); for a
// 30-day window that is 14.4, 6 and 1. [Threshold] computes it for any
// goal window.
//
// Props are code-only; the zero value of every field is its documented
// default. Validate reports every problem at once with its field path.
package slo
