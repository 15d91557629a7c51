package stacks

import (
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
	_, err := logtiers.NewServiceLogs(shard.Stack, svc.Name, logs)
	return err
}
