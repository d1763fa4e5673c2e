/** The socket-free LwM2M 1.1 client engine (and LwM2M Gateway): public API. */

export { type CoapEndpointPort, type EndpointLinkOptions, endpointLink } from './link/coap-endpoint-link.js';
export type { LwM2mCoapLink, LwM2mRequestHandler, NotifyOptions } from './link/coap-link.js';
export {
  type ClientLimits,
  type ClientServerOptions,
  DEFAULT_CONTENT_FORMATS,
  LwM2mClient,
  type LwM2mClientEvents,
  type LwM2mClientOptions,
} from './lwm2m-client.js';
export {
  ClientDataModel,
  type ClientDataModelOptions,
  type DataModelChange,
  type EndDevice,
  type EndDeviceOptions,
  GATEWAY_OBJECT_ID,
  GATEWAY_OBJECT_VERSION,
} from './objects/client-data-model.js';
export {
  ClientObjectTree,
  type ClientObjectTreeOptions,
  type TreeStructureChange,
  type WriteMode,
} from './objects/client-object-tree.js';
export { type DeviceInfo, deviceInstance } from './objects/device-object.js';
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
} from './objects/resource-declaration.js';
export { type SecurityInfo, SecurityMode } from './objects/security-object.js';
export { AttributeStore } from './observe/attribute-store.js';
export { NotificationPolicy, type NotificationPolicyOptions } from './observe/notification-policy.js';
export {
  type AttributeUpdate,
  OBSERVATION_ATTRIBUTE_NAMES,
  type ObservationAttributeName,
  type ObservationAttributes,
  parseAttributeQuery,
} from './observe/observation-attributes.js';
export {
  ObservationManager,
  type ObservationManagerOptions,
  type ObservationRequest,
  type ObservationStats,
  type ObservationSummary,
  type ObservedData,
  type SamplingEntry,
} from './observe/observation-manager.js';
export {
  DeviceManagementHandler,
  type DeviceManagementHandlerOptions,
} from './operations/device-management-handler.js';
export {
  type ExecuteArgument,
  type ExecuteArguments,
  type ExecuteArgumentsResult,
  parseExecuteArguments,
} from './operations/execute-arguments.js';
export { announcedVersion, LWM2M_1_1_CORE_VERSIONS } from './registration/object-versions.js';
export { iotDeviceObjectsLinks, registrationPayload } from './registration/registration-links.js';
export {
  RegistrationManager,
  type RegistrationManagerOptions,
  type RegistrationState,
  type RegistrationStateChange,
  type RegistrationTimingOptions,
  updateDelayMs,
} from './registration/registration-manager.js';
export { ServerAccount, type ServerSettings } from './registration/server-account.js';
export {
  type SendEntry,
  type SendOptions,
  SendReporter,
  type SendResult,
  type SendStatus,
} from './send/send-reporter.js';
