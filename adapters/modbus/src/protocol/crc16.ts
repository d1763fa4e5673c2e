/**
 * CRC-16/MODBUS (polynomial 0xA001 reflected, initial 0xFFFF), table-driven. Shared by the adapter's
 * RTU framing and the simulator's. The CRC goes on the wire low byte first.
 */
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

/** Folds one more byte into a running CRC (for framers that see bytes one at a time). */
export function updateCrc16(crc: number, byte: number): number {
  return (crc >>> 8) ^ table[(crc ^ byte) & 0xff]!;
}

export function crc16Modbus(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = CRC16_INITIAL;
  for (let i = start; i < end; i++) crc = updateCrc16(crc, bytes[i]!);
  return crc;
}

/** True when bytes[start..end) ends with the CRC of what precedes it (low byte first). */
export function hasValidCrc(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start < 3) return false;
  const crc = crc16Modbus(bytes, start, end - 2);
  return bytes[end - 2] === (crc & 0xff) && bytes[end - 1] === crc >>> 8;
}
