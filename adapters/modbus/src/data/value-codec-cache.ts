import type { PointLayout } from './point-layout.js';
import { createValueCodec, type ValueCodec } from './value-codec.js';

/** What the points of one codec share. */
export interface SharedFormat {
  readonly codec: ValueCodec;
  /**
   * The first layout seen with this codec: the same table, type, count, bit, byte permutation and
   * encoding (its address is another point's). Points keep their own address and this one layout
   * for the rest (`BoundPoint`).
   */
  readonly format: PointLayout;
}

/**
 * Shares one codec among the points whose layouts differ only in address: a codec depends on the
 * table kind, type, register count, bit, byte permutation and text encoding, and its scratch buffer
 * is used synchronously within one decode or encode. A device of 10,000 float32 points needs one
 * codec instead of 10,000 (each ~1 KiB of closures and buffers). One cache per session.
 * `sharedOf` gives that codec with the first layout like it, so the points of a session hold their address and one
 * shared layout per codec rather than a layout each.
 */
export class ValueCodecCache {
  readonly #codecs = new Map<string, SharedFormat>();

  codecFor(layout: PointLayout): ValueCodec {
    return this.sharedOf(layout).codec;
  }

  /** The codec and the layout `layout` shares with the points like it (made at the first one). */
  sharedOf(layout: PointLayout): SharedFormat {
    const key = [
      layout.table,
      layout.type,
      layout.count,
      layout.bit ?? '',
      layout.permutation.join('.'),
      layout.encoding,
    ].join('|');
    let entry = this.#codecs.get(key);
    if (entry === undefined) {
      entry = { codec: createValueCodec(layout), format: layout };
      this.#codecs.set(key, entry);
    }
    return entry;
  }

  get size(): number {
    return this.#codecs.size;
  }
}
