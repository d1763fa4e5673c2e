import { describe, expect, it } from 'vitest';
import { fuzzDecoder, hex } from '../../../../test/support/fuzz.js';
import { Lwm2mCborCodec } from '../../src/codec/lwm2m-cbor/lwm2m-cbor-codec.js';
import { LwM2mPath } from '../../src/model/path.js';
import { testModel } from '../support/test-model.js';

const codec = new Lwm2mCborCodec();
const ctx = { model: testModel };

/** Golden payloads of lwm2m-cbor-codec.test.ts: every type, level, key layout and the gateway forms. */
const seeds = [
  'a1190ce7a100a1191644f94da0',
  'a1190ce7a100a1191644fa41b40000',
  'a1836464657631190ce700a2191644f94da01916456343656c',
  'a18319270f00006568656c6c6f',
  'a18319270f00011b7fffffffffffffff',
  'a18319270f00021bffffffffffffffff',
  'a18319270f0003fb3fb999999999999a',
  'a18319270f0005430102ff',
  'a18319270f00061a5182428f',
  'a18319270f00076b36353533353a3635353335',
  'a18319270f0008663c2f332f303e',
  'a18319270f0009f6',
  'a18319270f001865a200010105',
  'a18419270f0018650105',
  'a18219270f00a20138181865a10001',
  'a119270fa200a100616101a0',
  'a1820300a206a200010105091864',
  'a101a200a1011a0001518001a10119012c',
  'a283030009186401a200a1011a0001518001a10119012c',
  'bf03bf00bf091864ffffff',
  'a19f030009ff1864',
  'a18303000dc074323031332d30352d30325431303a34303a31355a',
  'a163643031a103a100a1006141',
  'a284636430310300091864830300091832',
  'a2820300a10918648303000ba1000f',
].map(hex);

describe('LwM2M CBOR decoder fuzz', () => {
  it('throws only CodedErrors on 100,000 random and mutated payloads', () => {
    const report = fuzzDecoder(
      (input) => {
        const nodes = codec.decodeNodes(input, undefined, ctx);
        const first = nodes[0];
        if (first !== undefined) codec.decode(input, first.path, ctx);
      },
      seeds,
      { runs: 100_000, seed: 0x11544 },
    );
    expect(report.accepted + report.rejected).toBe(100_000);
    expect(report.accepted).toBeGreaterThan(1_000);
  });

  it('throws only CodedErrors under tight limits and a fixed request path', () => {
    const path = LwM2mPath.parse('/3/0');
    const report = fuzzDecoder(
      (input) =>
        codec.decode(input, path, { ...ctx, limits: { maxEntries: 8, maxDepth: 5, maxPayloadBytes: 48 } }),
      seeds,
      { runs: 50_000, seed: 0xcb0e },
    );
    expect(report.rejected).toBeGreaterThan(0);
  });
});
