export { createAdapterResolver } from './adapter-resolver.js';
export { type CommandOutput, processOutput } from './cli/command-output.js';
export { type RunSettings, runSettingsSchema } from './cli/run-settings.js';
export { type CliEnvironment, runAdapterHostCli, usage } from './cli-main.js';
export { ExitCode, type ExitCodeValue } from './exit-codes.js';
export { compileMappingFile } from './mapping-loader.js';
export { HostMetrics } from './ops/host-metrics.js';
export {
  type DeviceState,
  type DeviceStatus,
  deviceState,
  type EndpointStatus,
  type HostStatus,
  isHealthy,
  type LwM2mMode,
} from './ops/host-status.js';
export { OperationsServer, type OperationsServerOptions } from './ops/operations-server.js';
export {
  AdapterHost,
  type AdapterHostOptions,
  type RunnerSettings,
  type SendSettings,
} from './runtime/adapter-host.js';
export {
  type DeviceHealth,
  type DeviceHealthState,
  UNRESPONSIVE_AFTER_READS,
} from './runtime/device/device-health.js';
export {
  DeviceRunner,
  type DeviceRunnerOptions,
  type DeviceRunnerStats,
} from './runtime/device/device-runner.js';
export { type CachedPoint, PointCache, type PointQuality } from './runtime/device/point-cache.js';
export type { ObservedRange } from './runtime/device/poll-intervals.js';
export { ClientEndpoint, type HostServerSettings } from './runtime/topology/client-endpoint.js';
