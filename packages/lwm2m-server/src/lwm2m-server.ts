import type {
  CoapCode,
  CoapIncomingRequest,
  CoapIncomingResponse,
  CoapNotification,
  CoapOutgoingRequest,
  CoapOutgoingResponse,
  PeerAddress,
} from '@lwm2m-adapters/coap';
import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { type Clock, ListenerSet, systemClock } from '@lwm2m-adapters/kit';
import {
  ContentFormat,
  type CoreLink,
  decodeLinks,
  LwM2mCodecs,
  type LwM2mCodecsOptions,
  type LwM2mNode,
  LwM2mPath,
  type ObjectModel,
  parseRegistrationLinks,
  type RegistrationLinks,
} from '@lwm2m-adapters/lwm2m-core';
import type { CoapServerPort, PeerSecurity } from './coap-server-port.js';
import type { Registration } from './registration/registration.js';
import { parseRegisterParams, parseUpdateParams } from './registration/registration-params.js';
import { RegistrationStore } from './registration/registration-store.js';
import {
  formatNotificationAttributes,
  type NotificationAttributes,
} from './requests/notification-attributes.js';
import { ReceivedNotification } from './requests/received-notification.js';
import { toResponse } from './requests/responses.js';
import { HeldServerObservation, ServerObservations } from './requests/server-observations.js';
import type {
  ContentResponse,
  ExecuteOptions,
  Lwm2mResponse,
  Lwm2mServerEvents,
  Lwm2mServerStats,
  ObserveOptions,
  ObserveResponse,
  ReadOptions,
  RegistrationTarget,
  RequestOptions,
  ServerObservation,
  WriteOptions,
} from './server-types.js';

export interface Lwm2mServerRegistrationOptions {
  /** Waited past a lifetime before the registration expires. Default 15 s. */
  readonly graceMs?: number;
  /** Registrations held at once; a Register beyond it is answered 5.03. Default 65,536. */
  readonly maxRegistrations?: number;
  /** Registration ids (unique among those held). Default: 10 random characters [0-9a-zA-Z]. */
  readonly newId?: () => string;
}

export interface Lwm2mServerOptions {
  /** The CoAP endpoint the server answers on and sends its requests through (`CoapEndpoint`). */
  readonly endpoint: CoapServerPort;
  /** Object definitions for the codecs (e.g. `ObjectRegistry.withOmaObjects()`). */
  readonly model: ObjectModel;
  /** Default: the system clock. Tests pass a fake one. */
  readonly clock?: Clock;
  readonly codecs?: LwM2mCodecsOptions;
  readonly registration?: Lwm2mServerRegistrationOptions;
  /** Deadline of downlink requests unless a call names one. Default: CoAP's own (93 s for CON). */
  readonly requestTimeoutMs?: number;
  /**
   * Who peers are and which endpoints they may register as (DTLS PSK). Default: every peer is NoSec
   * and may register any endpoint name.
   */
  readonly security?: PeerSecurity;
  /** A listener threw (never breaks the server). Default: ignored. */
  readonly onListenerError?: (error: unknown) => void;
}

type EventListeners = { readonly [K in keyof Lwm2mServerEvents]: ListenerSet<Lwm2mServerEvents[K]> };

const DEFAULT_GRACE_MS = 15_000;
const DEFAULT_MAX_REGISTRATIONS = 65_536;
const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Formats a client may be asked to take a Write in, by preference, when it advertised them (`ct`). */
const WRITE_FORMATS: readonly number[] = [
  ContentFormat.SENML_CBOR,
  ContentFormat.LWM2M_CBOR,
  ContentFormat.SENML_JSON,
  ContentFormat.TLV,
];

const utf8 = new TextEncoder();

function randomId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(10));
  let id = '';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

function failure(code: CoapCode, reason: string): CoapOutgoingResponse {
  return { code, payload: utf8.encode(reason) };
}

