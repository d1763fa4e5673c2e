/** Modbus ASCII: ':' + hex(address, PDU, LRC) + CR LF. A ':' always starts a new frame. */
import {
  asciiFrameWriter,
  COLON,
  CR,
  decodeAsciiDigits,
  LF,
  MAX_ASCII_DIGITS,
} from '../../protocol/ascii-frame.js';
import type { FrameDecoder, FrameHandler, Framing } from './framing.js';

/**
 * Reads requests character by character, as a device on a line does: bytes between frames are
 * ignored, a ':' restarts the frame, CR before LF is optional, and silence drops a partial frame.
 * The digits themselves are decoded by `protocol/`.
 */
class AsciiDecoder implements FrameDecoder {
  private readonly hex = new Uint8Array(MAX_ASCII_DIGITS + 1);
  private hexLength = 0;
  private inFrame = false;

  constructor(private readonly handler: FrameHandler) {}

  push(chunk: Uint8Array): boolean {
    for (const char of chunk) {
      if (char === COLON) {
        if (this.inFrame && this.hexLength > 0) this.handler.framingError('ASCII frame restarted by ":"');
        this.inFrame = true;
        this.hexLength = 0;
      } else if (!this.inFrame) {
        // Bytes between frames are ignored, as on a real line.
      } else if (char === LF) {
        this.inFrame = false;
        this.finishFrame();
      } else if (this.hexLength > MAX_ASCII_DIGITS) {
        this.inFrame = false;
        this.handler.framingError('ASCII frame longer than 513 characters');
      } else {
        this.hex[this.hexLength++] = char;
      }
    }
    return true;
  }

  silence(): void {
    if (!this.inFrame) return;
    this.inFrame = false;
    this.handler.framingError('incomplete ASCII frame before line silence');
  }

  private finishFrame(): void {
    let length = this.hexLength;
    if (length > 0 && this.hex[length - 1] === CR) length--;
    const frame = decodeAsciiDigits(this.hex, 0, length);
    if (typeof frame === 'string') this.handler.framingError(frame);
    else this.handler.frame(frame.unit, frame.pdu, 0);
  }
}

const HEX = '0123456789ABCDEF';

/** The frame with its LRC one higher: the two digits before CR LF. */
function withWrongLrc(frame: Uint8Array): Uint8Array {
  const at = frame.length - 4;
  const lrc = Number.parseInt(String.fromCharCode(frame[at]!, frame[at + 1]!), 16);
  const wrong = (lrc + 1) & 0xff;
  frame[at] = HEX.charCodeAt(wrong >>> 4);
  frame[at + 1] = HEX.charCodeAt(wrong & 0x0f);
  return frame;
}

export const asciiFraming: Framing = {
  name: 'ascii',
  serialLine: true,
  createDecoder: (handler) => new AsciiDecoder(handler),
  encodeReply(unitId, pdu, _transactionId, options) {
    const frame = asciiFrameWriter.encode(0, unitId, pdu);
    return options.corruptChecksum ? withWrongLrc(frame) : frame;
  },
};
