/**
 * Wire format of CoAP messages (RFC 7252 §3), both ways in one pass each. Ours rather than
 * node-coap's codec (coap-packet): its parser accepts truncated options, token lengths 9-15 and a
 * payload marker with no payload, and both directions copy every option into a Buffer of its own
 * (its generator also decodes the payload as UTF-8 to see whether it is empty); encoding was the
 * largest part of sending a notification.
 */
import { CodedError } from '@lwm2m-adapters/errors';
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

type OptionsResult =
  | { readonly options: CoapOption[]; readonly payload: Uint8Array; readonly error?: undefined }
  | { readonly error: string };

const EMPTY_PAYLOAD = new Uint8Array(0);

/**
 * The options and payload after the token, by the RFC 7252 §3 framing rules: the reason of the
 * first violation, or the options (values are views into `bytes`) and the payload.
 */
function parseOptions(bytes: Uint8Array, tokenLength: number): OptionsResult {
  let pos = 4 + tokenLength;
  if (pos > bytes.length) return { error: 'token extends past the end of the datagram' };
  const options: CoapOption[] = [];
  let number = 0;
  while (pos < bytes.length) {
    const first = bytes[pos]!;
    if (first === 0xff) {
      if (pos + 1 === bytes.length) return { error: 'payload marker followed by an empty payload' };
      return { options, payload: bytes.subarray(pos + 1) };
    }
    pos++;
    let delta = first >> 4;
    let length = first & 0x0f;
    if (delta === 15 || length === 15) return { error: 'reserved option delta or length 15' };
    if (delta === 13) {
      if (pos >= bytes.length) return { error: 'truncated option delta' };
      delta = bytes[pos++]! + 13;
    } else if (delta === 14) {
      if (pos + 1 >= bytes.length) return { error: 'truncated option delta' };
      delta = ((bytes[pos]! << 8) | bytes[pos + 1]!) + 269;
      pos += 2;
    }
    if (length === 13) {
      if (pos >= bytes.length) return { error: 'truncated option length' };
      length = bytes[pos++]! + 13;
    } else if (length === 14) {
      if (pos + 1 >= bytes.length) return { error: 'truncated option length' };
      length = ((bytes[pos]! << 8) | bytes[pos + 1]!) + 269;
      pos += 2;
    }
    number += delta;
    if (number > 0xffff) return { error: 'option number above 65535' };
    if (pos + length > bytes.length) return { error: 'option value extends past the end of the datagram' };
    options.push({ number, value: bytes.subarray(pos, pos + length) });
    pos += length;
  }
  return { options, payload: EMPTY_PAYLOAD };
}

/**
 * Decodes one datagram in one pass (header, token, options, payload). Never throws. The message's
 * byte fields are Uint8Array views into the datagram.
 */
export function decodeCoapMessage(received: Uint8Array): CoapDecodeResult {
  // a plain Uint8Array view: Buffer's subarray (a JS wrapper) costs several times the native one
  const datagram = Buffer.isBuffer(received)
    ? new Uint8Array(received.buffer, received.byteOffset, received.byteLength)
    : received;
  if (datagram.length < 4) return { ok: false, reason: 'shorter than the 4-byte header', header: undefined };
  const first = datagram[0]!;
  if (first >> 6 !== 1) return { ok: false, reason: `unknown CoAP version ${first >> 6}`, header: undefined };
  const type = TYPES[(first >> 4) & 3]!;
  const code = datagram[1]!;
  const messageId = (datagram[2]! << 8) | datagram[3]!;
  const tokenLength = first & 0x0f;
  if (tokenLength > 8) {
    return { ok: false, reason: `reserved token length ${tokenLength}`, header: { type, code, messageId } };
  }
  if (code === 0 && datagram.length !== 4) {
    return {
      ok: false,
      reason: 'an Empty message (0.00) with a token, options or payload',
      header: { type, code, messageId },
    };
  }
  const parsed = parseOptions(datagram, tokenLength);
  if (parsed.error !== undefined)
    return { ok: false, reason: parsed.error, header: { type, code, messageId } };
  return {
    ok: true,
    message: {
      type,
      code,
      messageId,
      token: datagram.subarray(4, 4 + tokenLength),
      options: parsed.options,
      payload: parsed.payload,
    },
  };
}

