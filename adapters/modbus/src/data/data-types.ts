import type { RawValueKind } from '@lwm2m-adapters/sdk';

/** Value types a point can have. `bool` is a coil/discrete input, a bit of a register, or a register != 0. */
export const MODBUS_DATA_TYPES = [
  'bool',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'float32',
  'float64',
  'string',
  'bytes',
] as const;

export type ModbusDataType = (typeof MODBUS_DATA_TYPES)[number];

/** Types whose width is fixed; `string` and `bytes` take their length in registers from the point. */
export type FixedWidthType = Exclude<ModbusDataType, 'string' | 'bytes'>;

/** Registers a value of this type occupies (for `string`/`bytes`: `length`). */
export function registerCount(type: ModbusDataType, length: number | undefined): number {
  switch (type) {
    case 'bool':
    case 'int16':
    case 'uint16':
      return 1;
    case 'int32':
    case 'uint32':
    case 'float32':
      return 2;
    case 'int64':
    case 'uint64':
    case 'float64':
      return 4;
    case 'string':
    case 'bytes':
      return length ?? 1;
  }
}

/** Width in bits of an integer type (`bit: N` of the mapping reads one of them); undefined for others. */
export function integerTypeBits(type: ModbusDataType): number | undefined {
  switch (type) {
    case 'int16':
    case 'uint16':
      return 16;
    case 'int32':
    case 'uint32':
      return 32;
    case 'int64':
    case 'uint64':
      return 64;
    default:
      return undefined;
  }
}

/** The kind of RawValue a type decodes to (64-bit integers: a number when safe, a bigint beyond 2^53). */
export function dataTypeValueKind(type: ModbusDataType): RawValueKind {
  switch (type) {
    case 'bool':
      return 'boolean';
    case 'float32':
    case 'float64':
      return 'number';
    case 'string':
      return 'string';
    case 'bytes':
      return 'bytes';
    default:
      return 'integer';
  }
}

/** Inclusive integer range of an integer type. */
export function integerRange(type: ModbusDataType): readonly [bigint, bigint] | undefined {
  switch (type) {
    case 'int16':
      return [-(2n ** 15n), 2n ** 15n - 1n];
    case 'uint16':
      return [0n, 2n ** 16n - 1n];
    case 'int32':
      return [-(2n ** 31n), 2n ** 31n - 1n];
    case 'uint32':
      return [0n, 2n ** 32n - 1n];
    case 'int64':
      return [-(2n ** 63n), 2n ** 63n - 1n];
    case 'uint64':
      return [0n, 2n ** 64n - 1n];
    default:
      return undefined;
  }
}
