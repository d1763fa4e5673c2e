/** Modbus TCP (MBAP header: transaction id, protocol id 0, length, unit id). */
import { MAX_PDU_LENGTH } from '../protocol/function-codes.js';
import type { FrameDecoder, FrameHandler, Framing } from './framing.js';

const HEADER_LENGTH = 7;
const MAX_ADU_LENGTH = HEADER_LENGTH + MAX_PDU_LENGTH;

/** Total ADU length from a complete header, or 0 when the header is not MBAP. */
function aduLength(bytes: Buffer, offset: number): number {
  if (bytes[offset + 2] !== 0 || bytes[offset + 3] !== 0) return 0;
  const length = bytes.readUInt16BE(offset + 4);
  if (length < 2 || length > MAX_PDU_LENGTH + 1) return 0;
  return 6 + length;
}

class MbapDecoder implements FrameDecoder {
  private readonly partial = Buffer.alloc(MAX_ADU_LENGTH);
  private partialLength = 0;

  constructor(private readonly handler: FrameHandler) {}

  push(chunk: Buffer): boolean {
    let offset = 0;
    if (this.partialLength > 0) {
      offset = this.completePartial(chunk);
      if (offset < 0) return false;
      if (this.partialLength > 0) return true;
    }
    while (chunk.length - offset >= HEADER_LENGTH) {
      const length = aduLength(chunk, offset);
      if (length === 0) return this.corrupt();
      if (chunk.length - offset < length) break;
      this.emit(chunk, offset, length);
      offset += length;
    }
    if (offset < chunk.length) {
      chunk.copy(this.partial, 0, offset);
      this.partialLength = chunk.length - offset;
    }
    return true;
  }

  silence(): void {
    // A stream does not resynchronise on silence: a partial frame may still complete.
  }

  /** Completes the buffered frame from the head of `chunk`; returns how many bytes it used, -1 if corrupt. */
  private completePartial(chunk: Buffer): number {
    let used = 0;
    if (this.partialLength < HEADER_LENGTH) {
      used = Math.min(HEADER_LENGTH - this.partialLength, chunk.length);
      chunk.copy(this.partial, this.partialLength, 0, used);
      this.partialLength += used;
      if (this.partialLength < HEADER_LENGTH) return used;
    }
    const length = aduLength(this.partial, 0);
    if (length === 0) {
      this.corrupt();
      return -1;
    }
    const take = Math.min(length - this.partialLength, chunk.length - used);
    chunk.copy(this.partial, this.partialLength, used, used + take);
    this.partialLength += take;
    used += take;
    if (this.partialLength === length) {
      this.partialLength = 0;
      this.emit(this.partial, 0, length);
    }
    return used;
  }

  private emit(bytes: Buffer, offset: number, length: number): void {
    const transactionId = bytes.readUInt16BE(offset);
    const unitId = bytes[offset + 6]!;
    this.handler.frame(unitId, bytes.subarray(offset + HEADER_LENGTH, offset + length), transactionId);
  }

  private corrupt(): false {
    this.partialLength = 0;
    this.handler.framingError('not an MBAP header (protocol id must be 0, length 2..254)');
    return false;
  }
}

export const tcpFraming: Framing = {
  name: 'tcp',
  serialLine: false,
  createDecoder: (handler) => new MbapDecoder(handler),
  encodeReply(unitId, pdu, transactionId) {
    const adu = Buffer.allocUnsafe(HEADER_LENGTH + pdu.length);
    adu.writeUInt16BE(transactionId, 0);
    adu.writeUInt16BE(0, 2);
    adu.writeUInt16BE(pdu.length + 1, 4);
    adu[6] = unitId;
    adu.set(pdu, HEADER_LENGTH);
    return adu;
  },
};
