import type { PointLayout } from './point-layout.js';
import { createValueCodec, type ValueCodec } from './value-codec.js';

/**
 * Shares one codec among the points whose layouts differ only in address: a codec depends on the
 * table kind, type, register count, bit, byte permutation and text encoding, and its scratch buffer
 * is used synchronously within one decode or encode. A device of 10,000 float32 points needs one
 * codec instead of 10,000 (each ~1 KiB of closures and buffers). One cache per session.
 */
export class ValueCodecCache {
  readonly #codecs = new Map<string, ValueCodec>();

  codecFor(layout: PointLayout): ValueCodec {
    const key = [
      layout.table,
      layout.type,
      layout.count,
      layout.bit ?? '',
      layout.permutation.join('.'),
      layout.encoding,
    ].join('|');
    let codec = this.#codecs.get(key);
    if (codec === undefined) {
      codec = createValueCodec(layout);
      this.#codecs.set(key, codec);
    }
    return codec;
  }

  get size(): number {
    return this.#codecs.size;
  }
}
