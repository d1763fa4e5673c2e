/**
 * @lwm2m-adapters/lwm2m-client: the socket-free LwM2M 1.1 client engine (and LwM2M Gateway).
 * `LwM2mClient` plus the types of its options, declarations and events; wire it to a CoAP endpoint
 * with `endpointLink`. The engine's parts (data model, object tree, observation manager,
 * registration manager, ...) are at `@lwm2m-adapters/lwm2m-client/engine` for advanced use.
 */

export { type CoapEndpointPort, type EndpointLinkOptions, endpointLink } from './link/coap-endpoint-link.js';
export type { LwM2mCoapLink, LwM2mRequestHandler, NotifyOptions } from './link/coap-link.js';
export {
  type AnnouncedContentFormats,
  type ClientLimits,
  type ClientServerOptions,
  DEFAULT_CONTENT_FORMATS,
  LwM2mClient,
  type LwM2mClientEvents,
  type LwM2mClientOptions,
} from './lwm2m-client.js';
export {
  type DataModelChange,
  type EndDevice,
  type EndDeviceOptions,
  GATEWAY_OBJECT_ID,
  GATEWAY_OBJECT_VERSION,
} from './objects/client-data-model.js';
export type { TreeStructureChange, WriteMode } from './objects/client-object-tree.js';
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
export {
  type AttributeUpdate,
  OBSERVATION_ATTRIBUTE_NAMES,
  type ObservationAttributeName,
  type ObservationAttributes,
} from './observe/observation-attributes.js';
export type {
  ObservationStats,
  ObservationSummary,
  ObservedData,
  SamplingEntry,
} from './observe/observation-manager.js';
export type {
  ExecuteArgument,
  ExecuteArguments,
  ExecuteArgumentsResult,
} from './operations/execute-arguments.js';
export type { RequestStats } from './operations/refusal-log.js';
export { LWM2M_1_1_CORE_VERSIONS } from './registration/object-versions.js';
export type {
  RegistrationState,
  RegistrationStateChange,
  RegistrationTimingOptions,
} from './registration/registration-manager.js';
export type { ServerSettings } from './registration/server-account.js';
export type { SendEntry, SendOptions, SendResult, SendStatus } from './send/send-reporter.js';
