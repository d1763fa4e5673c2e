import { isCodedError } from '@lwm2m-adapters/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hex, toHex } from '../../../../test/support/fuzz.js';
import type { DecodeLimits } from '../../src/codec/codec-types.js';
import { TlvCodec } from '../../src/codec/tlv/tlv-codec.js';
import { decodeTlvCreate } from '../../src/codec/tlv/tlv-create.js';
import { type LwM2mNode, node, nodesEqual } from '../../src/model/node.js';
import { LwM2mPath } from '../../src/model/path.js';
import type { ResourceValue } from '../../src/model/resource-type.js';
import { value } from '../../src/model/value.js';
import { instanceNode, multipleResource, objectNode, singleResource } from '../support/arbitraries.js';
import { testModel } from '../support/test-model.js';

const codec = new TlvCodec();
const ctx = { model: testModel };
const p = (text: string) => LwM2mPath.parse(text);
const encode = (n: LwM2mNode, path: string) => toHex(codec.encode(n, p(path), ctx));
const decode = (h: string, path: string, limits?: Partial<DecodeLimits>) =>
  codec.decode(hex(h), p(path), limits === undefined ? ctx : { ...ctx, limits });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isCodedError(err) ? err.code : `non-coded ${String(err)}`;
  }
  return undefined;
}

/** Asserts encode(node) === bytes and decode(bytes) equals node. */
function golden(path: string, n: LwM2mNode, bytes: string): void {
  const expected = bytes.replace(/\s+/g, '').toLowerCase();
  expect(encode(n, path)).toBe(expected);
  const back = decode(expected, path);
  expect(
    nodesEqual(back, n),
    `decoded ${JSON.stringify(back, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`,
  ).toBe(true);
}

const ascii = (s: string) => toHex(new TextEncoder().encode(s));
const res = (id: number, v: ResourceValue) => node.resource(id, v);

describe('TLV: the §3 notes vectors (each checked by hand against the bit layout)', () => {
  // E4 = 11 1 00 100: Resource, 16-bit id, no length field, length 4; 0x1644 = 5700; 41B40000 = 22.5f
  it('/3303/0/5700 = 22.5 (float32)', () =>
    golden('/3303/0/5700', res(5700, value.float(22.5)), 'E4 16 44 41 B4 00 00'));
  // E3: length 3, id 0x1645 = 5701, "Cel"
  it('/3303/0/5701 = "Cel"', () =>
    golden('/3303/0/5701', res(5701, value.string('Cel')), 'E3 16 45 43 65 6C'));
  // 08 = 00 0 01 000: Object Instance, 8-bit id, 8-bit length field; id 0, 13 bytes
  it('GET /3303 wraps instance 0', () =>
    golden(
      '/3303',
      node.object(3303, [node.instance(0, [res(5700, value.float(22.5)), res(5701, value.string('Cel'))])]),
      '08 00 0D E4 16 44 41 B4 00 00 E3 16 45 43 65 6C',
    ));
  it('GET /3303/0 writes the resources directly', () =>
    golden(
      '/3303/0',
      node.instance(0, [res(5700, value.float(22.5)), res(5701, value.string('Cel'))]),
      'E4 16 44 41 B4 00 00 E3 16 45 43 65 6C',
    ));
  // 88 = 10 0 01 000: Multiple Resource, 8-bit length field; 42 = Resource Instance of 2 bytes; 0x0ED8 = 3800, 0x1388 = 5000
  it('/3/0/7 = {0: 3800, 1: 5000}', () =>
    golden(
      '/3/0/7',
      node.multiple(7, 'integer', [
        node.resourceInstance(0, value.integer(3800)),
        node.resourceInstance(1, value.integer(5000)),
      ]),
      '88 07 08 42 00 0E D8 42 01 13 88',
    ));
  it('res 1 bool true (/1/0/6)', () => golden('/1/0/6', res(6, value.boolean(true)), 'C1 06 01'));
  it('res 3 int -1, res 13 time 1700000000 (0x6553F100)', () => {
    golden('/3/0/9', res(9, value.integer(-1)), 'C1 09 FF');
    golden('/3/0/13', res(13, value.time(new Date(1_700_000_000_000))), 'C4 0D 65 53 F1 00');
  });
  it('objlnk 66:0', () => golden('/9999/0/7', res(7, value.objlnk(66, 0)), 'C4 07 00 42 00 00'));
  // C8 = 11 0 01 000: 8-bit length field; 0x14 = 20
  it('string of 20 bytes', () =>
    golden(
      '/3/0/0',
      res(0, value.string('Open Mobile Alliance')),
      `C8 00 14 ${ascii('Open Mobile Alliance')}`,
    ));
});

