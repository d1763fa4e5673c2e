import type { CoapIncomingResponse, CoapObserveRequest } from '@lwm2m-adapters/coap';
import { CodedError } from '@lwm2m-adapters/errors';
import { type LwM2mCodecs, LwM2mPath, type PathNode } from '@lwm2m-adapters/lwm2m-core';
import type {
  CompositeContentResponse,
  CompositeReadOptions,
  CompositeWriteOptions,
  Lwm2mResponse,
} from '../server-types.js';
import { compositeValueFormats, pathListFormats, withFormatFallback } from './content-negotiation.js';
import type { ClientExchange } from './downlink.js';
import { toResponse } from './responses.js';

/**
 * Read-Composite (FETCH), Observe-Composite (FETCH with Observe) and Write-Composite (iPATCH), LwM2M
 * 1.1 Core §5.4.6-5.4.8, §6.3.8: sent to the client's root (its alternate path, if any), the paths
 * in the payload (each with its gateway prefix, if any: one request may mix the gateway and its
 * end devices).
 */

const toPath = (path: string | LwM2mPath) => (typeof path === 'string' ? LwM2mPath.parse(path) : path);

/** The paths of a composite request: at least one; strings parsed (PATH_INVALID). */
export function compositePaths(paths: readonly (string | LwM2mPath)[]): LwM2mPath[] {
  if (paths.length === 0) throw new CodedError('PATH_INVALID', 'a composite request needs at least one path');
  return paths.map(toPath);
}

/** The FETCH of a path list in `format` (with Accept when asked). */
export function compositeFetch(
  exchange: ClientExchange,
  codecs: LwM2mCodecs,
  paths: readonly LwM2mPath[],
  format: number,
  accept: number | undefined,
): CoapObserveRequest {
  const request = {
    method: 'FETCH',
    uriPath: exchange.rootUriPath(),
    contentFormat: format,
    payload: codecs.encodePaths(paths, format),
  } as const;
  return accept === undefined ? request : { ...request, accept };
}

/**
 * The content of a composite answer: the values of a 2.05 grouped by the requested paths, decoded
 * in its Content-Format (else the Accept, else the path list's format); a payload that does not
 * decode throws.
 */
export function compositeContent(
  response: CoapIncomingResponse,
  codecs: LwM2mCodecs,
  paths: readonly LwM2mPath[],
  format: number,
  accept: number | undefined,
): CompositeContentResponse {
  const { code, success, diagnostic } = toResponse(response);
  if (code !== '2.05')
    return { code, success, diagnostic, nodes: undefined, contentFormat: response.contentFormat };
  const contentFormat = response.contentFormat ?? accept ?? format;
  const nodes = codecs.decodeNodes(response.payload, paths, contentFormat);
  return { code, success, diagnostic, nodes, contentFormat };
}

/** The formats of a path list: the caller's, else negotiated (one retry on 4.15/4.06). */
export function pathListFormatsFor(exchange: ClientExchange, format: number | undefined): number[] {
  return format === undefined ? pathListFormats(exchange.registration) : [format];
}

/** Read-Composite: FETCH with the path list; best effort at the client (missing paths left out). */
export async function readComposite(
  exchange: ClientExchange,
  codecs: LwM2mCodecs,
  paths: readonly LwM2mPath[],
  options: CompositeReadOptions,
): Promise<CompositeContentResponse> {
  const { response, format } = await withFormatFallback(
    pathListFormatsFor(exchange, options.format),
    (candidate) => exchange.request(compositeFetch(exchange, codecs, paths, candidate, options.accept)),
    exchange.formatRetried,
  );
  return compositeContent(response, codecs, paths, format, options.accept);
}

/** Write-Composite: iPATCH with the values (atomic at the client: all or nothing). */
export async function writeComposite(
  exchange: ClientExchange,
  codecs: LwM2mCodecs,
  values: readonly PathNode[],
  options: CompositeWriteOptions,
): Promise<Lwm2mResponse> {
  if (values.length === 0) throw new CodedError('NODE_INVALID', 'a Write-Composite needs at least one value');
  const formats =
    options.format === undefined ? compositeValueFormats(exchange.registration) : [options.format];
  const { response } = await withFormatFallback(
    formats,
    (format) =>
      exchange.request({
        method: 'IPATCH',
        uriPath: exchange.rootUriPath(),
        contentFormat: format,
        payload: codecs.encodeNodes(values, format),
      }),
    exchange.formatRetried,
  );
  return toResponse(response);
}
