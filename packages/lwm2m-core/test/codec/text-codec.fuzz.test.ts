import { describe, expect, it } from 'vitest';
import { fuzzDecoder, toHex } from '../../../../test/support/fuzz.js';
import { TextCodec } from '../../src/codec/text/text-codec.js';
import { nodesEqual } from '../../src/model/node.js';
import { LwM2mPath } from '../../src/model/path.js';
import { testModel } from '../support/test-model.js';

const codec = new TextCodec();
const ctx = { model: testModel };
const utf8 = (s: string) => new TextEncoder().encode(s);

/** One path per type of object 9999 (resources 0..9), an unknown resource, a resource instance, and a multiple resource. */
const paths = [
  ...Array.from({ length: 10 }, (_, i) => `/9999/0/${i}`),
  '/9999/0/500',
  '/9999/0/101/3',
  '/9999/0/101',
].map((t) => LwM2mPath.parse(t));

const seeds = [
  'Cel',
  '-12',
  '9223372036854775807',
  '18446744073709551615',
  '22.5',
  '-0.000001',
  '1.0E21',
  '1',
  '0',
  'AQID',
  'AQI=',
  '1700000000',
  '66:0',
  '65535:65535',
  '</3/0>,</3303/0>',
  '',
  '22 °C 😀',
].map(utf8);

describe('text/plain decoder fuzz', () => {
  it('odd seed count, so fuzzDecoder mutates every seed', () => {
    expect(seeds.length % 2).toBe(1);
  });

  it('100,000 inputs across every type throw only CodedErrors; accepted values re-encode to the same node', () => {
    let n = 0;
    const report = fuzzDecoder(
      (input) => {
        const path = paths[n++ % paths.length] ?? LwM2mPath.ROOT;
        const node = codec.decode(input, path, ctx);
        const again = codec.decode(codec.encode(node, path, ctx), path, ctx);
        if (!nodesEqual(node, again))
          throw new Error(`re-encoding changed the node for ${toHex(input)} at ${path}`);
        return node;
      },
      seeds,
      { runs: 100_000, seed: 42 },
    );
    expect(report.accepted).toBeGreaterThan(1000);
    expect(report.rejected).toBeGreaterThan(1000);
  });
});
