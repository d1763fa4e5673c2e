import type { RequiredEncodeOptions, ToCBOR, Writer } from 'cbor2';
import { writeLength, writeUnknown } from 'cbor2/encoder';

/** RFC 8949 §3.1 major type 5 (map). */
const MAJOR_TYPE_MAP = 5;

/**
 * A CBOR map written in the given entry order, straight into the encoder's buffer. cbor2 encodes
 * every key of a plain `Map` into a fresh writer first (to support key sorting), which costs a
 * 4 KiB allocation per key; LwM2M CBOR needs neither sorting nor that cost.
 */
export class CborMap implements ToCBOR {
  readonly entries: readonly (readonly [unknown, unknown])[];

  constructor(entries: readonly (readonly [unknown, unknown])[]) {
    this.entries = entries;
  }

  toCBOR(w: Writer, opts: RequiredEncodeOptions): undefined {
    writeLength(this, this.entries.length, MAJOR_TYPE_MAP, w, opts);
    for (const [key, item] of this.entries) {
      writeUnknown(key, w, opts);
      writeUnknown(item, w, opts);
    }
    return undefined;
  }
}
