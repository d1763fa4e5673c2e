import {
  appendBytes,
  type FrameReader,
  type FrameSink,
  type FrameWriter,
  type ModbusFrame,
} from './frame-reader.js';
import { MAX_PDU_LENGTH } from './function-codes.js';
import { lrcModbus } from './lrc.js';

/** ':' starts an ASCII frame, CR LF ends it. */
export const COLON = 0x3a;
export const CR = 0x0d;
export const LF = 0x0a;
const EMPTY = new Uint8Array(0);
/** Hex digits of the largest frame: 2 x (unit + PDU + LRC). */
export const MAX_ASCII_DIGITS = 2 * (MAX_PDU_LENGTH + 2);
/** ':' + hex digits + CR LF. */
const MAX_ASCII_FRAME = 1 + MAX_ASCII_DIGITS + 2;
const HEX = '0123456789ABCDEF';

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * The frame whose hex digits (unit id, PDU, LRC; upper or lower case) are `chars[start, end)`, the
 * part between ':' and CR LF; or why those digits are not a frame.
 */
export function decodeAsciiDigits(chars: Uint8Array, start: number, end: number): ModbusFrame | string {
  const digits = end - start;
  if (digits < 6 || digits % 2 !== 0) return `ASCII frame with ${digits} hex digits`;
  const binary = new Uint8Array(digits / 2);
  for (let i = 0; i < binary.length; i++) {
    const hi = hexValue(chars[start + 2 * i]!);
    const lo = hexValue(chars[start + 2 * i + 1]!);
    if (hi < 0 || lo < 0) return 'ASCII frame with a non-hex character';
    binary[i] = (hi << 4) | lo;
  }
  if (lrcModbus(binary, 0, binary.length - 1) !== binary[binary.length - 1])
    return 'ASCII frame with an LRC mismatch';
  return { transactionId: undefined, unit: binary[0]!, pdu: binary.slice(1, binary.length - 1) };
}

/** Modbus ASCII: ':' then unit id, PDU and LRC as upper-case hex digits, then CR LF. */
export const asciiFrameWriter: FrameWriter = {
  encode(_transactionId, unit, pdu) {
    const binary = new Uint8Array(pdu.length + 2);
    binary[0] = unit;
    binary.set(pdu, 1);
    binary[pdu.length + 1] = lrcModbus(binary, 0, pdu.length + 1);
    const frame = new Uint8Array(1 + binary.length * 2 + 2);
    frame[0] = COLON;
    for (let i = 0; i < binary.length; i++) {
      frame[1 + 2 * i] = HEX.charCodeAt(binary[i]! >>> 4);
      frame[2 + 2 * i] = HEX.charCodeAt(binary[i]! & 0x0f);
    }
    frame[frame.length - 2] = CR;
    frame[frame.length - 1] = LF;
    return frame;
  },
};

/** Reads ASCII frames; bytes outside ':' ... CR LF are skipped, bad hex or LRC is reported as corrupt. */
export class AsciiFrameReader implements FrameReader {
  #pending: Uint8Array = EMPTY;

  push(chunk: Uint8Array, sink: FrameSink): void {
    const buffer = appendBytes(this.#pending, chunk);
    let offset = 0;
    for (;;) {
      const start = buffer.indexOf(COLON, offset);
      if (start < 0) {
        offset = buffer.length;
        break;
      }
      const end = buffer.indexOf(LF, start);
      if (end < 0) {
        offset = start;
        if (buffer.length - start > MAX_ASCII_FRAME) {
          this.#pending = EMPTY;
          sink.corrupt('ASCII frame without CR LF');
          return;
        }
        break;
      }
      offset = end + 1;
      const reason = this.#decode(buffer, start, end, sink);
      if (reason !== undefined) sink.corrupt(reason);
    }
    const rest = buffer.subarray(offset);
    this.#pending = rest.length === 0 ? EMPTY : rest.slice();
  }

  /** Decodes ':' .. LF at [start, end]; returns why it is not a frame, or undefined after delivering it. */
  #decode(buffer: Uint8Array, start: number, end: number, sink: FrameSink): string | undefined {
    if (buffer[end - 1] !== CR) return 'ASCII frame without CR before LF';
    const frame = decodeAsciiDigits(buffer, start + 1, end - 1);
    if (typeof frame === 'string') return frame;
    sink.frame(frame);
    return undefined;
  }

  reset(): number {
    const dropped = this.#pending.length;
    this.#pending = EMPTY;
    return dropped;
  }
}