describe('TLV: the Device object read of the spec example, recomposed and checked by hand', () => {
  const device = node.instance(0, [
    res(0, value.string('Open Mobile Alliance')),
    res(1, value.string('Lightweight M2M Client')),
    node.multiple(6, 'integer', [
      node.resourceInstance(0, value.integer(1)),
      node.resourceInstance(1, value.integer(5)),
    ]),
    node.multiple(7, 'integer', [
      node.resourceInstance(0, value.integer(3800)),
      node.resourceInstance(1, value.integer(5000)),
    ]),
    res(9, value.integer(100)),
    node.multiple(11, 'integer', [node.resourceInstance(0, value.integer(0))]),
    res(13, value.time(new Date(0x5182428f * 1000))),
    res(16, value.string('U')),
  ]);
  const bytes = `
    C8 00 14 ${ascii('Open Mobile Alliance')}
    C8 01 16 ${ascii('Lightweight M2M Client')}
    86 06 41 00 01 41 01 05
    88 07 08 42 00 0E D8 42 01 13 88
    C1 09 64
    83 0B 41 00 00
    C4 0D 51 82 42 8F
    C1 10 55`;
  it('instance level', () => golden('/3/0', device, bytes));
  it('object level: one Object Instance TLV with an 8-bit length field', () => {
    // content: 23 + 25 + 8 + 11 + 3 + 5 + 6 + 3 = 84 = 0x54
    golden('/3', node.object(3, [device]), `08 00 54 ${bytes}`);
  });
});

