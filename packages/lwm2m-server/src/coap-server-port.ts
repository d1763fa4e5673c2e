import type {
  CoapIncomingRequest,
  CoapIncomingResponse,
  CoapNotification,
  CoapObservation,
  CoapObserveRequest,
  CoapOutgoingRequest,
  CoapOutgoingResponse,
  PeerAddress,
} from '@lwm2m-adapters/coap';

export interface CoapPortRequestOptions {
  /** Deadline for the whole exchange (all blocks). */
  readonly timeoutMs?: number;
}

/**
 * What the server engine needs of a CoAP endpoint such as `CoapEndpoint` (@lwm2m-adapters/coap),
 * described structurally: the engine never sees a socket, only this port and a Clock.
 */
export interface CoapServerPort {
  /** One handler at a time; undefined removes it. The engine answers synchronously. */
  onRequest(handler: ((request: CoapIncomingRequest) => CoapOutgoingResponse) | undefined): void;
  request(
    peer: PeerAddress,
    request: CoapOutgoingRequest,
    options?: CoapPortRequestOptions,
  ): Promise<CoapIncomingResponse>;
  observe(
    peer: PeerAddress,
    request: CoapObserveRequest,
    onNotification: (notification: CoapNotification) => void,
    options?: CoapPortRequestOptions,
  ): Promise<CoapObservation>;
}
