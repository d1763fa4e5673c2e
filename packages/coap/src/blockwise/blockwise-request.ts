import { CodedError } from '@lwm2m-adapters/errors';
import type { CoapIncomingResponse, CoapOption, CoapOutgoingRequest } from '../coap-types.js';
import type { RequestMessage } from '../exchange/outgoing-requests.js';
import {
  type BlockOption,
  blockSizeOf,
  decodeBlockOption,
  encodeBlockOption,
} from '../message/block-option.js';
import { codeOfMethod, ResponseCode, responseCodeOf } from '../message/coap-codes.js';
import { type CoapMessage, EMPTY_BYTES, isResponseCode } from '../message/coap-message.js';
import { encodedMessageSize } from '../message/coap-message-codec.js';
import {
  decodeUintOption,
  firstOption,
  OptionNumber,
  type StringOptionCache,
  uintOption,
} from '../message/coap-options.js';

export interface BlockwiseRequestSettings {
  /** Sends one request message, resolves with its response message. */
  exchange(message: RequestMessage): Promise<CoapMessage>;
  /** Our preferred block size exponent. */
  readonly szx: number;
  readonly maxDatagramSize: number;
  readonly maxResponseBodyBytes: number;
  /** The endpoint's recent string options (Uri-Path, Uri-Query). */
  readonly options: StringOptionCache;
}

const TOKEN_BYTES_MAX = 8;

/**
 * The options of a request in wire order: `first` (Observe, when given), Uri-Path, Content-Format,
 * Uri-Query, Accept; already sorted, so the encoder need not sort them.
 */
export function requestOptions(
  request: CoapOutgoingRequest,
  cache: StringOptionCache,
  first?: CoapOption,
): CoapOption[] {
  const options: CoapOption[] = [];
  if (first !== undefined) options.push(first);
  for (const segment of request.uriPath) options.push(cache.option(OptionNumber.UriPath, segment));
  if (request.contentFormat !== undefined) {
    options.push(uintOption(OptionNumber.ContentFormat, request.contentFormat));
  }
  for (const item of request.uriQuery ?? []) options.push(cache.option(OptionNumber.UriQuery, item));
  if (request.accept !== undefined) options.push(uintOption(OptionNumber.Accept, request.accept));
  return options;
}

