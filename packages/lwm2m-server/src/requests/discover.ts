import type { CoapIncomingResponse } from '@lwm2m-adapters/coap';
import { CodedError } from '@lwm2m-adapters/errors';
import {
  ContentFormat,
  type DecodeLimits,
  decodeLinks,
  type LwM2mPath,
  type ObjectLinkEntry,
  parseDiscoverLinks,
} from '@lwm2m-adapters/lwm2m-core';
import { formatLinkFormat } from '@lwm2m-adapters/lwm2m-core/codecs';
import type { Registration } from '../registration/registration.js';
import type { DiscoverResponse } from '../server-types.js';
import { toResponse } from './responses.js';

/** Discover (Core §5.4.2): GET with Accept application/link-format. */
export function discoverRequest(uriPath: string[]) {
  return { method: 'GET', uriPath, accept: ContentFormat.LINK } as const;
}

/**
 * The links of a Discover answer. A client answers with its data model's paths: no gateway
 * prefix (Gateway TS) and no alternate path; a client that adds either anyway is understood (they
 * are stripped). A 2.05 in another format than link-format, or links that do not parse, throw.
 */
export function discoverContent(
  response: CoapIncomingResponse,
  registration: Registration,
  path: LwM2mPath,
  limits?: Partial<DecodeLimits>,
): DiscoverResponse {
  const { code, success, diagnostic } = toResponse(response);
  if (code !== '2.05') return { code, success, diagnostic, links: undefined };
  if (response.contentFormat !== undefined && response.contentFormat !== ContentFormat.LINK) {
    throw new CodedError(
      'CODEC_UNSUPPORTED_FORMAT',
      `the Discover answer for ${path} is in content format ${response.contentFormat}, not link-format (40)`,
    );
  }
  const strip = [
    ...(registration.rootPath === '/' ? [] : [registration.rootPath]),
    ...(path.prefix === undefined ? [] : [`/${path.prefix}`]),
  ];
  let links = decodeLinks(response.payload, limits);
  if (strip.length > 0) {
    links = links.map((link) => {
      let uri = link.uri;
      for (const head of strip) if (uri.startsWith(`${head}/`)) uri = uri.slice(head.length);
      return uri === link.uri ? link : { ...link, uri };
    });
  }
  const entries: ObjectLinkEntry[] = parseDiscoverLinks(formatLinkFormat(links), limits);
  return { code, success, diagnostic, links: entries };
}
