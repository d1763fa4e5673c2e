/** CRC-16/MODBUS (polynomial 0xA001 reflected, initial value 0xFFFF), table driven. */

const table = buildTable();

function buildTable(): Uint16Array {
  const result = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let crc = n;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    result[n] = crc;
  }
  return result;
}

export const CRC16_INITIAL = 0xffff;

/** The CRC after one more byte. */
export function updateCrc16(crc: number, byte: number): number {
  return (crc >>> 8) ^ table[(crc ^ byte) & 0xff]!;
}

/** CRC of `bytes[start, end)`. On the wire it is sent low byte first. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = CRC16_INITIAL;
  for (let i = start; i < end; i++) crc = updateCrc16(crc, bytes[i]!);
  return crc;
}

/** True when the last two bytes of `bytes[start, end)` are the CRC (low byte first) of the bytes before them. */
export function hasValidCrc(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start < 3) return false;
  const crc = crc16(bytes, start, end - 2);
  return bytes[end - 2] === (crc & 0xff) && bytes[end - 1] === crc >>> 8;
}
