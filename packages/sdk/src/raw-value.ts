/**
 * One value as an adapter reads it from or writes it to a device, after the adapter's own data-type
 * decoding (e.g. a Modbus float32 in CDAB order becomes a number, an OPC UA DateTime a Date) and
 * before the mapping's conversion (scale, offset, enumeration) turns it into an LwM2M value.
 */
export type RawScalar = number | bigint | boolean | string | Uint8Array | Date;

/**
 * A value of a point: one scalar, or an array of scalars of one kind (an OPC UA array variable),
 * which the host maps onto a multiple-instance resource (element i → resource instance i).
 */
export type RawValue = RawScalar | readonly RawScalar[];

/** What kind of scalar a point produces; the mapping compiler checks it fits the LwM2M resource type. */
export type RawValueKind = 'number' | 'integer' | 'boolean' | 'string' | 'bytes' | 'time';

/** Whether a point yields one scalar or an array of them (`AdapterDefinition.pointValueShape`). */
export type RawValueShape = 'scalar' | 'array';

export function isRawArray(value: RawValue): value is readonly RawScalar[] {
  return Array.isArray(value);
}

/** The kind of one scalar. */
export function rawScalarKind(value: RawScalar): RawValueKind {
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'bigint') return 'integer';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (value instanceof Date) return 'time';
  return 'bytes';
}

/** The kind of a value: of the scalar, or of an array's first element (an empty array: undefined). */
export function rawValueKind(value: RawValue): RawValueKind | undefined {
  if (isRawArray(value)) {
    const first = value[0];
    return first === undefined ? undefined : rawScalarKind(first);
  }
  return rawScalarKind(value);
}
