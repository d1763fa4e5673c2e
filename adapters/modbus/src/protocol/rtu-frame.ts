import { crc16Modbus } from './crc16.js';
import { appendBytes, type FrameReader, type FrameSink, type FrameWriter } from './frame-reader.js';
import { EXCEPTION_FLAG, MAX_PDU_LENGTH } from './function-codes.js';

const EMPTY = new Uint8Array(0);
/** Largest RTU frame: unit id, PDU, 2-byte CRC (256 bytes). */
export const MAX_RTU_FRAME = MAX_PDU_LENGTH + 3;

/** Modbus RTU: unit id, PDU, CRC-16 low byte first. The transaction id is not sent. */
export const rtuFrameWriter: FrameWriter = {
  encode(_transactionId, unit, pdu) {
    const frame = Buffer.allocUnsafe(pdu.length + 3); // every byte is written below
    frame[0] = unit;
    frame.set(pdu, 1);
    const crc = crc16Modbus(frame, 0, pdu.length + 1);
    frame[pdu.length + 1] = crc & 0xff;
    frame[pdu.length + 2] = crc >>> 8;
    return frame;
  },
};

/**
 * Length of the reply frame starting at `offset`, from its function code (and byte count for
 * reads); undefined while too few bytes are in; -1 when no reply to our function codes can
 * start like this.
 */
export function rtuReplyLength(buffer: Uint8Array, offset: number): number | undefined {
  if (buffer.length - offset < 2) return undefined;
  const fc = buffer[offset + 1]!;
  if (fc & EXCEPTION_FLAG) return 5;
  switch (fc) {
    case 1:
    case 2:
    case 3:
    case 4:
      if (buffer.length - offset < 3) return undefined;
      return 5 + buffer[offset + 2]!;
    case 5:
    case 6:
    case 15:
    case 16:
      return 8;
    default:
      return -1;
  }
}

/**
 * Reads RTU reply frames. RTU has no delimiter: the frame length follows from the function code,
 * and the CRC confirms it. Anything that does not check out is reported as corrupt and the
 * whole buffer is dropped (the serial transport also flushes before every request).
 */
export class RtuFrameReader implements FrameReader {
  #pending: Uint8Array = EMPTY;

  push(chunk: Uint8Array, sink: FrameSink): void {
    const buffer = appendBytes(this.#pending, chunk);
    let offset = 0;
    for (;;) {
      const length = rtuReplyLength(buffer, offset);
      if (length === undefined) break;
      if (length < 0 || length > MAX_RTU_FRAME) {
        this.#pending = EMPTY;
        sink.corrupt(`RTU frame with unknown function code ${buffer[offset + 1]}`);
        return;
      }
      const end = offset + length;
      if (buffer.length < end) break;
      const crc = buffer[end - 2]! | (buffer[end - 1]! << 8);
      if (crc !== crc16Modbus(buffer, offset, end - 2)) {
        this.#pending = EMPTY;
        sink.corrupt('RTU frame with a CRC mismatch');
        return;
      }
      const frame = {
        transactionId: undefined,
        unit: buffer[offset]!,
        pdu: buffer.slice(offset + 1, end - 2),
      };
      offset = end;
      sink.frame(frame);
    }
    const rest = offset === 0 ? buffer : buffer.subarray(offset);
    this.#pending = rest.length === 0 ? EMPTY : rest.slice();
  }

  reset(): number {
    const dropped = this.#pending.length;
    this.#pending = EMPTY;
    return dropped;
  }
}
