import type { LwM2mNode } from '../../model/node.js';
import type { DecodeLimits } from '../codec-types.js';
import { ContentFormat } from '../content-format.js';
import { SenmlCodec, someValue } from './senml-codec.js';
import { parseSenmlJson, serializeSenmlJson } from './senml-json-records.js';
import type { SenmlRecord } from './senml-record.js';

/**
 * SenML JSON (Content-Format 110, RFC 8428 §5 with the LwM2M `vlo` label).
 *
 * 64-bit integers: Integer/Unsigned values beyond 2^53 are written as exact JSON integers and read
 * back exactly (the decoder re-reads such numbers from their source text). A peer whose JSON parser
 * uses doubles may still round them; SenML CBOR carries them natively. NaN and ±Infinity have no
 * JSON form: `canEncode` is false for a node holding one (SenML CBOR can carry it).
 */
export class SenmlJsonCodec extends SenmlCodec {
  readonly contentFormat: number = ContentFormat.SENML_JSON;
  protected readonly format = 'SenML JSON';
  protected readonly wholeNumbersAreIntegers = true;

  override canEncode(node: LwM2mNode): boolean {
    return super.canEncode(node) && !someValue(node, (v) => v.type === 'float' && !Number.isFinite(v.value));
  }

  protected parseRecords(payload: Uint8Array, limits: DecodeLimits): SenmlRecord[] {
    return parseSenmlJson(payload, limits);
  }

  protected serializeRecords(records: readonly SenmlRecord[]): Uint8Array {
    return serializeSenmlJson(records);
  }
}
