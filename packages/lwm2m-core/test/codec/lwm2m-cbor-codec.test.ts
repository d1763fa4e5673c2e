import { isCodedError } from '@lwm2m-adapters/errors';
import { describe, expect, it } from 'vitest';
import { hex, toHex } from '../../../../test/support/fuzz.js';
import type { DecodeLimits } from '../../src/codec/codec-types.js';
import { Lwm2mCborCodec } from '../../src/codec/lwm2m-cbor/lwm2m-cbor-codec.js';
import { type LwM2mNode, node, nodesEqual, type PathNode } from '../../src/model/node.js';
import { LwM2mPath } from '../../src/model/path.js';
import type { ResourceValue } from '../../src/model/resource-type.js';
import { value } from '../../src/model/value.js';
import { testModel } from '../support/test-model.js';

const codec = new Lwm2mCborCodec();
const ctx = { model: testModel };
const p = (text: string) => LwM2mPath.parse(text);
const clean = (h: string) => h.replace(/\s+/g, '').toLowerCase();
const encode = (n: LwM2mNode, path: string) => toHex(codec.encode(n, p(path), ctx));
const decode = (h: string, path: string, limits?: Partial<DecodeLimits>) =>
  codec.decode(hex(h), p(path), limits === undefined ? ctx : { ...ctx, limits });
const show = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

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
  const expected = clean(bytes);
  expect(encode(n, path)).toBe(expected);
  const back = decode(expected, path);
  expect(nodesEqual(back, n), `decoded ${show(back)}`).toBe(true);
}

/** Asserts bytes decode at path to node (decode-only forms). */
function decodesTo(bytes: string, path: string, n: LwM2mNode): void {
  const back = decode(clean(bytes), path);
  expect(nodesEqual(back, n), `decoded ${show(back)}`).toBe(true);
}

const res = (id: number, v: ResourceValue) => node.resource(id, v);
const ri = (id: number, v: ResourceValue) => node.resourceInstance(id, v);
const K9999 = '19 270f'; // object 9999
const key = (rid: string) => `a1 83 ${K9999} 00 ${rid}`; // {[9999, 0, rid]: ...}

describe('LwM2M CBOR: notes vectors', () => {
  // §3: {3303:{0:{5700:22.5}}}; the notes write 22.5 as float32 (fa 41b40000), we write float16.
  it('encodes Read /3303 with one map per level and 22.5 as f9 4da0', () =>
    golden(
      '/3303',
      node.object(3303, [node.instance(0, [res(5700, value.float(22.5))])]),
      'a1 190ce7 a1 00 a1 191644 f9 4da0',
    ));
  it('decodes the notes float32 form of the same payload', () =>
    decodesTo(
      'a1190ce7a100a1191644fa41b40000',
      '/3303',
      node.object(3303, [node.instance(0, [res(5700, value.float(22.5))])]),
    ));
  // §1.3: {["dev1",3303,0]: {5700: 22.5, 5701: "Cel"}}
  const dev1 = node.instance(0, [res(5700, value.float(22.5)), res(5701, value.string('Cel'))]);
  it('encodes the §1.3 prefixed key (float16)', () =>
    golden('/dev1/3303/0', dev1, 'a1 83 64 64657631 19 0ce7 00 a2 19 1644 f9 4da0 19 1645 63 43656c'));
  it('decodes the §1.3 example as printed (float32)', () =>
    decodesTo('a1 83 64 64657631 19 0ce7 00 a2 19 1644 fa 41b40000 19 1645 63 43656c', '/dev1/3303/0', dev1));
  it('decodes the §1.3 example by its own path with decodeNodes', () => {
    const got = codec.decodeNodes(
      hex('a1836464657631190ce700a2191644fa41b400001916456343656c'),
      undefined,
      ctx,
    );
    expect(got.map((n) => n.path.toString())).toEqual(['/dev1/3303/0']);
    expect(nodesEqual(got[0]!.node, dev1)).toBe(true);
  });
});

