/** A socket-free CoAP endpoint: the transports hand it datagrams, it hands them back to send. */
export * from './coap-types.js';
export {
  CoapEndpoint,
  type CoapEndpointStats,
  type CoapNotifyOptions,
  type CoapRequestOptions,
} from './endpoint/coap-endpoint.js';
export {
  type CoapEndpointLimits,
  type CoapEndpointOptions,
  defaultEndpointLimits,
} from './endpoint/endpoint-options.js';
export type { DropReason, MessageTypeCounts } from './endpoint/endpoint-stats.js';
export { admitEveryPeer, type PeerAdmission } from './endpoint/peer-admission.js';
export { describePeer, peerKeyOf } from './endpoint/peer-key.js';
export type { CoapRequestHandler } from './exchange/request-responder.js';
export {
  defaultTransmissionParameters,
  maxTransmitWait,
  type TransmissionParameters,
} from './exchange/transmission-parameters.js';
export type { ObservationResetListener } from './observe/notification-scheduler.js';
export type { CoapNotificationListener } from './observe/observer.js';
