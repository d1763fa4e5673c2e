import { encode, encodedNumber, Tag } from 'cbor2';
import { describe, expect, it } from 'vitest';
import { hex, toHex } from '../../../../../test/support/fuzz.js';
import { SenmlCborCodec } from '../../../src/codec/senml/senml-cbor-codec.js';
import { node } from '../../../src/model/node.js';
import { LwM2mPath } from '../../../src/model/path.js';
import { value } from '../../../src/model/value.js';
import { codeOf, decodeContext, encodeContext } from './helpers.js';

const cbor = new SenmlCborCodec();
const p = (s: string) => LwM2mPath.parse(s);
/** A SenML CBOR pack built with cbor2 from [label, value] lists. */
const pack = (...records: [unknown, unknown][][]) => encode(records.map((r) => new Map(r)));
const decodeAt = (payload: Uint8Array, path: string) => cbor.decode(payload, p(path), decodeContext);

describe('SenML CBOR: numbers', () => {
  it.each([
    ['float16', encodedNumber(22.5, 'f16')],
    ['float32', encodedNumber(22.5, 'f32')],
    ['float64', encodedNumber(22.5, 'f64')],
  ])('accepts a %s v for a Float', (_name, v) => {
    expect(
      decodeAt(
        pack([
          [0, '/3303/0/5700'],
          [2, v],
        ]),
        '/3303/0/5700',
      ),
    ).toEqual(node.resource(5700, value.float(22.5)));
  });

  it('accepts integers for a Float and whole floats for an Integer', () => {
    expect(
      decodeAt(
        pack([
          [0, '/3303/0/5700'],
          [2, 22],
        ]),
        '/3303/0/5700',
      ),
    ).toEqual(node.resource(5700, value.float(22)));
    expect(
      decodeAt(
        pack([
          [0, '/9999/0/1'],
          [2, encodedNumber(5, 'f16')],
        ]),
        '/9999/0/1',
      ),
    ).toEqual(node.resource(1, value.integer(5)));
    expect(
      codeOf(() =>
        decodeAt(
          pack([
            [0, '/9999/0/1'],
            [2, 5.5],
          ]),
          '/9999/0/1',
        ),
      ),
    ).toBe('CODEC_TYPE_MISMATCH');
  });

  it('keeps 64-bit integers exact and rejects those out of range', () => {
    expect(decodeAt(hex('81 a2 00 69 2f393939392f302f32 02 1b ffffffffffffffff'), '/9999/0/2')).toEqual(
      node.resource(2, value.unsigned(2n ** 64n - 1n)),
    );
    // -2^64 is a valid CBOR integer but no LwM2M Integer.
    expect(
      codeOf(() => decodeAt(hex('81 a2 00 69 2f393939392f302f31 02 3b ffffffffffffffff'), '/9999/0/1')),
    ).toBe('CODEC_TYPE_MISMATCH');
  });

  it('tells CBOR integers from CBOR floats for resources the model does not know', () => {
    const payload = pack(
      [
        [-2, '/3306/0/'],
        [0, '1'],
        [2, 21],
      ],
      [
        [0, '2'],
        [2, encodedNumber(21, 'f16')],
      ],
      [
        [0, '3'],
        [2, 2n ** 63n],
      ],
    );
    expect(decodeAt(payload, '/3306/0')).toEqual(
      node.instance(0, [
        node.resource(1, value.integer(21)),
        node.resource(2, value.float(21)),
        node.resource(3, value.unsigned(2n ** 63n)),
      ]),
    );
  });

  it('writes every float as float64 when asked (for decoders without float16)', () => {
    const payload = new SenmlCborCodec({ float64: true }).encode(
      node.instance(0, [node.resource(5700, value.float(22.5)), node.resource(5601, value.float(-3))]),
      p('/3303/0'),
      encodeContext,
    );
    expect(toHex(payload)).toBe(
      toHex(
        hex(
          '82 a3 21 68 2f333330332f302f 00 64 35373030 02 fb 4036800000000000 a2 00 64 35363031 02 fb c008000000000000',
        ),
      ),
    );
  });

  it('carries NaN, Infinity and -0 (JSON cannot)', () => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, -0]) {
      const n = node.resource(3, value.float(v));
      expect(cbor.canEncode(n)).toBe(true);
      const back = decodeAt(cbor.encode(n, p('/9999/0/3'), encodeContext), '/9999/0/3');
      expect(back.kind === 'resource' && Object.is(back.value.value, v)).toBe(true);
    }
  });
});

