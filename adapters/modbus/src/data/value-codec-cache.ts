import type { PointLayout } from './point-layout.js';
import { createValueCodec, type ValueCodec } from './value-codec.js';

/**
 * Shares one codec among the points whose layouts differ only in address: a codec depends on the
 * table kind, type, register count, bit, byte permutation and text encoding, and its scratch buffer
 * is used synchronously within one decode or encode. A device of 10,000 float32 points needs one
 * codec instead of 10,000 (each ~1 KiB of closures and buffers). One cache per session.
 * `shared` gives such a layout back with the byte permutation of the first layout like it, so the
 * points of a session hold one permutation array per codec rather than one each.
 */
export class ValueCodecCache {
  readonly #codecs = new Map<string, { codec: ValueCodec; permutation: PointLayout['permutation'] }>();

  codecFor(layout: PointLayout): ValueCodec {
    return this.#entry(layout).codec;
  }

  /** The layout with the permutation array shared among the layouts of one codec. */
  shared(layout: PointLayout): PointLayout {
    const { permutation } = this.#entry(layout);
    return permutation === layout.permutation ? layout : { ...layout, permutation };
  }

  #entry(layout: PointLayout): { codec: ValueCodec; permutation: PointLayout['permutation'] } {
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
      entry = { codec: createValueCodec(layout), permutation: layout.permutation };
      this.#codecs.set(key, entry);
    }
    return entry;
  }

  get size(): number {
    return this.#codecs.size;
  }
}
