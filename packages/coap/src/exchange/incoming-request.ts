import { decodeUtf8 } from '@lwm2m-adapters/kit';
import type { CoapIncomingRequest, PeerAddress } from '../coap-types.js';
import { type BlockOption, decodeBlockOption } from '../message/block-option.js';
import { methodOfCode, ResponseCode } from '../message/coap-codes.js';
import type { CoapMessage } from '../message/coap-message.js';
import { decodeUintOption, isCriticalOption, OptionNumber } from '../message/coap-options.js';

/** A request as the endpoint sees it: the handler's view plus the block-wise options. */
export interface DecodedRequest {
  readonly request: CoapIncomingRequest;
  readonly block1: BlockOption | undefined;
  readonly block2: BlockOption | undefined;
  readonly size1: number | undefined;
}

export type RequestDecodeResult =
  | { readonly ok: true; readonly decoded: DecodedRequest }
  /** Answer with `code` (4.00, 4.02, 4.05, 5.05) and `reason` as diagnostic payload. */
  | { readonly ok: false; readonly code: number; readonly reason: string };

/** Options a request may carry: [max value length, repeatable]. Everything else is unrecognised. */
const REQUEST_OPTIONS: ReadonlyMap<number, readonly [number, boolean]> = new Map([
  [OptionNumber.IfMatch, [8, true]],
  [OptionNumber.UriHost, [255, false]],
  [OptionNumber.ETag, [8, true]],
  [OptionNumber.IfNoneMatch, [0, false]],
  [OptionNumber.Observe, [3, false]],
  [OptionNumber.UriPort, [2, false]],
  [OptionNumber.UriPath, [255, true]],
  [OptionNumber.ContentFormat, [2, false]],
  [OptionNumber.UriQuery, [255, true]],
  [OptionNumber.Accept, [2, false]],
  [OptionNumber.Block2, [3, false]],
  [OptionNumber.Block1, [3, false]],
  [OptionNumber.Size2, [4, false]],
  [OptionNumber.Size1, [4, false]],
  [OptionNumber.NoResponse, [1, false]],
] as const);

const fail = (code: number, reason: string): RequestDecodeResult => ({ ok: false, code, reason });

/**
 * Interprets a CON/NON request message (RFC 7252 §5.4): unrecognised or repeated critical options
 * give 4.02, proxy options 5.05, an unknown method 4.05, undecodable values 4.00. Elective options
 * that are unrecognised, repeated or of the wrong length are ignored, as §5.4.1/§5.4.3 require.
 */
export function decodeIncomingRequest(message: CoapMessage, peer: PeerAddress): RequestDecodeResult {
  const method = methodOfCode(message.code);
  if (method === undefined) return fail(ResponseCode.MethodNotAllowed, 'unknown method');
  const seen = new Set<number>();
  const uriPath: string[] = [];
  const uriQuery: string[] = [];
  let contentFormat: number | undefined;
  let accept: number | undefined;
  let observe: number | undefined;
  let block1: BlockOption | undefined;
  let block2: BlockOption | undefined;
  let size1: number | undefined;
  for (const option of message.options) {
    const { number, value } = option;
    if (number === OptionNumber.ProxyUri || number === OptionNumber.ProxyScheme) {
      return fail(ResponseCode.ProxyingNotSupported, 'this endpoint is not a proxy');
    }
    const rule = REQUEST_OPTIONS.get(number);
    const critical = isCriticalOption(number);
    const repeated = seen.has(number);
    seen.add(number);
    const usable = rule !== undefined && value.length <= rule[0] && (rule[1] || !repeated);
    if (!usable) {
      if (critical)
        return fail(ResponseCode.BadOption, `unsupported, repeated or malformed option ${number}`);
      continue; // elective: ignore
    }
    try {
      switch (number) {
        case OptionNumber.UriPath:
          uriPath.push(decodeUtf8(value, 'Uri-Path'));
          break;
        case OptionNumber.UriQuery:
          uriQuery.push(decodeUtf8(value, 'Uri-Query'));
          break;
        case OptionNumber.ContentFormat:
          contentFormat = decodeUintOption(value, 2);
          break;
        case OptionNumber.Accept:
          accept = decodeUintOption(value, 2);
          break;
        case OptionNumber.Observe:
          observe = decodeUintOption(value, 3);
          break;
        case OptionNumber.Size1:
          size1 = decodeUintOption(value, 4);
          break;
        case OptionNumber.Block1:
          block1 = decodeBlockOption(value);
          if (block1 === undefined) return fail(ResponseCode.BadRequest, 'malformed Block1 option');
          break;
        case OptionNumber.Block2:
          block2 = decodeBlockOption(value);
          if (block2 === undefined) return fail(ResponseCode.BadRequest, 'malformed Block2 option');
          break;
      }
    } catch {
      return fail(ResponseCode.BadRequest, `option ${number} is not valid UTF-8`);
    }
  }
  return {
    ok: true,
    decoded: {
      request: {
        peer,
        method,
        confirmable: message.type === 'CON',
        token: Uint8Array.from(message.token),
        uriPath,
        uriQuery,
        contentFormat,
        accept,
        observe,
        payload: message.payload,
        options: message.options,
      },
      block1,
      block2,
      size1,
    },
  };
}
