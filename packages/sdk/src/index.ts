export { CodedError, type ErrorCode, isCodedError } from '@lwm2m-adapters/errors';
export {
  type AdapterCapabilities,
  type AdapterDefinition,
  type AdapterIssue,
  type AdapterPlan,
  defineAdapter,
  isAdapterDefinition,
  SDK_VERSION,
} from './adapter-definition.js';
export {
  type AdapterLogger,
  type AdapterSession,
  type PointAccess,
  type PointReading,
  type PointSpec,
  type SessionContext,
  type SessionState,
  type SessionStats,
  type Subscription,
  type SubscriptionOptions,
  silentLogger,
} from './adapter-session.js';
export {
  adapterPackageName,
  assertSdkCompatible,
  type LoadAdapterOptions,
  loadAdapter,
} from './load-adapter.js';
export { type RawValue, type RawValueKind, rawValueKind } from './raw-value.js';