describe('LwM2M CBOR: every type (single resources of object 9999)', () => {
  const cases: [string, number, ResourceValue, string][] = [
    ['string', 0, value.string('hello'), '65 68656c6c6f'],
    ['empty string', 0, value.string(''), '60'],
    ['UTF-8 string', 0, value.string('€'), '63 e282ac'],
    ['integer -25', 1, value.integer(-25), '38 18'],
    ['integer 24', 1, value.integer(24), '18 18'],
    ['int64 max', 1, value.integer(2n ** 63n - 1n), '1b 7fffffffffffffff'],
    ['int64 min', 1, value.integer(-(2n ** 63n)), '3b 7fffffffffffffff'],
    ['unsigned 0', 2, value.unsigned(0), '00'],
    ['uint64 max', 2, value.unsigned(2n ** 64n - 1n), '1b ffffffffffffffff'],
    ['float 22.5 (half)', 3, value.float(22.5), 'f9 4da0'],
    ['float 100000 (single)', 3, value.float(100000), 'fa 47c35000'],
    ['float 0.1 (double)', 3, value.float(0.1), 'fb 3fb999999999999a'],
    ['integral float 3.0 stays a float', 3, value.float(3), 'f9 4200'],
    ['float -Infinity', 3, value.float(Number.NEGATIVE_INFINITY), 'f9 fc00'],
    ['float -0', 3, value.float(-0), 'f9 8000'],
    ['boolean true', 4, value.boolean(true), 'f5'],
    ['boolean false', 4, value.boolean(false), 'f4'],
    ['opaque', 5, value.opaque(Uint8Array.of(1, 2, 0xff)), '43 0102ff'],
    ['empty opaque', 5, value.opaque(new Uint8Array(0)), '40'],
    ['time (untagged integer seconds)', 6, value.time(new Date(1367491215_000)), '1a 5182428f'],
    ['negative time', 6, value.time(new Date(-1000)), '20'],
    ['objlnk 3:0', 7, value.objlnk(3, 0), '63 333a30'],
    ['null objlnk', 7, value.objlnk(65535, 65535), '6b 36353533353a3635353335'],
    ['corelnk', 8, value.corelnk('</3/0>'), '66 3c2f332f303e'],
    ['none', 9, value.none(), 'f6'],
  ];
  it.each(cases)('%s', (_name, rid, v, bytes) =>
    golden(`/9999/0/${rid}`, res(rid, v), `${key(rid.toString(16).padStart(2, '0'))} ${bytes}`),
  );

  it('writes NaN as the preferred half NaN and reads it back', () => {
    expect(encode(res(3, value.float(Number.NaN)), '/9999/0/3')).toBe(clean(`${key('03')} f9 7e00`));
    const back = decode(clean(`${key('03')} f9 7e00`), '/9999/0/3');
    expect(back.kind === 'resource' && Number.isNaN(back.value.value)).toBe(true);
  });
  it('writes integer -0 as the integer 0 and Buffer opaque values as byte strings', () => {
    expect(encode(res(1, value.integer(-0)), '/9999/0/1')).toBe(clean(`${key('01')} 00`));
    expect(encode(res(5, value.opaque(Buffer.from([1, 2]))), '/9999/0/5')).toBe(
      clean(`${key('05')} 42 0102`),
    );
  });
  it('rounds Time down to whole seconds', () =>
    expect(encode(res(6, value.time(new Date(1500))), '/9999/0/6')).toBe(clean(`${key('06')} 01`)));
});

