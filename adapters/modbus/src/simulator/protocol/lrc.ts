/** LRC of Modbus ASCII: the two's complement of the 8-bit sum of the bytes. */
export function lrc(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + bytes[i]!) & 0xff;
  return (0x100 - sum) & 0xff;
}
