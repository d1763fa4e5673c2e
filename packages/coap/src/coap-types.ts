/**
 * The contract between the socket-free CoAP endpoint and its users (the LwM2M client and server
 * engines). Transports (UDP, DTLS) only move datagrams.
 */

/** Who a datagram came from / goes to. For DTLS, the session's peer. */
export interface PeerAddress {
  readonly address: string;
  readonly port: number;
}

export type CoapMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'FETCH' | 'PATCH' | 'IPATCH';

/** A CoAP response or error code in dotted form: "2.05", "4.04". */
export type CoapCode = `${2 | 4 | 5}.${string}`;

export interface CoapOption {
  readonly number: number;
  readonly value: Uint8Array;
}

/** An incoming request, after de-duplication and (Block1) reassembly. */
export interface CoapIncomingRequest {
  readonly peer: PeerAddress;
  readonly method: CoapMethod;
  readonly confirmable: boolean;
  readonly token: Uint8Array;
  /** Uri-Path segments, decoded. */
  readonly uriPath: readonly string[];
  /** Uri-Query items, decoded ("pmin=10", "ep=abc"). */
  readonly uriQuery: readonly string[];
  readonly contentFormat: number | undefined;
  readonly accept: number | undefined;
  /** Observe option value: 0 register, 1 deregister, undefined when absent. */
  readonly observe: number | undefined;
  readonly payload: Uint8Array;
  /** All options, for anything not decoded above. */
  readonly options: readonly CoapOption[];
}

/** What a request handler answers. The endpoint adds Block2 when the payload is large. */
export interface CoapOutgoingResponse {
  readonly code: CoapCode;
  readonly contentFormat?: number;
  readonly payload?: Uint8Array;
  readonly locationPath?: readonly string[];
  /** Set on the first response to an Observe=0 request that the engine accepted. */
  readonly observe?: number;
  readonly maxAge?: number;
}

/** An outgoing request (Register, Update, De-register, Send). */
export interface CoapOutgoingRequest {
  readonly method: CoapMethod;
  readonly uriPath: readonly string[];
  readonly uriQuery?: readonly string[];
  readonly contentFormat?: number;
  readonly accept?: number;
  readonly payload?: Uint8Array;
  /** Default true. */
  readonly confirmable?: boolean;
}

export interface CoapIncomingResponse {
  readonly code: CoapCode;
  readonly contentFormat: number | undefined;
  readonly payload: Uint8Array;
  readonly locationPath: readonly string[];
  readonly options: readonly CoapOption[];
}

/** A request that registers an observation (RFC 7641 §3.1): the endpoint adds Observe=0 and a token. */
export interface CoapObserveRequest extends CoapOutgoingRequest {
  readonly method: 'GET' | 'FETCH';
}

/** A notification of an observation this endpoint holds, in the order the Observe numbers allow. */
export interface CoapNotification extends CoapIncomingResponse {
  /**
   * The Observe sequence number; undefined on a final response (no Observe option, or a code that
   * is not 2.xx), which ends the observation.
   */
  readonly observe: number | undefined;
  readonly confirmable: boolean;
}

/** Why an observation this endpoint held is over. */
export type CoapObservationEnd =
  /** The first response carried no Observe option or a code other than 2.xx: never established. */
  | 'not-accepted'
  /** A notification without Observe or with a code other than 2.xx ended it. */
  | 'final'
  /** `cancel()` or dispose. */
  | 'cancelled'
  /** The endpoint was closed. */
  | 'closed';

export interface CoapCancelOptions {
  /**
   * true: send GET (or FETCH) with Observe=1 and the observation's token (RFC 7641 §3.6) and resolve
   * with its response. false (default): forget the observation; the next notification on its
   * token is answered with RST, which ends it at the notifier.
   */
  readonly active?: boolean;
  /** Deadline for the active deregistration request. */
  readonly timeoutMs?: number;
}

/**
 * An observation this endpoint holds (the observer role). `[Symbol.dispose]` cancels passively;
 * `[Symbol.asyncDispose]` cancels actively and forgets the observation even when that request fails.
 */
export interface CoapObservation extends Disposable, AsyncDisposable {
  readonly peer: PeerAddress;
  /** The token of the registration request; every notification carries it. */
  readonly token: Uint8Array;
  /** The first response (block-wise bodies joined). */
  readonly response: CoapIncomingResponse;
  /** Whether the peer accepted: a 2.xx first response with an Observe option. */
  readonly observing: boolean;
  /** Settles once, when the observation is over (at once when it was not accepted). */
  readonly ended: Promise<CoapObservationEnd>;
  /** Resolves with the deregistration's response when active, undefined when passive or already over. */
  cancel(options?: CoapCancelOptions): Promise<CoapIncomingResponse | undefined>;
}

/** Outcome of a notification the engine asked the endpoint to send. */
export type NotificationOutcome =
  | 'sent' /** NON, handed to the transport */
  | 'acknowledged' /** CON, ACKed */
  | 'reset' /** the observer answered RST: the observation is over */
  | 'timeout' /** CON, no ACK after MAX_RETRANSMIT: the observation is over */
  | 'dropped'; /** queue full or endpoint closed; counted */

/** Where the endpoint sends datagrams; implemented by the UDP and DTLS transports. */
export interface DatagramSink {
  send(datagram: Uint8Array, peer: PeerAddress): void;
}
