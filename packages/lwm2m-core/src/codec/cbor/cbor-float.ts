import type { RequiredEncodeOptions, ToCBOR, Writer } from 'cbor2';
import { writeFloat } from 'cbor2/encoder';

/**
 * A number cbor2 writes as a CBOR float (never as an integer), in the shortest IEEE 754 width
 * that keeps it exactly (RFC 8949 §4.1 preferred serialization): 22.5 -> f9 4da0, 3.0 -> f9 4200.
 * Writes straight into the encoder's buffer, unlike cbor2's `encodedNumber`, which encodes into a
 * fresh writer per value.
 */
export class CborFloat implements ToCBOR {
  readonly value: number;

  constructor(value: number) {
    this.value = value;
  }

  toCBOR(w: Writer, opts: RequiredEncodeOptions): undefined {
    writeFloat(this.value, w, opts);
    return undefined;
  }
}
