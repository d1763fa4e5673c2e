import type { CoapCancelOptions, CoapCode, CoapObservationEnd, PeerAddress } from '@lwm2m-adapters/coap';
import type { CodedError } from '@lwm2m-adapters/errors';
import type { LwM2mNode, LwM2mPath, TimestampedPathNode } from '@lwm2m-adapters/lwm2m-core';
import type { DeregistrationReason, Registration } from './registration/registration.js';

/**
 * A downlink request goes to a registration: by endpoint name, or by a registration (its id; a
 * registration that was replaced or ended is refused, even when the endpoint registered again).
 */
export type RegistrationTarget = Pick<Registration, 'id' | 'endpoint'> | string;

/** The outcome of a downlink request: the client's response code. */
export interface Lwm2mResponse {
  readonly code: CoapCode;
  /** A 2.xx code. */
  readonly success: boolean;
  /** The diagnostic text of an error response, if it carried one. */
  readonly diagnostic: string | undefined;
}

/** Read and Observe: the decoded content of a 2.05. */
export interface ContentResponse extends Lwm2mResponse {
  readonly node: LwM2mNode | undefined;
  readonly contentFormat: number | undefined;
}

export interface RequestOptions {
  /** Deadline of the request (all blocks); default the server's `requestTimeoutMs`. */
  readonly timeoutMs?: number;
}

export interface ReadOptions extends RequestOptions {
  /** Accept; without it the client chooses (its answer's Content-Format is decoded). */
  readonly format?: number;
}

export interface WriteOptions extends RequestOptions {
  /** 'replace' (PUT, the default) or 'update' (POST, partial update). */
  readonly mode?: 'replace' | 'update';
  /** Content-Format of the payload; default: see `Lwm2mServer.write`. */
  readonly format?: number;
}

export interface ExecuteOptions extends RequestOptions {
  /** Execute arguments (Core §5.4.5), e.g. `0='ON',1`; sent as text/plain. */
  readonly arguments?: string;
}

export interface ObserveOptions extends ReadOptions {
  /** Called with each notification of this observation (the server's 'notification' event too). */
  readonly onNotification?: (notification: ServerNotification) => void;
}

/** Why a server-side observation is over: the CoAP reasons, or the registration ended. */
export type ServerObservationEnd = CoapObservationEnd | 'deregistered';

/** An observation the server holds at a client. */
export interface ServerObservation {
  readonly registrationId: string;
  readonly endpoint: string;
  /** The observed path as requested (with its gateway prefix, if any). */
  readonly path: LwM2mPath;
  readonly token: Uint8Array;
  /** The Accept of the Observe request, if any. */
  readonly format: number | undefined;
  /** Settles once, when the observation is over. */
  readonly ended: Promise<ServerObservationEnd>;
  /**
   * Cancel Observation (Core §5.4.7): active (`{ active: true }`: GET with Observe=1, resolving
   * with the client's response) or passive (default: forgotten, the next notification gets RST).
   */
  cancel(options?: CoapCancelOptions): Promise<Lwm2mResponse | undefined>;
}

export interface ObserveResponse extends ContentResponse {
  /** Set when the client accepted the observation (2.05 with Observe). */
  readonly observation: ServerObservation | undefined;
}

/** A notification of an observation the server holds. */
export interface ServerNotification {
  readonly observation: ServerObservation;
  readonly registration: Registration;
  readonly path: LwM2mPath;
  readonly code: CoapCode;
  /** The Observe number; undefined on the final response that ended the observation. */
  readonly observe: number | undefined;
  readonly confirmable: boolean;
  readonly contentFormat: number | undefined;
  /** The decoded value of a 2.05 notification (decoded on first access). */
  readonly node: LwM2mNode | undefined;
  /** Why `node` is undefined although the code is 2.05: no Content-Format, or the payload did not decode. */
  readonly error: CodedError | undefined;
  /** The payload as received. */
  readonly payload: Uint8Array;
}

export interface SendEvent {
  readonly registration: Registration;
  readonly values: readonly TimestampedPathNode[];
  readonly contentFormat: number;
  /** Bytes of the Send payload (all blocks). */
  readonly payloadBytes: number;
}

export interface SendRejectedEvent {
  /** Undefined when no client is registered from the Send's address. */
  readonly registration: Registration | undefined;
  readonly peer: PeerAddress;
  /** What the client was answered: 4.03 (not registered), 4.15 (format), 4.00 (undecodable). */
  readonly code: CoapCode;
  readonly reason: string;
}

/** A Register, Update or De-register refused by the security policy (answered 4.03). */
export interface RegistrationRefusedEvent {
  readonly endpoint: string;
  readonly peer: PeerAddress;
  /** The peer's security identity (PSK identity), undefined for NoSec. */
  readonly identity: string | undefined;
  readonly reason: string;
}

/** Events of the server, each a ListenerSet (`server.on(name, listener)`). */
export interface Lwm2mServerEvents {
  /** A Register was accepted; `replaced` is the endpoint's previous registration, now gone. */
  readonly registered: { readonly registration: Registration; readonly replaced: Registration | undefined };
  readonly updated: { readonly registration: Registration; readonly previous: Registration };
  readonly deregistered: { readonly registration: Registration; readonly reason: DeregistrationReason };
  /** A Send (POST /dp) was decoded and answered 2.04. */
  readonly send: SendEvent;
  readonly sendRejected: SendRejectedEvent;
  readonly registrationRefused: RegistrationRefusedEvent;
  readonly notification: ServerNotification;
}

/** Counters since the server started, and what it holds now. */
export interface Lwm2mServerStats {
  readonly registrations: number;
  readonly observations: number;
  readonly registers: number;
  readonly updates: number;
  readonly deregistrations: number;
  readonly expirations: number;
  /** Register/Update/De-register requests answered with an error. */
  readonly registrationErrors: number;
  /** Of those, refused by the security policy (4.03). */
  readonly registrationsRefused: number;
  readonly sends: number;
  readonly sendsRejected: number;
  readonly notifications: number;
}