describe('LwM2M CBOR: every node level', () => {
  it('multiple resource as a map of resource instances', () =>
    golden(
      '/9999/0/101',
      node.multiple(101, 'integer', [ri(0, value.integer(1)), ri(1, value.integer(5))]),
      `a1 83 ${K9999} 00 1865 a2 00 01 01 05`,
    ));
  it('resource instance as one 4-id array key', () =>
    golden('/9999/0/101/1', ri(1, value.integer(5)), `a1 84 ${K9999} 00 1865 01 05`));
  it('object instance', () =>
    golden(
      '/9999/0',
      node.instance(0, [
        res(1, value.integer(-25)),
        node.multiple(101, 'integer', [ri(0, value.integer(1))]),
      ]),
      `a1 82 ${K9999} 00 a2 01 3818 1865 a1 00 01`,
    ));
  it('object with two instances, one empty', () =>
    golden(
      '/9999',
      node.object(9999, [node.instance(0, [res(0, value.string('a'))]), node.instance(1, [])]),
      `a1 ${K9999} a2 00 a1 00 61 61 01 a0`,
    ));
  it('empty object, empty instance and empty multiple resource as empty maps', () => {
    golden('/9999', node.object(9999, []), `a1 ${K9999} a0`);
    golden('/9999/3', node.instance(3, []), `a1 82 ${K9999} 03 a0`);
    golden('/9999/0/101', node.multiple(101, 'integer', []), `a1 83 ${K9999} 00 1865 a0`);
  });
  it('Device /3/0 (integer multiple 6, integer 9)', () =>
    golden(
      '/3/0',
      node.instance(0, [
        node.multiple(6, 'integer', [ri(0, value.integer(1)), ri(1, value.integer(5))]),
        res(9, value.integer(100)),
      ]),
      'a1 82 03 00 a2 06 a2 00 01 01 05 09 18 64',
    ));
  it('Server /1 with two instances', () =>
    golden(
      '/1',
      node.object(1, [
        node.instance(0, [res(1, value.integer(86400))]),
        node.instance(1, [res(1, value.integer(300))]),
      ]),
      'a1 01 a2 00 a1 01 1a00015180 01 a1 01 19012c',
    ));
  it('prefixed object and resource instance', () => {
    golden(
      '/dev0/3',
      node.object(3, [node.instance(0, [res(9, value.integer(1))])]),
      'a1 82 64 64657630 03 a1 00 a1 09 01',
    );
    golden('/dev0/3/0/7/1', ri(1, value.integer(5)), 'a1 85 64 64657630 03 00 07 01 05');
  });
  it('composite: several paths, one top-level key each, in the given order', () => {
    const nodes: PathNode[] = [
      { path: p('/3/0/9'), node: res(9, value.integer(100)) },
      {
        path: p('/1'),
        node: node.object(1, [
          node.instance(0, [res(1, value.integer(86400))]),
          node.instance(1, [res(1, value.integer(300))]),
        ]),
      },
    ];
    const bytes = codec.encodeNodes(nodes, ctx);
    expect(toHex(bytes)).toBe(clean('a2 83030009 1864 01 a2 00 a1 01 1a00015180 01 a1 01 19012c'));
    const back = codec.decodeNodes(bytes, undefined, ctx);
    expect(back.map((n) => n.path.toString())).toEqual(['/3/0/9', '/1']);
    back.forEach((n, i) => {
      expect(nodesEqual(n.node, nodes[i]!.node)).toBe(true);
    });
  });
});

