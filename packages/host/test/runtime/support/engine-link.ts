import type {
  CoapIncomingRequest,
  CoapIncomingResponse,
  CoapOutgoingRequest,
  CoapOutgoingResponse,
  NotificationOutcome,
  PeerAddress,
} from '@lwm2m-adapters/coap';
import type { LwM2mCoapLink, LwM2mRequestHandler } from '@lwm2m-adapters/lwm2m-client';

export const SERVER: PeerAddress = { address: '127.0.0.1', port: 5683 };

function reply(code: CoapIncomingResponse['code'], locationPath: string[] = []): CoapIncomingResponse {
  return { code, contentFormat: undefined, payload: new Uint8Array(0), locationPath, options: [] };
}

export interface ServerRequest {
  readonly method?: CoapIncomingRequest['method'];
  /** `/3311/0/5851`, `/dev0/3303/0/5700`. */
  readonly path: string;
  readonly accept?: number;
  readonly contentFormat?: number;
  readonly observe?: number;
  readonly payload?: string;
  readonly token?: string;
  /** Uri-Query options, e.g. `['pmin=2', 'st=1']` for a Write-Attributes. */
  readonly query?: readonly string[];
}

/**
 * The server side of an in-process LwM2M client: answers Register 2.01, Update and Send 2.04,
 * De-register 2.02; records what the client sends; delivers server requests to the client.
 */
export class EngineLink implements LwM2mCoapLink {
  readonly requests: CoapOutgoingRequest[] = [];
  readonly notifications: { token: string; response: CoapOutgoingResponse }[] = [];
  #handler: LwM2mRequestHandler | undefined;

  async request(_peer: PeerAddress, request: CoapOutgoingRequest): Promise<CoapIncomingResponse> {
    this.requests.push(request);
    if (request.method === 'POST' && request.uriPath.join('/') === 'rd') return reply('2.01', ['rd', '7']);
    if (request.method === 'DELETE') return reply('2.02');
    return reply('2.04');
  }

  async notify(
    _peer: PeerAddress,
    token: Uint8Array,
    response: CoapOutgoingResponse,
  ): Promise<NotificationOutcome> {
    this.notifications.push({ token: Buffer.from(token).toString('hex'), response });
    return 'sent';
  }

  onRequest(handler: LwM2mRequestHandler): () => void {
    this.#handler = handler;
    return () => {
      this.#handler = undefined;
    };
  }

  /** A request from the server; resolves with the client's answer. */
  async serve(request: ServerRequest): Promise<CoapOutgoingResponse | undefined> {
    if (this.#handler === undefined) throw new Error('the client is not started');
    return this.#handler({
      peer: SERVER,
      method: request.method ?? 'GET',
      confirmable: true,
      token: Uint8Array.from(Buffer.from(request.token ?? 'a1', 'hex')),
      uriPath: request.path.replace(/^\//, '').split('/'),
      uriQuery: [...(request.query ?? [])],
      contentFormat: request.contentFormat,
      accept: request.accept,
      observe: request.observe,
      payload: new TextEncoder().encode(request.payload ?? ''),
      options: [],
    });
  }

  /** Payloads of the notifications for one observation token, as text. */
  notified(token: string): string[] {
    return this.notifications
      .filter((n) => n.token === token)
      .map((n) => new TextDecoder().decode(n.response.payload ?? new Uint8Array(0)));
  }
}

export const text = (bytes: Uint8Array | undefined): string =>
  new TextDecoder().decode(bytes ?? new Uint8Array(0));
