import type {
  CoapCode,
  CoapIncomingRequest,
  CoapIncomingResponse,
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
  type PathNode,
  parseRegistrationLinks,
  type RegistrationLinks,
} from '@lwm2m-adapters/lwm2m-core';
import type { CoapServerPort, PeerSecurity } from './coap-server-port.js';
import type { Registration } from './registration/registration.js';
import { parseRegisterParams, parseUpdateParams } from './registration/registration-params.js';
import { RegistrationStore } from './registration/registration-store.js';
import {
  compositeContent,
  compositeFetch,
  compositePaths,
  pathListFormatsFor,
  readComposite,
  writeComposite,
} from './requests/composite.js';
import { valueFormats, withFormatFallback } from './requests/content-negotiation.js';
import { create, deleteRequest } from './requests/create-delete.js';
import { discoverContent, discoverRequest } from './requests/discover.js';
import { type ClientExchange, Downlink } from './requests/downlink.js';
import { HeldObservations } from './requests/held-observations.js';
import {
  formatNotificationAttributes,
  type NotificationAttributes,
} from './requests/notification-attributes.js';
import { type QueueModeOptions, RequestQueue } from './requests/request-queue.js';
import { toResponse } from './requests/responses.js';
import type { ServerObservations } from './requests/server-observations.js';
import type {
  ClientPresence,
  CompositeContentResponse,
  CompositeObserveOptions,
  CompositeObserveResponse,
  CompositeReadOptions,
  CompositeWriteOptions,
  ContentResponse,
  CreateInstance,
  CreateOptions,
  CreateResponse,
  DiscoverResponse,
  ExecuteOptions,
  Lwm2mResponse,
  Lwm2mServerEvents,
  Lwm2mServerStats,
  ObserveOptions,
  ObserveResponse,
  ReadOptions,
  RegistrationTarget,
  RequestOptions,
  ServerCompositeObservation,
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
  /** Queue mode: how long a client is awake, how many requests wait for it and how long. */
  readonly queueMode?: QueueModeOptions;
  /** A listener threw (never breaks the server). Default: ignored. */
  readonly onListenerError?: (error: unknown) => void;
}

type EventListeners = { readonly [K in keyof Lwm2mServerEvents]: ListenerSet<Lwm2mServerEvents[K]> };

