// Package contract is what the metricstream construct and the forwarder
// Lambda must agree on: the environment variables the Lambda reads its
// configuration from, the configuration document itself (Config, with its
// defaults, Validate and the EventBridge schedule that matches its
// interval), and the namespace, dimension and names of the forwarder's
// self-metrics.
//
// It imports neither the AWS SDK nor the CDK, so the construct (at synth),
// the Lambda (at run time) and the dashboards can all depend on it without
// pulling in each other's dependencies.
package contract