describe('TLV: every type at the resource level (object 9999)', () => {
  it('string / corelnk / opaque / none', () => {
    golden('/9999/0/0', res(0, value.string('')), 'C0 00');
    golden('/9999/0/0', res(0, value.string('héllo')), `C6 00 68 C3 A9 6C 6C 6F`);
    golden('/9999/0/8', res(8, value.corelnk('</3/0>')), 'C6 08 3C 2F 33 2F 30 3E');
    golden('/9999/0/5', res(5, value.opaque(Uint8Array.of(1, 2, 3))), 'C3 05 01 02 03');
    golden('/9999/0/5', res(5, value.opaque(new Uint8Array(0))), 'C0 05');
    golden('/9999/0/9', res(9, value.none()), 'C0 09');
  });

  it.each([
    [0, '00'],
    [127, '7F'],
    [128, '00 80'],
    [-1, 'FF'],
    [-128, '80'],
    [-129, 'FF 7F'],
    [32767, '7F FF'],
    [32768, '00 00 80 00'],
    [-32768, '80 00'],
    [-32769, 'FF FF 7F FF'],
    [2147483647, '7F FF FF FF'],
    [2147483648, '00 00 00 00 80 00 00 00'],
    [-2147483648, '80 00 00 00'],
    [-2147483649, 'FF FF FF FF 7F FF FF FF'],
    [Number.MAX_SAFE_INTEGER, '00 1F FF FF FF FF FF FF'],
    [2n ** 53n, '00 20 00 00 00 00 00 00'],
    [2n ** 63n - 1n, '7F FF FF FF FF FF FF FF'],
    [-(2n ** 63n), '80 00 00 00 00 00 00 00'],
  ] as const)('integer %s', (v, valueHex) => {
    const len = valueHex.replace(/\s/g, '').length / 2;
    const header = len === 8 ? 'C8 01 08' : `C${len} 01`;
    golden('/9999/0/1', res(1, value.integer(v)), `${header} ${valueHex}`);
  });

  it.each([
    [0, '00'],
    [255, 'FF'],
    [256, '01 00'],
    [65535, 'FF FF'],
    [65536, '00 01 00 00'],
    [4294967295, 'FF FF FF FF'],
    [4294967296, '00 00 00 01 00 00 00 00'],
    [2n ** 64n - 1n, 'FF FF FF FF FF FF FF FF'],
  ] as const)('unsigned %s', (v, valueHex) => {
    const len = valueHex.replace(/\s/g, '').length / 2;
    const header = len === 8 ? 'C8 02 08' : `C${len} 02`;
    golden('/9999/0/2', res(2, value.unsigned(v)), `${header} ${valueHex}`);
  });

  it.each([
    ['22.5 (float32)', 22.5, 'C4 03 41 B4 00 00'],
    ['1.5 (float32)', 1.5, 'C4 03 3F C0 00 00'],
    ['0.1 (needs float64)', 0.1, 'C8 03 08 3F B9 99 99 99 99 99 9A'],
    ['-0 keeps its sign', -0, 'C4 03 80 00 00 00'],
    ['2^-149, smallest float32 subnormal', 2 ** -149, 'C4 03 00 00 00 01'],
    ['2^-1074, smallest float64 subnormal', 2 ** -1074, 'C8 03 08 00 00 00 00 00 00 00 01'],
    ['float32 max', (2 - 2 ** -23) * 2 ** 127, 'C4 03 7F 7F FF FF'],
    ['2^128 (just above float32)', 2 ** 128, 'C8 03 08 47 F0 00 00 00 00 00 00'],
    ['Infinity', Number.POSITIVE_INFINITY, 'C4 03 7F 80 00 00'],
    ['-Infinity', Number.NEGATIVE_INFINITY, 'C4 03 FF 80 00 00'],
    ['NaN (canonical quiet NaN, 4 bytes)', Number.NaN, 'C4 03 7F C0 00 00'],
  ] as const)('float %s', (_name, v, bytes) => golden('/9999/0/3', res(3, value.float(v)), bytes));

  it('float decodes any NaN payload, float32 or float64', () => {
    const a = decode('C4 03 7F C0 00 01', '/9999/0/3');
    const b = decode('C8 03 08 7F F8 00 00 00 00 00 00', '/9999/0/3');
    expect(a.kind === 'resource' && Number.isNaN(a.value.value)).toBe(true);
    expect(b.kind === 'resource' && Number.isNaN(b.value.value)).toBe(true);
  });

  it('boolean', () => {
    golden('/9999/0/4', res(4, value.boolean(true)), 'C1 04 01');
    golden('/9999/0/4', res(4, value.boolean(false)), 'C1 04 00');
  });

  it('time (as Integer seconds)', () => {
    golden('/9999/0/6', res(6, value.time(new Date(0))), 'C1 06 00');
    golden('/9999/0/6', res(6, value.time(new Date(-1000))), 'C1 06 FF');
    golden('/9999/0/6', res(6, value.time(new Date(2 ** 31 * 1000))), 'C8 06 08 00 00 00 00 80 00 00 00');
  });

  it('time truncates sub-second parts toward -inf on encode', () => {
    expect(encode(res(6, value.time(new Date(1500))), '/9999/0/6')).toBe('c10601');
    expect(encode(res(6, value.time(new Date(-1))), '/9999/0/6')).toBe('c106ff');
  });

  it('objlnk, including the null link', () => {
    golden('/9999/0/7', res(7, value.objlnk(65535, 65535)), 'C4 07 FF FF FF FF');
    golden('/9999/0/7', res(7, value.objlnk(3, 258)), 'C4 07 00 03 01 02');
  });
});

