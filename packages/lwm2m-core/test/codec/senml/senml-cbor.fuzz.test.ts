import { isCodedError } from '@lwm2m-adapters/errors';
import { decode as cborDecode, encode, encodedNumber, Tag } from 'cbor2';
import { describe, expect, it } from 'vitest';
import { fuzzDecoder, hex, prng } from '../../../../../test/support/fuzz.js';
import { SenmlCborCodec } from '../../../src/codec/senml/senml-cbor-codec.js';
import { node } from '../../../src/model/node.js';
import { LwM2mPath } from '../../../src/model/path.js';
import { value } from '../../../src/model/value.js';
import { rotatingDecoder } from './fuzz-helpers.js';
import { decodeContext, encodeContext } from './helpers.js';
import { notesCborExample, senmlVectors } from './senml-vectors.js';

const cbor = new SenmlCborCodec();
const decode = rotatingDecoder([
  (b) => cbor.decode(b, LwM2mPath.parse('/3303/0'), decodeContext),
  (b) => cbor.decode(b, LwM2mPath.parse('/9999/0'), decodeContext),
  (b) => cbor.decodeNodes(b, undefined, decodeContext),
  (b) =>
    cbor.decodeNodes(
      b,
      [LwM2mPath.parse('/3/0'), LwM2mPath.parse('/dev0'), LwM2mPath.parse('/9999')],
      decodeContext,
    ),
  (b) => cbor.decodeTimestampedNodes(b, decodeContext),
  (b) => cbor.decodePaths(b),
]);

const golden: Uint8Array[] = [
  ...senmlVectors.map((v) => hex(v.cbor)),
  hex(notesCborExample),
  cbor.encodeTimestampedNodes(
    [
      {
        path: LwM2mPath.parse('/dev0/3303/0/5700'),
        node: node.resource(5700, value.float(21.5)),
        timestamp: new Date(1_718_000_000_500),
      },
      { path: LwM2mPath.parse('/3/0/9'), node: node.resource(9, value.integer(88)), timestamp: undefined },
    ],
    encodeContext,
  ),
  cbor.encodePaths([LwM2mPath.parse('/3/0/1'), LwM2mPath.parse('/dev0/3303')]),
];

/** CBOR items that stress the record layer: every major type, tags, odd numbers and labels. */
const ITEMS: readonly unknown[] = [
  0n,
  -1n,
  2n ** 64n - 1n,
  -(2n ** 64n),
  2n ** 70n,
  1.5,
  encodedNumber(22.5, 'f16'),
  encodedNumber(5, 'f32'),
  Number.NaN,
  Number.NEGATIVE_INFINITY,
  -0,
  '',
  '/',
  '/3303/0/',
  '5700',
  '7/1',
  '/dev0/3/0/',
  '66:0',
  'x_',
  true,
  false,
  null,
  undefined,
  Uint8Array.of(1, 2),
  new Tag(1, 1_700_000_000),
  new Tag(2, Uint8Array.of(1, 0)),
  new Tag(4, [-2n, 2250n]),
  new Tag(4, [2n ** 40n, 1n]),
  new Tag(4, [0n, new Tag(3, Uint8Array.of(1))]),
  new Tag(4, [1n]),
  [],
  new Map(),
  [1, [2]],
  2 ** 28,
  1_718_000_000,
];
const KEYS: readonly unknown[] = [
  -6n,
  -3n,
  -2n,
  -1n,
  0n,
  1n,
  2n,
  3n,
  4n,
  5n,
  6n,
  7n,
  8n,
  9n,
  'vlo',
  'foo',
  'foo_',
  2.5,
  true,
];

/** Decodes a golden pack to Maps, changes labels, values and records, and re-encodes it with cbor2. */
function mutateStructure(rand: () => number, seed: Uint8Array): Uint8Array {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const records = cborDecode(seed, { preferMap: true, preferBigInt: true }) as unknown[];
  const rounds = 1 + Math.floor(rand() * 3);
  for (let r = 0; r < rounds; r++) {
    const i = Math.floor(rand() * records.length);
    const item: unknown = records[i];
    const record = item instanceof Map ? item : undefined;
    switch (Math.floor(rand() * 6)) {
      case 0:
        records.splice(i, 1);
        break;
      case 1:
        if (record !== undefined) records.splice(i, 0, new Map(record));
        break;
      case 2:
        if (record !== undefined) record.set(pick(KEYS), pick(ITEMS));
        break;
      case 3:
        if (record !== undefined && record.size > 0) record.delete(pick([...record.keys()]));
        break;
      case 4:
        if (record !== undefined && record.size > 0) record.set(pick([...record.keys()]), pick(ITEMS));
        break;
      default:
        records.splice(i, 0, pick(ITEMS));
    }
  }
  return encode(records);
}

describe('SenML CBOR decoder fuzz', () => {
  it('throws only codec CodedErrors for 120,000 random, byte-mutated and CBOR-mutated inputs', () => {
    const rand = prng(0x112);
    const mutants = Array.from({ length: 20_000 }, (_, i) =>
      mutateStructure(rand, golden[i % golden.length]!),
    );
    let accepted = 0;
    for (const input of mutants) {
      try {
        decode(input);
        accepted++;
      } catch (err) {
        if (!isCodedError(err))
          throw new Error(`for ${Buffer.from(input).toString('hex')}: ${String(err)}`, { cause: err });
      }
    }
    const report = fuzzDecoder(decode, [...golden, ...mutants.slice(0, 2_000)], {
      runs: 100_000,
      seed: 0x112,
    });
    expect(report.rejected).toBeGreaterThan(0);
    expect(accepted + report.accepted).toBeGreaterThan(1_000);
  });
});