/** The Block1 or Block2 option of a message, if any and well-formed. */
export function blockOf(message: CoapMessage, number: number): BlockOption | undefined {
  const option = firstOption(message.options, number);
  return option === undefined ? undefined : decodeBlockOption(option.value);
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

const decoder = new TextDecoder();
const NO_SEGMENTS: readonly string[] = Object.freeze([]);

/** The Content-Format option of a response, if any. */
export function contentFormatOf(options: readonly CoapOption[]): number | undefined {
  const option = firstOption(options, OptionNumber.ContentFormat);
  return option === undefined ? undefined : decodeUintOption(option.value, 2);
}

/** The Location-Path segments of a response (none, mostly: only 2.01 carries them). */
export function locationPathOf(options: readonly CoapOption[]): readonly string[] {
  let segments: string[] | undefined;
  for (const option of options) {
    if (option.number !== OptionNumber.LocationPath) continue;
    segments ??= [];
    segments.push(decoder.decode(option.value));
  }
  return segments ?? NO_SEGMENTS;
}

/**
 * A response message as `request()` and `observe()` hand it out: decoded options and a copy of
 * the payload. The options are the decoded message's (their values are views into the datagram,
 * which the endpoint's caller leaves unmodified).
 */
export function toIncomingResponse(message: CoapMessage, payload: Uint8Array): CoapIncomingResponse {
  return {
    code: responseCodeOf(message.code),
    contentFormat: contentFormatOf(message.options),
    payload: Uint8Array.from(payload),
    locationPath: locationPathOf(message.options),
    options: message.options,
  };
}

/** "GET /3303/0/5700", for error messages. */
export function requestSummary(request: CoapOutgoingRequest): string {
  return `${request.method} /${request.uriPath.join('/')}`;
}

function invalid(request: CoapOutgoingRequest, reason: string): CodedError {
  return new CodedError('COAP_MESSAGE_INVALID', `CoAP ${requestSummary(request)}: ${reason}`);
}

/**
 * One request as the client engine sees it: sent in Block1 blocks when the body does not fit one
 * datagram (RFC 7959 §2.5, following a smaller block size the server asks for), and with the
 * Block2 blocks of a large response fetched and joined (§2.4, ETag checked across blocks).
 */
export async function performBlockwiseRequest(
  settings: BlockwiseRequestSettings,
  request: CoapOutgoingRequest,
): Promise<CoapIncomingResponse> {
  const code = codeOfMethod(request.method);
  if (code === undefined) throw invalid(request, `unknown method "${String(request.method)}"`);
  const confirmable = request.confirmable ?? true;
  const base = requestOptions(request, settings.options);
  const body = request.payload ?? EMPTY_BYTES;

  let szx = settings.szx;
  const fitsOneDatagram =
    body.length <= blockSizeOf(szx) &&
    encodedMessageSize(base, body.length, TOKEN_BYTES_MAX) <= settings.maxDatagramSize;
  let response: CoapMessage;
  if (fitsOneDatagram) {
    response = await settings.exchange({ code, options: base, payload: body, confirmable, request });
  } else {
    // the largest block that fits one datagram with the Block1 (3 bytes) and Size1 (4 bytes) options
    const worstCase = [
      ...base,
      { number: OptionNumber.Block1, value: new Uint8Array(3) },
      { number: OptionNumber.Size1, value: new Uint8Array(4) },
    ];
    while (
      szx > 0 &&
      encodedMessageSize(worstCase, blockSizeOf(szx), TOKEN_BYTES_MAX) > settings.maxDatagramSize
    ) {
      szx--;
    }
    let offset = 0;
    for (;;) {
      const size = blockSizeOf(szx);
      const num = offset / size;
      const end = Math.min(body.length, offset + size);
      const more = end < body.length;
      const options: CoapOption[] = [...base, encodeBlockOption(OptionNumber.Block1, { num, more, szx })];
      if (num === 0) options.push(uintOption(OptionNumber.Size1, body.length));
      const payload = body.subarray(offset, end);
      response = await settings.exchange({ code, options, payload, confirmable, request });
      if (!more || response.code !== ResponseCode.Continue) break;
      const acknowledged = blockOf(response, OptionNumber.Block1);
      // the server may ask for smaller blocks: continue at the same offset with its size
      if (acknowledged !== undefined && acknowledged.szx < szx) szx = acknowledged.szx;
      offset = end;
    }
  }
  if (!isResponseCode(response.code)) throw invalid(request, 'the response has no response code');
  // the usual case without an async step more: the whole response in one message
  if (blockOf(response, OptionNumber.Block2)?.more !== true)
    return toIncomingResponse(response, response.payload);
  return completeBlock2(settings, request, response);
}

/**
 * The whole response whose first message is `first`: when it carries Block2 with more blocks, the
 * rest is fetched with follow-up requests (Block2 num 1, 2, ...; no Block1, no Observe and, except
 * for FETCH, no body), ETag checked across blocks. Also completes a block-wise notification
 * (RFC 7959 §2.6), `request` being the observation's registration request.
 */
export async function completeBlock2(
  settings: BlockwiseRequestSettings,
  request: CoapOutgoingRequest,
  first: CoapMessage,
): Promise<CoapIncomingResponse> {
  const code = codeOfMethod(request.method);
  if (code === undefined) throw invalid(request, `unknown method "${String(request.method)}"`);
  if (!isResponseCode(first.code)) throw invalid(request, 'the response has no response code');

  let block2 = blockOf(first, OptionNumber.Block2);
  if (block2 === undefined || !block2.more) return toIncomingResponse(first, first.payload);

  const base = requestOptions(request, settings.options);
  const body = request.payload ?? EMPTY_BYTES;
  const confirmable = request.confirmable ?? true;
  const etag = firstOption(first.options, OptionNumber.ETag)?.value;
  const chunks: Uint8Array[] = [Uint8Array.from(first.payload)];
  let received = first.payload.length;
  while (block2.more) {
    const next = block2.num + 1;
    if (received > settings.maxResponseBodyBytes) {
      throw invalid(request, `response body exceeds ${settings.maxResponseBodyBytes} bytes`);
    }
    const options = [
      ...base,
      encodeBlockOption(OptionNumber.Block2, { num: next, more: false, szx: block2.szx }),
    ];
    const blockResponse = await settings.exchange({
      code,
      options,
      payload: request.method === 'FETCH' ? body : EMPTY_BYTES,
      confirmable,
      request,
    });
    const got = blockOf(blockResponse, OptionNumber.Block2);
    if (blockResponse.code !== first.code || got === undefined) {
      throw invalid(request, `block ${next} answered ${responseCodeOf(blockResponse.code)} without Block2`);
    }
    if (!sameBytes(firstOption(blockResponse.options, OptionNumber.ETag)?.value, etag)) {
      throw invalid(request, 'the representation changed during the block-wise transfer (ETag differs)');
    }
    if (got.num * blockSizeOf(got.szx) !== received) {
      throw invalid(request, `block ${got.num} does not continue at byte ${received}`);
    }
    chunks.push(Uint8Array.from(blockResponse.payload));
    received += blockResponse.payload.length;
    block2 = got;
  }
  if (received > settings.maxResponseBodyBytes) {
    throw invalid(request, `response body exceeds ${settings.maxResponseBodyBytes} bytes`);
  }
  const payload = new Uint8Array(received);
  let pos = 0;
  for (const chunk of chunks) {
    payload.set(chunk, pos);
    pos += chunk.length;
  }
  return toIncomingResponse(first, payload);
}