describe('TLV: length fields and ids', () => {
  const str = (n: number) => 'x'.repeat(n);
  it.each([
    [7, 'C7 00'],
    [8, 'C8 00 08'],
    [255, 'C8 00 FF'],
    [256, 'D0 00 01 00'],
    [300, 'D0 00 01 2C'],
    [65535, 'D0 00 FF FF'],
    [65536, 'D8 00 01 00 00'],
    [70000, 'D8 00 01 11 70'],
  ] as const)('string of %i bytes uses header %s', (n, header) => {
    golden('/9999/0/0', res(0, value.string(str(n))), `${header} ${'78'.repeat(n)}`);
  });

  it('ids above 255 use a 16-bit id field; 255 still fits 8 bits', () => {
    golden('/9999/0/255', res(255, value.opaque(Uint8Array.of(9))), 'C1 FF 09');
    golden('/9999/0/256', res(256, value.opaque(Uint8Array.of(9))), 'E1 01 00 09');
    golden('/9999/0/65534', res(65534, value.opaque(new Uint8Array(0))), 'E0 FF FE');
    golden('/9999/0/101/300', node.resourceInstance(300, value.integer(5)), '61 01 2C 05');
    golden('/9999/300', node.instance(300, [res(1, value.integer(5))]), 'C1 01 05');
    golden('/9999', node.object(9999, [node.instance(300, [res(1, value.integer(5))])]), '23 01 2C C1 01 05');
  });

  it('accepts non-minimal id and length fields', () => {
    expect(nodesEqual(decode('C8 01 01 05', '/9999/0/1'), res(1, value.integer(5)))).toBe(true);
    expect(nodesEqual(decode('E1 00 01 05', '/9999/0/1'), res(1, value.integer(5)))).toBe(true);
    expect(nodesEqual(decode('D8 01 00 00 01 05', '/9999/0/1'), res(1, value.integer(5)))).toBe(true);
  });
});

describe('TLV: node levels', () => {
  const ints = node.multiple(101, 'integer', [
    node.resourceInstance(0, value.integer(1)),
    node.resourceInstance(1, value.integer(-1)),
  ]);
  it('a multiple resource always uses a Multiple Resource TLV, even with 0 or 1 instances', () => {
    golden('/9999/0/101', ints, '86 65 41 00 01 41 01 FF');
    golden('/9999/0/101', node.multiple(101, 'integer', []), '80 65');
    golden(
      '/9999/0/101',
      node.multiple(101, 'integer', [node.resourceInstance(5, value.integer(7))]),
      '83 65 41 05 07',
    );
  });

  it('a resource-instance path carries one Resource Instance TLV', () => {
    golden('/9999/0/101/1', node.resourceInstance(1, value.integer(-1)), '41 01 FF');
    golden('/9999/0/107/0', node.resourceInstance(0, value.objlnk(1, 2)), '44 00 00 01 00 02');
    golden(
      '/9999/0/100/2',
      node.resourceInstance(2, value.string('abcdefgh')),
      `48 02 08 ${ascii('abcdefgh')}`,
    );
  });

  it('an instance path carries its resources, with multiple resources inside', () => {
    golden(
      '/9999/0',
      node.instance(0, [res(1, value.integer(5)), ints, res(4, value.boolean(true))]),
      'C1 01 05 86 65 41 00 01 41 01 FF C1 04 01',
    );
    golden('/9999/0', node.instance(0, []), '');
  });

  it('an object path wraps each instance (3-bit length when it fits)', () => {
    golden(
      '/3303',
      node.object(3303, [
        node.instance(0, [res(5700, value.float(22.5))]),
        node.instance(1, [res(5700, value.float(1.5))]),
      ]),
      '07 00 E4 16 44 41 B4 00 00 07 01 E4 16 44 3F C0 00 00',
    );
    golden('/9999', node.object(9999, []), '');
    golden('/9999', node.object(9999, [node.instance(0, [])]), '00 00');
  });

  it('a Server object with two instances (8-bit length fields)', () => {
    const server = node.object(1, [
      node.instance(0, [
        res(0, value.integer(1)),
        res(1, value.integer(86400)),
        res(6, value.boolean(false)),
        res(7, value.string('U')),
      ]),
      node.instance(1, [
        res(0, value.integer(2)),
        res(1, value.integer(60)),
        res(6, value.boolean(true)),
        res(7, value.string('UQ')),
      ]),
    ]);
    golden(
      '/1',
      server,
      '08 00 0F C1 00 01 C4 01 00 01 51 80 C1 06 00 C1 07 55 08 01 0D C1 00 02 C1 01 3C C1 06 01 C2 07 55 51',
    );
  });

  it('accepts one Object Instance TLV with the path id at instance and resource paths', () => {
    expect(
      nodesEqual(decode('03 00 C1 01 05', '/9999/0'), node.instance(0, [res(1, value.integer(5))])),
    ).toBe(true);
    expect(nodesEqual(decode('03 07 C1 01 05', '/9999/7/1'), res(1, value.integer(5)))).toBe(true);
  });

  it('ignores a gateway prefix on the path', () => {
    golden('/dev0/3303/0/5700', res(5700, value.float(22.5)), 'E4 16 44 41 B4 00 00');
  });

  it('decodes resources the model does not know as opaque', () => {
    const n = decode('C2 C8 01 02 83 C9 41 00 AA', '/9999/0');
    expect(
      nodesEqual(
        n,
        node.instance(0, [
          res(200, value.opaque(Uint8Array.of(1, 2))),
          node.multiple(201, 'opaque', [node.resourceInstance(0, value.opaque(Uint8Array.of(0xaa)))]),
        ]),
      ),
    ).toBe(true);
    expect(nodesEqual(decode('C1 01 05', '/12345/0/1'), res(1, value.opaque(Uint8Array.of(5))))).toBe(true);
  });

  it('copies opaque values instead of aliasing the payload', () => {
    const payload = hex('C3 05 01 02 03');
    const n = codec.decode(payload, p('/9999/0/5'), ctx);
    payload[2] = 0xff;
    expect(n.kind === 'resource' && toHex(n.value.value as Uint8Array)).toBe('010203');
  });

  it('decodes from a Buffer into plain Uint8Array values', () => {
    const n = codec.decode(Buffer.from('c30501020304', 'hex').subarray(0, 5), p('/9999/0/5'), ctx);
    expect(n.kind === 'resource' && (n.value.value as Uint8Array).constructor).toBe(Uint8Array);
  });
});

