/**
 * Wire format of CoAP messages. Parsing and generation use node-coap's own codec (coap-packet);
 * a strict framing check runs first, because coap-packet accepts truncated options, token
 * lengths 9-15 (RFC 8974 extended tokens) and a payload marker with no payload.
 */
import { CodedError } from '@lwm2m-adapters/errors';
import { generate, type Packet, parse } from 'coap-packet';
import type { CoapOption } from '../coap-types.js';
import { formatDottedCode } from './coap-codes.js';
import type { CoapMessage, CoapMessageType } from './coap-message.js';

/** What the 4-byte fixed header says, for answering a message whose rest is malformed. */
export interface CoapHeader {
  readonly type: CoapMessageType;
  readonly code: number;
  readonly messageId: number;
}

export type CoapDecodeResult =
  | { readonly ok: true; readonly message: CoapMessage }
  | {
      readonly ok: false;
      readonly reason: string;
      /** Undefined when even the header is unusable (too short, unknown version): ignore silently. */
      readonly header: CoapHeader | undefined;
    };

const TYPES: readonly CoapMessageType[] = ['CON', 'NON', 'ACK', 'RST'];

/** coap-packet names the options it knows; everything else arrives as the decimal number. */
const OPTION_NUMBER_BY_NAME: Readonly<Record<string, number>> = {
  'If-Match': 1,
  'Uri-Host': 3,
  ETag: 4,
  'If-None-Match': 5,
  Observe: 6,
  'Uri-Port': 7,
  'Location-Path': 8,
  OSCORE: 9,
  'Uri-Path': 11,
  'Content-Format': 12,
  'Max-Age': 14,
  'Uri-Query': 15,
  'Hop-Limit': 16,
  Accept: 17,
  'Q-Block1': 19,
  'Location-Query': 20,
  Block2: 23,
  Block1: 27,
  Size2: 28,
  'Q-Block2': 31,
  'Proxy-Uri': 35,
  'Proxy-Scheme': 39,
  Size1: 60,
  'No-Response': 258,
  'OCF-Accept-Content-Format-Version': 2049,
  'OCF-Content-Format-Version': 2053,
};

function optionNumberOf(name: string | number): number {
  if (typeof name === 'number') return name;
  return OPTION_NUMBER_BY_NAME[name] ?? Number.parseInt(name, 10);
}

/** RFC 7252 §3 framing rules; returns the reason of the first violation, or undefined. */
function framingError(bytes: Uint8Array, tokenLength: number): string | undefined {
  let pos = 4 + tokenLength;
  if (pos > bytes.length) return 'token extends past the end of the datagram';
  let number = 0;
  while (pos < bytes.length) {
    const first = bytes[pos]!;
    if (first === 0xff) {
      return pos + 1 === bytes.length ? 'payload marker followed by an empty payload' : undefined;
    }
    pos++;
    let delta = first >> 4;
    let length = first & 0x0f;
    if (delta === 15 || length === 15) return 'reserved option delta or length 15';
    if (delta === 13) {
      if (pos >= bytes.length) return 'truncated option delta';
      delta = bytes[pos++]! + 13;
    } else if (delta === 14) {
      if (pos + 1 >= bytes.length) return 'truncated option delta';
      delta = ((bytes[pos]! << 8) | bytes[pos + 1]!) + 269;
      pos += 2;
    }
    if (length === 13) {
      if (pos >= bytes.length) return 'truncated option length';
      length = bytes[pos++]! + 13;
    } else if (length === 14) {
      if (pos + 1 >= bytes.length) return 'truncated option length';
      length = ((bytes[pos]! << 8) | bytes[pos + 1]!) + 269;
      pos += 2;
    }
    number += delta;
    if (number > 0xffff) return 'option number above 65535';
    if (pos + length > bytes.length) return 'option value extends past the end of the datagram';
    pos += length;
  }
  return undefined;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes one datagram. Never throws. The message's byte fields are views into `datagram`. */
export function decodeCoapMessage(datagram: Uint8Array): CoapDecodeResult {
  if (datagram.length < 4) return { ok: false, reason: 'shorter than the 4-byte header', header: undefined };
  const first = datagram[0]!;
  if (first >> 6 !== 1) return { ok: false, reason: `unknown CoAP version ${first >> 6}`, header: undefined };
  const header: CoapHeader = {
    type: TYPES[(first >> 4) & 3]!,
    code: datagram[1]!,
    messageId: (datagram[2]! << 8) | datagram[3]!,
  };
  const tokenLength = first & 0x0f;
  if (tokenLength > 8) return { ok: false, reason: `reserved token length ${tokenLength}`, header };
  if (header.code === 0 && datagram.length !== 4) {
    return { ok: false, reason: 'an Empty message (0.00) with a token, options or payload', header };
  }
  const framing = framingError(datagram, tokenLength);
  if (framing !== undefined) return { ok: false, reason: framing, header };
  let packet: ReturnType<typeof parse>;
  try {
    packet = parse(asBuffer(datagram));
  } catch (cause) {
    return { ok: false, reason: `unparseable: ${String(cause)}`, header };
  }
  const options: CoapOption[] = packet.options.map((option) => ({
    number: optionNumberOf(option.name),
    value: option.value,
  }));
  return {
    ok: true,
    message: {
      type: header.type,
      code: header.code,
      messageId: header.messageId,
      token: packet.token,
      options,
      payload: packet.payload,
    },
  };
}

/** Encodes a message; throws COAP_MESSAGE_INVALID when it does not fit in `maxLength` bytes. */
export function encodeCoapMessage(message: CoapMessage, maxLength: number): Uint8Array {
  if (message.token.length > 8) {
    throw new CodedError('COAP_MESSAGE_INVALID', `token of ${message.token.length} bytes (at most 8)`);
  }
  const packet: Packet = {
    code: formatDottedCode(message.code),
    messageId: message.messageId,
    token: asBuffer(message.token),
    payload: asBuffer(message.payload),
    options: message.options.map((option) => ({ name: option.number, value: asBuffer(option.value) })),
    confirmable: message.type === 'CON',
    ack: message.type === 'ACK',
    reset: message.type === 'RST',
  };
  try {
    return generate(packet, maxLength);
  } catch (cause) {
    throw new CodedError(
      'COAP_MESSAGE_INVALID',
      `cannot encode CoAP ${message.type} ${formatDottedCode(message.code)}: ${String(cause)}`,
      { cause, details: { maxLength } },
    );
  }
}

/** The encoded size of a message with these options and payload length (token of `tokenLength` bytes). */
export function encodedMessageSize(
  options: readonly CoapOption[],
  payloadLength: number,
  tokenLength: number,
): number {
  let size = 4 + tokenLength + (payloadLength > 0 ? 1 + payloadLength : 0);
  let previous = 0;
  for (const option of [...options].sort((a, b) => a.number - b.number)) {
    const delta = option.number - previous;
    previous = option.number;
    const length = option.value.length;
    size += 1 + length;
    size += delta >= 269 ? 2 : delta >= 13 ? 1 : 0;
    size += length >= 269 ? 2 : length >= 13 ? 1 : 0;
  }
  return size;
}
