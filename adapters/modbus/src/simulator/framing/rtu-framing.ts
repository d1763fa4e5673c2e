/**
 * Modbus RTU: address, PDU, CRC-16 (low byte first). A frame ends where its function code and byte
 * count say; an unknown function code ends at the first valid CRC. A bad CRC makes the decoder hunt
 * forward byte by byte for the next valid frame; line silence does the same with what is left, so
 * a request that followed garbage is still found, and nothing stays buffered across silences.
 */
import { CRC16_INITIAL, crc16Modbus as crc16, hasValidCrc, updateCrc16 } from '../../protocol/crc16.js';
import { LENGTH_PENDING, LENGTH_UNKNOWN, rtuRequestLength } from '../protocol/rtu-request-length.js';
import type { FrameDecoder, FrameHandler, Framing } from './framing.js';

/** Address + 253-byte PDU + CRC. */
const MAX_RTU_ADU_LENGTH = 256;
const MIN_RTU_ADU_LENGTH = 4;

class RtuDecoder implements FrameDecoder {
  private readonly buffer = Buffer.alloc(MAX_RTU_ADU_LENGTH);
  private length = 0;
  /** Set while dropping bytes after a bad frame, so one resynchronisation reports one error. */
  private hunting = false;

  constructor(private readonly handler: FrameHandler) {}

  push(chunk: Buffer): boolean {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(MAX_RTU_ADU_LENGTH - this.length, chunk.length - offset);
      chunk.copy(this.buffer, this.length, offset, offset + take);
      this.length += take;
      offset += take;
      this.extractFrames();
      if (this.length === MAX_RTU_ADU_LENGTH) this.dropBytes(1, 'no valid frame in 256 bytes');
    }
    return true;
  }

  silence(): void {
    if (this.length === 0) return;
    if (!this.hunting) this.handler.framingError('incomplete RTU frame before line silence');
    while (this.length > 0) {
      this.hunting = true;
      this.consume(1);
      this.extractFrames();
    }
    this.hunting = false;
  }

  private extractFrames(): void {
    for (;;) {
      const expected = rtuRequestLength(this.buffer, this.length);
      if (expected === LENGTH_PENDING) return;
      if (expected === LENGTH_UNKNOWN) {
        const end = this.firstValidCrcEnd();
        if (end > 0) this.emit(end);
        else if (this.hunting) this.consume(1);
        else return;
        continue;
      }
      if (expected > MAX_RTU_ADU_LENGTH) {
        this.dropBytes(1, 'RTU byte count exceeds the 256-byte frame limit');
        continue;
      }
      if (this.length < expected) return;
      if (hasValidCrc(this.buffer, 0, expected)) this.emit(expected);
      else this.dropBytes(1, 'RTU CRC mismatch');
    }
  }

  /** For a function code of unknown length: the shortest prefix that ends with a valid CRC, or 0. */
  private firstValidCrcEnd(): number {
    const buffer = this.buffer;
    let crc = CRC16_INITIAL;
    for (let dataEnd = 1; dataEnd + 2 <= this.length; dataEnd++) {
      crc = updateCrc16(crc, buffer[dataEnd - 1]!);
      if (
        dataEnd + 2 >= MIN_RTU_ADU_LENGTH &&
        buffer[dataEnd] === (crc & 0xff) &&
        buffer[dataEnd + 1] === crc >>> 8
      ) {
        return dataEnd + 2;
      }
    }
    return 0;
  }

  private emit(length: number): void {
    this.hunting = false;
    const unitId = this.buffer[0]!;
    // Copy: the handler may answer synchronously while this buffer is shifted afterwards.
    const pdu = Buffer.from(this.buffer.subarray(1, length - 2));
    this.consume(length);
    this.handler.frame(unitId, pdu, 0);
  }

  private dropBytes(count: number, reason: string): void {
    if (!this.hunting) this.handler.framingError(reason);
    this.hunting = true;
    this.consume(count);
  }

  private consume(count: number): void {
    this.buffer.copyWithin(0, count, this.length);
    this.length -= count;
  }
}

export const rtuFraming: Framing = {
  name: 'rtu',
  serialLine: true,
  createDecoder: (handler) => new RtuDecoder(handler),
  encodeReply(unitId, pdu, _transactionId, options) {
    const adu = Buffer.allocUnsafe(pdu.length + 3);
    adu[0] = unitId;
    adu.set(pdu, 1);
    let crc = crc16(adu, 0, pdu.length + 1);
    if (options.corruptChecksum) crc ^= 0xffff;
    adu.writeUInt16LE(crc, pdu.length + 1);
    return adu;
  },
};