describe('SenML CBOR: structure', () => {
  it('accepts indefinite-length arrays, maps and strings', () => {
    // [_ {_ 0: (_ "/3303/0/", "5700"), 2: 22.5}]
    const payload = hex('9f bf 00 7f 68 2f333330332f302f 64 35373030 ff 02 f9 4da0 ff ff');
    expect(decodeAt(payload, '/3303/0/5700')).toEqual(node.resource(5700, value.float(22.5)));
  });

  it('ignores unknown integer and text labels, checks u and s', () => {
    const payload = pack([
      [0, '/3303/0/5700'],
      [1, 'Cel'],
      [5, 3],
      [7, 5],
      [9, 'x'],
      ['foo', 1],
      [2, 1.5],
    ]);
    expect(decodeAt(payload, '/3303/0/5700')).toEqual(node.resource(5700, value.float(1.5)));
  });

  it('encodes timestamps as bt, an integer when whole', () => {
    const payload = cbor.encodeTimestampedNodes(
      [
        {
          path: p('/dev0/3303/0/5700'),
          node: node.resource(5700, value.float(21.5)),
          timestamp: new Date(1_718_000_000_000),
        },
        {
          path: p('/3/0/9'),
          node: node.resource(9, value.integer(88)),
          timestamp: new Date(1_718_000_000_500),
        },
      ],
      encodeContext,
    );
    // [{-2: "/dev0/3303/0/", -3: 1718000000, 0: "5700", 2: 21.5}, {-2: "/3/0/", -3: 1718000000.5, 0: "9", 2: 88}]
    expect(toHex(payload)).toBe(
      toHex(
        hex(
          '82 a4 21 6d 2f646576302f333330332f302f 22 1a 66669980 00 64 35373030 02 f9 4d60' +
            ' a4 21 65 2f332f302f 22 fb 41d999a660200000 00 61 39 02 18 58',
        ),
      ),
    );
    const back = cbor.decodeTimestampedNodes(payload, decodeContext);
    expect(back.map((n) => [n.path.toString(), n.timestamp?.getTime()])).toEqual([
      ['/dev0/3303/0/5700', 1_718_000_000_000],
      ['/3/0/9', 1_718_000_000_500],
    ]);
  });

  it('reads decimal fractions (tag 4) and bignums as numbers, as Leshan writes bt', () => {
    const payload = pack(
      [
        [-2, '/3/0/9'],
        [-3, new Tag(4, [0, 1_718_000_000])],
        [2, 88],
      ],
      [
        [-2, '/3303/0/5700'],
        [-3, new Tag(4, [-1, 17_180_000_005])],
        [2, new Tag(4, [-2, 2250])],
      ],
      [
        [-2, '/9999/0/2'],
        [2, new Tag(2, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))],
      ],
      [
        [-2, '/9999/0/1'],
        [2, new Tag(3, Uint8Array.of(0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))],
      ],
      [
        [-2, '/9999/0/101/0'],
        [2, new Tag(4, [3, 5])],
      ],
    );
    const nodes = cbor.decodeTimestampedNodes(payload, decodeContext);
    expect(nodes.map((n) => [n.path.toString(), n.timestamp?.getTime()])).toEqual([
      ['/3/0/9', 1_718_000_000_000],
      ['/3303/0/5700', 1_718_000_000_500],
      ['/9999/0/2', 1_718_000_000_500],
      ['/9999/0/1', 1_718_000_000_500],
      ['/9999/0/101/0', 1_718_000_000_500],
    ]);
    expect(nodes.map((n) => n.node)).toEqual([
      node.resource(9, value.integer(88)),
      node.resource(5700, value.float(22.5)),
      node.resource(2, value.unsigned(2n ** 64n - 1n)),
      node.resource(1, value.integer(-(2n ** 63n))),
      node.resourceInstance(0, value.integer(5000)),
    ]);
  });

  it('keeps millisecond timestamps exact far in the future', () => {
    const timestamp = new Date(4_452_137_092_454_480);
    const payload = cbor.encodeTimestampedNodes(
      [{ path: p('/3/0/9'), node: node.resource(9, value.integer(1)), timestamp }],
      encodeContext,
    );
    expect(cbor.decodeTimestampedNodes(payload, decodeContext)[0]?.timestamp).toEqual(timestamp);
  });

  it('encodes Read-Composite paths as n labels', () => {
    const payload = cbor.encodePaths([p('/3/0/1'), p('/dev0/3303')]);
    expect(toHex(payload)).toBe(toHex(hex('82 a1 00 66 2f332f302f31 a1 00 6a 2f646576302f33333033')));
    expect(cbor.decodePaths(payload).map(String)).toEqual(['/3/0/1', '/dev0/3303']);
  });
});