describe('LwM2M CBOR: decoding accepts every key layout', () => {
  const r9 = res(9, value.integer(100));
  it.each([
    ['array key', 'a1 83 03 00 09 1864'],
    ['one map per level', 'a1 03 a1 00 a1 09 1864'],
    ['1-element array keys', 'a1 81 03 a1 81 00 a1 81 09 1864'],
    ['array key below an id key', 'a1 03 a1 82 00 09 1864'],
    ['indefinite top map', 'bf 83 03 00 09 1864 ff'],
    ['indefinite maps at every level', 'bf 03 bf 00 bf 09 1864 ff ff ff'],
    ['indefinite array key', 'a1 9f 03 00 09 ff 1864'],
    ['non-preferred key (18 09)', 'a1 83 03 00 18 09 1864'],
    ['non-preferred value (8-byte 100)', 'a1 83 03 00 09 1b 0000000000000064'],
  ])('%s', (_name, bytes) => decodesTo(bytes, '/3/0/9', r9));

  it('{[3,0,0]:"x"} and {3:{0:{0:"x"}}} decode to the same instance', () => {
    const a = decode('a1830300006178', '/3/0');
    const b = decode('a103a100a1006178', '/3/0');
    expect(nodesEqual(a, b)).toBe(true);
    expect(nodesEqual(a, node.instance(0, [res(0, value.string('x'))]))).toBe(true);
  });
  it('an object read whose single instance sits in an array key', () =>
    decodesTo(
      'a1 82 03 00 a2 00 61 61 09 18 64',
      '/3',
      node.object(3, [node.instance(0, [res(0, value.string('a')), res(9, value.integer(100))])]),
    ));
  it('one instance spread over top-level keys of different depth', () =>
    decodesTo(
      'a2 82 03 00 a1 09 1864 83 03 00 0b a1 00 0f',
      '/3/0',
      node.instance(0, [
        res(9, value.integer(100)),
        node.multiple(11, 'integer', [ri(0, value.integer(15))]),
      ]),
    ));
  it('a multiple resource given with 4-id array keys', () =>
    decodesTo(
      'a2 84 03 00 06 00 01 84 03 00 06 01 05',
      '/3/0/6',
      node.multiple(6, 'integer', [ri(0, value.integer(1)), ri(1, value.integer(5))]),
    ));
  it('indefinite-length text and byte strings', () => {
    decodesTo(`${key('00')} 7f 6268 65 60 63 6c6c6f ff`, '/9999/0/0', res(0, value.string('hello')));
    decodesTo(
      `${key('05')} 5f 42 0102 41 ff ff`,
      '/9999/0/5',
      res(5, value.opaque(Uint8Array.of(1, 2, 0xff))),
    );
  });
  it('Float from every width and from integers', () => {
    for (const f of ['f9 3e00', 'fa 3fc00000', 'fb 3ff8000000000000']) {
      decodesTo(`a1 83 190ce7 00 191644 ${f}`, '/3303/0/5700', res(5700, value.float(1.5)));
    }
    decodesTo('a1 83 190ce7 00 191644 18 16', '/3303/0/5700', res(5700, value.float(22)));
    decodesTo('a1 83 190ce7 00 191644 38 02', '/3303/0/5700', res(5700, value.float(-3)));
  });
  it('Time as integer, tag 1 (integer or float) and tag 0 (RFC 3339)', () => {
    const t = res(13, value.time(new Date(1367491215_000)));
    decodesTo('a1 83 03 00 0d 1a 5182428f', '/3/0/13', t);
    decodesTo('a1 83 03 00 0d c1 1a 5182428f', '/3/0/13', t);
    decodesTo('a1 83 03 00 0d c1 fb 41d46090a3f00000', '/3/0/13', t);
    decodesTo('a1 83 03 00 0d c0 74 323031332d30352d30325431303a34303a31355a', '/3/0/13', t);
    decodesTo('a1 83 03 00 0d c0 78 19 323031332d30352d30325431323a34303a31352b30323a3030', '/3/0/13', t);
  });
  it('Create with an empty top-level map or an empty indefinite map reads as an empty object', () => {
    decodesTo('a0', '/3', node.object(3, []));
    decodesTo('bfff', '/3', node.object(3, []));
  });
  it('guesses types for resources the model does not know', () => {
    const got = decode('a1 82 19 2710 00 a6 00 61 61 01 20 02 f9 3c00 03 f5 04 41 00 05 c1 01', '/10000/0');
    expect(got).toEqual(
      node.instance(0, [
        res(0, value.string('a')),
        res(1, value.integer(-1)),
        res(2, value.float(1)),
        res(3, value.boolean(true)),
        res(4, value.opaque(Uint8Array.of(0))),
        res(5, value.time(new Date(1000))),
      ]),
    );
    const multi = decode('a1 83 19 2710 00 07 a2 00 01 01 f9 3e00', '/10000/0/7');
    expect(multi).toEqual(node.multiple(7, 'float', [ri(0, value.float(1)), ri(1, value.float(1.5))]));
    const big = decode('a1 83 19 2710 00 07 a2 00 01 01 1b ffffffffffffffff', '/10000/0/7');
    expect(big.kind === 'multiple-resource' && big.type).toBe('unsigned');
  });
});

