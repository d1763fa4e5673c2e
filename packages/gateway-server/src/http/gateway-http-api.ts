import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CodedError } from '@lwm2m-adapters/errors';
import type { ObjectDefinition, ObjectModel } from '@lwm2m-adapters/lwm2m-core';
import type { GatewayChildren, Lwm2mServer, Registration } from '@lwm2m-adapters/lwm2m-server';
import type { GatewayEventFeed } from '../events/gateway-event-source.js';
import { childJson, clientJson, gatewayJson } from '../json/registration-json.js';
import { type ApiResult, errorResult } from './api-result.js';
import type { ApiRoutePath } from './api-routes.js';
import {
  attributesSchema,
  cancelQuerySchema,
  compositeCancelQuerySchema,
  compositeReadBodySchema,
  compositeWriteBodySchema,
  createBodySchema,
  emptyQuerySchema,
  eventsQuerySchema,
  executeBodySchema,
  lastEventIdSchema,
  nameSchema,
  objectIdSchema,
  objectQuerySchema,
  observeBodySchema,
  parseInput,
  readQuerySchema,
  requestQuerySchema,
  writeBodySchema,
} from './api-schemas.js';
import { DeviceManagement } from './device-management.js';
import { parseDmLocation, resolveDmTarget, type TargetKind } from './dm-target.js';
import { EventStream, type EventStreamEnd } from './event-stream.js';
import { readJsonBody } from './request-body.js';

/** The object model the API types values with and lists (`ObjectRegistry` is one). */
export type ApiObjectModel = ObjectModel & { list(): ObjectDefinition[] };

export interface GatewayHttpApiOptions {
  readonly server: Lwm2mServer;
  readonly children: GatewayChildren;
  /** The events for `GET /api/events` (a GatewayEventSource on the same server and children). */
  readonly events: GatewayEventFeed;
  readonly model: ApiObjectModel;
  /**
   * When set, every request other than GET (write, execute, write-attributes, observe and its
   * cancel, create, delete) needs `Authorization: Bearer <token>`.
   */
  readonly token?: string | undefined;
  /** Deadline of a request to a client unless the call gives `?timeoutMs=`. Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Largest request body. Default 256 KiB. */
  readonly maxBodyBytes?: number;
  /** Time a request body may take to arrive. Default 10 s. */
  readonly bodyTimeoutMs?: number;
  /** Whether a registration came over DTLS (shown as `secure`). */
  readonly isSecure?: (registration: Registration) => boolean;
  readonly sse?: {
    /** Default 15 s. */
    readonly heartbeatMs?: number;
    /** Unsent bytes after which a slow consumer is cut off. Default 1 MiB. */
    readonly maxBufferBytes?: number;
    /** Streams open at once; more are refused with 503. Default 64. */
    readonly maxStreams?: number;
    /** `retry:` suggested to EventSource clients. Default 2 s. */
    readonly retryMs?: number;
  };
  /** Called after each API response: for request metrics and logs. */
  readonly onResponse?: (response: ApiResponseInfo) => void;
}

/** What the API reports of each response it sent. */
export interface ApiResponseInfo {
  readonly method: string;
  /** The route template (as in openapi.json), or undefined when no route matched. */
  readonly route: ApiRoutePath | undefined;
  readonly status: number;
  /** The coded error of a failed request, if any. */
  readonly errorCode: string | undefined;
  readonly durationMs: number;
}

export interface GatewayHttpApiStats {
  readonly streams: number;
  readonly streamsOpened: number;
  /** Streams cut off because their consumer fell `maxBufferBytes` behind. */
  readonly streamsCutOff: number;
  readonly streamsRefused: number;
}

interface RequestContext {
  readonly req: IncomingMessage;
  readonly method: string;
  readonly segments: readonly string[];
  readonly query: Record<string, string>;
  route: ApiRoutePath | undefined;
}

const OPENAPI_URL = new URL('../../openapi.json', import.meta.url);
const MUTATING = new Set(['PUT', 'PATCH', 'POST', 'DELETE']);

const notFound = (what: string) => new CodedError('API_NOT_FOUND', what);
const methodNotAllowed = (method: string, what: string) =>
  new CodedError('API_METHOD_NOT_ALLOWED', `${method} is not allowed on ${what}`, { details: { method } });

