import type {
  CoapIncomingRequest,
  CoapIncomingResponse,
  CoapOutgoingRequest,
  CoapOutgoingResponse,
  NotificationOutcome,
  PeerAddress,
} from '@lwm2m-adapters/coap';

/**
 * Answers one request from the server. `undefined` means "ignore it": send no response at all, so
 * a CON request is retransmitted by the server (the client ignores DM requests that arrive before
 * its Register was answered, Core §6.2.1). An endpoint that cannot stay silent may answer 5.03.
 */
export type LwM2mRequestHandler = (request: CoapIncomingRequest) => Promise<CoapOutgoingResponse | undefined>;

export interface NotifyOptions {
  readonly confirmable: boolean;
}

/**
 * What the client engine needs from the CoAP endpoint (@lwm2m-adapters/coap). The engine opens
 * no socket and sets no real timer: it only talks through this link and an Clock.
 */
export interface LwM2mCoapLink {
  /**
   * Sends a request (Register, Update, De-register, Send) and resolves with the response.
   * Rejects with a CodedError (COAP_TIMEOUT after all retransmissions, COAP_RESET, TRANSPORT_CLOSED...).
   */
  request(peer: PeerAddress, request: CoapOutgoingRequest): Promise<CoapIncomingResponse>;
  /** Sends one notification for the observation identified by `token` towards `peer`. */
  notify(
    peer: PeerAddress,
    token: Uint8Array,
    response: CoapOutgoingResponse,
    options: NotifyOptions,
  ): Promise<NotificationOutcome>;
  /** Installs the handler for incoming requests; the returned function removes it. */
  onRequest(handler: LwM2mRequestHandler): () => void;
  /**
   * Optional: reports an observer's RST to any notification (also a NON one), so the engine ends
   * that observation at once. Without it the observation ends at the next notification's 'reset'.
   */
  onObservationReset?(listener: (peer: PeerAddress, token: Uint8Array) => void): () => void;
  /**
   * Optional: restricts which peers the endpoint hears at all (before it keeps any state for them:
   * de-duplication, Block1/Block2 transfers, observations); others get 4.01 or RST. The engine
   * admits its server only. The returned function lifts the restriction.
   */
  admitPeers?(accept: (peer: PeerAddress) => boolean): () => void;
}
