/**
 * Typed client for the Leshan demo server 2.0.0-M4 REST API (ClientServlet, SecurityServlet,
 * ServerServlet), over fetch with a bounded timeout on every call; every JSON body is validated.
 *
 * Device requests: `/api/clients/{ep}/{path}[/discover|/observe|/attributes]`, query `format`
 * (TLV, JSON, TEXT, OPAQUE, LINK, SENML_JSON, SENML_CBOR, CBOR), `timeout` (seconds, Leshan waits
 * that long for the device, default 5) and `replace` for Write. An answer from the device comes
 * back as HTTP 200 with `{"status":"CONTENT(205)","success":true,...,"content":{...}}`, also for
 * LwM2M errors (`"status":"NOT_FOUND(404)","failure":true`). HTTP 400 means no such registration
 * (or a bad request), 500 a response Leshan could not decode, 504 no answer in time: those throw
 * {@link LeshanHttpError}.
 *
 * Not in M4's REST API, so not here: Read-/Write-/Observe-Composite and Send (the demo servlets
 * expose none of them, and the M4 library has no Observe-Composite at all). test/peers/leshan-harness.ts
 * drives those against the Leshan server library 2.0.0-M15 instead.
 */
import type { z } from 'zod';
import { type LeshanEventStream, openLeshanEventStream } from './events.js';
import {
  type LeshanLink,
  type LeshanNode,
  type LeshanRegistration,
  type LeshanSecurityInfo,
  type LeshanValue,
  registrationSchema,
  responseSchema,
  securityInfoSchema,
  serverEndpointSchema,
} from './schemas.js';

/** Content formats by the names Leshan's `format` parameter takes. */
export type LeshanContentFormat =
  | 'TLV'
  | 'JSON'
  | 'TEXT'
  | 'OPAQUE'
  | 'LINK'
  | 'SENML_JSON'
  | 'SENML_CBOR'
  | 'CBOR';

/** A device answer relayed by Leshan. */
export interface LeshanResponse {
  /** Leshan's name for the code: CONTENT, CHANGED, NOT_FOUND, METHOD_NOT_ALLOWED... */
  readonly status: string;
  /** CoAP response code, `2.05`. */
  readonly code: string;
  readonly success: boolean;
  readonly errorMessage?: string;
  /** Read / Observe content. */
  readonly content?: LeshanNode;
  /** Discover answer. */
  readonly objectLinks?: readonly LeshanLink[];
  /** Create: the new instance's location. */
  readonly location?: string;
  /** The body as received. */
  readonly raw: unknown;
}

/** A REST call that did not get HTTP 200 (400 unknown endpoint, 500 undecodable answer, 504 timeout). */
export class LeshanHttpError extends Error {
  override readonly name = 'LeshanHttpError';
  constructor(
    readonly method: string,
    readonly url: string,
    readonly httpStatus: number,
    readonly body: string,
  ) {
    super(`Leshan ${method} ${url} → HTTP ${httpStatus}: ${body.slice(0, 500)}`);
  }
}

export interface DeviceRequestOptions {
  /** How long Leshan waits for the device, in seconds (its default is 5). The HTTP call gets 3 s more. */
  readonly timeoutSeconds?: number;
}

/** Write body as the demo's JSON node format (`{"id":0,"value":"x"}`, `{"id":7,"values":{"0":1}}`, `{"id":0,"resources":[...]}`). */
export type LeshanWriteNode =
  | { readonly id: number; readonly value: LeshanValue }
  | { readonly id: number; readonly values: Readonly<Record<string, LeshanValue>> }
  | {
      readonly id?: number;
      readonly resources: readonly (
        | { readonly id: number; readonly value: LeshanValue }
        | { readonly id: number; readonly values: Readonly<Record<string, LeshanValue>> }
      )[];
    };

/** Write-Attributes: pmin, pmax, gt, lt, st (1.1 also epmin, epmax); `null` clears one. */
export type LeshanAttributes = Readonly<Record<string, number | null>>;

export type LeshanPskKey = string | Uint8Array;

const ADMIN_TIMEOUT_MS = 5000;

function pathOf(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (!/^\d+(\/\d+){0,3}$/.test(trimmed)) throw new Error(`not an LwM2M path: "${path}"`);
  return trimmed;
}

function hexKey(key: LeshanPskKey): string {
  if (typeof key === 'string') {
    if (!/^([0-9a-fA-F]{2})+$/.test(key)) throw new Error('a PSK key given as a string must be hex');
    return key.toLowerCase();
  }
  return Buffer.from(key).toString('hex');
}