describe('TLV: Create payloads', () => {
  it('accepts bare resources (client assigns the id) and one wrapped instance', () => {
    const bare = decodeTlvCreate(hex('C1 00 01 C1 01 3C'), p('/1'), ctx);
    expect(bare.instanceId).toBeUndefined();
    expect(bare.resources.map((r) => r.id)).toEqual([0, 1]);
    const wrapped = decodeTlvCreate(hex('06 05 C1 00 01 C1 01 3C'), p('/1'), ctx);
    expect(wrapped.instanceId).toBe(5);
    expect(nodesEqual(node.instance(5, wrapped.resources), decode('C1 00 01 C1 01 3C', '/1/5'))).toBe(true);
    expect(decodeTlvCreate(new Uint8Array(0), p('/1'), ctx)).toEqual({
      instanceId: undefined,
      resources: [],
    });
  });

  it('rejects several instances, mixes, resource instances and non-object paths', () => {
    expect(codeOf(() => decodeTlvCreate(hex('00 00 00 01'), p('/1'), ctx))).toBe('CODEC_MALFORMED');
    expect(codeOf(() => decodeTlvCreate(hex('00 00 C1 00 01'), p('/1'), ctx))).toBe('CODEC_MALFORMED');
    expect(codeOf(() => decodeTlvCreate(hex('C1 00 01 00 00'), p('/1'), ctx))).toBe('CODEC_MALFORMED');
    expect(codeOf(() => decodeTlvCreate(hex('41 00 01'), p('/1'), ctx))).toBe('CODEC_MALFORMED');
    expect(codeOf(() => decodeTlvCreate(hex('C1 00 01'), p('/1/0'), ctx))).toBe('CODEC_UNSUPPORTED_FORMAT');
    expect(codeOf(() => decodeTlvCreate(hex('C1 00'), p('/1'), ctx))).toBe('CODEC_TRUNCATED');
  });
});

