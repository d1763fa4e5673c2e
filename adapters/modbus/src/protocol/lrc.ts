/** LRC of Modbus ASCII frames: the two's complement of the 8-bit sum of `bytes[start, end)`. */
export function lrcModbus(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + bytes[i]!) & 0xff;
  return -sum & 0xff;
}