describe('LwM2M CBOR: decodeNodes and the request paths', () => {
  const composite = 'a2 83 03 00 09 1864 82 01 00 a1 01 1a00015180';
  it('groups by the requested paths, leaving out paths without content', () => {
    const got = codec.decodeNodes(hex(clean(composite)), [p('/3/0/9'), p('/1/0'), p('/3303')], ctx);
    expect(got.map((n) => [n.path.toString(), n.node.kind])).toEqual([
      ['/3/0/9', 'resource'],
      ['/1/0', 'instance'],
    ]);
  });
  it('groups by the payload top-level keys when no paths are given', () => {
    const got = codec.decodeNodes(hex('a283030009186401a200a1011a0001518001a10119012c'), undefined, ctx);
    expect(got.map((n) => n.path.toString())).toEqual(['/3/0/9', '/1']);
  });
  it('a top-level key below another one joins it', () => {
    const got = codec.decodeNodes(hex(clean('a2 03 a1 00 a1 09 01 83 03 01 09 02')), undefined, ctx);
    expect(got.map((n) => n.path.toString())).toEqual(['/3']);
    expect(got[0]!.node.kind === 'object' && got[0]!.node.instances.map((i) => i.id)).toEqual([0, 1]);
  });
  it('a bare gateway prefix key (Gateway TS §9) groups per object under that prefix', () => {
    const got = codec.decodeNodes(hex('a163643031a103a100a1006141'), undefined, ctx);
    expect(got.map((n) => n.path.toString())).toEqual(['/d01/3']);
  });
  it('the same path under a prefix and for the gateway itself are different paths', () => {
    const got = codec.decodeNodes(hex('a284636430310300091864830300091832'), undefined, ctx);
    expect(got.map((n) => [n.path.toString(), n.node.kind === 'resource' && n.node.value.value])).toEqual([
      ['/d01/3/0/9', 100],
      ['/3/0/9', 50],
    ]);
  });
  it('a root request path takes every object', () => {
    const got = codec.decodeNodes(hex(clean(composite)), [LwM2mPath.ROOT], ctx);
    expect(got.map((n) => n.path.toString())).toEqual(['/3', '/1']);
  });
  it('content outside every requested path is CODEC_PATH_MISMATCH', () => {
    expect(codeOf(() => codec.decodeNodes(hex(clean(composite)), [p('/3/0/9')], ctx))).toBe(
      'CODEC_PATH_MISMATCH',
    );
    expect(codeOf(() => codec.decodeNodes(hex(clean(composite)), [], ctx))).toBe('CODEC_PATH_MISMATCH');
  });
  it('timestamped nodes: none written with a timestamp, none read with one', () => {
    const n = { path: p('/3/0/9'), node: res(9, value.integer(100)), timestamp: undefined };
    expect(toHex(codec.encodeTimestampedNodes([n], ctx))).toBe('a1830300091864');
    expect(codeOf(() => codec.encodeTimestampedNodes([{ ...n, timestamp: new Date(0) }], ctx))).toBe(
      'CODEC_UNSUPPORTED_FORMAT',
    );
    const back = codec.decodeTimestampedNodes(hex('a1830300091864'), ctx);
    expect(back).toHaveLength(1);
    expect(back[0]!.timestamp).toBeUndefined();
    expect(back[0]!.path.toString()).toBe('/3/0/9');
  });
  it('carries no path lists (composite requests are SenML)', () => {
    expect(codeOf(() => codec.encodePaths([p('/3/0/9')]))).toBe('CODEC_UNSUPPORTED_FORMAT');
    expect(codeOf(() => codec.decodePaths(hex('a0')))).toBe('CODEC_UNSUPPORTED_FORMAT');
  });
});

