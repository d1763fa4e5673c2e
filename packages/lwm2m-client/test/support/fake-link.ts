import type {
  CoapIncomingRequest,
  CoapIncomingResponse,
  CoapMethod,
  CoapOutgoingRequest,
  CoapOutgoingResponse,
  NotificationOutcome,
  PeerAddress,
} from '@lwm2m-adapters/coap';
import { CodedError } from '@lwm2m-adapters/errors';
import type { LwM2mCoapLink, LwM2mRequestHandler, NotifyOptions } from '../../src/link/coap-link.js';
import type { FakeClock } from './fake-clock.js';

export const SERVER: PeerAddress = { address: '127.0.0.1', port: 5683 };

export interface SentRequest {
  readonly at: number;
  readonly peer: PeerAddress;
  readonly request: CoapOutgoingRequest;
}

export interface SentNotification {
  readonly at: number;
  readonly peer: PeerAddress;
  readonly token: string;
  readonly response: CoapOutgoingResponse;
  readonly confirmable: boolean;
}

export type Responder = (
  request: CoapOutgoingRequest,
) => CoapIncomingResponse | Promise<CoapIncomingResponse>;

export function response(
  code: CoapIncomingResponse['code'],
  locationPath: string[] = [],
): CoapIncomingResponse {
  return { code, contentFormat: undefined, payload: new Uint8Array(0), locationPath, options: [] };
}

export const timeout = (): never => {
  throw new CodedError('COAP_TIMEOUT', 'no answer');
};

/** Default server: Register 2.01 /rd/5a3f, Update 2.04, De-register 2.02, Send 2.04. */
export const defaultResponder: Responder = (request) => {
  if (request.method === 'POST' && request.uriPath.join('/') === 'rd')
    return response('2.01', ['rd', '5a3f']);
  if (request.method === 'DELETE') return response('2.02');
  return response('2.04');
};

export interface ServerRequestInit {
  readonly method?: CoapMethod;
  /** `/3/0/1`, `/dev0/3303`, or `/`. */
  readonly path?: string;
  readonly query?: readonly string[];
  readonly accept?: number;
  readonly contentFormat?: number;
  readonly observe?: number;
  readonly payload?: Uint8Array | string;
  readonly token?: Uint8Array | string;
  readonly peer?: PeerAddress;
}

export function serverRequest(init: ServerRequestInit = {}): CoapIncomingRequest {
  const path = init.path ?? '/';
  const payload = init.payload ?? new Uint8Array(0);
  const token = init.token ?? 'a1';
  return {
    peer: init.peer ?? SERVER,
    method: init.method ?? 'GET',
    confirmable: true,
    token: typeof token === 'string' ? Uint8Array.from(Buffer.from(token, 'hex')) : token,
    uriPath: path === '/' ? [] : path.replace(/^\//, '').split('/'),
    uriQuery: init.query ?? [],
    contentFormat: init.contentFormat,
    accept: init.accept,
    observe: init.observe,
    payload: typeof payload === 'string' ? new TextEncoder().encode(payload) : payload,
    options: [],
  };
}

/** A scriptable LwM2M server on the other side of the engine's link. */
export class FakeLink implements LwM2mCoapLink {
  readonly requests: SentRequest[] = [];
  readonly notifications: SentNotification[] = [];
  responder: Responder = defaultResponder;
  notifyOutcome: (notification: SentNotification) => NotificationOutcome = (n) =>
    n.confirmable ? 'acknowledged' : 'sent';
  #handler: LwM2mRequestHandler | undefined;
  readonly #clock: FakeClock;

  constructor(clock: FakeClock) {
    this.#clock = clock;
  }

  async request(peer: PeerAddress, request: CoapOutgoingRequest): Promise<CoapIncomingResponse> {
    this.requests.push({ at: this.#clock.now(), peer, request });
    return this.responder(request);
  }

  async notify(
    peer: PeerAddress,
    token: Uint8Array,
    response: CoapOutgoingResponse,
    options: NotifyOptions,
  ): Promise<NotificationOutcome> {
    const sent: SentNotification = {
      at: this.#clock.now(),
      peer,
      token: Buffer.from(token).toString('hex'),
      response,
      confirmable: options.confirmable,
    };
    this.notifications.push(sent);
    return this.notifyOutcome(sent);
  }

  onRequest(handler: LwM2mRequestHandler): () => void {
    this.#handler = handler;
    return () => {
      if (this.#handler === handler) this.#handler = undefined;
    };
  }

  get hasHandler(): boolean {
    return this.#handler !== undefined;
  }

  /** Delivers a request from the server through the installed handler. */
  async send(init: ServerRequestInit): Promise<CoapOutgoingResponse | undefined> {
    if (this.#handler === undefined) throw new Error('no request handler installed');
    return this.#handler(serverRequest(init));
  }

  /** Outgoing requests to a path (`rd`, `rd/5a3f`, `dp`). */
  requestsTo(path: string, method?: CoapMethod): SentRequest[] {
    return this.requests.filter(
      (r) => r.request.uriPath.join('/') === path && (method === undefined || r.request.method === method),
    );
  }
}

export const text = (bytes: Uint8Array | undefined): string =>
  new TextDecoder().decode(bytes ?? new Uint8Array(0));
