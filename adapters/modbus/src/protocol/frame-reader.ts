/** One application data unit taken off the wire: unit id, PDU and (Modbus TCP only) transaction id. */
export interface ModbusFrame {
  readonly transactionId: number | undefined;
  readonly unit: number;
  readonly pdu: Uint8Array;
}

/** Where a frame reader delivers what it recognised in the byte stream. */
export interface FrameSink {
  frame(frame: ModbusFrame): void;
  /** Bytes that cannot be a valid frame (bad checksum, impossible header); the reader has dropped them. */
  corrupt(reason: string): void;
}

/** Splits a received byte stream into frames of one wire format (MBAP, RTU or ASCII). */
export interface FrameReader {
  push(chunk: Uint8Array, sink: FrameSink): void;
  /** Drops buffered bytes (before a new request on a serial line); returns how many were dropped. */
  reset(): number;
}

/** Encodes the frames a master sends in one wire format. */
export interface FrameWriter {
  encode(transactionId: number, unit: number, pdu: Uint8Array): Uint8Array;
}

/** Appends `chunk` to `pending` without copying when nothing is pending. */
export function appendBytes(pending: Uint8Array, chunk: Uint8Array): Uint8Array {
  if (pending.length === 0) return chunk;
  const joined = new Uint8Array(pending.length + chunk.length);
  joined.set(pending, 0);
  joined.set(chunk, pending.length);
  return joined;
}