describe('LwM2M CBOR: rejection', () => {
  it.each([
    ['empty payload', '', '/', 'CODEC_TRUNCATED'],
    ['top-level array', '8100', '/3', 'CODEC_MALFORMED'],
    ['top-level integer', '05', '/3', 'CODEC_MALFORMED'],
    ['top-level null', 'f6', '/3', 'CODEC_MALFORMED'],
    ['float key', 'a1 f93c00 05', '/3', 'CODEC_MALFORMED'],
    ['negative key', 'a1 20 05', '/3', 'CODEC_MALFORMED'],
    ['byte string key', 'a1 41 03 05', '/3', 'CODEC_MALFORMED'],
    ['text key below the top level', 'a1 03 a1 61 30 a1 00 05', '/3', 'CODEC_MALFORMED'],
    ['text in an array key, not first', 'a1 83 03 61 30 00 05', '/3', 'CODEC_MALFORMED'],
    ['prefix in an inner array key', 'a1 03 a1 83 63 643031 00 00 05', '/3', 'CODEC_MALFORMED'],
    ['numeric gateway prefix', 'a1 84 62 3132 03 00 09 05', '/3/0/9', 'CODEC_MALFORMED'],
    ['float in an array key', 'a1 83 03 00 f94000 05', '/3', 'CODEC_MALFORMED'],
    ['id 65535', 'a1 83 03 00 19ffff 05', '/3/0', 'CODEC_MALFORMED'],
    ['id 65536', 'a1 83 03 00 1a00010000 05', '/3/0', 'CODEC_MALFORMED'],
    ['5 ids', 'a1 85 03 00 06 00 00 05', '/3', 'CODEC_MALFORMED'],
    ['map below a resource instance', 'a1 84 03 00 06 00 a1 00 05', '/3', 'CODEC_MALFORMED'],
    ['value at an instance', 'a1 82 03 00 05', '/3/0', 'CODEC_MALFORMED'],
    ['value at an object', 'a1 03 05', '/3', 'CODEC_MALFORMED'],
    ['value at a bare prefix', 'a1 63 643031 05', '/3', 'CODEC_MALFORMED'],
    ['empty array key', 'a1 80 05', '/3', 'CODEC_MALFORMED'],
    ['empty indefinite array key', 'a1 9fff 05', '/3', 'CODEC_MALFORMED'],
    ['prefix-only array key', 'a1 81 63 643031 a0', '/3', 'CODEC_MALFORMED'],
    ['truncated key', 'a1 83 03 00', '/3', 'CODEC_TRUNCATED'],
    ['truncated text', 'a1 83 03 00 00 74 4f70', '/3/0/0', 'CODEC_TRUNCATED'],
    ['indefinite map without break', 'bf 83 03 00 09 05', '/3/0/9', 'CODEC_TRUNCATED'],
    ['map(2) with one entry', 'a2 83 03 00 09 05', '/3/0/9', 'CODEC_TRUNCATED'],
    ['break where a value belongs', 'bf 83 03 00 09 ff', '/3/0/9', 'CODEC_MALFORMED'],
    ['same path twice', 'a2 83 03 00 09 05 83 03 00 09 06', '/3/0/9', 'CODEC_MALFORMED'],
    ['same path through two layouts', 'a2 83 03 00 09 05 03 a1 00 a1 09 06', '/3/0/9', 'CODEC_MALFORMED'],
    ['same key twice in one map', 'a2 03 a1 00 a1 09 05 03 a1 00 a1 0a 06', '/3', 'CODEC_MALFORMED'],
    ['value and map at one resource', 'a2 83 03 00 06 01 84 03 00 06 00 02', '/3/0/6', 'CODEC_MALFORMED'],
    ['empty instance next to its content', 'a2 82 03 00 a0 83 03 00 09 05', '/3/0', 'CODEC_MALFORMED'],
    ['trailing bytes', 'a1 83 03 00 09 05 00', '/3/0/9', 'CODEC_MALFORMED'],
    ['array as a value', 'a1 83 03 00 09 81 05', '/3/0/9', 'CODEC_MALFORMED'],
    ['undefined as a value', 'a1 83 03 00 09 f7', '/3/0/9', 'CODEC_MALFORMED'],
    ['simple(16) as a value', 'a1 83 03 00 09 f0', '/3/0/9', 'CODEC_MALFORMED'],
    ['invalid UTF-8', 'a1 83 03 00 00 62 c328', '/3/0/0', 'CODEC_MALFORMED'],
    ['reserved additional info 28', 'a1 83 03 00 09 1c', '/3/0/9', 'CODEC_MALFORMED'],
    ['unsigned with additional info 31', 'a1 83 03 00 1f 05', '/3/0/9', 'CODEC_MALFORMED'],
    ['content outside the request path', 'a1 83 03 00 0a 05', '/3/0/9', 'CODEC_PATH_MISMATCH'],
    ['other prefix than requested', 'a1 84 64 64657631 03 00 09 05', '/dev2/3/0/9', 'CODEC_PATH_MISMATCH'],
    [
      'prefixed content for a plain request',
      'a1 84 64 64657631 03 00 09 05',
      '/3/0/9',
      'CODEC_PATH_MISMATCH',
    ],
    ['empty object above the request path', 'a1 03 a0', '/3/0', 'CODEC_PATH_MISMATCH'],
    ['tag 2 bignum for an Integer', 'a1 83 03 00 09 c2 41 01', '/3/0/9', 'CODEC_TYPE_MISMATCH'],
    ['-2^64 for an Integer', 'a1 83 03 00 09 3b ffffffffffffffff', '/3/0/9', 'CODEC_TYPE_MISMATCH'],
    ['float for an Integer', 'a1 83 03 00 09 f9 3c00', '/3/0/9', 'CODEC_TYPE_MISMATCH'],
    ['text for an Integer', 'a1 83 03 00 09 61 31', '/3/0/9', 'CODEC_TYPE_MISMATCH'],
    ['negative for an Unsigned', `${key('02')} 20`, '/9999/0/2', 'CODEC_TYPE_MISMATCH'],
    ['integer for a Boolean', 'a1 83 01 00 06 01', '/1/0/6', 'CODEC_TYPE_MISMATCH'],
    ['text for Opaque', `${key('05')} 61 31`, '/9999/0/5', 'CODEC_TYPE_MISMATCH'],
    ['bad Objlnk text', `${key('07')} 63 333a78`, '/9999/0/7', 'CODEC_TYPE_MISMATCH'],
    ['Objlnk id over 65535', `${key('07')} 67 37303030303a30`, '/9999/0/7', 'CODEC_TYPE_MISMATCH'],
    ['tag 0 with no RFC 3339 text', 'a1 83 03 00 0d c0 63 616263', '/3/0/13', 'CODEC_TYPE_MISMATCH'],
    ['Time beyond the Date range', 'a1 83 03 00 0d 1b 7fffffffffffffff', '/3/0/13', 'CODEC_TYPE_MISMATCH'],
    ['plain float for a Time', 'a1 83 03 00 0d f9 3c00', '/3/0/13', 'CODEC_TYPE_MISMATCH'],
    ['value for a multiple resource', 'a1 83 03 00 07 05', '/3/0/7', 'CODEC_TYPE_MISMATCH'],
    ['map for a single resource', 'a1 83 03 00 09 a1 00 05', '/3/0/9', 'CODEC_TYPE_MISMATCH'],
    ['resource instance of a single resource', 'a1 84 03 00 09 00 05', '/3/0/9/0', 'CODEC_TYPE_MISMATCH'],
    [
      'mixed types in an unknown multiple resource',
      'a1 83 19 2710 00 07 a2 00 01 01 61 61',
      '/10000/0/7',
      'CODEC_TYPE_MISMATCH',
    ],
    ['no value for a single resource', 'a0', '/3/0/9', 'CODEC_MALFORMED'],
    ['no value for a resource instance', 'a0', '/3/0/7/0', 'CODEC_MALFORMED'],
    ['root request path for one node', 'a0', '/', 'CODEC_UNSUPPORTED_FORMAT'],
  ])('%s', (_name, bytes, path, code) => {
    expect(codeOf(() => decode(clean(bytes), path))).toBe(code);
  });

  it('enforces payload size, depth and entry limits', () => {
    const payload = 'a2 83 03 00 09 05 83 03 00 0a 06';
    expect(codeOf(() => decode(clean(payload), '/3/0', { maxPayloadBytes: 8 }))).toBe('CODEC_LIMIT_EXCEEDED');
    expect(codeOf(() => decode(clean(payload), '/3/0', { maxEntries: 1 }))).toBe('CODEC_LIMIT_EXCEEDED');
    expect(codeOf(() => decode('a103a100a1091864', '/3/0/9', { maxDepth: 2 }))).toBe('CODEC_LIMIT_EXCEEDED');
    expect(codeOf(() => decode(`${'a100'.repeat(40)}00`, '/3'))).toBe('CODEC_LIMIT_EXCEEDED');
    expect(decode(clean(payload), '/3/0', { maxEntries: 2 }).kind).toBe('instance');
  });
});