describe('SenML CBOR: rejections', () => {
  it.each([
    [
      'vd as a text string',
      pack([
        [0, '/9999/0/5'],
        [8, 'AAA'],
      ]),
      'CODEC_MALFORMED',
    ],
    [
      'vs as a byte string',
      pack([
        [0, '/9999/0/0'],
        [3, Uint8Array.of(0x41)],
      ]),
      'CODEC_MALFORMED',
    ],
    [
      'bn as an integer',
      pack([
        [-2, 3],
        [0, '/3303/0/5700'],
        [2, 1],
      ]),
      'CODEC_MALFORMED',
    ],
    [
      'a tagged value',
      pack([
        [0, '/9999/0/6'],
        [2, new Tag(1, 1_700_000_000)],
      ]),
      'CODEC_MALFORMED',
    ],
    [
      'an oversized bignum',
      pack([
        [0, '/9999/0/2'],
        [2, new Tag(2, new Uint8Array(17))],
      ]),
      'CODEC_MALFORMED',
    ],
    [
      'a bignum beyond uint64',
      pack([
        [0, '/9999/0/2'],
        [2, new Tag(2, Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0))],
      ]),
      'CODEC_TYPE_MISMATCH',
    ],
    [
      'a malformed decimal fraction',
      pack([
        [0, '/9999/0/3'],
        [2, new Tag(4, [1.5, 2])],
      ]),
      'CODEC_MALFORMED',
    ],
    [
      'a huge decimal exponent',
      pack([
        [0, '/9999/0/3'],
        [2, new Tag(4, [100_000, 1])],
      ]),
      'CODEC_MALFORMED',
    ],
    [
      'two value labels',
      pack([
        [0, '/3303/0/5700'],
        [2, 1],
        [3, 'x'],
      ]),
      'CODEC_MALFORMED',
    ],
    [
      'must-understand text label',
      pack([
        [0, '/3303/0/5700'],
        [2, 1],
        ['foo_', 1],
      ]),
      'CODEC_MALFORMED',
    ],
    [
      'a float label',
      pack([
        [0, '/3303/0/5700'],
        [encodedNumber(2, 'f16'), 1],
      ]),
      'CODEC_MALFORMED',
    ],
    ['a duplicate label', hex('81 a3 00 6c 2f333330332f302f35373030 02 01 02 02'), 'CODEC_MALFORMED'],
    ['a map instead of an array', hex('a1 00 6c 2f333330332f302f35373030'), 'CODEC_MALFORMED'],
    ['an array record', hex('81 82 00 01'), 'CODEC_MALFORMED'],
    ['trailing bytes', hex('80 00'), 'CODEC_MALFORMED'],
    ['a truncated map', hex('81 a2 00 6c 2f333330332f30'), 'CODEC_TRUNCATED'],
    ['a truncated float', hex('81 a2 00 6c 2f333330332f302f35373030 02 fb 4036'), 'CODEC_TRUNCATED'],
    ['invalid UTF-8 in a name', hex('81 a2 00 62 c328 02 01'), 'CODEC_MALFORMED'],
    [
      'a bad name',
      pack([
        [0, '/3303/zero/5700'],
        [2, 1],
      ]),
      'CODEC_MALFORMED',
    ],
    [
      'a Float given as vs',
      pack([
        [0, '/3303/0/5700'],
        [3, '1'],
      ]),
      'CODEC_TYPE_MISMATCH',
    ],
    [
      'unsupported bver',
      pack([
        [-1, 11],
        [0, '/3303/0/5700'],
        [2, 1],
      ]),
      'CODEC_UNSUPPORTED_FORMAT',
    ],
  ])('%s', (_name, payload, code) => {
    expect(codeOf(() => decodeAt(payload, pathOf(payload)))).toBe(code);
  });

  it('enforces depth, record and size limits', () => {
    const deep = hex(`${'81'.repeat(40)}80`);
    expect(codeOf(() => decodeAt(deep, '/3303/0'))).toBe('CODEC_LIMIT_EXCEEDED');
    const three = pack(
      [
        [0, '/3303/0/5700'],
        [2, 1],
      ],
      [
        [0, '/3303/0/5601'],
        [2, 1],
      ],
      [
        [0, '/3303/0/5602'],
        [2, 1],
      ],
    );
    expect(
      codeOf(() => cbor.decode(three, p('/3303/0'), { ...decodeContext, limits: { maxEntries: 2 } })),
    ).toBe('CODEC_LIMIT_EXCEEDED');
    expect(
      codeOf(() => cbor.decode(three, p('/3303/0'), { ...decodeContext, limits: { maxPayloadBytes: 8 } })),
    ).toBe('CODEC_LIMIT_EXCEEDED');
  });
});

/** The object instance a rejection payload names, so that only the tested defect is wrong. */
function pathOf(payload: Uint8Array): string {
  const textual = Buffer.from(payload).toString('latin1');
  return textual.includes('/9999/0/') ? '/9999/0' : '/3303/0';
}
