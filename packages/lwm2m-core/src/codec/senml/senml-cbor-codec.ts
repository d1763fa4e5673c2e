import type { DecodeLimits } from '../codec-types.js';
import { ContentFormat } from '../content-format.js';
import { parseSenmlCbor, serializeSenmlCbor } from './senml-cbor-records.js';
import { SenmlCodec } from './senml-codec.js';
import type { SenmlRecord } from './senml-record.js';

export interface SenmlCborOptions {
  /**
   * Write every float as a CBOR float64 rather than in its shortest exact width (default false).
   * For peers whose decoders reject float16 (some older generated decoders accept only float32
   * and float64); RFC 8949 decoders accept every width.
   */
  readonly float64?: boolean;
}

/**
 * SenML CBOR (Content-Format 112, RFC 8428 §6): integer labels (bver -1, bn -2, bt -3, n 0, u 1,
 * v 2, vs 3, vb 4, s 5, t 6, vd 8), the LwM2M `vlo` as a text label, `vd` as a byte string.
 *
 * Floats are written in cbor2's preferred serialization, the shortest exact width (22.5 is
 * f9 4da0, not the float32 fa 41b40000 of the protocol notes); see `senml-cbor-records.ts`. The
 * decoder accepts float16/32/64 and integers wherever a number is expected, and tells CBOR
 * integers from CBOR floats when guessing the type of a resource the model does not know.
 */
export class SenmlCborCodec extends SenmlCodec {
  readonly contentFormat: number = ContentFormat.SENML_CBOR;
  protected readonly format = 'SenML CBOR';
  protected readonly wholeNumbersAreIntegers = false;
  readonly #float64: boolean;

  constructor(options: SenmlCborOptions = {}) {
    super();
    this.#float64 = options.float64 ?? false;
  }

  protected parseRecords(payload: Uint8Array, limits: DecodeLimits): SenmlRecord[] {
    return parseSenmlCbor(payload, limits);
  }

  protected serializeRecords(records: readonly SenmlRecord[]): Uint8Array {
    return serializeSenmlCbor(records, this.#float64);
  }
}
