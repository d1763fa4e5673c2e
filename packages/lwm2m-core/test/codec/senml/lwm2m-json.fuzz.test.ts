import { isCodedError } from '@lwm2m-adapters/errors';
import { describe, expect, it } from 'vitest';
import { fuzzDecoder, prng } from '../../../../../test/support/fuzz.js';
import { Lwm2mJsonCodec } from '../../../src/codec/lwm2m-json/lwm2m-json-codec.js';
import { LwM2mPath } from '../../../src/model/path.js';
import { mutateJsonText, rotatingDecoder } from './fuzz-helpers.js';
import { decodeContext, utf8 } from './helpers.js';
import { notesLwm2mJsonExample } from './senml-vectors.js';

const codec = new Lwm2mJsonCodec();
const decode = rotatingDecoder([
  (b) => codec.decode(b, LwM2mPath.parse('/3/0'), decodeContext),
  (b) => codec.decodeTimestamped(b, LwM2mPath.parse('/'), decodeContext),
  (b) => codec.decode(b, LwM2mPath.parse('/3/0/7'), decodeContext),
  (b) => codec.decodeTimestamped(b, LwM2mPath.parse('/dev0'), decodeContext),
]);

const goldenTexts = [
  notesLwm2mJsonExample,
  notesLwm2mJsonExample.replace('"n":"x"', '"n":"23"').replace('"n":"y"', '"n":"24"'),
  '{"bn":"/3/0/","e":[{"n":"7/0","v":3800},{"n":"7/1","v":5000}]}',
  '{"e":[{"n":"0","sv":"ACME"},{"n":"13","v":1700000000}]}',
  '{"bn":"/3303/0/5700","bt":1718000000,"e":[{"v":21.5,"t":-10},{"v":21.7,"t":0}]}',
  '{"bn":"/dev0/9999/0/","e":[{"n":"2","v":18446744073709551615},{"n":"4","bv":false},{"n":"7","ov":"66:0"}]}',
];

describe('LwM2M JSON decoder fuzz', () => {
  it('throws only codec CodedErrors for 120,000 random, byte-mutated and JSON-mutated inputs', () => {
    const rand = prng(0x11543);
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
    const report = fuzzDecoder(decode, seeds, { runs: 100_000, seed: 0x11543 });
    expect(report.rejected).toBeGreaterThan(0);
    expect(accepted + report.accepted).toBeGreaterThan(500);
  });
});