describe('TLV: decoding rejects', () => {
  it.each([
    ['a cut header', 'E4', '/3303/0/5700', 'CODEC_TRUNCATED'],
    ['a cut 16-bit id', 'E4 16', '/3303/0/5700', 'CODEC_TRUNCATED'],
    ['a cut length field', 'D8 00 01 00', '/9999/0/0', 'CODEC_TRUNCATED'],
    ['a cut value', 'E4 16 44 41 B4 00', '/3303/0/5700', 'CODEC_TRUNCATED'],
    ['a 16 MiB declared length in 5 bytes', 'D8 00 FF FF FF', '/9999/0/0', 'CODEC_TRUNCATED'],
    ['a child overrunning its container', '83 65 41 00 01 02', '/9999/0/101', 'CODEC_TRUNCATED'],
    ['trailing partial header', 'C1 01 05 00', '/9999/0/1', 'CODEC_TRUNCATED'],
    ['a trailing second TLV', 'C1 01 05 C1 02 05', '/9999/0/1', 'CODEC_MALFORMED'],
    ['an empty payload for a resource', '', '/9999/0/1', 'CODEC_MALFORMED'],
    ['an empty payload for a resource instance', '', '/9999/0/101/0', 'CODEC_MALFORMED'],
    ['duplicate resources', 'C1 01 05 C1 01 06', '/9999/0', 'CODEC_MALFORMED'],
    ['duplicate object instances', '00 00 00 00', '/9999', 'CODEC_MALFORMED'],
    ['duplicate resource instances', '86 65 41 00 01 41 00 02', '/9999/0/101', 'CODEC_MALFORMED'],
    ['a resource instance at the top of an instance', '41 00 01', '/9999/0', 'CODEC_MALFORMED'],
    ['a resource instance inside an object instance', '03 00 41 00 01', '/9999', 'CODEC_MALFORMED'],
    ['an object instance inside a multiple resource', '82 65 00 00', '/9999/0/101', 'CODEC_MALFORMED'],
    ['an object instance inside an object instance', '02 00 00 01', '/9999', 'CODEC_MALFORMED'],
    ['a resource inside a multiple resource', '83 65 C1 00 01', '/9999/0/101', 'CODEC_MALFORMED'],
    ['resources at an object path', 'C1 01 05', '/9999', 'CODEC_MALFORMED'],
    ['two object instances at an instance path', '00 00 00 01', '/9999/0', 'CODEC_MALFORMED'],
    ['a resource TLV at a resource-instance path', 'C1 01 05', '/9999/0/101/1', 'CODEC_MALFORMED'],
    ['a resource instance at a resource path', '41 01 05', '/9999/0/101', 'CODEC_MALFORMED'],
    ['the reserved id 65535', 'E1 FF FF 00', '/9999/0', 'CODEC_MALFORMED'],
    ['invalid UTF-8 in a string', 'C1 00 FF', '/9999/0/0', 'CODEC_MALFORMED'],
    ['a resource id other than the path', 'C1 02 05', '/9999/0/1', 'CODEC_PATH_MISMATCH'],
    ['an instance id other than the path', '03 01 C1 01 05', '/9999/0', 'CODEC_PATH_MISMATCH'],
    ['a wrapped instance id other than the path', '03 01 C1 01 05', '/9999/0/1', 'CODEC_PATH_MISMATCH'],
    ['a resource instance id other than the path', '41 02 05', '/9999/0/101/1', 'CODEC_PATH_MISMATCH'],
    ['an integer of 3 bytes', 'C3 01 00 00 01', '/9999/0/1', 'CODEC_TYPE_MISMATCH'],
    ['an integer of 0 bytes', 'C0 01', '/9999/0/1', 'CODEC_TYPE_MISMATCH'],
    ['an unsigned of 5 bytes', 'C5 02 00 00 00 00 01', '/9999/0/2', 'CODEC_TYPE_MISMATCH'],
    ['a float of 2 bytes', 'C2 03 00 00', '/9999/0/3', 'CODEC_TYPE_MISMATCH'],
    ['a boolean of 2', 'C1 04 02', '/9999/0/4', 'CODEC_TYPE_MISMATCH'],
    ['a boolean of 2 bytes', 'C2 04 00 01', '/9999/0/4', 'CODEC_TYPE_MISMATCH'],
    ['a time beyond the Date range', 'C8 06 08 7F FF FF FF FF FF FF FF', '/9999/0/6', 'CODEC_TYPE_MISMATCH'],
    ['a time of 3 bytes', 'C3 06 00 00 01', '/9999/0/6', 'CODEC_TYPE_MISMATCH'],
    ['an objlnk of 3 bytes', 'C3 07 00 00 00', '/9999/0/7', 'CODEC_TYPE_MISMATCH'],
    ['a value for type none', 'C1 09 00', '/9999/0/9', 'CODEC_TYPE_MISMATCH'],
    ['a Resource TLV for a multiple resource', 'C1 65 01', '/9999/0/101', 'CODEC_TYPE_MISMATCH'],
    ['a Multiple Resource TLV for a single resource', '80 01', '/9999/0/1', 'CODEC_TYPE_MISMATCH'],
    [
      'a Multiple Resource TLV for a single resource in an instance',
      '80 01',
      '/9999/0',
      'CODEC_TYPE_MISMATCH',
    ],
    ['the root path', '', '/', 'CODEC_UNSUPPORTED_FORMAT'],
  ])('%s', (_name, bytes, path, code) => {
    expect(codeOf(() => decode(bytes, path))).toBe(code);
  });

  it('enforces maxEntries, maxPayloadBytes and maxDepth', () => {
    expect(codeOf(() => decode('C1 01 05 C1 02 05 C1 04 01', '/9999/0', { maxEntries: 2 }))).toBe(
      'CODEC_LIMIT_EXCEEDED',
    );
    expect(codeOf(() => decode('C1 01 05 C1 02 05', '/9999/0', { maxEntries: 2 }))).toBeUndefined();
    expect(codeOf(() => decode('86 65 41 00 01 41 01 FF', '/9999/0/101', { maxEntries: 2 }))).toBe(
      'CODEC_LIMIT_EXCEEDED',
    );
    expect(codeOf(() => decode('C1 01 05 C1 02 05', '/9999/0', { maxPayloadBytes: 5 }))).toBe(
      'CODEC_LIMIT_EXCEEDED',
    );
    expect(codeOf(() => decode('86 65 41 00 01 41 01 FF', '/9999/0/101', { maxDepth: 1 }))).toBe(
      'CODEC_LIMIT_EXCEEDED',
    );
    expect(codeOf(() => codec.decode('x' as unknown as Uint8Array, p('/9999/0'), ctx))).toBe(
      'CODEC_MALFORMED',
    );
  });
});

