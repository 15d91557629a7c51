package stacks

import (
	"github.com/o11yscale/o11yscale/constructs/anomaly"
	"github.com/o11yscale/o11yscale/constructs/logtiers"
	"github.com/o11yscale/o11yscale/stacks/config"
)

// addService creates one service's resources inside its shard.
func addService(r *Regional, shard *Shard, cfg *config.Platform, svc config.Service) error {
	logs := cfg.Logs.Service
	logs.Service = svc.Name
	logs.EncryptionKey = r.Key
	logs.Archive = r.LogArchive
	logs.Destinations.Function = r.LogRouter.Function
	logs.Destinations.FunctionPermission = r.logsInvoke
	if _, err := logtiers.NewServiceLogs(shard.Stack, svc.Name, logs); err != nil {
		return err
	}
	// The topic imported by its deterministic ARN: a reference would
	// become a parameter of every shard's nested stack.
	alarms := cfg.AlarmProps(svc, r.Alerting.AlertsTopicIn(shard.Stack))
	_, err := anomaly.NewServiceAlarms(shard.Stack, svc.Name+"-alarms", alarms)
	return err
}
