import { isCodedError } from '@lwm2m-adapters/errors';
import { describe, expect, it } from 'vitest';
import { fuzzDecoder, prng } from '../../../../../test/support/fuzz.js';
import { SenmlJsonCodec } from '../../../src/codec/senml/senml-json-codec.js';
import { LwM2mPath } from '../../../src/model/path.js';
import { mutateJsonText, rotatingDecoder } from './fuzz-helpers.js';
import { decodeContext, utf8 } from './helpers.js';
import { notesSendExample, senmlVectors } from './senml-vectors.js';

const json = new SenmlJsonCodec();
const decode = rotatingDecoder([
  (b) => json.decode(b, LwM2mPath.parse('/3303/0'), decodeContext),
  (b) => json.decode(b, LwM2mPath.parse('/9999/0'), decodeContext),
  (b) => json.decodeNodes(b, undefined, decodeContext),
  (b) =>
    json.decodeNodes(
      b,
      [LwM2mPath.parse('/3/0'), LwM2mPath.parse('/dev0'), LwM2mPath.parse('/9999')],
      decodeContext,
    ),
  (b) => json.decodeTimestampedNodes(b, decodeContext),
  (b) => json.decodePaths(b),
]);

const goldenTexts = [
  ...senmlVectors.map((v) => v.json),
  notesSendExample,
  '[{"bn":"/3303/0/","bt":1718000000,"n":"5700","v":21.5,"t":-10},{"n":"5700","v":21.6,"t":0.25}]',
  '[{"bn":"/d01/3/0/","n":"0"},{"n":"/9"},{"bn":"/dev0/3303/0/"}]',
  '[{"bn":"/9999/0/","n":"1","v":9007199254740993},{"n":"2","v":18446744073709551615},{"n":"5","vd":"-_8A"}]',
];

describe('SenML JSON decoder fuzz', () => {
  it('throws only codec CodedErrors for 120,000 random, byte-mutated and JSON-mutated inputs', () => {
    const rand = prng(0x110);
    const mutants = Array.from({ length: 20_000 }, (_, i) =>
      mutateJsonText(rand, goldenTexts[i % goldenTexts.length]!),
    );
    let accepted = 0;
    for (const text of mutants) {
      try {
        decode(utf8(text));
        accepted++;
      } catch (err) {
        if (!isCodedError(err)) throw new Error(`for ${text}: ${String(err)}`, { cause: err });
      }
    }
    const seeds = [...goldenTexts, ...mutants.slice(0, 2_000)].map(utf8);
    const report = fuzzDecoder(decode, seeds, { runs: 100_000, seed: 0x110 });
    expect(report.rejected).toBeGreaterThan(0);
    expect(accepted + report.accepted).toBeGreaterThan(1_000);
  });
});
