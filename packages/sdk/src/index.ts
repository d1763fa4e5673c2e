export { CodedError, type ErrorCode, isCodedError } from '@lwm2m-adapters/errors';
/** The logger contract and a logger that drops everything (for tests and tools), from kit. */
export { type StructuredLogger, silentLogger } from '@lwm2m-adapters/kit';
export type { AdapterBrowse } from './adapter-browse.js';
export {
  type AdapterCapabilities,
  type AdapterDefinition,
  type AdapterIssue,
  type AdapterPlan,
  defineAdapter,
  isAdapterDefinition,
  type OnlineCheckOptions,
  SDK_VERSION,
} from './adapter-definition.js';
export type {
  AdapterProbe,
  ProbeOption,
  ProbeReport,
  ProbeValues,
} from './adapter-probe.js';
export type {
  AdapterLogger,
  AdapterSession,
  PointAccess,
  PointReading,
  PointSpec,
  ReadingSink,
  SessionContext,
  SessionCounters,
  SessionState,
  SessionStats,
  Subscription,
  SubscriptionOptions,
} from './adapter-session.js';
export {
  type AdapterSimulation,
  type SimulationDevice,
  type SimulationPoint,
  type SimulationValue,
  type SimulatorHandle,
  type SimulatorListener,
  simulatorHandle,
  type UnsimulatedDevice,
} from './adapter-simulator.js';
export { collectReadings } from './collect-readings.js';
export {
  adapterPackageCandidates,
  adapterPackageName,
  assertSdkCompatible,
  type LoadAdapterOptions,
  loadAdapter,
} from './load-adapter.js';
export {
  isRawArray,
  type RawScalar,
  type RawValue,
  type RawValueKind,
  type RawValueShape,
  rawScalarKind,
  rawValueKind,
} from './raw-value.js';
export { type ReconnectBackoff, reconnectBackoffSchema } from './reconnect-backoff.js';
export { asDeviceError, SessionBase } from './session-base.js';
export { type SimulationRequest, simulateDevices } from './simulate-devices.js';