describe('LwM2M CBOR: encoder checks', () => {
  it('refuses a node that does not sit at the path', () => {
    expect(codeOf(() => encode(res(9, value.integer(1)), '/3/0/10'))).toBe('NODE_INVALID');
    expect(codeOf(() => encode(res(9, value.integer(1)), '/3/0'))).toBe('NODE_INVALID');
  });
  it('refuses values that contradict the model', () => {
    expect(codeOf(() => encode(res(9, value.string('x')), '/3/0/9'))).toBe('NODE_INVALID');
    expect(codeOf(() => encode(res(7, value.integer(1)), '/3/0/7'))).toBe('NODE_INVALID');
  });
  it('refuses overlapping or root paths in one payload', () => {
    const a = { path: p('/3/0'), node: node.instance(0, []) };
    const b = { path: p('/3/0/9'), node: res(9, value.integer(1)) };
    expect(codeOf(() => codec.encodeNodes([a, b], ctx))).toBe('NODE_INVALID');
    expect(codeOf(() => codec.encodeNodes([b, a], ctx))).toBe('NODE_INVALID');
    expect(codeOf(() => codec.encodeNodes([b, b], ctx))).toBe('NODE_INVALID');
    const prefixed = { path: p('/dev0/3/0/9'), node: res(9, value.integer(2)) };
    expect(toHex(codec.encodeNodes([b, prefixed], ctx))).toBe(
      clean('a2 83 03 00 09 01 84 64 64657630 03 00 09 02'),
    );
  });
  it('refuses out-of-range values and lone surrogates', () => {
    expect(codeOf(() => encode(res(1, value.integer(2n ** 63n)), '/9999/0/1'))).toBe('VALUE_OUT_OF_RANGE');
    expect(codeOf(() => encode(res(2, value.unsigned(-1)), '/9999/0/2'))).toBe('VALUE_OUT_OF_RANGE');
    expect(codeOf(() => encode(res(0, value.string('\ud800')), '/9999/0/0'))).toBe('VALUE_OUT_OF_RANGE');
  });
  it('can encode every node kind', () => {
    expect(codec.canEncode(node.object(3, []))).toBe(true);
    expect(codec.canEncode(ri(0, value.integer(1)))).toBe(true);
    expect(codec.contentFormat).toBe(11544);
  });
});
