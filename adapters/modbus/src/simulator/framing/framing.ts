/**
 * The contract between a byte stream and the simulator: split requests out, frame replies in.
 * The bytes of each framing (MBAP header, CRC, LRC, hex digits) are the adapter's `protocol/` code;
 * what is the server's own is reading requests rather than replies, and the line rules below.
 */

/** Receives what a decoder finds in the byte stream. */
export interface FrameHandler {
  /** One complete request with a valid checksum. Read `pdu` synchronously; do not keep it. */
  frame(unitId: number, pdu: Uint8Array, transactionId: number): void;
  /** Bytes that cannot be a request (bad checksum, garbage, oversized frame) were dropped. */
  framingError(reason: string): void;
}

export interface FrameDecoder {
  /**
   * Feeds received bytes. Memory stays bounded by one maximal frame whatever arrives.
   * @returns false when the stream cannot be resynchronised and should be closed (MBAP only)
   */
  push(chunk: Uint8Array): boolean;
  /** The line went silent: a partial frame can no longer complete, drop it. */
  silence(): void;
}

/** `tcp` is MBAP (Modbus TCP); `rtu` and `ascii` are the serial framings, also usable over a socket. */
export type FramingName = 'tcp' | 'rtu' | 'ascii';

export interface ReplyOptions {
  /** Fault persona "bad CRC": send a wrong CRC (RTU) or LRC (ASCII); MBAP has no checksum to break. */
  readonly corruptChecksum: boolean;
}

export interface Framing {
  readonly name: FramingName;
  /**
   * Serial framings follow bus rules: unit 0 is a broadcast that is never answered, and a unit id
   * nobody owns gets no answer. MBAP answers an unknown unit with exception 0x0B instead.
   */
  readonly serialLine: boolean;
  createDecoder(handler: FrameHandler): FrameDecoder;
  encodeReply(unitId: number, pdu: Uint8Array, transactionId: number, options: ReplyOptions): Uint8Array;
}
