/** The socket-free LwM2M server engine: registrations, queue mode, Send intake, typed device-management requests. */
export type { CoapPortRequestOptions, CoapServerPort } from './coap-server-port.js';
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
