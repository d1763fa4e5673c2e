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
  stringOptions,
  uintOption,
} from '../message/coap-options.js';

export interface BlockwiseRequestSettings {
  /** Sends one request message, resolves with its response message. */
  readonly exchange: (message: RequestMessage) => Promise<CoapMessage>;
  /** Our preferred block size exponent. */
  readonly szx: number;
  readonly maxDatagramSize: number;
  readonly maxResponseBodyBytes: number;
}

const TOKEN_BYTES_MAX = 8;

function requestOptions(request: CoapOutgoingRequest): CoapOption[] {
  const options = [
    ...stringOptions(OptionNumber.UriPath, request.uriPath),
    ...stringOptions(OptionNumber.UriQuery, request.uriQuery ?? []),
  ];
  if (request.contentFormat !== undefined) {
    options.push(uintOption(OptionNumber.ContentFormat, request.contentFormat));
  }
  if (request.accept !== undefined) options.push(uintOption(OptionNumber.Accept, request.accept));
  return options;
}

function blockOf(message: CoapMessage, number: number): BlockOption | undefined {
  const option = firstOption(message.options, number);
  return option === undefined ? undefined : decodeBlockOption(option.value);
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

const decoder = new TextDecoder();

/** A response message as `request()` and `observe()` hand it out: decoded options, copied bytes. */
export function toIncomingResponse(message: CoapMessage, payload: Uint8Array): CoapIncomingResponse {
  const contentFormat = firstOption(message.options, OptionNumber.ContentFormat);
  return {
    code: responseCodeOf(message.code),
    contentFormat: contentFormat === undefined ? undefined : decodeUintOption(contentFormat.value, 2),
    payload: Uint8Array.from(payload),
    locationPath: message.options
      .filter((option) => option.number === OptionNumber.LocationPath)
      .map((option) => decoder.decode(option.value)),
    options: message.options.map((option) => ({
      number: option.number,
      value: Uint8Array.from(option.value),
    })),
  };
}

function invalid(summary: string, reason: string): CodedError {
  return new CodedError('COAP_MESSAGE_INVALID', `CoAP ${summary}: ${reason}`);
}

/** What differs for the first message of a request: an observation's registration or deregistration. */
export interface FirstMessageOptions {
  /** Options only the first message carries (Observe: RFC 7959 §2.6 leaves it off the Block2 follow-ups). */
  readonly options: readonly CoapOption[];
  /** Sends the first message (with the observation's own token); the follow-ups use `settings.exchange`. */
  readonly exchange: (message: RequestMessage) => Promise<CoapMessage>;
}

/**
 * One request as the client engine sees it: sent in Block1 blocks when the body does not fit one
 * datagram (RFC 7959 §2.5, following a smaller block size the server asks for), and with the
 * Block2 blocks of a large response fetched and joined (§2.4, ETag checked across blocks).
 * `first` (observe registration and deregistration) needs a body that fits one block.
 */
export async function performBlockwiseRequest(
  settings: BlockwiseRequestSettings,
  request: CoapOutgoingRequest,
  first?: FirstMessageOptions,
): Promise<CoapIncomingResponse> {
  const code = codeOfMethod(request.method);
  const summary = `${request.method} /${request.uriPath.join('/')}`;
  if (code === undefined) throw invalid(summary, `unknown method "${String(request.method)}"`);
  const confirmable = request.confirmable ?? true;
  const base = requestOptions(request);
  const body = request.payload ?? EMPTY_BYTES;
  const message = (options: CoapOption[], payload: Uint8Array): RequestMessage => ({
    code,
    options,
    payload,
    confirmable,
    summary,
  });

  let szx = settings.szx;
  const firstOptions = first?.options ?? [];
  const fitsOneDatagram =
    body.length <= blockSizeOf(szx) &&
    encodedMessageSize([...base, ...firstOptions], body.length, TOKEN_BYTES_MAX) <= settings.maxDatagramSize;
  let response: CoapMessage;
  if (first !== undefined) {
    if (!fitsOneDatagram) throw invalid(summary, 'an Observe request must fit one datagram');
    response = await first.exchange(message([...base, ...firstOptions], body));
  } else if (fitsOneDatagram) {
    response = await settings.exchange(message(base, body));
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
      response = await settings.exchange(message(options, body.subarray(offset, end)));
      if (!more || response.code !== ResponseCode.Continue) break;
      const acknowledged = blockOf(response, OptionNumber.Block1);
      // the server may ask for smaller blocks: continue at the same offset with its size
      if (acknowledged !== undefined && acknowledged.szx < szx) szx = acknowledged.szx;
      offset = end;
    }
  }
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
  const summary = `${request.method} /${request.uriPath.join('/')}`;
  if (code === undefined) throw invalid(summary, `unknown method "${String(request.method)}"`);
  if (!isResponseCode(first.code)) throw invalid(summary, 'the response has no response code');

  let block2 = blockOf(first, OptionNumber.Block2);
  if (block2 === undefined || !block2.more) return toIncomingResponse(first, first.payload);

  const base = requestOptions(request);
  const body = request.payload ?? EMPTY_BYTES;
  const confirmable = request.confirmable ?? true;
  const etag = firstOption(first.options, OptionNumber.ETag)?.value;
  const chunks: Uint8Array[] = [Uint8Array.from(first.payload)];
  let received = first.payload.length;
  while (block2.more) {
    const next = block2.num + 1;
    if (received > settings.maxResponseBodyBytes) {
      throw invalid(summary, `response body exceeds ${settings.maxResponseBodyBytes} bytes`);
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
      summary,
    });
    const got = blockOf(blockResponse, OptionNumber.Block2);
    if (blockResponse.code !== first.code || got === undefined) {
      throw invalid(summary, `block ${next} answered ${responseCodeOf(blockResponse.code)} without Block2`);
    }
    if (!sameBytes(firstOption(blockResponse.options, OptionNumber.ETag)?.value, etag)) {
      throw invalid(summary, 'the representation changed during the block-wise transfer (ETag differs)');
    }
    if (got.num * blockSizeOf(got.szx) !== received) {
      throw invalid(summary, `block ${got.num} does not continue at byte ${received}`);
    }
    chunks.push(Uint8Array.from(blockResponse.payload));
    received += blockResponse.payload.length;
    block2 = got;
  }
  if (received > settings.maxResponseBodyBytes) {
    throw invalid(summary, `response body exceeds ${settings.maxResponseBodyBytes} bytes`);
  }
  const payload = new Uint8Array(received);
  let pos = 0;
  for (const chunk of chunks) {
    payload.set(chunk, pos);
    pos += chunk.length;
  }
  return toIncomingResponse(first, payload);
}
