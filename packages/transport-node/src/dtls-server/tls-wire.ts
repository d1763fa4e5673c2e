/**
 * The TLS presentation language on the wire (RFC 5246 §4): big-endian integers of 1, 2, 3 and 6
 * bytes and length-prefixed vectors, read with bounds checks and written into fresh buffers.
 */

/** A message or record that does not parse: truncated, a length beyond its container, trailing bytes. */
export class TlsDecodeError extends Error {
  override readonly name = 'TlsDecodeError';
}

/** Reads fields in order from a byte range; every read past the end throws TlsDecodeError. */
export class TlsReader {
  readonly #bytes: Uint8Array;
  #offset: number;
  readonly #end: number;

  constructor(bytes: Uint8Array, offset = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.#offset = offset;
    this.#end = end;
  }

  get remaining(): number {
    return this.#end - this.#offset;
  }

  #take(length: number, what: string): number {
    if (length > this.#end - this.#offset) {
      throw new TlsDecodeError(`${what}: ${length} bytes needed, ${this.#end - this.#offset} left`);
    }
    const at = this.#offset;
    this.#offset += length;
    return at;
  }

  u8(what: string): number {
    return this.#bytes[this.#take(1, what)]!;
  }

  u16(what: string): number {
    const at = this.#take(2, what);
    return (this.#bytes[at]! << 8) | this.#bytes[at + 1]!;
  }

  u24(what: string): number {
    const at = this.#take(3, what);
    return (this.#bytes[at]! << 16) | (this.#bytes[at + 1]! << 8) | this.#bytes[at + 2]!;
  }

  /** A 48-bit unsigned integer (a DTLS record sequence number); exact in a JS number. */
  u48(what: string): number {
    const high = this.u16(what);
    const at = this.#take(4, what);
    const low =
      ((this.#bytes[at]! << 24) >>> 0) +
      ((this.#bytes[at + 1]! << 16) | (this.#bytes[at + 2]! << 8) | this.#bytes[at + 3]!);
    return high * 0x1_0000_0000 + low;
  }

  /** `length` bytes, as a view (no copy). */
  bytes(length: number, what: string): Uint8Array {
    const at = this.#take(length, what);
    return this.#bytes.subarray(at, at + length);
  }

  /** opaque x<0..2^8-1>, <0..2^16-1> or <0..2^24-1>: the length prefix, then the bytes (a view). */
  vector(prefixBytes: 1 | 2 | 3, what: string): Uint8Array {
    const length = prefixBytes === 1 ? this.u8(what) : prefixBytes === 2 ? this.u16(what) : this.u24(what);
    return this.bytes(length, what);
  }

  /** Throws unless every byte was read. */
  end(what: string): void {
    if (this.#offset !== this.#end) {
      throw new TlsDecodeError(`${what}: ${this.#end - this.#offset} unexpected trailing bytes`);
    }
  }
}

export function writeU16(target: Uint8Array, at: number, value: number): void {
  target[at] = value >>> 8;
  target[at + 1] = value & 0xff;
}

export function writeU24(target: Uint8Array, at: number, value: number): void {
  target[at] = (value >>> 16) & 0xff;
  target[at + 1] = (value >>> 8) & 0xff;
  target[at + 2] = value & 0xff;
}

/** A 48-bit unsigned integer at `at` (6 bytes). */
export function writeU48(target: Uint8Array, at: number, value: number): void {
  const high = Math.floor(value / 0x1_0000_0000);
  const low = value >>> 0;
  writeU16(target, at, high);
  target[at + 2] = low >>> 24;
  target[at + 3] = (low >>> 16) & 0xff;
  target[at + 4] = (low >>> 8) & 0xff;
  target[at + 5] = low & 0xff;
}

export function u8(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff);
}

export function u16(value: number): Uint8Array {
  return Uint8Array.of(value >>> 8, value & 0xff);
}

/** The length prefix and the bytes of an opaque vector. */
export function vector(prefixBytes: 1 | 2, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefixBytes + body.length);
  if (prefixBytes === 1) out[0] = body.length;
  else writeU16(out, 0, body.length);
  out.set(body, prefixBytes);
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
