/** Typed values to and from registers, with a word order. Booleans are bits: see `bitOfWord`. */
import { CodedError } from '@lwm2m-adapters/errors';
import { type DataType, integerBounds, registerCount, type TypedValue } from './data-type.js';
import { orderSwaps, type WordOrder } from './word-order.js';

export interface ValueLayout {
  readonly type: DataType;
  /** Default ABCD (big endian). */
  readonly wordOrder?: WordOrder | undefined;
  /** Registers of a string. */
  readonly length?: number | undefined;
}

/** Registers holding `value` as `layout` says. Throws VALUE_OUT_OF_RANGE when it does not fit. */
export function encodeValue(layout: ValueLayout, value: TypedValue): Uint16Array {
  const count = registerCount(layout.type, layout.length);
  const bytes = Buffer.alloc(2 * count);
  writeBigEndian(layout.type, value, bytes);
  const words = new Uint16Array(count);
  const { wordSwap, byteSwap } = orderSwaps(layout.wordOrder ?? 'ABCD');
  for (let i = 0; i < count; i++) {
    const high = bytes[2 * i]!;
    const low = bytes[2 * i + 1]!;
    words[wordSwap ? count - 1 - i : i] = byteSwap ? (low << 8) | high : (high << 8) | low;
  }
  return words;
}

/** The value stored in `words` (as many as `layout` needs). */
export function decodeValue(layout: ValueLayout, words: ArrayLike<number>): TypedValue {
  const count = registerCount(layout.type, layout.length);
  const bytes = Buffer.alloc(2 * count);
  const { wordSwap, byteSwap } = orderSwaps(layout.wordOrder ?? 'ABCD');
  for (let i = 0; i < count; i++) {
    const word = words[wordSwap ? count - 1 - i : i] ?? 0;
    bytes[2 * i] = byteSwap ? word & 0xff : word >>> 8;
    bytes[2 * i + 1] = byteSwap ? word >>> 8 : word & 0xff;
  }
  return readBigEndian(layout.type, bytes);
}

/** A register with bit `bit` (0 = least significant) set to `on`. */
export function bitOfWord(word: number, bit: number, on: boolean): number {
  return on ? (word | (1 << bit)) & 0xffff : word & ~(1 << bit) & 0xffff;
}

function outOfRange(type: DataType, value: TypedValue, why: string): CodedError {
  return new CodedError('VALUE_OUT_OF_RANGE', `${String(value)} does not fit ${type}: ${why}`, {
    details: { type, value: String(value) },
  });
}

function toInteger(type: DataType, value: TypedValue): bigint {
  let integer: bigint;
  if (typeof value === 'bigint') integer = value;
  else if (typeof value === 'number' && Number.isInteger(value)) integer = BigInt(value);
  else if (typeof value === 'boolean') integer = value ? 1n : 0n;
  else throw outOfRange(type, value, 'not an integer');
  const bounds = integerBounds(type);
  if (bounds !== undefined && (integer < bounds.min || integer > bounds.max)) {
    throw outOfRange(type, value, `outside ${bounds.min}..${bounds.max}`);
  }
  return integer;
}

function toNumber(type: DataType, value: TypedValue): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw outOfRange(type, value, 'not a number');
}

function writeBigEndian(type: DataType, value: TypedValue, bytes: Buffer): void {
  switch (type) {
    case 'bool':
      bytes.writeUInt16BE(value === true || value === 1 ? 1 : 0);
      return;
    case 'int16':
      bytes.writeInt16BE(Number(toInteger(type, value)));
      return;
    case 'uint16':
      bytes.writeUInt16BE(Number(toInteger(type, value)));
      return;
    case 'int32':
      bytes.writeInt32BE(Number(toInteger(type, value)));
      return;
    case 'uint32':
      bytes.writeUInt32BE(Number(toInteger(type, value)));
      return;
    case 'int64':
      bytes.writeBigInt64BE(toInteger(type, value));
      return;
    case 'uint64':
      bytes.writeBigUInt64BE(toInteger(type, value));
      return;
    case 'float32':
      bytes.writeFloatBE(toNumber(type, value));
      return;
    case 'float64':
      bytes.writeDoubleBE(toNumber(type, value));
      return;
    case 'string': {
      const text = typeof value === 'string' ? value : String(value);
      const encoded = Buffer.from(text, 'utf8');
      if (encoded.length > bytes.length) throw outOfRange(type, value, `longer than ${bytes.length} bytes`);
      encoded.copy(bytes);
      return;
    }
  }
}

function readBigEndian(type: DataType, bytes: Buffer): TypedValue {
  switch (type) {
    case 'bool':
      return bytes.readUInt16BE() !== 0;
    case 'int16':
      return bytes.readInt16BE();
    case 'uint16':
      return bytes.readUInt16BE();
    case 'int32':
      return bytes.readInt32BE();
    case 'uint32':
      return bytes.readUInt32BE();
    case 'int64':
      return bytes.readBigInt64BE();
    case 'uint64':
      return bytes.readBigUInt64BE();
    case 'float32':
      return bytes.readFloatBE();
    case 'float64':
      return bytes.readDoubleBE();
    case 'string': {
      const end = bytes.indexOf(0);
      return bytes.toString('utf8', 0, end === -1 ? bytes.length : end);
    }
  }
}
