import { isCodedError } from '@lwm2m-adapters/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hex, toHex } from '../../../../test/support/fuzz.js';
import { TextCodec } from '../../src/codec/text/text-codec.js';
import { type LwM2mNode, node, nodesEqual } from '../../src/model/node.js';
import { LwM2mPath } from '../../src/model/path.js';
import type { ResourceValue } from '../../src/model/resource-type.js';
import { value } from '../../src/model/value.js';
import { multipleResource, singleResource } from '../support/arbitraries.js';
import { testModel } from '../support/test-model.js';

const codec = new TextCodec();
const ctx = { model: testModel };
const p = (text: string) => LwM2mPath.parse(text);
const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (n: LwM2mNode, path: string) =>
  new TextDecoder('utf-8', { ignoreBOM: true }).decode(codec.encode(n, p(path), ctx));
const decodeText = (s: string, path: string) => codec.decode(utf8(s), p(path), ctx);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isCodedError(err) ? err.code : `non-coded ${String(err)}`;
  }
  return undefined;
}

/** Resource id of each type in test object 9999. */
const rid = {
  string: 0,
  integer: 1,
  unsigned: 2,
  float: 3,
  boolean: 4,
  opaque: 5,
  time: 6,
  objlnk: 7,
  corelnk: 8,
  none: 9,
};

function golden(v: ResourceValue, expected: string): void {
  const path = `/9999/0/${rid[v.type]}`;
  const n = node.resource(rid[v.type], v);
  expect(text(n, path)).toBe(expected);
  expect(nodesEqual(decodeText(expected, path), n)).toBe(true);
}

