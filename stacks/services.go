package stacks

import (
	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// addService creates one service's resources inside its shard.
func addService(r *Regional, shard *Shard, cfg *config.Platform, svc config.Service) error {
	logs := cfg.ServiceLogsProps(svc.Name, config.LogsWiring{Key: r.Key, Archive: r.LogArchive, Router: r.LogRouter})
	if _, err := logtiers.NewServiceLogs(shard.Stack, svc.Name, logs); err != nil {
		return err
	}
	// The topic imported by its deterministic ARN: a reference would
	// become a parameter of every shard's nested stack.
	alarms := cfg.AlarmProps(svc, r.Alerting.AlertsTopicIn(shard.Stack))
	_, err := anomaly.NewServiceAlarms(shard.Stack, svc.Name+"-alarms", alarms)
	return err
}
