import type { RawValue } from '@lwm2m-adapters/sdk';
import { isIdentity } from './byte-order.js';
import type { PointLayout } from './point-layout.js';

/**
 * Decodes a point's value from reply data and encodes values to write, for one point layout.
 * `data` is what a read reply carries: packed bits (bit tables) or registers as wire bytes.
 */
export interface ValueCodec {
  /** Value at `offset` (in bits or registers) of the reply data. */
  decode(data: Uint8Array, offset: number): RawValue;
  /** Wire bytes of the registers that hold `value` (register points; the value has been validated). */
  encodeRegisters(value: RawValue): Uint8Array;
  /** For a register bit: the register's wire bytes with the bit set or cleared. */
  withBit(register: Uint8Array, on: boolean): Uint8Array;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function toIntegerValue(value: bigint): number | bigint {
  return value >= -MAX_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

function decodeText(bytes: Uint8Array, encoding: PointLayout['encoding']): string {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  const text = bytes.subarray(0, end);
  if (encoding === 'utf8') return new TextDecoder('utf-8').decode(text);
  let out = '';
  for (const byte of text) out += String.fromCharCode(byte);
  return out;
}

function encodeText(value: string, encoding: PointLayout['encoding']): Uint8Array {
  if (encoding === 'utf8') return new TextEncoder().encode(value);
  return Uint8Array.from(value, (c) => c.charCodeAt(0) & 0xff);
}

/** Builds the codec of one point layout; each codec owns its scratch buffer. */
export function createValueCodec(layout: PointLayout): ValueCodec {
  const bytes = layout.count * 2;
  const scratch = new Uint8Array(Math.max(8, bytes));
  const view = new DataView(scratch.buffer);
  const permutation = layout.permutation;
  const straight = isIdentity(permutation);

  /** Copies the point's wire bytes into scratch in value order (most significant first). */
  const gather = (data: Uint8Array, byteOffset: number): void => {
    if (straight) {
      // a byte loop, not set(subarray): no view object per decoded value
      for (let i = 0; i < bytes; i++) scratch[i] = data[byteOffset + i]!;
      return;
    }
    for (let i = 0; i < bytes; i++) scratch[permutation[i]!] = data[byteOffset + i]!;
  };
  /** Wire bytes of the value in scratch. */
  const scatter = (): Uint8Array => {
    const wire = new Uint8Array(bytes);
    if (straight) wire.set(scratch.subarray(0, bytes));
    else for (let i = 0; i < bytes; i++) wire[i] = scratch[permutation[i]!]!;
    return wire;
  };
  const registerValue = (data: Uint8Array, byteOffset: number): number => {
    gather(data, byteOffset);
    return view.getUint16(0);
  };

  const decodeRegisters = (data: Uint8Array, offset: number): RawValue => {
    const byteOffset = offset * 2;
    switch (layout.type) {
      case 'bool':
        return layout.bit === undefined
          ? registerValue(data, byteOffset) !== 0
          : ((registerValue(data, byteOffset) >>> layout.bit) & 1) === 1;
      case 'int16':
        gather(data, byteOffset);
        return view.getInt16(0);
      case 'uint16':
        gather(data, byteOffset);
        return view.getUint16(0);
      case 'int32':
        gather(data, byteOffset);
        return view.getInt32(0);
      case 'uint32':
        gather(data, byteOffset);
        return view.getUint32(0);
      case 'int64':
        gather(data, byteOffset);
        return toIntegerValue(view.getBigInt64(0));
      case 'uint64':
        gather(data, byteOffset);
        return toIntegerValue(view.getBigUint64(0));
      case 'float32':
        gather(data, byteOffset);
        return view.getFloat32(0);
      case 'float64':
        gather(data, byteOffset);
        return view.getFloat64(0);
      case 'string':
        gather(data, byteOffset);
        return decodeText(scratch.subarray(0, bytes), layout.encoding);
      case 'bytes':
        gather(data, byteOffset);
        return scratch.slice(0, bytes);
    }
  };

  const bitTable = layout.table === 'coil' || layout.table === 'discrete';

  return {
    decode(data, offset) {
      if (bitTable) return ((data[offset >>> 3]! >>> (offset & 7)) & 1) === 1;
      return decodeRegisters(data, offset);
    },

    encodeRegisters(value) {
      scratch.fill(0);
      switch (layout.type) {
        case 'bool':
          view.setUint16(0, value === true ? 1 : 0);
          break;
        case 'int16':
          view.setInt16(0, Number(value));
          break;
        case 'uint16':
          view.setUint16(0, Number(value));
          break;
        case 'int32':
          view.setInt32(0, Number(value));
          break;
        case 'uint32':
          view.setUint32(0, Number(value));
          break;
        case 'int64':
          view.setBigInt64(0, BigInt(value as number | bigint));
          break;
        case 'uint64':
          view.setBigUint64(0, BigInt(value as number | bigint));
          break;
        case 'float32':
          view.setFloat32(0, value as number);
          break;
        case 'float64':
          view.setFloat64(0, value as number);
          break;
        case 'string':
          scratch.set(encodeText(value as string, layout.encoding).subarray(0, bytes));
          break;
        case 'bytes':
          scratch.set((value as Uint8Array).subarray(0, bytes));
          break;
      }
      return scatter();
    },

    withBit(register, on) {
      const current = registerValue(register, 0);
      const mask = 1 << (layout.bit ?? 0);
      view.setUint16(0, on ? current | mask : current & ~mask);
      return scatter();
    },
  };
}
