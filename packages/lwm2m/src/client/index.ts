/** The socket-free LwM2M 1.1 client engine (and LwM2M Gateway): public API. */
export { AttributeStore } from './attribute-store.js';
export { type BackoffPolicy, backoffDelay, REJECTED_BACKOFF, UNREACHABLE_BACKOFF } from './backoff.js';
export {
  ClientDataModel,
  type ClientDataModelOptions,
  type DataModelChange,
  type EndDevice,
  type EndDeviceOptions,
  GATEWAY_OBJECT_ID,
  GATEWAY_OBJECT_VERSION,
} from './client-data-model.js';
export type { ClientLogEntry, ClientLogger, ClientLogLevel } from './client-log.js';
export {
  ClientObjectTree,
  type ClientObjectTreeOptions,
  type TreeStructureChange,
  type WriteMode,
} from './client-object-tree.js';
export { type CoapEndpointPort, type EndpointLinkOptions, endpointLink } from './coap-endpoint-link.js';
export type { LwM2mCoapLink, LwM2mRequestHandler, NotifyOptions } from './coap-link.js';
export { DeviceManagementHandler, type DeviceManagementHandlerOptions } from './device-management-handler.js';
export { type DeviceInfo, deviceInstance } from './device-object.js';
export {
  type ExecuteArgument,
  type ExecuteArguments,
  type ExecuteArgumentsResult,
  parseExecuteArguments,
} from './execute-arguments.js';
export {
  type ClientLimits,
  type ClientServerOptions,
  DEFAULT_CONTENT_FORMATS,
  LwM2mClient,
  type LwM2mClientEvents,
  type LwM2mClientOptions,
} from './lwm2m-client.js';
export { NotificationPolicy, type NotificationPolicyOptions } from './notification-policy.js';
export { announcedVersion, LWM2M_1_1_CORE_VERSIONS } from './object-versions.js';
export {
  type AttributeUpdate,
  OBSERVATION_ATTRIBUTE_NAMES,
  type ObservationAttributeName,
  type ObservationAttributes,
  parseAttributeQuery,
} from './observation-attributes.js';
export {
  ObservationManager,
  type ObservationManagerOptions,
  type ObservationRequest,
  type ObservationStats,
  type ObservationSummary,
  type ObservedData,
  type SamplingEntry,
} from './observation-manager.js';
export { iotDeviceObjectsLinks, registrationPayload } from './registration-links.js';
export {
  RegistrationManager,
  type RegistrationManagerOptions,
  type RegistrationState,
  type RegistrationStateChange,
  type RegistrationTimingOptions,
  updateDelayMs,
} from './registration-manager.js';
export type {
  CreateRequest,
  InstanceDeclaration,
  ObjectDeclaration,
  ResourceContent,
  ResourceContext,
  ResourceDeclaration,
  ResourceHandlers,
  ResourceInstancesInput,
  ResourceScalar,
  WrittenValue,
} from './resource-declaration.js';
export { type SecurityInfo, SecurityMode } from './security-object.js';
export {
  type SendEntry,
  type SendOptions,
  SendReporter,
  type SendResult,
  type SendStatus,
} from './send-reporter.js';
export { ServerAccount, type ServerSettings } from './server-account.js';
