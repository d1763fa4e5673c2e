/** The socket-free LwM2M server engine: registrations, queue mode, Send intake, typed device-management requests. */
export type { CoapPortRequestOptions, CoapServerPort, PeerSecurity } from './coap-server-port.js';
export type {
  EndDeviceChanges,
  EndDeviceRegistration,
  EndDeviceRemovalReason,
} from './gateway/end-device-registration.js';
export {
  type ChildrenChangedEvent,
  type DeviceTarget,
  GatewayChildren,
  type GatewayChildrenEvents,
  type GatewayChildrenOptions,
  type GatewayState,
  type GatewaySyncCause,
  type GatewaySyncFailedEvent,
  type ResolvedTarget,
} from './gateway/gateway-children.js';
export {
  GATEWAY_OBJECT_ID,
  type GatewayObjectContent,
  type GatewayObjectEntry,
  type GatewayObjectProblem,
  readGatewayObject,
} from './gateway/gateway-object.js';
export {
  Lwm2mServer,
  type Lwm2mServerOptions,
  type Lwm2mServerRegistrationOptions,
} from './lwm2m-server.js';
export type { DeregistrationReason, Registration } from './registration/registration.js';
export {
  DEFAULT_BINDING,
  DEFAULT_LIFETIME_S,
  DEFAULT_LWM2M_VERSION,
} from './registration/registration-params.js';
export type { NotificationAttributes } from './requests/notification-attributes.js';
export {
  DEFAULT_AWAKE_TIME_MS,
  DEFAULT_MAX_QUEUED_PER_CLIENT,
  DEFAULT_MAX_WAIT_MS,
  type QueueModeOptions,
} from './requests/request-queue.js';
export type * from './server-types.js';
