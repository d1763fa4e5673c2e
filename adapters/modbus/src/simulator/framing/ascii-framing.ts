/** Modbus ASCII: ':' + hex(address, PDU, LRC) + CR LF. A ':' always starts a new frame. */
import { lrcModbus as lrc } from '../../protocol/lrc.js';
import type { FrameDecoder, FrameHandler, Framing } from './framing.js';

const COLON = 0x3a;
const CR = 0x0d;
const LF = 0x0a;
/** Hex characters between ':' and CR LF: address + 253-byte PDU + LRC, two characters each. */
const MAX_HEX_LENGTH = 2 * 255;

function hexValue(char: number): number {
  if (char >= 0x30 && char <= 0x39) return char - 0x30;
  if (char >= 0x41 && char <= 0x46) return char - 0x37;
  if (char >= 0x61 && char <= 0x66) return char - 0x57;
  return -1;
}

class AsciiDecoder implements FrameDecoder {
  private readonly hex = new Uint8Array(MAX_HEX_LENGTH + 1);
  private hexLength = 0;
  private inFrame = false;

  constructor(private readonly handler: FrameHandler) {}

  push(chunk: Buffer): boolean {
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
      } else if (this.hexLength > MAX_HEX_LENGTH) {
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
    if (length % 2 !== 0 || length < 6) {
      this.handler.framingError('ASCII frame with an odd or too small number of hex digits');
      return;
    }
    const bytes = Buffer.allocUnsafe(length / 2);
    for (let i = 0; i < bytes.length; i++) {
      const high = hexValue(this.hex[2 * i]!);
      const low = hexValue(this.hex[2 * i + 1]!);
      if (high < 0 || low < 0) {
        this.handler.framingError('ASCII frame with a non-hex character');
        return;
      }
      bytes[i] = (high << 4) | low;
    }
    if (lrc(bytes, 0, bytes.length - 1) !== bytes[bytes.length - 1]) {
      this.handler.framingError('ASCII LRC mismatch');
      return;
    }
    this.handler.frame(bytes[0]!, bytes.subarray(1, bytes.length - 1), 0);
  }
}

export const asciiFraming: Framing = {
  name: 'ascii',
  serialLine: true,
  createDecoder: (handler) => new AsciiDecoder(handler),
  encodeReply(unitId, pdu, _transactionId, options) {
    const bytes = Buffer.allocUnsafe(pdu.length + 2);
    bytes[0] = unitId;
    bytes.set(pdu, 1);
    let check = lrc(bytes, 0, pdu.length + 1);
    if (options.corruptChecksum) check = (check + 1) & 0xff;
    bytes[pdu.length + 1] = check;
    return Buffer.from(`:${bytes.toString('hex').toUpperCase()}\r\n`, 'latin1');
  },
};
