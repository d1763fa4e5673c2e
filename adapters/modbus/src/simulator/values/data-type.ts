/** Data types a point can have, and how many 16-bit registers each occupies. */
export const dataTypes = [
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
] as const;

export type DataType = (typeof dataTypes)[number];

export type NumericDataType = Exclude<DataType, 'bool' | 'string'>;

/** A value as tests and signals see it; 64-bit integers may be bigint. */
export type TypedValue = number | bigint | boolean | string;

export function isNumericType(type: DataType): type is NumericDataType {
  return type !== 'bool' && type !== 'string';
}

export function isIntegerType(type: DataType): boolean {
  return isNumericType(type) && type !== 'float32' && type !== 'float64';
}

export function is64BitType(type: DataType): boolean {
  return type === 'int64' || type === 'uint64' || type === 'float64';
}

/**
 * Registers a value occupies. `bool` is one bit: one coil, or one bit (`bit`) of one register.
 * `string` occupies `length` registers (two characters each).
 */
export function registerCount(type: DataType, length = 1): number {
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
      return length;
  }
}

/** Inclusive bounds of an integer type. */
export function integerBounds(type: DataType): { readonly min: bigint; readonly max: bigint } | undefined {
  switch (type) {
    case 'int16':
      return { min: -0x8000n, max: 0x7fffn };
    case 'uint16':
      return { min: 0n, max: 0xffffn };
    case 'int32':
      return { min: -0x8000_0000n, max: 0x7fff_ffffn };
    case 'uint32':
      return { min: 0n, max: 0xffff_ffffn };
    case 'int64':
      return { min: -(2n ** 63n), max: 2n ** 63n - 1n };
    case 'uint64':
      return { min: 0n, max: 2n ** 64n - 1n };
    default:
      return undefined;
  }
}