const DEFAULT_GRACE_MS = 15_000;
const DEFAULT_MAX_REGISTRATIONS = 65_536;
const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

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
 * requests to registered clients: Read, Discover, Write, Write-Attributes, Execute, Create,
 * Delete, Observe, Read-/Write-/Observe-Composite and the observations' cancellation. Requests to
 * a client in queue mode wait until it is awake (`RequestQueue`). Events go to ListenerSets (`on`).
 *
 * Protocol outcomes are values (`code`, `success`, `diagnostic`, the decoded content); transport
 * failures (COAP_TIMEOUT, CLIENT_NOT_REGISTERED, SESSION_CLOSED, QUEUE_FULL, CLIENT_ASLEEP...) reject.
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
  readonly #queue: RequestQueue;
  readonly #downlink: Downlink;
  readonly #observations: HeldObservations;
  readonly #events: EventListeners;
  readonly #onListenerError: (error: unknown) => void;
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
  };
  #closed = false;

  constructor(options: Lwm2mServerOptions) {
    this.#port = options.endpoint;
    this.#security = options.security;
    this.#clock = options.clock ?? systemClock;
    this.#codecs = new LwM2mCodecs(options.model, options.codecs);
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
      compositeNotification: new ListenerSet(onListenerError),
      awake: new ListenerSet(onListenerError),
      asleep: new ListenerSet(onListenerError),
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
    const presence = (event: 'awake' | 'asleep') => (registrationId: string) => {
      const current = this.#store.byId(registrationId);
      if (current !== undefined) this.#events[event].emit({ registration: current });
    };
    this.#queue = new RequestQueue({
      ...options.queueMode,
      clock: this.#clock,
      onAwake: presence('awake'),
      onAsleep: presence('asleep'),
    });
    this.#observations = new HeldObservations({
      codecs: this.#codecs,
      registration: (id) => this.#store.byId(id),
      heard: (id) => this.#queue.heard(id),
      notification: this.#events.notification,
      compositeNotification: this.#events.compositeNotification,
      onListenerError,
    });
    this.#downlink = new Downlink({
      port: this.#port,
      queue: this.#queue,
      find: (target) => this.#find(target),
      isClosed: () => this.#closed,
      defaultTimeout: options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs },
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

  /**
   * Whether a client can be reached now: always 'awake' unless it registered in queue mode, then
   * 'awake' for `queueMode.awakeTimeMs` after each message from it. Undefined when not registered.
   */
  presence(target: RegistrationTarget): ClientPresence | undefined {
    const registration = this.#find(target);
    if (registration === undefined) return undefined;
    return this.#queue.presence(registration.id) ?? 'awake';
  }

  /** Requests waiting for a queue-mode client to wake up. */
  queuedRequests(target: RegistrationTarget): number {
    const registration = this.#find(target);
    return registration === undefined ? 0 : this.#queue.depth(registration.id);
  }

  /** The single-path observations held, all or those of one registration. */
  observations(target?: RegistrationTarget): ServerObservation[] {
    return this.#held(this.#observations.single, target);
  }

  /** The Observe-Composite observations held, all or those of one registration. */
  compositeObservations(target?: RegistrationTarget): ServerCompositeObservation[] {
    return this.#held(this.#observations.composite, target);
  }

  stats(): Lwm2mServerStats {
    return {
      registrations: this.#store.size,
      observations: this.#observations.size,
      ...this.#counters,
      notifications: this.#observations.delivered,
      requests: this.#downlink.stats(),
      queue: this.#queue.stats(),
    };
  }

  /** Read (GET): the client's response code and the decoded node of a 2.05. */
  read(
    target: RegistrationTarget,
    path: string | LwM2mPath,
    options: ReadOptions = {},
  ): Promise<ContentResponse> {
    const parsed = toPath(path);
    return this.#downlink.run(target, options, async (exchange) => {
      const response = await exchange.request(get(exchange, parsed, options.format));
      return this.#content(response, parsed, options.format);
    });
  }

  /** Discover (GET, Accept link-format): the links of the object, instance or resource, with attributes. */
  discover(
    target: RegistrationTarget,
    path: string | LwM2mPath,
    options: RequestOptions = {},
  ): Promise<DiscoverResponse> {
    const parsed = toPath(path);
    return this.#downlink.run(target, options, async (exchange) => {
      const response = await exchange.request(discoverRequest(exchange.uriPath(parsed)));
      return discoverContent(response, exchange.registration, parsed);
    });
  }

  /**
   * Write: PUT (replace, the default) or POST (`mode: 'update'`, partial update) with `node`
   * encoded in `options.format`, else text/opaque for a single resource, else the first of SenML
   * CBOR, LwM2M CBOR, SenML JSON and TLV the client advertised (`ct`), else TLV for an LwM2M 1.0
   * client and SenML CBOR for a later one. A 4.15/4.06 to a format the server chose is retried
   * once in the next (see content-negotiation.ts).
   */
  write(
    target: RegistrationTarget,
    path: string | LwM2mPath,
    node: LwM2mNode,
    options: WriteOptions = {},
  ): Promise<Lwm2mResponse> {
    const parsed = toPath(path);
    return this.#downlink.run(target, options, async (exchange) => {
      const formats =
        options.format === undefined
          ? valueFormats(exchange.registration, node, this.#codecs)
          : [options.format];
      const uriPath = exchange.uriPath(parsed);
      const method = options.mode === 'update' ? 'POST' : 'PUT';
      const { response } = await withFormatFallback(
        formats,
        (format) =>
          exchange.request({
            method,
            uriPath,
            contentFormat: format,
            payload: this.#codecs.encode(node, parsed, format),
          }),
        exchange.formatRetried,
      );
      return toResponse(response);
    });
  }

  /** Write-Attributes (PUT with the attributes as Uri-Query, no payload). */
  writeAttributes(
    target: RegistrationTarget,
    path: string | LwM2mPath,
    attributes: NotificationAttributes,
    options: RequestOptions = {},
  ): Promise<Lwm2mResponse> {
    const parsed = toPath(path);
    let uriQuery: string[];
    try {
      uriQuery = formatNotificationAttributes(attributes);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#downlink.run(target, options, async (exchange) =>
      toResponse(await exchange.request({ method: 'PUT', uriPath: exchange.uriPath(parsed), uriQuery })),
    );
  }

  /** Execute (POST, with the arguments as text/plain when given). */
  execute(
    target: RegistrationTarget,
    path: string | LwM2mPath,
    options: ExecuteOptions = {},
  ): Promise<Lwm2mResponse> {
    const parsed = toPath(path);
    return this.#downlink.run(target, options, async (exchange) => {
      const uriPath = exchange.uriPath(parsed);
      const request: CoapOutgoingRequest =
        options.arguments === undefined
          ? { method: 'POST', uriPath }
          : {
              method: 'POST',
              uriPath,
              contentFormat: ContentFormat.TEXT,
              payload: utf8.encode(options.arguments),
            };
      return toResponse(await exchange.request(request));
    });
  }

  /**
   * Create (POST to an object): `instance.id` names the new instance (the object with that one
   * instance, in the format `write` would choose), or is left out for the client to assign (TLV,
   * the one format that can leave it out). `instanceId` comes from the 2.01's Location-Path.
   */
  create(
    target: RegistrationTarget,
    objectPath: string | LwM2mPath,
    instance: CreateInstance,
    options: CreateOptions = {},
  ): Promise<CreateResponse> {
    const parsed = toPath(objectPath);
    return this.#downlink.run(target, options, (exchange) =>
      create(exchange, this.#codecs, parsed, instance, options),
    );
  }

  /** Delete (DELETE) of an object instance or a resource instance. */
  delete(
    target: RegistrationTarget,
    path: string | LwM2mPath,
    options: RequestOptions = {},
  ): Promise<Lwm2mResponse> {
    const parsed = toPath(path);
    return this.#downlink.run(target, options, async (exchange) =>
      toResponse(await exchange.request(deleteRequest(exchange, parsed))),
    );
  }

  /**
   * Read-Composite (FETCH on the client's root with a SenML path list; paths may carry gateway
   * prefixes): the values of a 2.05 by path. The path list goes in `options.format`, else SenML
   * CBOR or JSON as the client advertised (one retry in the other on 4.15/4.06).
   */
  readComposite(
    target: RegistrationTarget,
    paths: readonly (string | LwM2mPath)[],
    options: CompositeReadOptions = {},
  ): Promise<CompositeContentResponse> {
    let parsed: LwM2mPath[];
    try {
      parsed = compositePaths(paths);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#downlink.run(target, options, (exchange) =>
      readComposite(exchange, this.#codecs, parsed, options),
    );
  }

  /** Write-Composite (iPATCH on the client's root): every value, all or nothing at the client. */
  writeComposite(
    target: RegistrationTarget,
    values: readonly PathNode[],
    options: CompositeWriteOptions = {},
  ): Promise<Lwm2mResponse> {
    return this.#downlink.run(target, options, (exchange) =>
      writeComposite(exchange, this.#codecs, values, options),
    );
  }

  /**
   * Observe (GET with Observe=0): the first response, decoded, and the observation when the client
   * accepted. Its notifications are decoded and go to `options.onNotification` and the
   * 'notification' event. An observation ends when the client sends a final response, when it is
   * cancelled, and (passively) when its registration ends.
   */
  observe(
    target: RegistrationTarget,
    path: string | LwM2mPath,
    options: ObserveOptions = {},
  ): Promise<ObserveResponse> {
    const parsed = toPath(path);
    return this.#downlink.run(target, options, async (exchange) => {
      const held = this.#observations;
      const { observation, onNotification } = held.newSingle(
        exchange.registration,
        parsed,
        options.format,
        options.onNotification,
      );
      // the endpoint delivers no notification before its observe() resolved: `attach` comes first
      const coap = await exchange.observe(get(exchange, parsed, options.format), onNotification);
      const accepted = held.accepted(observation, coap, held.single, () =>
        this.#content(coap.response, parsed, options.format),
      );
      return { ...accepted.content, observation: accepted.observation };
    });
  }

  /**
   * Observe-Composite (FETCH with Observe=0 and a path list, like `readComposite`): the first
   * values and the observation when the client accepted. Notifications, decoded by path, go to
   * `options.onNotification` and the 'compositeNotification' event. Cancelling actively sends the
   * same path list with Observe=1. The path list must fit one datagram (no Block1 on Observe).
   */
  observeComposite(
    target: RegistrationTarget,
    paths: readonly (string | LwM2mPath)[],
    options: CompositeObserveOptions = {},
  ): Promise<CompositeObserveResponse> {
    let parsed: LwM2mPath[];
    try {
      parsed = compositePaths(paths);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#downlink.run(target, options, async (exchange) => {
      const { accept } = options;
      const held = this.#observations;
      const { response, format } = await withFormatFallback(
        pathListFormatsFor(exchange, options.format),
        async (candidate) => {
          const { observation, onNotification } = held.newComposite(
            exchange.registration,
            parsed,
            candidate,
            accept,
            options.onNotification,
          );
          const fetch = compositeFetch(exchange, this.#codecs, parsed, candidate, accept);
          const coap = await exchange.observe(fetch, onNotification);
          return { code: coap.response.code, coap, observation };
        },
        exchange.formatRetried,
      );
      const accepted = held.accepted(response.observation, response.coap, held.composite, () =>
        compositeContent(response.coap.response, this.#codecs, parsed, format, accept),
      );
      return { ...accepted.content, observation: accepted.observation };
    });
  }

  /**
   * Stops answering (the request handler is removed), forgets every registration and observation
   * (passively), fails the requests waiting for queue-mode clients (TRANSPORT_CLOSED) and stops
   * the timers. No events are emitted. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#port.onRequest(undefined);
    for (const registration of this.#store.all()) this.#observations.dropAll(registration.id);
    this.#queue.close();
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
    const { registration, replaced } = stored;
    // requests that waited for the endpoint's previous registration go to this one
    const carried = replaced === undefined ? [] : this.#queue.replaced(replaced.id);
    if (replaced !== undefined) this.#observations.dropAll(replaced.id);
    if (queueMode) this.#queue.start(registration.id, endpoint, carried);
    // no longer in queue mode: what waited goes out at once, after this answer
    else for (const job of carried) queueMicrotask(() => void job.run());
    this.#events.registered.emit(stored);
    if (queueMode) this.#events.awake.emit({ registration });
    return { code: '2.01', locationPath: ['rd', registration.id] };
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
    this.#queue.heard(id); // a queue-mode client is awake: what waited goes out after this answer
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
    this.#observations.dropAll(registration.id);
    this.#queue.ended(registration.id, reason === 'expired' ? 'expired' : 'de-registered');
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
    this.#queue.heard(registration.id);
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

  #held<O extends { readonly registrationId: string; drop(reason: 'deregistered'): void }>(
    table: ServerObservations<O>,
    target?: RegistrationTarget,
  ): O[] {
    if (target === undefined) return table.all();
    const registration = this.#find(target);
    return registration === undefined ? [] : table.of(registration.id);
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
}

/** A GET of `path` (with Accept when given). */
function get(exchange: ClientExchange, path: LwM2mPath, accept: number | undefined) {
  const uriPath = exchange.uriPath(path);
  return accept === undefined
    ? ({ method: 'GET', uriPath } as const)
    : ({ method: 'GET', uriPath, accept } as const);
}
