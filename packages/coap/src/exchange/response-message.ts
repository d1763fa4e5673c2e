import type { CachedRepresentation } from '../blockwise/blockwise-response-cache.js';
import type { CoapOption, CoapOutgoingResponse } from '../coap-types.js';
import { blockSizeOf, encodeBlockOption } from '../message/block-option.js';
import { OptionNumber, stringOptions, uintOption } from '../message/coap-options.js';

/** The options of a response other than the block-wise ones, in any order (the codec sorts). */
export function responseOptions(response: CoapOutgoingResponse, withObserve: boolean): CoapOption[] {
  const options: CoapOption[] = [];
  if (withObserve && response.observe !== undefined) {
    // RFC 7641 §3.4: a 24-bit sequence number
    options.push(uintOption(OptionNumber.Observe, response.observe & 0xffffff));
  }
  if (response.locationPath !== undefined) {
    options.push(...stringOptions(OptionNumber.LocationPath, response.locationPath));
  }
  if (response.contentFormat !== undefined) {
    options.push(uintOption(OptionNumber.ContentFormat, response.contentFormat));
  }
  if (response.maxAge !== undefined) options.push(uintOption(OptionNumber.MaxAge, response.maxAge));
  return options;
}

/** One Block2 block of a representation: its ETag, Block2 and (first block) Size2 options and bytes. */
export interface Block2Slice {
  readonly options: CoapOption[];
  readonly payload: Uint8Array;
}

/** Block `num` at size 2^(szx+4), or undefined when `num` lies beyond the end (answer 4.02). */
export function sliceBlock2(
  representation: CachedRepresentation,
  num: number,
  szx: number,
): Block2Slice | undefined {
  const size = blockSizeOf(szx);
  const start = num * size;
  const total = representation.payload.length;
  if (num > 0 && start >= total) return undefined;
  const end = Math.min(total, start + size);
  const options: CoapOption[] = [
    { number: OptionNumber.ETag, value: representation.etag },
    encodeBlockOption(OptionNumber.Block2, { num, more: end < total, szx }),
  ];
  if (num === 0) options.push(uintOption(OptionNumber.Size2, total));
  return { options, payload: representation.payload.subarray(start, end) };
}