function byOptionNumber(a: CoapOption, b: CoapOption): number {
  return a.number - b.number;
}

/** The options in wire order: ascending number, repeated options keeping their order (stable sort). */
function sortedOptions(options: readonly CoapOption[]): readonly CoapOption[] {
  for (let i = 1; i < options.length; i++) {
    if (options[i]!.number < options[i - 1]!.number) return [...options].sort(byOptionNumber);
  }
  return options;
}

/** Bytes of the options in wire order (each: header, extended delta, extended length, value). */
function optionsSize(sorted: readonly CoapOption[]): number {
  let size = 0;
  let previous = 0;
  for (const option of sorted) {
    const delta = option.number - previous;
    previous = option.number;
    const length = option.value.length;
    size += 1 + length;
    size += delta >= 269 ? 2 : delta >= 13 ? 1 : 0;
    size += length >= 269 ? 2 : length >= 13 ? 1 : 0;
  }
  return size;
}

/** An option delta or length nibble, and its extension (RFC 7252 §3.1). */
function writeExtended(out: Uint8Array, pos: number, value: number): number {
  if (value >= 269) {
    out[pos] = (value - 269) >> 8;
    out[pos + 1] = (value - 269) & 0xff;
    return pos + 2;
  }
  if (value >= 13) {
    out[pos] = value - 13;
    return pos + 1;
  }
  return pos;
}

const nibble = (value: number) => (value >= 269 ? 14 : Math.min(value, 13));

function invalidMessage(message: CoapMessage, reason: string, maxLength: number): CodedError {
  return new CodedError(
    'COAP_MESSAGE_INVALID',
    `cannot encode CoAP ${message.type} ${formatDottedCode(message.code)}: ${reason}`,
    { details: { maxLength } },
  );
}

/**
 * Encodes a message (RFC 7252 §3): options in ascending order whatever order they are given in,
 * no payload marker for an empty payload (nor any payload on an Empty message). Throws
 * COAP_MESSAGE_INVALID when it does not fit in `maxLength` bytes, for a token of more than 8 bytes
 * and for an option number or value length the format cannot carry.
 */
export function encodeCoapMessage(message: CoapMessage, maxLength: number): Uint8Array {
  const { token, code } = message;
  if (token.length > 8) {
    throw new CodedError('COAP_MESSAGE_INVALID', `token of ${token.length} bytes (at most 8)`);
  }
  const options = sortedOptions(message.options);
  const last = options[options.length - 1];
  if (last !== undefined && (last.number > 0xffff || options[0]!.number < 0)) {
    throw invalidMessage(message, `option number ${last.number} is not 0..65535`, maxLength);
  }
  const payload = code === 0 ? EMPTY_PAYLOAD : message.payload;
  const length = 4 + token.length + optionsSize(options) + (payload.length > 0 ? 1 + payload.length : 0);
  if (length > maxLength) {
    throw invalidMessage(message, `${length} bytes, more than ${maxLength}`, maxLength);
  }
  const out = Buffer.allocUnsafeSlow(length);
  out[0] = 0x40 | (TYPES.indexOf(message.type) << 4) | token.length;
  out[1] = code;
  out[2] = (message.messageId >> 8) & 0xff;
  out[3] = message.messageId & 0xff;
  out.set(token, 4);
  let pos = 4 + token.length;
  let previous = 0;
  for (const option of options) {
    const delta = option.number - previous;
    previous = option.number;
    const value = option.value;
    if (value.length > 0xffff + 269)
      throw invalidMessage(message, `option ${option.number} is too long`, maxLength);
    out[pos] = (nibble(delta) << 4) | nibble(value.length);
    pos = writeExtended(out, writeExtended(out, pos + 1, delta), value.length);
    out.set(value, pos);
    pos += value.length;
  }
  if (payload.length > 0) {
    out[pos] = 0xff;
    out.set(payload, pos + 1);
  }
  return out;
}

/** The encoded size of a message with these options and payload length (token of `tokenLength` bytes). */
export function encodedMessageSize(
  options: readonly CoapOption[],
  payloadLength: number,
  tokenLength: number,
): number {
  return 4 + tokenLength + optionsSize(sortedOptions(options)) + (payloadLength > 0 ? 1 + payloadLength : 0);
}