describe('text/plain: golden values', () => {
  it('string and corelnk are UTF-8', () => {
    golden(value.string('Cel'), 'Cel');
    golden(value.string(''), '');
    golden(value.string('\ufeffBOM stays, 22 °C, 😀'), '\ufeffBOM stays, 22 °C, 😀');
    golden(value.corelnk('</3/0>,</3303/0>'), '</3/0>,</3303/0>');
  });

  it.each([
    [0, '0'],
    [-1, '-1'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    [2n ** 53n, '9007199254740992'],
    [2n ** 63n - 1n, '9223372036854775807'],
    [-(2n ** 63n), '-9223372036854775808'],
  ] as const)('integer %s', (v, s) => golden(value.integer(v), s));

  it.each([
    [0, '0'],
    [4294967296, '4294967296'],
    [2n ** 64n - 1n, '18446744073709551615'],
  ] as const)('unsigned %s', (v, s) => golden(value.unsigned(v), s));

  it.each([
    [22.5, '22.5'],
    [-0.5, '-0.5'],
    [22, '22'],
    [0.1, '0.1'],
    [-0, '-0'],
    [1e21, '1000000000000000000000'],
    [-1.5e22, '-15000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [1.2345e-7, '0.00000012345'],
    [2 ** -1074, `0.${'0'.repeat(323)}5`],
    [Number.MAX_VALUE, `17976931348623157${'0'.repeat(292)}`],
  ] as const)('float %s has no exponent', (v, s) => golden(value.float(v), s));

  it('float decodes exponent and C forms', () => {
    const f = (s: string) => {
      const n = decodeText(s, '/9999/0/3');
      return n.kind === 'resource' ? n.value.value : undefined;
    };
    expect(f('1.0E21')).toBe(1e21);
    expect(f('2.5e-3')).toBe(0.0025);
    expect(f('22.')).toBe(22);
    expect(f('.5')).toBe(0.5);
    expect(f('007.5')).toBe(7.5);
    expect(Object.is(f('-0'), -0)).toBe(true);
    expect(f('1e-400')).toBe(0);
  });

  it('boolean, time, objlnk, opaque, none', () => {
    golden(value.boolean(true), '1');
    golden(value.boolean(false), '0');
    golden(value.time(new Date(1_700_000_000_000)), '1700000000');
    golden(value.time(new Date(-86_400_000)), '-86400');
    golden(value.objlnk(66, 0), '66:0');
    golden(value.objlnk(65535, 65535), '65535:65535');
    golden(value.opaque(Uint8Array.of(1, 2, 3)), 'AQID');
    golden(value.opaque(Uint8Array.of(1, 2)), 'AQI=');
    golden(value.opaque(Uint8Array.of(0xfb, 0xff)), '+/8=');
    golden(value.opaque(new Uint8Array(0)), '');
    golden(value.none(), '');
  });

  it('time truncates sub-seconds toward -inf on encode', () => {
    expect(text(node.resource(6, value.time(new Date(-1))), '/9999/0/6')).toBe('-1');
  });

  it('accepts leading zeros in integers, and "-0" as 0', () => {
    expect(nodesEqual(decodeText('007', '/9999/0/1'), node.resource(1, value.integer(7)))).toBe(true);
    expect(nodesEqual(decodeText('-0', '/9999/0/1'), node.resource(1, value.integer(0)))).toBe(true);
    expect(
      nodesEqual(
        decodeText(`${'0'.repeat(1000)}18446744073709551615`, '/9999/0/2'),
        node.resource(2, value.unsigned(2n ** 64n - 1n)),
      ),
    ).toBe(true);
  });

  it('resource instances and unknown resources', () => {
    const ri = node.resourceInstance(3, value.integer(-7));
    expect(text(ri, '/9999/0/101/3')).toBe('-7');
    expect(nodesEqual(decodeText('-7', '/9999/0/101/3'), ri)).toBe(true);
    expect(nodesEqual(decodeText('42', '/9999/0/500'), node.resource(500, value.string('42')))).toBe(true);
    expect(nodesEqual(decodeText('42', '/12345/0/1'), node.resource(1, value.string('42')))).toBe(true);
    expect(text(node.resource(500, value.float(2.5)), '/9999/0/500')).toBe('2.5');
    expect(text(node.resource(5700, value.float(22.5)), '/dev0/3303/0/5700')).toBe('22.5');
  });
});

describe('text/plain: decoding rejects', () => {
  it.each([
    ['integer', '+1'],
    ['integer', ' 1'],
    ['integer', '1 '],
    ['integer', ''],
    ['integer', '-'],
    ['integer', '1.0'],
    ['integer', '0x10'],
    ['integer', '9223372036854775808'],
    ['integer', '-9223372036854775809'],
    ['integer', '123456789012345678901'],
    ['unsigned', '-1'],
    ['unsigned', '18446744073709551616'],
    ['float', ''],
    ['float', '+1.5'],
    ['float', '1,5'],
    ['float', 'Infinity'],
    ['float', '-Infinity'],
    ['float', 'NaN'],
    ['float', '1e999'],
    ['float', '0x1p3'],
    ['float', '.'],
    ['float', '1e'],
    ['float', ' 1.5'],
    ['boolean', 'true'],
    ['boolean', '2'],
    ['boolean', ''],
    ['boolean', '01'],
    ['time', '1.5'],
    ['time', '8640000000001'],
    ['time', '99999999999999999999'],
    ['objlnk', '66'],
    ['objlnk', '66:'],
    ['objlnk', '65536:0'],
    ['objlnk', '66:0:1'],
    ['objlnk', ' 66:0'],
    ['objlnk', '-1:0'],
    ['opaque', 'AQI'],
    ['opaque', 'AQJ='],
    ['opaque', 'AQ==\n'],
    ['opaque', 'AQ ID'],
    ['opaque', '-_8='],
    ['opaque', '===='],
    ['none', 'x'],
  ] as const)('%s %j', (type, s) => {
    expect(codeOf(() => decodeText(s, `/9999/0/${rid[type]}`))).toBe('CODEC_TYPE_MISMATCH');
  });

  it('invalid UTF-8 is CODEC_MALFORMED', () => {
    expect(codeOf(() => codec.decode(hex('C3 28'), p('/9999/0/0'), ctx))).toBe('CODEC_MALFORMED');
    expect(codeOf(() => codec.decode(hex('ED A0 80'), p('/9999/0/0'), ctx))).toBe('CODEC_MALFORMED');
    expect(codeOf(() => codec.decode(hex('31 FF'), p('/9999/0/1'), ctx))).toBe('CODEC_MALFORMED');
  });

  it('only carries single resources and resource instances', () => {
    expect(codeOf(() => decodeText('1', '/9999/0/101'))).toBe('CODEC_UNSUPPORTED_FORMAT');
    expect(codeOf(() => decodeText('1', '/9999/0'))).toBe('CODEC_UNSUPPORTED_FORMAT');
    expect(codeOf(() => decodeText('1', '/9999'))).toBe('CODEC_UNSUPPORTED_FORMAT');
    expect(codeOf(() => decodeText('1', '/'))).toBe('CODEC_UNSUPPORTED_FORMAT');
  });

  it('enforces maxPayloadBytes', () => {
    expect(
      codeOf(() => codec.decode(utf8('123456'), p('/9999/0/0'), { ...ctx, limits: { maxPayloadBytes: 5 } })),
    ).toBe('CODEC_LIMIT_EXCEEDED');
  });
});

describe('text/plain: encoding', () => {
  it('canEncode single values only', () => {
    expect(codec.canEncode(node.resource(1, value.integer(1)))).toBe(true);
    expect(codec.canEncode(node.resourceInstance(1, value.integer(1)))).toBe(true);
    expect(codec.canEncode(node.multiple(101, 'integer', []))).toBe(false);
    expect(codec.canEncode(node.instance(0, []))).toBe(false);
    expect(codec.canEncode(node.object(9999, []))).toBe(false);
    expect(codec.contentFormat).toBe(0);
  });

  it.each([
    [
      'a multiple resource',
      () => codec.encode(node.multiple(101, 'integer', []), p('/9999/0/101'), ctx),
      'CODEC_UNSUPPORTED_FORMAT',
    ],
    ['an instance', () => codec.encode(node.instance(0, []), p('/9999/0'), ctx), 'CODEC_UNSUPPORTED_FORMAT'],
    [
      'Infinity',
      () => text(node.resource(3, value.float(Number.POSITIVE_INFINITY)), '/9999/0/3'),
      'VALUE_OUT_OF_RANGE',
    ],
    [
      '-Infinity',
      () => text(node.resource(3, value.float(Number.NEGATIVE_INFINITY)), '/9999/0/3'),
      'VALUE_OUT_OF_RANGE',
    ],
    ['NaN', () => text(node.resource(3, value.float(Number.NaN)), '/9999/0/3'), 'VALUE_OUT_OF_RANGE'],
    [
      'a fractional integer',
      () => text(node.resource(1, value.integer(0.5)), '/9999/0/1'),
      'VALUE_OUT_OF_RANGE',
    ],
    [
      'an integer above int64',
      () => text(node.resource(1, value.integer(2n ** 63n)), '/9999/0/1'),
      'VALUE_OUT_OF_RANGE',
    ],
    [
      'a negative unsigned',
      () => text(node.resource(2, value.unsigned(-1n)), '/9999/0/2'),
      'VALUE_OUT_OF_RANGE',
    ],
    [
      'an invalid Date',
      () => text(node.resource(6, value.time(new Date(Number.NaN))), '/9999/0/6'),
      'VALUE_OUT_OF_RANGE',
    ],
    [
      'an objlnk id above 65535',
      () => text(node.resource(7, value.objlnk(0, 70000)), '/9999/0/7'),
      'VALUE_OUT_OF_RANGE',
    ],
    [
      'a lone surrogate',
      () => text(node.resource(0, value.string('\udc00x')), '/9999/0/0'),
      'VALUE_OUT_OF_RANGE',
    ],
    [
      'a type other than the model',
      () => text(node.resource(1, value.string('1')), '/9999/0/1'),
      'NODE_INVALID',
    ],
    [
      'a single node for a multiple resource',
      () => text(node.resource(101, value.integer(1)), '/9999/0/101'),
      'NODE_INVALID',
    ],
    [
      'a node id other than the path',
      () => text(node.resource(1, value.integer(1)), '/9999/0/2'),
      'NODE_INVALID',
    ],
    [
      'a resource node at a resource-instance path',
      () => text(node.resource(1, value.integer(1)), '/9999/0/101/1'),
      'NODE_INVALID',
    ],
    [
      'a wrong JS type',
      () =>
        text(node.resource(4, { type: 'boolean', value: 'yes' } as unknown as ResourceValue), '/9999/0/4'),
      'NODE_INVALID',
    ],
  ])('rejects %s', (_name, fn, code) => {
    expect(codeOf(fn)).toBe(code);
  });
});

describe('text/plain: round trips (encode -> decode is the identity)', () => {
  it('single resources of every type', () => {
    fc.assert(
      fc.property(singleResource, (r) => {
        const path = p(`/9999/0/${r.id}`);
        if (r.value.type === 'float' && !Number.isFinite(r.value.value)) {
          return codeOf(() => codec.encode(r, path, ctx)) === 'VALUE_OUT_OF_RANGE';
        }
        return nodesEqual(codec.decode(codec.encode(r, path, ctx), path, ctx), r);
      }),
      { numRuns: 3000 },
    );
  });

  it('resource instances of every type', () => {
    fc.assert(
      fc.property(multipleResource, (m) =>
        m.instances.every((ri) => {
          const path = p(`/9999/0/${m.id}/${ri.id}`);
          if (ri.value.type === 'float' && !Number.isFinite(ri.value.value)) return true;
          return nodesEqual(codec.decode(codec.encode(ri, path, ctx), path, ctx), ri);
        }),
      ),
      { numRuns: 1000 },
    );
  });

  it('floats: shortest round-trip digits, never an exponent', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const s = text(node.resource(3, value.float(v)), '/9999/0/3');
        expect(s).toMatch(/^-?\d+(\.\d+)?$/);
        expect(Object.is(Number(s), v)).toBe(true);
        // the digits are those of String(v): no more precision than needed
        expect(s.replace(/^-|\.|^0\.0*|0+$/g, '').replace(/^0+/, '')).toBe(
          String(Math.abs(v))
            .replace(/e.*$|\./g, '')
            .replace(/^0+/, '')
            .replace(/0+$/, ''),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('integers as bytes: decimal ASCII only', () => {
    expect(toHex(codec.encode(node.resource(1, value.integer(-12)), p('/9999/0/1'), ctx))).toBe('2d3132');
  });
});