/**
 * The northbound HTTP API of the gateway server: a node:http request handler for everything
 * under /api. See docs/http-api.md and openapi.json.
 *
 *   const api = new GatewayHttpApi({ server, children, events, model });
 *   http.createServer((req, res) => api.handle(req, res, () => otherRoutes(req, res)));
 */
export class GatewayHttpApi {
  readonly #server: Lwm2mServer;
  readonly #children: GatewayChildren;
  readonly #events: GatewayEventFeed;
  readonly #model: ApiObjectModel;
  readonly #token: Buffer | undefined;
  readonly #requestTimeoutMs: number;
  readonly #maxBodyBytes: number;
  readonly #bodyTimeoutMs: number;
  readonly #isSecure: ((registration: Registration) => boolean) | undefined;
  readonly #sse: { heartbeatMs: number; maxBufferBytes: number; maxStreams: number; retryMs: number };
  readonly #onResponse: ((response: ApiResponseInfo) => void) | undefined;
  readonly #dm: DeviceManagement;
  readonly #streams = new Set<EventStream>();
  readonly #counters = { streamsOpened: 0, streamsCutOff: 0, streamsRefused: 0 };
  #openapi: string | undefined;
  #closed = false;

  constructor(options: GatewayHttpApiOptions) {
    this.#server = options.server;
    this.#children = options.children;
    this.#events = options.events;
    this.#model = options.model;
    this.#token = options.token === undefined || options.token === '' ? undefined : digest(options.token);
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
    this.#bodyTimeoutMs = options.bodyTimeoutMs ?? 10_000;
    this.#isSecure = options.isSecure;
    this.#sse = {
      heartbeatMs: options.sse?.heartbeatMs ?? 15_000,
      maxBufferBytes: options.sse?.maxBufferBytes ?? 1024 * 1024,
      maxStreams: options.sse?.maxStreams ?? 64,
      retryMs: options.sse?.retryMs ?? 2_000,
    };
    this.#onResponse = options.onResponse;
    this.#dm = new DeviceManagement(this.#server);
  }

  /**
   * Answers a request under /api; any other URL goes to `next` (or gets a JSON 404). Never
   * throws: failures are answered with a coded error.
   */
  handle(req: IncomingMessage, res: ServerResponse, next?: () => void): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api' && !url.pathname.startsWith('/api/')) {
      if (next !== undefined) {
        next();
        return;
      }
    }
    const started = performance.now();
    const context: RequestContext = {
      req,
      method: req.method ?? 'GET',
      segments: [],
      query: Object.fromEntries(url.searchParams),
      route: undefined,
    };
    let segments: string[];
    try {
      segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
    } catch {
      this.#reply(
        res,
        context,
        started,
        errorResult(new CodedError('API_REQUEST_INVALID', 'the URL path is not valid percent-encoding')),
      );
      return;
    }
    if (segments.length > 1 && segments.at(-1) === '') segments.pop();
    const ctx: RequestContext = { ...context, segments };
    if (this.#closed) {
      this.#reply(
        res,
        ctx,
        started,
        errorResult(new CodedError('TRANSPORT_CLOSED', 'the gateway server is shutting down')),
      );
      return;
    }
    this.#route(ctx, res).then(
      (result) => {
        if (result !== undefined) this.#reply(res, ctx, started, result);
        else this.#report(ctx, 200, undefined, started);
      },
      (error: unknown) => this.#reply(res, ctx, started, errorResult(error)),
    );
  }

  stats(): GatewayHttpApiStats {
    return { streams: this.#streams.size, ...this.#counters };
  }

  /** Ends every event stream and refuses new requests (503). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const stream of [...this.#streams]) stream.close();
  }

  // -------------------------------------------------------------------------------------------

  /** The result of a request, or undefined when the route answered itself (the event stream). */
  async #route(ctx: RequestContext, res: ServerResponse): Promise<ApiResult | undefined> {
    const [api, collection, id, ...rest] = ctx.segments;
    if (api !== 'api' || collection === undefined)
      throw notFound(`no route ${ctx.segments.join('/')}; the API is under /api`);
    if (collection === 'clients' || collection === 'devices') {
      const kind: TargetKind = collection === 'clients' ? 'client' : 'device';
      if (id === undefined) return this.#list(ctx, kind);
      const name = parseInput(nameSchema, id, kind === 'client' ? 'endpoint' : 'deviceId');
      if (rest.length === 0) return this.#one(ctx, kind, name);
      return this.#deviceManagement(ctx, kind, name, rest);
    }
    if (rest.length > 0) throw notFound(`no route /${ctx.segments.join('/')}`);
    switch (collection) {
      case 'observations':
        if (id !== undefined) break;
        ctx.route = '/api/observations';
        this.#only(ctx, 'GET');
        parseInput(emptyQuerySchema, ctx.query, 'query');
        return { status: 200, body: this.#observationList() };
      case 'events':
        if (id !== undefined) break;
        ctx.route = '/api/events';
        this.#only(ctx, 'GET');
        this.#stream(ctx, res);
        return undefined;
      case 'objects':
        return this.#objects(ctx, id);
      case 'openapi.json':
        ctx.route = '/api/openapi.json';
        this.#only(ctx, 'GET');
        this.#openapi ??= readFileSync(OPENAPI_URL, 'utf8');
        return { status: 200, body: JSON.parse(this.#openapi) };
    }
    throw notFound(`no route /${ctx.segments.join('/')}`);
  }

  #only(ctx: RequestContext, method: string): void {
    if (ctx.method !== method)
      throw methodNotAllowed(ctx.method, `/${ctx.segments.join('/')} (it takes ${method})`);
  }

  #list(ctx: RequestContext, kind: TargetKind): ApiResult {
    ctx.route = kind === 'client' ? '/api/clients' : '/api/devices';
    this.#only(ctx, 'GET');
    parseInput(emptyQuerySchema, ctx.query, 'query');
    if (kind === 'client') {
      return { status: 200, body: { clients: this.#server.registrations().map((r) => this.#clientJson(r)) } };
    }
    return { status: 200, body: { devices: this.#children.children().map(childJson) } };
  }

  #one(ctx: RequestContext, kind: TargetKind, name: string): ApiResult {
    ctx.route = kind === 'client' ? '/api/clients/{endpoint}' : '/api/devices/{deviceId}';
    this.#only(ctx, 'GET');
    parseInput(emptyQuerySchema, ctx.query, 'query');
    if (kind === 'client') {
      const registration = this.#server.registration(name);
      if (registration === undefined) {
        throw new CodedError('CLIENT_NOT_REGISTERED', `no client is registered as ${name}`, {
          details: { endpoint: name },
        });
      }
      return { status: 200, body: this.#clientJson(registration) };
    }
    const child = this.#children.childByDeviceId(name);
    if (child === undefined) {
      throw new CodedError('END_DEVICE_UNKNOWN', `no registered gateway lists the end device ${name}`, {
        details: { deviceId: name },
      });
    }
    return { status: 200, body: childJson(child) };
  }

  #clientJson(registration: Registration) {
    const state = this.#children.state(registration);
    const gateway = state === undefined ? null : gatewayJson(state, this.#children.children(registration));
    return clientJson(registration, this.#isSecure?.(registration), gateway, {
      presence: this.#server.presence(registration) ?? 'awake',
      queuedRequests: this.#server.queuedRequests(registration),
    });
  }

  async #deviceManagement(
    ctx: RequestContext,
    kind: TargetKind,
    name: string,
    rest: readonly string[],
  ): Promise<ApiResult> {
    const base = kind === 'client' ? '/api/clients/{endpoint}' : '/api/devices/{deviceId}';
    const { path, operation } = parseDmLocation(rest, kind);
    const method = ctx.method;
    const composite = operation !== undefined && COMPOSITE.has(operation);
    if (composite && !path.isRoot) {
      throw notFound(
        `:${operation} is an operation on the root (/${ctx.segments.slice(0, 3).join('/')}/:${operation}); its paths go in the body`,
      );
    }
    ctx.route = (
      operation === undefined
        ? `${base}/{path}`
        : composite
          ? `${base}/:${operation}`
          : `${base}/{path}:${operation}`
    ) as ApiRoutePath;
    const allowed = ALLOWED[operation ?? ''];
    if (allowed === undefined) {
      ctx.route = undefined;
      throw notFound(
        `no operation :${operation}; the operations are ${Object.keys(ALLOWED)
          .filter((o) => o !== '')
          .map((o) => `:${o}`)
          .join(', ')}`,
      );
    }
    if (!allowed.includes(method))
      throw methodNotAllowed(
        method,
        `${operation === undefined ? 'an LwM2M path' : `:${operation}`} (it takes ${allowed.join(', ')})`,
      );
    if (MUTATING.has(method)) this.#authorize(ctx.req);
    // validate what the request says before asking anything of a client
    const key = `${method} ${operation ?? ''}`;
    const read = method === 'GET' ? parseInput(readQuerySchema, ctx.query, 'query') : undefined;
    const cancel = key === 'DELETE observe' ? parseInput(cancelQuerySchema, ctx.query, 'query') : undefined;
    const cancelComposite =
      key === 'DELETE observe-composite'
        ? parseInput(compositeCancelQuerySchema, ctx.query, 'query')
        : undefined;
    const timeoutMs =
      (read ?? cancel ?? cancelComposite ?? parseInput(requestQuerySchema, ctx.query, 'query')).timeoutMs ??
      this.#requestTimeoutMs;
    const body = MUTATING.has(method)
      ? await readJsonBody(ctx.req, this.#maxBodyBytes, this.#bodyTimeoutMs)
      : undefined;
    const target = () => resolveDmTarget(this.#children, kind, name, path, this.#model);
    switch (key) {
      case 'GET ':
        return this.#dm.read(target(), read?.format, timeoutMs);
      case 'PUT ':
        return this.#dm.write(target(), 'replace', parseInput(writeBodySchema, body, 'body'), timeoutMs);
      case 'PATCH ':
        return this.#dm.write(target(), 'update', parseInput(writeBodySchema, body, 'body'), timeoutMs);
      case 'POST ':
        if (path.level === 'object')
          return this.#dm.create(target(), parseInput(createBodySchema, body, 'body'), timeoutMs);
        return this.#dm.write(target(), 'update', parseInput(writeBodySchema, body, 'body'), timeoutMs);
      case 'DELETE ':
        return this.#dm.delete(target(), timeoutMs);
      case 'GET discover':
        return this.#dm.discover(target(), timeoutMs);
      case 'POST read-composite':
        return this.#dm.readComposite(target(), parseInput(compositeReadBodySchema, body, 'body'), timeoutMs);
      case 'POST write-composite':
        return this.#dm.writeComposite(
          target(),
          parseInput(compositeWriteBodySchema, body, 'body'),
          timeoutMs,
        );
      case 'POST observe-composite':
        return this.#dm.observeComposite(
          target(),
          parseInput(compositeReadBodySchema, body, 'body'),
          timeoutMs,
        );
      case 'DELETE observe-composite':
        return this.#dm.cancelComposite(
          target(),
          cancelComposite?.paths ?? [],
          cancelComposite?.active ?? false,
          timeoutMs,
        );
      case 'POST execute':
        return this.#dm.execute(target(), parseInput(executeBodySchema, body, 'body'), timeoutMs);
      case 'PUT attributes':
        return this.#dm.writeAttributes(target(), parseInput(attributesSchema, body, 'body'), timeoutMs);
      case 'POST observe':
        return this.#dm.observe(target(), parseInput(observeBodySchema, body, 'body'), timeoutMs);
      case 'DELETE observe':
        return this.#dm.cancel(target(), cancel?.active ?? false, timeoutMs);
    }
    throw methodNotAllowed(method, `/${ctx.segments.join('/')}`);
  }

  #authorize(req: IncomingMessage): void {
    if (this.#token === undefined) return;
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match?.[1] === undefined || !timingSafeEqual(digest(match[1].trim()), this.#token)) {
      throw new CodedError(
        'API_UNAUTHORIZED',
        header === ''
          ? 'this request needs Authorization: Bearer <token>'
          : 'the bearer token is not the right one',
      );
    }
  }

  #observationList() {
    const composite = this.#server.compositeObservations().map((o) => ({
      endpoint: o.endpoint,
      registrationId: o.registrationId,
      paths: o.paths.map(String),
      format: o.format,
      token: Buffer.from(o.token).toString('hex'),
      origin: this.#dm.madeByApi(o) ? 'api' : 'server',
    }));
    return { observations: this.#singleObservations(), composite };
  }

  #singleObservations() {
    return this.#server.observations().map((o) => {
      const registration = this.#server.registration(o.endpoint);
      const child = registration === undefined ? undefined : this.#children.childOf(registration, o.path);
      return {
        endpoint: o.endpoint,
        registrationId: o.registrationId,
        deviceId: child?.deviceId ?? null,
        prefix: o.path.prefix ?? null,
        path: o.path.toString(),
        format: o.format ?? null,
        token: Buffer.from(o.token).toString('hex'),
        origin: this.#dm.madeByApi(o) ? 'api' : 'server',
      };
    });
  }

  #objects(ctx: RequestContext, id: string | undefined): ApiResult {
    if (id === undefined) {
      ctx.route = '/api/objects';
      this.#only(ctx, 'GET');
      parseInput(emptyQuerySchema, ctx.query, 'query');
      const objects = this.#model.list().map((o) => ({
        id: o.id,
        name: o.name,
        version: o.version,
        multiple: o.multiple,
        mandatory: o.mandatory,
      }));
      return { status: 200, body: { objects } };
    }
    ctx.route = '/api/objects/{objectId}';
    this.#only(ctx, 'GET');
    const objectId = parseInput(objectIdSchema, id, 'objectId');
    const { version } = parseInput(objectQuerySchema, ctx.query, 'query');
    const definition = this.#model.getObject(objectId, version);
    if (definition === undefined) {
      throw new CodedError(
        'OBJECT_UNKNOWN',
        `the object model has no object ${objectId}${version ? ` version ${version}` : ''}`,
        {
          details: { objectId, ...(version === undefined ? {} : { version }) },
        },
      );
    }
    return { status: 200, body: definition };
  }

  #stream(ctx: RequestContext, res: ServerResponse): void {
    const query = parseInput(eventsQuerySchema, ctx.query, 'query');
    const header = ctx.req.headers['last-event-id'];
    const lastEventId =
      query.lastEventId ??
      (typeof header === 'string' && header !== ''
        ? parseInput(lastEventIdSchema, header, 'Last-Event-ID')
        : undefined);
    if (this.#streams.size >= this.#sse.maxStreams) {
      this.#counters.streamsRefused++;
      throw new CodedError(
        'QUEUE_FULL',
        `the server already sends ${this.#streams.size} event streams (its limit)`,
      );
    }
    const stream = new EventStream(
      res,
      this.#events,
      {
        types: query.types === undefined ? undefined : new Set(query.types),
        endpoint: query.endpoint,
        deviceId: query.deviceId,
      },
      this.#sse,
      (ended: EventStream, reason: EventStreamEnd) => {
        this.#streams.delete(ended);
        if (reason === 'cut-off') this.#counters.streamsCutOff++;
      },
    );
    this.#streams.add(stream);
    this.#counters.streamsOpened++;
    stream.start(lastEventId);
  }

  #reply(res: ServerResponse, ctx: RequestContext, started: number, result: ApiResult): void {
    const body = result.body as { error?: { code?: string } };
    this.#report(ctx, result.status, body.error?.code, started);
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(result.body);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(text),
    };
    if (result.status === 401) headers['www-authenticate'] = 'Bearer';
    // a body not read to its end (too large, refused early) must not be taken as the next request
    if (!ctx.req.complete) headers.connection = 'close';
    res.writeHead(result.status, headers);
    res.end(text);
  }

  #report(ctx: RequestContext, status: number, errorCode: string | undefined, started: number): void {
    if (this.#onResponse === undefined) return;
    try {
      this.#onResponse({
        method: ctx.method,
        route: ctx.route,
        status,
        errorCode,
        durationMs: performance.now() - started,
      });
    } catch {
      // a metrics hook never breaks an answer
    }
  }
}

/** Methods each operation takes ('' is the plain LwM2M path). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  '': ['GET', 'PUT', 'PATCH', 'POST', 'DELETE'],
  execute: ['POST'],
  attributes: ['PUT'],
  discover: ['GET'],
  observe: ['POST', 'DELETE'],
  'read-composite': ['POST'],
  'write-composite': ['POST'],
  'observe-composite': ['POST', 'DELETE'],
};
const COMPOSITE = new Set(['read-composite', 'write-composite', 'observe-composite']);

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
