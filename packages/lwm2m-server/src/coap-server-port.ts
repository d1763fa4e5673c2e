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
  /**
   * How the port tells peers apart, when address and port are not enough (a port that carries
   * several transports, e.g. CoAP and CoAPS, where one address:port may appear on both).
   * Default: address and port.
   */
  peerKey?(peer: PeerAddress): string;
}

/**
 * Who a peer is, for a server that takes secure clients: the composition root answers from its
 * transports (the DTLS session's PSK identity) and its security store.
 */
export interface PeerSecurity {
  /** The authenticated identity of the peer's secure session; undefined for NoSec. */
  identityOf(peer: PeerAddress): string | undefined;
  /**
   * Whether a client may register as `endpoint` over a session with `identity` (undefined: NoSec):
   * true, or the reason it may not (answered 4.03 and logged by the caller's listener).
   */
  authorize(endpoint: string, identity: string | undefined): true | string;
}
