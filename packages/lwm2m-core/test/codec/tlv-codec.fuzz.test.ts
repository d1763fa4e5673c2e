import { describe, expect, it } from 'vitest';
import { fuzzDecoder, hex, toHex } from '../../../../test/support/fuzz.js';
import { type DecodeLimits, defaultDecodeLimits } from '../../src/codec/codec-types.js';
import { TlvCodec } from '../../src/codec/tlv/tlv-codec.js';
import { decodeTlvCreate } from '../../src/codec/tlv/tlv-create.js';
import { readTlvEntries, writeTlvEntries } from '../../src/codec/tlv/tlv-entries.js';
import { nodesEqual } from '../../src/model/node.js';
import { LwM2mPath } from '../../src/model/path.js';
import { testModel } from '../support/test-model.js';

const codec = new TlvCodec();
const RUNS = 100_000;

/** Golden vectors of tlv-codec.test.ts (valid payloads at the paths below). */
const seeds = [
  'E4 16 44 41 B4 00 00',
  'E3 16 45 43 65 6C',
  '08 00 0D E4 16 44 41 B4 00 00 E3 16 45 43 65 6C',
  '88 07 08 42 00 0E D8 42 01 13 88',
  '07 00 E4 16 44 41 B4 00 00 07 01 E4 16 44 3F C0 00 00',
  '08 00 0F C1 00 01 C4 01 00 01 51 80 C1 06 00 C1 07 55 08 01 0D C1 00 02 C1 01 3C C1 06 01 C2 07 55 51',
  'C1 01 05 86 65 41 00 01 41 01 FF C1 04 01',
  'C3 00 43 65 6C C8 01 08 80 00 00 00 00 00 00 00 C8 02 08 FF FF FF FF FF FF FF FF',
  'C4 03 41 B4 00 00 C8 03 08 3F B9 99 99 99 99 99 9A C1 04 01 C3 05 01 02 03',
  'C4 06 65 53 F1 00 C4 07 00 42 00 00 C6 08 3C 2F 33 2F 30 3E C0 09',
  '86 65 41 00 01 41 01 FF',
  '83 67 44 00 00 01 00 02',
  '41 01 FF',
  '61 01 2C 05',
  '03 00 C1 01 05',
  '23 01 2C C1 01 05',
  `D0 00 01 2C ${'78'.repeat(300)}`,
  'C2 C8 01 02 83 C9 41 00 AA',
  'C8 00 14 4F 70 65 6E 20 4D 6F 62 69 6C 65 20 41 6C 6C 69 61 6E 63 65',
].map(hex);

/** Decodes, and for accepted payloads checks that re-encoding decodes to the same node. */
function decodeAndReencode(path: LwM2mPath, limits?: Partial<DecodeLimits>) {
  const ctx = limits === undefined ? { model: testModel } : { model: testModel, limits };
  return (input: Uint8Array) => {
    const n = codec.decode(input, path, ctx);
    const again = codec.decode(codec.encode(n, path, ctx), path, ctx);
    if (!nodesEqual(n, again)) throw new Error(`re-encoding changed the node for ${toHex(input)}`);
    return n;
  };
}

const paths = ['/9999/0', '/9999', '/3303', '/9999/0/1', '/9999/0/101', '/9999/0/101/1', '/3/0'].map((t) =>
  LwM2mPath.parse(t),
);

describe('TLV decoder fuzz (random + mutated goldens)', () => {
  it('odd seed count, so fuzzDecoder mutates every seed (it mutates seeds[i % n] for odd i only)', () => {
    expect(seeds.length % 2).toBe(1);
  });

  it('100,000 inputs rotated over every path level throw only CodedErrors', () => {
    const decoders = paths.map((path) => decodeAndReencode(path));
    const accepted = paths.map(() => 0);
    let n = 0;
    fuzzDecoder(
      (input) => {
        const k = n++ % paths.length;
        const node = decoders[k]?.(input);
        accepted[k] = (accepted[k] ?? 0) + 1;
        return node;
      },
      seeds,
      { runs: RUNS, seed: 1 },
    );
    // every level saw valid payloads too, not only rejections
    expect(Math.min(...accepted)).toBeGreaterThan(0);
  });

  it('100,000 inputs with tight limits', () => {
    const limits = { maxEntries: 3, maxDepth: 2, maxPayloadBytes: 40 };
    const report = fuzzDecoder(decodeAndReencode(LwM2mPath.parse('/9999/0'), limits), seeds, {
      runs: RUNS,
      seed: 7,
    });
    expect(report.rejected).toBeGreaterThan(0);
    expect(report.accepted).toBeGreaterThan(0);
  });

  it('100,000 Create payloads', () => {
    const path = LwM2mPath.parse('/9999');
    const report = fuzzDecoder((input) => decodeTlvCreate(input, path, { model: testModel }), seeds, {
      runs: RUNS,
      seed: 11,
    });
    expect(report.accepted).toBeGreaterThan(0);
  });

  it('100,000 raw entry payloads: read -> write -> read is stable', () => {
    const json = (v: unknown) => JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? toHex(x) : x));
    fuzzDecoder(
      (input) => {
        const entries = readTlvEntries(input, defaultDecodeLimits);
        const again = readTlvEntries(writeTlvEntries(entries), defaultDecodeLimits);
        if (json(again) !== json(entries)) throw new Error(`raw round trip changed ${toHex(input)}`);
      },
      seeds,
      { runs: RUNS, seed: 13 },
    );
  });
});