function toResponse(r: z.infer<typeof responseSchema>): LeshanResponse {
  return {
    status: r.status.name,
    code: r.status.code,
    success: r.success,
    ...(r.errormessage === undefined ? {} : { errorMessage: r.errormessage }),
    ...(r.content === undefined ? {} : { content: r.content }),
    ...(r.objectLinks === undefined ? {} : { objectLinks: r.objectLinks }),
    ...(r.location === undefined ? {} : { location: r.location }),
    raw: r,
  };
}

export class LeshanRestClient {
  constructor(
    /** `http://127.0.0.1:<webPort>` */
    readonly baseUrl: string,
  ) {}

  private async call(
    method: string,
    url: string,
    timeoutMs: number,
    init: { body?: string; contentType?: string } = {},
  ): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.contentType !== undefined) headers['content-type'] = init.contentType;
    const response = await fetch(`${this.baseUrl}${url}`, {
      method,
      headers,
      signal: AbortSignal.timeout(timeoutMs),
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    return { status: response.status, text: await response.text() };
  }

  private async json<S extends z.ZodType>(
    schema: S,
    method: string,
    url: string,
    timeoutMs: number,
    init?: { body?: string; contentType?: string },
  ): Promise<z.infer<S>> {
    const { status, text } = await this.call(method, url, timeoutMs, init);
    if (status !== 200) throw new LeshanHttpError(method, url, status, text);
    const parsed = schema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new Error(
        `Leshan ${method} ${url}: unexpected JSON ${text.slice(0, 500)}\n${parsed.error.message}`,
      );
    }
    return parsed.data;
  }

  private async device(
    method: string,
    ep: string,
    suffix: string,
    query: Readonly<Record<string, string | undefined>>,
    options: DeviceRequestOptions,
    init?: { body?: string; contentType?: string },
  ): Promise<LeshanResponse> {
    const timeoutSeconds = options.timeoutSeconds ?? 5;
    const params = new URLSearchParams({ timeout: String(timeoutSeconds) });
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, v);
    const url = `/api/clients/${encodeURIComponent(ep)}/${suffix}?${params.toString()}`;
    return toResponse(await this.json(responseSchema, method, url, timeoutSeconds * 1000 + 3000, init));
  }

  /** GET /api/clients: every current registration. */
  clients(): Promise<LeshanRegistration[]> {
    return this.json(registrationSchema.array(), 'GET', '/api/clients', ADMIN_TIMEOUT_MS);
  }

  /** GET /api/clients/{ep}; undefined when not registered (Leshan answers 400). */
  async client(ep: string): Promise<LeshanRegistration | undefined> {
    try {
      return await this.json(
        registrationSchema,
        'GET',
        `/api/clients/${encodeURIComponent(ep)}`,
        ADMIN_TIMEOUT_MS,
      );
    } catch (err) {
      if (err instanceof LeshanHttpError && err.httpStatus === 400) return undefined;
      throw err;
    }
  }

  /** Read: GET /api/clients/{ep}/{path}?format= */
  read(
    ep: string,
    path: string,
    options: DeviceRequestOptions & { format?: LeshanContentFormat } = {},
  ): Promise<LeshanResponse> {
    return this.device('GET', ep, pathOf(path), { format: options.format }, options);
  }

  /** Write: PUT /api/clients/{ep}/{path}?format=&replace= with a JSON node, or text/plain for a resource. */
  write(
    ep: string,
    path: string,
    body: LeshanWriteNode | string,
    options: DeviceRequestOptions & { format?: LeshanContentFormat; replace?: boolean } = {},
  ): Promise<LeshanResponse> {
    const init =
      typeof body === 'string'
        ? { body, contentType: 'text/plain' }
        : { body: JSON.stringify(body), contentType: 'application/json' };
    const query = {
      format: options.format,
      replace: options.replace === undefined ? undefined : String(options.replace),
    };
    return this.device('PUT', ep, pathOf(path), query, options, init);
  }

  /** Execute: POST /api/clients/{ep}/{o}/{i}/{r} with the arguments as a text body. */
  execute(
    ep: string,
    path: string,
    args?: string,
    options: DeviceRequestOptions = {},
  ): Promise<LeshanResponse> {
    const p = pathOf(path);
    if (p.split('/').length !== 3) throw new Error(`Execute needs a resource path, got "${path}"`);
    const init = args === undefined || args === '' ? {} : { body: args, contentType: 'text/plain' };
    return this.device('POST', ep, p, {}, options, init);
  }

  /** Create: POST /api/clients/{ep}/{o} with an instance node (give `id` to choose the instance). */
  create(
    ep: string,
    objectPath: string,
    instance: Extract<LeshanWriteNode, { resources: unknown }>,
    options: DeviceRequestOptions & { format?: LeshanContentFormat } = {},
  ): Promise<LeshanResponse> {
    const init = { body: JSON.stringify(instance), contentType: 'application/json' };
    return this.device('POST', ep, pathOf(objectPath), { format: options.format }, options, init);
  }

  /** Delete: DELETE /api/clients/{ep}/{o}/{i} */
  delete(ep: string, path: string, options: DeviceRequestOptions = {}): Promise<LeshanResponse> {
    return this.device('DELETE', ep, pathOf(path), {}, options);
  }

  /** Discover: GET /api/clients/{ep}/{path}/discover (path must have an object id at least). */
  discover(ep: string, path: string, options: DeviceRequestOptions = {}): Promise<LeshanResponse> {
    return this.device('GET', ep, `${pathOf(path)}/discover`, {}, options);
  }

  /**
   * Write-Attributes: PUT /api/clients/{ep}/{path}/attributes?pmin=..&pmax=.. Leshan parses the whole
   * query string as attributes, so no `timeout` can ride along: Leshan waits its default 5 s.
   */
  async writeAttributes(ep: string, path: string, attributes: LeshanAttributes): Promise<LeshanResponse> {
    const query = Object.entries(attributes)
      .map(([name, value]) => (value === null ? name : `${name}=${value}`))
      .join('&');
    const url = `/api/clients/${encodeURIComponent(ep)}/${pathOf(path)}/attributes?${query}`;
    return toResponse(await this.json(responseSchema, 'PUT', url, 8000));
  }

  /** Observe: POST /api/clients/{ep}/{path}/observe?format=; notifications arrive as NOTIFICATION events. */
  observe(
    ep: string,
    path: string,
    options: DeviceRequestOptions & { format?: LeshanContentFormat } = {},
  ): Promise<LeshanResponse> {
    return this.device('POST', ep, `${pathOf(path)}/observe`, { format: options.format }, options);
  }

  /**
   * Cancel: DELETE /api/clients/{ep}/{path}/observe. M4 only forgets the observation on the server
   * side (passive cancel: the next notification gets a RST); it sends nothing to the device itself.
   */
  async cancelObserve(ep: string, path: string): Promise<void> {
    const url = `/api/clients/${encodeURIComponent(ep)}/${pathOf(path)}/observe`;
    const { status, text } = await this.call('DELETE', url, ADMIN_TIMEOUT_MS);
    if (status !== 200) throw new LeshanHttpError('DELETE', url, status, text);
  }

  /** Server-sent events (all endpoints, or one with COAPLOG traces too). */
  events(options: { endpoint?: string } = {}): Promise<LeshanEventStream> {
    return openLeshanEventStream(this.baseUrl, options);
  }

  /** GET /api/security/clients */
  securityInfos(): Promise<LeshanSecurityInfo[]> {
    return this.json(securityInfoSchema.array(), 'GET', '/api/security/clients', ADMIN_TIMEOUT_MS);
  }

  /**
   * PUT /api/security/clients `{"endpoint":"ep","psk":{"identity":"id","key":"<hex>"}}`. Replaces
   * the endpoint's entry; an identity already used by another endpoint gives HTTP 400.
   */
  async addPsk(entry: { endpoint: string; identity: string; key: LeshanPskKey }): Promise<void> {
    const body = JSON.stringify({
      endpoint: entry.endpoint,
      psk: { identity: entry.identity, key: hexKey(entry.key) },
    });
    const url = '/api/security/clients';
    const { status, text } = await this.call('PUT', url, ADMIN_TIMEOUT_MS, {
      body,
      contentType: 'application/json',
    });
    if (status !== 200) throw new LeshanHttpError('PUT', url, status, text);
  }

  /** DELETE /api/security/clients/{ep}; false when there was none (HTTP 404). */
  async removeSecurityInfo(endpoint: string): Promise<boolean> {
    const url = `/api/security/clients/${encodeURIComponent(endpoint)}`;
    const { status, text } = await this.call('DELETE', url, ADMIN_TIMEOUT_MS);
    if (status === 404) return false;
    if (status !== 200) throw new LeshanHttpError('DELETE', url, status, text);
    return true;
  }

  /** GET /api/server/endpoint: the CoAP and CoAPs ports the server bound. */
  async serverPorts(timeoutMs = ADMIN_TIMEOUT_MS): Promise<{ coapPort: number; coapsPort: number }> {
    const r = await this.json(serverEndpointSchema, 'GET', '/api/server/endpoint', timeoutMs);
    return { coapPort: r.unsecuredEndpointPort, coapsPort: r.securedEndpointPort };
  }
}
