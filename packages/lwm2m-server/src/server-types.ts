import type { CoapCancelOptions, CoapCode, CoapObservationEnd, PeerAddress } from '@lwm2m-adapters/coap';
import type { CodedError } from '@lwm2m-adapters/errors';
import type {
  LwM2mNode,
  LwM2mPath,
  ObjectLinkEntry,
  PathNode,
  ResourceNode,
  TimestampedPathNode,
} from '@lwm2m-adapters/lwm2m-core';
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
  /**
   * Deadline of the request once it is sent (all blocks); default the server's `requestTimeoutMs`.
   * A request waiting for a queue-mode client to wake up is bounded by `queueMode.maxWaitMs` first.
   */
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

/** Discover: the links of a 2.05 (Core §5.4.2, §6.3.2). */
export interface DiscoverResponse extends Lwm2mResponse {
  /**
   * The links with their attributes (`ver`, `dim`, pmin...). Paths as the client's data model
   * names them: without the gateway prefix and alternate path (either is stripped if a client
   * includes it).
   */
  readonly links: readonly ObjectLinkEntry[] | undefined;
}

/**
 * The instance a Create makes: with `id` the server names it (`node.instance(...)` fits), without
 * it the client assigns one (the request then goes in TLV, the one format that can leave it out).
 */
export interface CreateInstance {
  readonly id?: number | undefined;
  readonly resources: readonly ResourceNode[];
}

export interface CreateOptions extends RequestOptions {
  /** Content-Format of the payload; default: see `Lwm2mServer.create`. */
  readonly format?: number;
}

export interface CreateResponse extends Lwm2mResponse {
  /** The new instance's id: from the 2.01's Location-Path, else the id the request named. */
  readonly instanceId: number | undefined;
}

export interface CompositeReadOptions extends RequestOptions {
  /** Content-Format of the path list: SenML CBOR (112) or JSON (110); default negotiated. */
  readonly format?: number;
  /** Accept for the answer (110, 112, 11544); default none: the client answers in `format`. */
  readonly accept?: number;
}

/** Read-Composite and Observe-Composite: the decoded values of a 2.05, by path. */
export interface CompositeContentResponse extends Lwm2mResponse {
  /** One entry per requested path the client had (Read-Composite is best effort). */
  readonly nodes: readonly PathNode[] | undefined;
  readonly contentFormat: number | undefined;
}

export interface CompositeWriteOptions extends RequestOptions {
  /** Content-Format: SenML CBOR (112), SenML JSON (110) or LwM2M CBOR (11544); default negotiated. */
  readonly format?: number;
}

export interface CompositeObserveOptions extends CompositeReadOptions {
  /** Called with each notification of this observation (the 'compositeNotification' event too). */
  readonly onNotification?: (notification: ServerCompositeNotification) => void;
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

/** An Observe-Composite the server holds at a client (cancelled with the same path list). */
export interface ServerCompositeObservation {
  readonly registrationId: string;
  readonly endpoint: string;
  /** The observed paths as requested (with their gateway prefixes, if any). */
  readonly paths: readonly LwM2mPath[];
  readonly token: Uint8Array;
  /** The Content-Format of the path list. */
  readonly format: number;
  /** The Accept of the request, if any. */
  readonly accept: number | undefined;
  readonly ended: Promise<ServerObservationEnd>;
  /** Active (FETCH with Observe=1 and the same path list) or passive (default). */
  cancel(options?: CoapCancelOptions): Promise<Lwm2mResponse | undefined>;
}

export interface CompositeObserveResponse extends CompositeContentResponse {
  /** Set when the client accepted the observation (2.05 with Observe). */
  readonly observation: ServerCompositeObservation | undefined;
}

/** A notification of an Observe-Composite the server holds. */
export interface ServerCompositeNotification {
  readonly observation: ServerCompositeObservation;
  readonly registration: Registration;
  readonly paths: readonly LwM2mPath[];
  readonly code: CoapCode;
  readonly observe: number | undefined;
  readonly confirmable: boolean;
  readonly contentFormat: number | undefined;
  /** The decoded values of a 2.05 notification (decoded on first access). */
  readonly nodes: readonly PathNode[] | undefined;
  /** Why `nodes` is undefined although the code is 2.05. */
  readonly error: CodedError | undefined;
  readonly payload: Uint8Array;
}

/** Whether a queue-mode client can be reached now: for a while after each message from it. */
export type ClientPresence = 'awake' | 'asleep';

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
  readonly compositeNotification: ServerCompositeNotification;
  /** A queue-mode client became reachable (Register, Update, or any message after it slept). */
  readonly awake: { readonly registration: Registration };
  /** A queue-mode client's awake time passed (or a request to it timed out): requests wait. */
  readonly asleep: { readonly registration: Registration };
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
  /** Notifications delivered, single and composite. */
  readonly notifications: number;
  /** Downlink requests (each CoAP exchange, a format retry included) by outcome. */
  readonly requests: Lwm2mRequestStats;
  /** Queue mode: what waits for sleeping clients, and what was dropped. */
  readonly queue: Lwm2mQueueStats;
}

export interface Lwm2mRequestStats {
  readonly sent: number;
  /** Answered 2.xx. */
  readonly success: number;
  /** Answered 4.xx. */
  readonly clientErrors: number;
  /** Answered 5.xx. */
  readonly serverErrors: number;
  /** No answer in time (COAP_TIMEOUT). */
  readonly timeouts: number;
  /** Failed otherwise (reset, endpoint closed, limits of the CoAP endpoint). */
  readonly failures: number;
  /** Requests sent again in the next content format after a 4.15 or 4.06. */
  readonly formatRetries: number;
}

export interface Lwm2mQueueStats {
  /** Requests waiting now, all clients together. */
  readonly queued: number;
  /** The longest queue of one client now. */
  readonly deepest: number;
  /** Queue-mode clients asleep now. */
  readonly asleep: number;
  /** Requests that waited and were sent when their client woke up. */
  readonly flushed: number;
  /** Refused because the client's queue was full (QUEUE_FULL). */
  readonly overflows: number;
  /** Waited longer than `maxWaitMs` (CLIENT_ASLEEP). */
  readonly expired: number;
  /** Dropped because the registration ended or the server closed (SESSION_CLOSED, TRANSPORT_CLOSED). */
  readonly abandoned: number;
}