describe('TLV: encoding rejects', () => {
  it.each([
    [
      'a node at the wrong level',
      () => codec.encode(res(1, value.integer(1)), p('/9999/0'), ctx),
      'NODE_INVALID',
    ],
    [
      'a node id other than the path',
      () => codec.encode(res(1, value.integer(1)), p('/9999/0/2'), ctx),
      'NODE_INVALID',
    ],
    [
      'a type other than the model',
      () => codec.encode(res(1, value.float(1)), p('/9999/0/1'), ctx),
      'NODE_INVALID',
    ],
    [
      'a single node for a multiple resource',
      () => codec.encode(res(101, value.integer(1)), p('/9999/0/101'), ctx),
      'NODE_INVALID',
    ],
    [
      'instances of another type',
      () =>
        codec.encode(
          {
            kind: 'multiple-resource',
            id: 101,
            type: 'integer',
            instances: [node.resourceInstance(0, value.float(1))],
          },
          p('/9999/0/101'),
          ctx,
        ),
      'NODE_INVALID',
    ],
    [
      'a fractional integer',
      () => codec.encode(res(1, value.integer(1.5)), p('/9999/0/1'), ctx),
      'VALUE_OUT_OF_RANGE',
    ],
    [
      'an unsafe integer number',
      () => codec.encode(res(1, value.integer(2 ** 60)), p('/9999/0/1'), ctx),
      'VALUE_OUT_OF_RANGE',
    ],
    [
      'an integer above int64',
      () => codec.encode(res(1, value.integer(2n ** 63n)), p('/9999/0/1'), ctx),
      'VALUE_OUT_OF_RANGE',
    ],
    [
      'a negative unsigned',
      () => codec.encode(res(2, value.unsigned(-1)), p('/9999/0/2'), ctx),
      'VALUE_OUT_OF_RANGE',
    ],
    [
      'an unsigned above 2^64-1',
      () => codec.encode(res(2, value.unsigned(2n ** 64n)), p('/9999/0/2'), ctx),
      'VALUE_OUT_OF_RANGE',
    ],
    [
      'an objlnk id above 65535',
      () => codec.encode(res(7, value.objlnk(65536, 0)), p('/9999/0/7'), ctx),
      'VALUE_OUT_OF_RANGE',
    ],
    [
      'an invalid Date',
      () => codec.encode(res(6, value.time(new Date(Number.NaN))), p('/9999/0/6'), ctx),
      'VALUE_OUT_OF_RANGE',
    ],
    [
      'a lone surrogate',
      () => codec.encode(res(0, value.string('a\ud800')), p('/9999/0/0'), ctx),
      'VALUE_OUT_OF_RANGE',
    ],
    [
      'a string over 2^24-1 bytes',
      () => codec.encode(res(0, value.string('x'.repeat(2 ** 24))), p('/9999/0/0'), ctx),
      'VALUE_OUT_OF_RANGE',
    ],
    [
      'a value of the wrong JS type',
      () =>
        codec.encode(res(4, { type: 'boolean', value: 1 } as unknown as ResourceValue), p('/9999/0/4'), ctx),
      'NODE_INVALID',
    ],
    [
      'a resource id of 65535',
      () => codec.encode(node.instance(0, [res(65535, value.none())]), p('/9999/0'), ctx),
      'NODE_INVALID',
    ],
  ])('%s', (_name, fn, code) => {
    expect(codeOf(fn)).toBe(code);
  });

  it('canEncode every node kind', () => {
    expect(codec.canEncode(node.object(1, []))).toBe(true);
    expect(codec.contentFormat).toBe(11542);
  });
});