const toPath = (path: string | LwM2mPath) => (typeof path === 'string' ? LwM2mPath.parse(path) : path);

/**
 * A socket-free LwM2M 1.1 server engine on a CoAP endpoint port. It answers the registration
 * interface (Register, Update and De-register on /rd, with lifetimes that expire on the injected
 * clock) and Send (/dp, decoded with the lwm2m-core codecs), and sends typed device-management
 * requests to registered clients: Read, Write, Write-Attributes, Execute, Observe and its
 * cancellation. Events go to ListenerSets (`on`).
 *
 *   const endpoint = new CoapEndpoint({ sink: transport });
 *   transport.setReceiver(endpoint);
 *   const server = new Lwm2mServer({ endpoint, model: ObjectRegistry.withOmaObjects() });
 *   server.on('registered', ({ registration }) => void server.read(registration, '/3/0'));
 */
export class Lwm2mServer {
  readonly #port: CoapServerPort;
  readonly #clock: Clock;
  readonly #codecs: LwM2mCodecs;
  readonly #store: RegistrationStore;
  readonly #observations = new ServerObservations();
  readonly #events: EventListeners;
  readonly #onListenerError: (error: unknown) => void;
  readonly #defaultTimeout: RequestOptions;
  readonly #security: PeerSecurity | undefined;
  readonly #counters = {
    registers: 0,
    updates: 0,
    deregistrations: 0,
    expirations: 0,
    registrationErrors: 0,
    registrationsRefused: 0,
    sends: 0,
    sendsRejected: 0,
    notifications: 0,
  };
  #closed = false;

  constructor(options: Lwm2mServerOptions) {
    this.#port = options.endpoint;
    this.#security = options.security;
    this.#clock = options.clock ?? systemClock;
    this.#codecs = new LwM2mCodecs(options.model, options.codecs);
    this.#defaultTimeout =
      options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs };
    const onListenerError = options.onListenerError ?? (() => {});
    this.#onListenerError = onListenerError;
    this.#events = {
      registered: new ListenerSet(onListenerError),
      updated: new ListenerSet(onListenerError),
      deregistered: new ListenerSet(onListenerError),
      send: new ListenerSet(onListenerError),
      sendRejected: new ListenerSet(onListenerError),
      registrationRefused: new ListenerSet(onListenerError),
      notification: new ListenerSet(onListenerError),
    };
    const registration = options.registration ?? {};
    this.#store = new RegistrationStore({
      clock: this.#clock,
      graceMs: registration.graceMs ?? DEFAULT_GRACE_MS,
      maxRegistrations: registration.maxRegistrations ?? DEFAULT_MAX_REGISTRATIONS,
      newId: registration.newId ?? randomId,
      ...(this.#port.peerKey === undefined ? {} : { peerKey: (peer) => this.#port.peerKey!(peer) }),
      onExpired: (expired) => {
        this.#counters.expirations++;
        this.#ended(expired, 'expired');
      },
    });
    this.#port.onRequest((request) => this.#handle(request));
  }

  on<K extends keyof Lwm2mServerEvents>(
    event: K,
    listener: (payload: Lwm2mServerEvents[K]) => void,
  ): () => void {
    return (this.#events[event] as ListenerSet<Lwm2mServerEvents[K]>).add(listener);
  }

  /** The current registrations. */
  registrations(): Registration[] {
    return this.#store.all();
  }

  /** The current registration of an endpoint name, if any. */
  registration(endpoint: string): Registration | undefined {
    return this.#store.byEndpoint(endpoint);
  }

  /** The latest registration from an address (how Send finds its client), if any. */
  registrationFrom(peer: PeerAddress): Registration | undefined {
    return this.#store.byPeer(peer);
  }

  /** The observations held, all or those of one registration. */
  observations(target?: RegistrationTarget): ServerObservation[] {
    if (target === undefined) return this.#observations.all();
    const registration = this.#find(target);
    return registration === undefined ? [] : this.#observations.of(registration.id);
  }

  stats(): Lwm2mServerStats {
    return {
      registrations: this.#store.size,
      observations: this.#observations.size,
      ...this.#counters,
    };
  }

  /** Read (GET): the client's response code and the decoded node of a 2.05. */
  async read(
    target: RegistrationTarget,
    path: string | LwM2mPath,
    options: ReadOptions = {},
  ): Promise<ContentResponse> {
    const registration = this.#current(target);
    const parsed = toPath(path);
    const response = await this.#request(
      registration,
      this.#get(registration, parsed, options.format),
      options,
    );
    return this.#content(response, parsed, options.format);
  }

  /**
   * Write: PUT (replace, the default) or POST (`mode: 'update'`, partial update) with `node`
   * encoded in `options.format`, else text/opaque for a single resource, else the first of SenML
   * CBOR, LwM2M CBOR, SenML JSON and TLV the client advertised (`ct`), else TLV for an LwM2M 1.0
   * client and SenML CBOR for a later one.
   */
  async write(
    target: RegistrationTarget,
    path: string | LwM2mPath,
    node: LwM2mNode,
    options: WriteOptions = {},
  ): Promise<Lwm2mResponse> {
    const registration = this.#current(target);
    const parsed = toPath(path);
    const format = options.format ?? this.#writeFormat(registration, node);
    const payload = this.#codecs.encode(node, parsed, format);
    const response = await this.#request(
      registration,
      {
        method: options.mode === 'update' ? 'POST' : 'PUT',
        uriPath: this.#uriPath(registration, parsed),
        contentFormat: format,
        payload,
      },
      options,
    );
    return toResponse(response);
  }

  /** Write-Attributes (PUT with the attributes as Uri-Query, no payload). */
  async writeAttributes(
    target: RegistrationTarget,
    path: string | LwM2mPath,
    attributes: NotificationAttributes,
    options: RequestOptions = {},
  ): Promise<Lwm2mResponse> {
    const registration = this.#current(target);
    const uriQuery = formatNotificationAttributes(attributes);
    const response = await this.#request(
      registration,
      { method: 'PUT', uriPath: this.#uriPath(registration, toPath(path)), uriQuery },
      options,
    );
    return toResponse(response);
  }

  /** Execute (POST, with the arguments as text/plain when given). */
  async execute(
    target: RegistrationTarget,
    path: string | LwM2mPath,
    options: ExecuteOptions = {},
  ): Promise<Lwm2mResponse> {
    const registration = this.#current(target);
    const uriPath = this.#uriPath(registration, toPath(path));
    const request: CoapOutgoingRequest =
      options.arguments === undefined
        ? { method: 'POST', uriPath }
        : {
            method: 'POST',
            uriPath,
            contentFormat: ContentFormat.TEXT,
            payload: utf8.encode(options.arguments),
          };
    return toResponse(await this.#request(registration, request, options));
  }

  /**
   * Observe (GET with Observe=0): the first response, decoded, and the observation when the client
   * accepted. Its notifications are decoded and go to `options.onNotification` and the
   * 'notification' event. An observation ends when the client sends a final response, when it is
   * cancelled, and (passively) when its registration ends.
   */
  async observe(
    target: RegistrationTarget,
    path: string | LwM2mPath,
    options: ObserveOptions = {},
  ): Promise<ObserveResponse> {
    const registration = this.#current(target);
    const parsed = toPath(path);
    const observation = new HeldServerObservation(
      registration,
      parsed,
      options.format,
      options.onNotification,
      this.#forgetObservation,
    );
    // the endpoint delivers no notification before its observe() resolved: `attach` comes first
    const coap = await this.#port.observe(
      registration.peer,
      this.#get(registration, parsed, options.format),
      (notification) => this.#notify(observation, notification),
      this.#timeout(options),
    );
    if (!coap.observing)
      return { ...this.#content(coap.response, parsed, options.format), observation: undefined };
    observation.attach(coap);
    let content: ContentResponse;
    try {
      content = this.#content(coap.response, parsed, options.format);
    } catch (error) {
      void observation.cancel(); // the caller gets no handle: nobody could cancel it later
      throw error;
    }
    this.#observations.add(observation);
    // the client went away while the Observe was out
    if (this.#store.byId(registration.id) === undefined) observation.drop('deregistered');
    const { code, success, diagnostic, node, contentFormat } = content;
    return { code, success, diagnostic, node, contentFormat, observation };
  }

  /**
   * Stops answering (the request handler is removed), forgets every registration and observation
   * (passively) and stops the expiry timers. No events are emitted. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#port.onRequest(undefined);
    for (const registration of this.#store.all()) this.#observations.dropAll(registration.id, 'deregistered');
    this.#store.clear();
  }

  // -------------------------------------------------------------------------------------------
  // requests from clients

  #handle(request: CoapIncomingRequest): CoapOutgoingResponse {
    const [first, id, ...rest] = request.uriPath;
    if (first === 'rd' && rest.length === 0) {
      const response = this.#registrationInterface(request, id);
      if (!response.code.startsWith('2.')) this.#counters.registrationErrors++;
      return response;
    }
    if (first === 'dp' && id === undefined) {
      return request.method === 'POST' ? this.#send(request) : failure('4.05', 'Send is a POST');
    }
    return failure('4.04', `no resource /${request.uriPath.join('/')}`);
  }

  #registrationInterface(request: CoapIncomingRequest, id: string | undefined): CoapOutgoingResponse {
    if (id === undefined) {
      return request.method === 'POST' ? this.#register(request) : failure('4.05', 'Register is a POST');
    }
    if (request.method === 'POST') return this.#update(request, id);
    if (request.method === 'DELETE') return this.#deregister(request, id);
    return failure('4.05', 'Update is a POST, De-register a DELETE');
  }

  #register(request: CoapIncomingRequest): CoapOutgoingResponse {
    const params = parseRegisterParams(request.uriQuery);
    if (!params.ok) return failure(params.code, params.reason);
    const links = this.#links(request);
    if ('code' in links) return failure(links.code, links.reason);
    const { endpoint, lifetime, lwm2mVersion, binding, queueMode, smsNumber } = params.params;
    const identity = this.#security?.identityOf(request.peer);
    const allowed = this.#security === undefined ? true : this.#security.authorize(endpoint, identity);
    if (allowed !== true) {
      this.#counters.registrationsRefused++;
      this.#events.registrationRefused.emit({ endpoint, peer: request.peer, identity, reason: allowed });
      return failure('4.03', allowed);
    }
    const stored = this.#store.register({
      endpoint,
      peer: request.peer,
      identity,
      lifetime,
      lwm2mVersion,
      binding,
      queueMode,
      smsNumber,
      links: links.links,
      rootPath: links.parsed.rootPath,
      contentFormats: links.parsed.contentFormats,
      objects: links.parsed.objects,
    });
    if (stored === undefined) return failure('5.03', 'the server holds as many registrations as it may');
    this.#counters.registers++;
    if (stored.replaced !== undefined) this.#observations.dropAll(stored.replaced.id, 'deregistered');
    this.#events.registered.emit(stored);
    return { code: '2.01', locationPath: ['rd', stored.registration.id] };
  }

  #update(request: CoapIncomingRequest, id: string): CoapOutgoingResponse {
    const current = this.#store.byId(id);
    if (current === undefined) return failure('4.04', `no registration ${id}`);
    const refused = this.#otherIdentity(current, request);
    if (refused !== undefined) return refused;
    const params = parseUpdateParams(request.uriQuery);
    if (!params.ok) return failure(params.code, params.reason);
    let links: { links: readonly CoreLink[]; parsed: RegistrationLinks } | undefined;
    if (request.payload.length > 0) {
      const parsed = this.#links(request);
      if ('code' in parsed) return failure(parsed.code, parsed.reason);
      links = parsed;
    }
    const updated = this.#store.update(id, {
      ...params.params,
      peer: request.peer,
      ...(links === undefined
        ? {}
        : {
            links: links.links,
            rootPath: links.parsed.rootPath,
            contentFormats: links.parsed.contentFormats,
            objects: links.parsed.objects,
          }),
    });
    if (updated === undefined) return failure('4.04', `no registration ${id}`);
    this.#counters.updates++;
    this.#events.updated.emit(updated);
    return { code: '2.04' };
  }

  #deregister(request: CoapIncomingRequest, id: string): CoapOutgoingResponse {
    const current = this.#store.byId(id);
    if (current === undefined) return failure('4.04', `no registration ${id}`);
    const refused = this.#otherIdentity(current, request);
    if (refused !== undefined) return refused;
    const removed = this.#store.remove(id);
    if (removed === undefined) return failure('4.04', `no registration ${id}`);
    this.#counters.deregistrations++;
    this.#ended(removed, 'deregistered');
    return { code: '2.02' };
  }

  /** 4.03 when a request for a registration comes over another security identity than its Register. */
  #otherIdentity(registration: Registration, request: CoapIncomingRequest): CoapOutgoingResponse | undefined {
    if (this.#security === undefined) return undefined;
    const identity = this.#security.identityOf(request.peer);
    if (identity === registration.identity) return undefined;
    this.#counters.registrationsRefused++;
    const reason = `registration ${registration.id} belongs to another security identity`;
    this.#events.registrationRefused.emit({
      endpoint: registration.endpoint,
      peer: request.peer,
      identity,
      reason,
    });
    return failure('4.03', reason);
  }

  /** The links of a Register/Update payload, or why they are refused (4.15 or 4.00). */
  #links(
    request: CoapIncomingRequest,
  ): { links: readonly CoreLink[]; parsed: RegistrationLinks } | { code: CoapCode; reason: string } {
    if (request.contentFormat !== undefined && request.contentFormat !== ContentFormat.LINK) {
      return {
        code: '4.15',
        reason: `the links must be application/link-format (40), not ${request.contentFormat}`,
      };
    }
    try {
      return { links: decodeLinks(request.payload), parsed: parseRegistrationLinks(request.payload) };
    } catch (error) {
      return { code: '4.00', reason: isCodedError(error) ? error.message : 'the links cannot be parsed' };
    }
  }

  #ended(registration: Registration, reason: 'deregistered' | 'expired'): void {
    this.#observations.dropAll(registration.id, 'deregistered');
    this.#events.deregistered.emit({ registration, reason });
  }

  #send(request: CoapIncomingRequest): CoapOutgoingResponse {
    const registration = this.#store.byPeer(request.peer);
    const reject = (code: CoapCode, reason: string) => {
      this.#counters.sendsRejected++;
      this.#events.sendRejected.emit({ registration, peer: request.peer, code, reason });
      return failure(code, reason);
    };
    if (registration === undefined) return reject('4.03', 'Send from an address with no registration');
    if (this.#security !== undefined && this.#security.identityOf(request.peer) !== registration.identity) {
      return reject('4.03', 'Send over another security identity than the registration');
    }
    const contentFormat = request.contentFormat ?? ContentFormat.SENML_CBOR;
    let values: ReturnType<LwM2mCodecs['decodeTimestampedNodes']>;
    try {
      values = this.#codecs.decodeTimestampedNodes(request.payload, contentFormat);
    } catch (error) {
      if (isCodedError(error, 'CODEC_UNSUPPORTED_FORMAT')) return reject('4.15', error.message);
      return reject('4.00', isCodedError(error) ? error.message : 'the Send payload cannot be decoded');
    }
    this.#counters.sends++;
    this.#events.send.emit({ registration, values, contentFormat, payloadBytes: request.payload.length });
    return { code: '2.04' };
  }

  // -------------------------------------------------------------------------------------------
  // requests to clients

  #find(target: RegistrationTarget): Registration | undefined {
    return typeof target === 'string' ? this.#store.byEndpoint(target) : this.#store.byId(target.id);
  }

  /** The current registration of a target; SESSION_CLOSED when it is not (or no longer) registered. */
  #current(target: RegistrationTarget): Registration {
    if (this.#closed) throw new CodedError('TRANSPORT_CLOSED', 'the LwM2M server is closed');
    const registration = this.#find(target);
    if (registration === undefined) {
      const name = typeof target === 'string' ? target : `${target.endpoint} (registration ${target.id})`;
      throw new CodedError('SESSION_CLOSED', `no client is registered as ${name}`, {
        details: { endpoint: typeof target === 'string' ? target : target.endpoint },
      });
    }
    return registration;
  }

  #uriPath(registration: Registration, path: LwM2mPath): string[] {
    const segments = path.segments();
    return registration.rootPath === '/'
      ? segments
      : [...registration.rootPath.slice(1).split('/'), ...segments];
  }

  #get(registration: Registration, path: LwM2mPath, accept: number | undefined) {
    const uriPath = this.#uriPath(registration, path);
    return accept === undefined
      ? ({ method: 'GET', uriPath } as const)
      : ({ method: 'GET', uriPath, accept } as const);
  }

  /** The CoAP request options of a call: its own deadline, else the server's default. */
  #timeout(options: RequestOptions): RequestOptions {
    return options.timeoutMs !== undefined ? options : this.#defaultTimeout;
  }

  #request(
    registration: Registration,
    request: CoapOutgoingRequest,
    options: RequestOptions,
  ): Promise<CoapIncomingResponse> {
    return this.#port.request(registration.peer, request, this.#timeout(options));
  }

  /** A response with content: the node of a 2.05 is decoded (a payload that does not decode throws). */
  #content(response: CoapIncomingResponse, path: LwM2mPath, accept: number | undefined): ContentResponse {
    const { code, success, diagnostic } = toResponse(response);
    if (code !== '2.05')
      return { code, success, diagnostic, node: undefined, contentFormat: response.contentFormat };
    const format = response.contentFormat ?? accept;
    if (format === undefined) {
      throw new CodedError('CODEC_UNSUPPORTED_FORMAT', `the 2.05 for ${path} names no Content-Format`);
    }
    const node = this.#codecs.decode(response.payload, path, format);
    return { code, success, diagnostic, node, contentFormat: format };
  }

  #writeFormat(registration: Registration, node: LwM2mNode): number {
    if (node.kind === 'resource' || node.kind === 'resource-instance') return this.#codecs.negotiate(node);
    const advertised = WRITE_FORMATS.find((format) => registration.contentFormats.includes(format));
    if (advertised !== undefined) return advertised;
    return registration.lwm2mVersion === '1.0' ? ContentFormat.TLV : ContentFormat.SENML_CBOR;
  }

  readonly #forgetObservation = (observation: HeldServerObservation) =>
    this.#observations.remove(observation);

  #notify(observation: HeldServerObservation, notification: CoapNotification): void {
    if (notification.observe === undefined) observation.finished();
    const registration = this.#store.byId(observation.registrationId);
    if (registration === undefined) return; // its registration ended; the observation is being dropped
    this.#counters.notifications++;
    const event = new ReceivedNotification(observation, registration, notification, this.#codecs);
    const listener = observation.listener;
    if (listener !== undefined) {
      try {
        listener(event);
      } catch (cause) {
        this.#onListenerError(cause);
      }
    }
    if (this.#events.notification.size > 0) this.#events.notification.emit(event);
  }
}
