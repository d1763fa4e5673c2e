/**
 * Length of a serial (RTU) request frame, address and CRC included, computed from its function
 * code and byte count. This is how the RTU decoder finds the end of a frame without relying on
 * inter-character timing, which a pty or a USB adapter does not preserve.
 */

/** The frame is not long enough yet to know its length. */
export const LENGTH_PENDING = -1;
/** The function code does not tell the length: wait for a valid CRC or for line silence. */
export const LENGTH_UNKNOWN = 0;

/** Fixed request lengths per function code (address + PDU + CRC). */
const fixedLengths: ReadonlyMap<number, number> = new Map([
  [0x01, 8],
  [0x02, 8],
  [0x03, 8],
  [0x04, 8],
  [0x05, 8],
  [0x06, 8],
  [0x07, 4],
  [0x08, 8],
  [0x0b, 4],
  [0x0c, 4],
  [0x11, 4],
  [0x16, 10],
  [0x18, 6],
]);

/** Function codes whose request carries a byte count: [offset of the byte count, bytes before the data]. */
const countedLengths: ReadonlyMap<number, readonly [number, number]> = new Map([
  [0x0f, [6, 7]],
  [0x10, [6, 7]],
  [0x14, [2, 3]],
  [0x15, [2, 3]],
  [0x17, [10, 11]],
]);

/**
 * @param frame bytes received so far, starting at the address byte
 * @param available how many of them are valid
 * @returns the total frame length, LENGTH_PENDING or LENGTH_UNKNOWN
 */
export function rtuRequestLength(frame: Uint8Array, available: number): number {
  if (available < 2) return LENGTH_PENDING;
  const functionCode = frame[1]!;
  const fixed = fixedLengths.get(functionCode);
  if (fixed !== undefined) return fixed;
  const counted = countedLengths.get(functionCode);
  if (counted !== undefined) {
    const [countOffset, header] = counted;
    if (available <= countOffset) return LENGTH_PENDING;
    return header + frame[countOffset]! + 2;
  }
  if (functionCode === 0x2b && available >= 3 && frame[2] === 0x0e) return 7;
  return LENGTH_UNKNOWN;
}
