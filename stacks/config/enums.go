package config

import (
	"maps"
	"slices"

	"github.com/o11yscale/o11yscale/constructs/grafana"
)

// Each typed enum of the config lists its accepted values with Enum, taken
// from the table or list its validation checks against, so a tool that
// describes the file (the JSON Schema generated in test/schema) cannot
// drift from what Parse accepts.

// Enum lists the accepted values of alarms.notify.
func (AlarmNotify) Enum() []string { return sortedKeys(notifyValues) }

// Enum lists the accepted severities.
func (AlarmSeverity) Enum() []string { return sortedKeys(severityValues) }

// Enum lists the accepted comparison operators.
func (AlarmComparison) Enum() []string { return sortedKeys(comparisonValues) }

// Enum lists the accepted treatMissingData values.
func (AlarmMissingData) Enum() []string { return sortedKeys(missingDataValues) }

// Enum lists the accepted metric delivery modes.
func (Delivery) Enum() []string { return strs(deliveries) }

// Enum lists the accepted stream capacity modes.
func (StreamMode) Enum() []string { return sortedKeys(streamModes) }

// Enum lists the accepted grafana.mode values.
func (GrafanaMode) Enum() []string { return sortedKeys(grafanaModes) }

// Enum lists the accepted grafana.accountAccess values.
func (GrafanaAccountAccess) Enum() []string { return sortedKeys(grafanaAccountAccess) }

// Enum lists the accepted grafana.authentication values.
func (GrafanaAuthProvider) Enum() []string { return sortedKeys(grafanaAuthProviders) }

// Enum lists the data sources Managed Grafana accepts
// (grafana.KnownDataSources, which its props validation checks).
func (GrafanaDataSource) Enum() []string { return strs(grafana.KnownDataSources) }

// Enum lists the accepted removalPolicy values.
func (RemovalPolicy) Enum() []string { return sortedKeys(removalPolicies) }

func sortedKeys[K ~string, V any](m map[K]V) []string {
	return strs(slices.Sorted(maps.Keys(m)))
}

func strs[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}
