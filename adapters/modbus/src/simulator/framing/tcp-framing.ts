/** Modbus TCP (MBAP header: transaction id, protocol id 0, length, unit id), read and written by `protocol/`. */
import type { FrameSink } from '../../protocol/frame-reader.js';
import { MbapFrameReader, mbapFrameWriter } from '../../protocol/mbap-frame.js';
import type { FrameDecoder, FrameHandler, Framing } from './framing.js';

/** A header that is not MBAP means the stream lost framing: the connection is closed. */
class MbapDecoder implements FrameDecoder {
  readonly #reader = new MbapFrameReader();
  readonly #sink: FrameSink;
  #lostFraming = false;

  constructor(handler: FrameHandler) {
    this.#sink = {
      frame: (frame) => handler.frame(frame.unit, frame.pdu, frame.transactionId ?? 0),
      corrupt: (reason) => {
        this.#lostFraming = true;
        handler.framingError(reason);
      },
    };
  }

  push(chunk: Uint8Array): boolean {
    this.#lostFraming = false;
    this.#reader.push(chunk, this.#sink);
    return !this.#lostFraming;
  }

  silence(): void {
    // A stream does not resynchronise on silence: a partial frame may still complete.
  }
}

export const tcpFraming: Framing = {
  name: 'tcp',
  serialLine: false,
  createDecoder: (handler) => new MbapDecoder(handler),
  encodeReply: (unitId, pdu, transactionId) => mbapFrameWriter.encode(transactionId, unitId, pdu),
};
