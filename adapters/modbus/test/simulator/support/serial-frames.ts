/** Building and reading RTU and ASCII frames in tests, independently of the simulator's encoders. */
import { createRequire } from 'node:module';

const referenceCrc16 = createRequire(import.meta.url)('modbus-serial/utils/crc16') as (
  bytes: Buffer,
) => number;

export function rtuFrame(unitId: number, pdu: readonly number[] | Buffer): Buffer {
  const body = Buffer.concat([Buffer.of(unitId), Buffer.from(pdu)]);
  const crc = Buffer.alloc(2);
  crc.writeUInt16LE(referenceCrc16(body));
  return Buffer.concat([body, crc]);
}

export function rtuCrcIsValid(frame: Buffer): boolean {
  return frame.length >= 4 && referenceCrc16(frame.subarray(0, -2)) === frame.readUInt16LE(frame.length - 2);
}

export function asciiFrame(unitId: number, pdu: readonly number[] | Buffer): Buffer {
  const body = Buffer.concat([Buffer.of(unitId), Buffer.from(pdu)]);
  let sum = 0;
  for (const byte of body) sum = (sum + byte) & 0xff;
  const lrc = (0x100 - sum) & 0xff;
  return Buffer.from(
    `:${Buffer.concat([body, Buffer.of(lrc)])
      .toString('hex')
      .toUpperCase()}\r\n`,
    'latin1',
  );
}
