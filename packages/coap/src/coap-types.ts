/**
 * The contract between the socket-free CoAP endpoint and its users (the LwM2M client engine,
 * later the LwM2M server). Transports (UDP, DTLS) only move datagrams.
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
