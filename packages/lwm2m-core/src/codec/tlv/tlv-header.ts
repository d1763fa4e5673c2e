import { CodedError } from '@lwm2m-adapters/errors';

/**
 * OMA TLV header (LwM2M Core §7.4.3): a type byte, an 8- or 16-bit id, an optional 8/16/24-bit
 * length field, then the value.
 *   bits 7-6: 00 Object Instance, 01 Resource Instance, 10 Multiple Resource, 11 Resource
 *   bit 5:    16-bit id
 *   bits 4-3: length field size in bytes (0 = the length is in bits 2-0)
 */
export const TLV_OBJECT_INSTANCE = 0x00;
export const TLV_RESOURCE_INSTANCE = 0x40;
export const TLV_MULTIPLE_RESOURCE = 0x80;
export const TLV_RESOURCE = 0xc0;
export type TlvTypeBits =
  | typeof TLV_OBJECT_INSTANCE
  | typeof TLV_RESOURCE_INSTANCE
  | typeof TLV_MULTIPLE_RESOURCE
  | typeof TLV_RESOURCE;

/** Largest value length a 24-bit length field can declare. */
export const MAX_TLV_LENGTH = 0xff_ffff;
/** Largest id a TLV may carry (65535 is reserved in LwM2M). */
export const MAX_TLV_ID = 65534;

/** Bytes of the header for a TLV with this id and value length (smallest id and length fields). */
export function tlvHeaderSize(id: number, length: number): number {
  if (length > MAX_TLV_LENGTH) {
    throw new CodedError(
      'VALUE_OUT_OF_RANGE',
      `TLV value of ${length} bytes exceeds the 24-bit length limit`,
      {
        details: { id, length },
      },
    );
  }
  const idBytes = id > 0xff ? 2 : 1;
  const lengthBytes = length < 8 ? 0 : length <= 0xff ? 1 : length <= 0xffff ? 2 : 3;
  return 1 + idBytes + lengthBytes;
}

/** Writes a header with the smallest id and length fields; returns the position after it. */
export function writeTlvHeader(
  out: Uint8Array,
  pos: number,
  typeBits: TlvTypeBits,
  id: number,
  length: number,
): number {
  let p = pos;
  let type: number = typeBits;
  if (id > 0xff) type |= 0x20;
  if (length < 8) type |= length;
  else if (length <= 0xff) type |= 0x08;
  else if (length <= 0xffff) type |= 0x10;
  else type |= 0x18;
  out[p++] = type;
  if (id > 0xff) out[p++] = id >>> 8;
  out[p++] = id & 0xff;
  if (length >= 8) {
    if (length > 0xffff) out[p++] = length >>> 16;
    if (length > 0xff) out[p++] = (length >>> 8) & 0xff;
    out[p++] = length & 0xff;
  }
  return p;
}