describe('TLV: round trips (encode -> decode is the identity)', () => {
  const roundTrips = (n: LwM2mNode, path: LwM2mPath) => {
    const bytes = codec.encode(n, path, ctx);
    const back = codec.decode(bytes, path, ctx);
    // and the encoding is canonical: re-encoding the decoded node gives the same bytes
    return nodesEqual(back, n) && toHex(codec.encode(back, path, ctx)) === toHex(bytes);
  };

  it('single resources of every type', () => {
    fc.assert(
      fc.property(singleResource, (r) => roundTrips(r, p(`/9999/0/${r.id}`))),
      { numRuns: 2000 },
    );
  });
  it('multiple resources of every type', () => {
    fc.assert(
      fc.property(multipleResource, (r) => roundTrips(r, p(`/9999/0/${r.id}`))),
      { numRuns: 1000 },
    );
  });
  it('resource instances of every type', () => {
    fc.assert(
      fc.property(multipleResource, (r) =>
        r.instances.every((ri) => roundTrips(ri, p(`/9999/0/${r.id}/${ri.id}`))),
      ),
      { numRuns: 1000 },
    );
  });
  it('object instances', () => {
    fc.assert(
      fc.property(instanceNode, (i) => roundTrips(i, p(`/9999/${i.id}`))),
      { numRuns: 500 },
    );
  });
  it('objects', () => {
    fc.assert(
      fc.property(objectNode, (o) => roundTrips(o, p('/9999'))),
      { numRuns: 300 },
    );
  });
  it('floats: 4 bytes exactly when the value is a float32', () => {
    fc.assert(
      fc.property(fc.double(), (v) => {
        const bytes = codec.encode(res(3, value.float(v)), p('/9999/0/3'), ctx);
        const back = codec.decode(bytes, p('/9999/0/3'), ctx);
        const four = Number.isNaN(v) || Math.fround(v) === v;
        return bytes.length === (four ? 6 : 11) && back.kind === 'resource' && Object.is(back.value.value, v);
      }),
      { numRuns: 3000 },
    );
  });
});
