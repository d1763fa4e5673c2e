/**
 * A value as an adapter reads it from or writes it to a device, after the adapter's own data-type
 * decoding (e.g. a Modbus float32 in CDAB order becomes a number) and before the mapping's
 * conversion (scale, offset, enumeration) turns it into an LwM2M value.
 */
export type RawValue = number | bigint | boolean | string | Uint8Array;

/** What kind of RawValue a point produces; the mapping compiler checks it fits the LwM2M resource type. */
export type RawValueKind = 'number' | 'integer' | 'boolean' | 'string' | 'bytes';

export function rawValueKind(value: RawValue): RawValueKind {
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'bigint') return 'integer';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  return 'bytes';
}
