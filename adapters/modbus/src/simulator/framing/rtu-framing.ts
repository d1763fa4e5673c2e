/**
 * Modbus RTU: address, PDU, CRC-16 (low byte first). A frame ends where its function code and byte
 * count say; an unknown function code ends at the first valid CRC. A bad CRC makes the decoder hunt
 * forward byte by byte for the next valid frame; line silence does the same with what is left, so
 * a request that followed garbage is still found, and nothing stays buffered across silences.
 */
import { CRC16_INITIAL, hasValidCrc, updateCrc16 } from '../../protocol/crc16.js';
import { MAX_RTU_FRAME, rtuFrameWriter } from '../../protocol/rtu-frame.js';
import type { FrameDecoder, FrameHandler, Framing } from './framing.js';
import { LENGTH_PENDING, LENGTH_UNKNOWN, rtuRequestLength } from './rtu-request-length.js';

const MIN_RTU_FRAME = 4;

/** Reads requests (the adapter's RtuFrameReader reads replies, whose lengths differ). */
class RtuDecoder implements FrameDecoder {
  private readonly buffer = new Uint8Array(MAX_RTU_FRAME);
  private length = 0;
  /** Set while dropping bytes after a bad frame, so one resynchronisation reports one error. */
  private hunting = false;

  constructor(private readonly handler: FrameHandler) {}

  push(chunk: Uint8Array): boolean {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(MAX_RTU_FRAME - this.length, chunk.length - offset);
      this.buffer.set(chunk.subarray(offset, offset + take), this.length);
      this.length += take;
      offset += take;
      this.extractFrames();
      if (this.length === MAX_RTU_FRAME) this.dropBytes(1, 'no valid frame in 256 bytes');
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
      if (expected > MAX_RTU_FRAME) {
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
        dataEnd + 2 >= MIN_RTU_FRAME &&
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
    const pdu = this.buffer.slice(1, length - 2);
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
    const frame = rtuFrameWriter.encode(0, unitId, pdu);
    if (options.corruptChecksum) {
      // Every bit of the CRC inverted: never the right one.
      frame[frame.length - 2]! ^= 0xff;
      frame[frame.length - 1]! ^= 0xff;
    }
    return frame;
  },
};
