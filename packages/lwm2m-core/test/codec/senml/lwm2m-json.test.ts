import { describe, expect, it } from 'vitest';
import { Lwm2mJsonCodec } from '../../../src/codec/lwm2m-json/lwm2m-json-codec.js';
import { node } from '../../../src/model/node.js';
import { LwM2mPath } from '../../../src/model/path.js';
import { value } from '../../../src/model/value.js';
import { codeOf, decodeContext, encodeContext, utf8 } from './helpers.js';
import { notesLwm2mJsonExample } from './senml-vectors.js';

const codec = new Lwm2mJsonCodec();
const p = (s: string) => LwM2mPath.parse(s);
const decodeAt = (payload: string, path: string) => codec.decode(utf8(payload), p(path), decodeContext);

describe('LwM2M JSON (11543, decode only)', () => {
  it('decodes the notes example once its placeholder names are resource ids', () => {
    const payload = notesLwm2mJsonExample.replace('"n":"x"', '"n":"23"').replace('"n":"y"', '"n":"24"');
    expect(decodeAt(payload, '/3/0')).toEqual(
      node.instance(0, [
        node.resource(0, value.string('ACME')),
        node.resource(9, value.integer(88)),
        // 23 and 24 are unknown to the model: bv gives a Boolean, ov an Objlnk.
        node.resource(23, value.boolean(true)),
        node.resource(24, value.objlnk(66, 0)),
      ]),
    );
  });

  it('rejects the notes example as written: "x" is no resource id', () => {
    expect(codeOf(() => decodeAt(notesLwm2mJsonExample, '/3/0'))).toBe('CODEC_MALFORMED');
  });

  it('decodes multiple resources, a single resource and names relative to the request path', () => {
    expect(decodeAt('{"bn":"/3/0/","e":[{"n":"7/0","v":3800},{"n":"7/1","v":5000}]}', '/3/0/7')).toEqual(
      node.multiple(7, 'integer', [
        node.resourceInstance(0, value.integer(3800)),
        node.resourceInstance(1, value.integer(5000)),
      ]),
    );
    expect(decodeAt('{"e":[{"sv":"ACME"}]}', '/3/0/0')).toEqual(node.resource(0, value.string('ACME')));
    expect(decodeAt('{"e":[{"n":"0","sv":"ACME"}]}', '/dev0/3/0')).toEqual(
      node.instance(0, [node.resource(0, value.string('ACME'))]),
    );
    expect(decodeAt('{"bn":"/","e":[{"n":"3/0/9","v":88}]}', '/3/0/9')).toEqual(
      node.resource(9, value.integer(88)),
    );
  });

  it('reads 64-bit integers exactly', () => {
    expect(decodeAt('{"bn":"/9999/0/","e":[{"n":"2","v":18446744073709551615}]}', '/9999/0/2')).toEqual(
      node.resource(2, value.unsigned(2n ** 64n - 1n)),
    );
  });

  it('decodes a timestamped notification (bt + t)', () => {
    const nodes = codec.decodeTimestamped(
      utf8('{"bn":"/3303/0/5700","bt":1718000000,"e":[{"v":21.5,"t":-10},{"v":21.7,"t":0}]}'),
      p('/3303/0/5700'),
      decodeContext,
    );
    expect(nodes.map((n) => [n.path.toString(), n.timestamp?.getTime()])).toEqual([
      ['/3303/0/5700', 1_717_999_990_000],
      ['/3303/0/5700', 1_718_000_000_000],
    ]);
  });

  it('never encodes', () => {
    const n = node.resource(0, value.string('ACME'));
    expect(codec.canEncode(n)).toBe(false);
    expect(codeOf(() => codec.encode(n, p('/3/0/0'), encodeContext))).toBe('CODEC_UNSUPPORTED_FORMAT');
  });

  it.each([
    ['not an object', '[]', 'CODEC_MALFORMED'],
    ['no e array', '{"bn":"/3/0/"}', 'CODEC_MALFORMED'],
    ['entry not an object', '{"bn":"/3/0/","e":[1]}', 'CODEC_MALFORMED'],
    ['two values', '{"bn":"/3/0/","e":[{"n":"0","sv":"a","v":1}]}', 'CODEC_MALFORMED'],
    ['wrong value kind', '{"bn":"/3/0/","e":[{"n":"0","v":1}]}', 'CODEC_TYPE_MISMATCH'],
    ['sv of the wrong type', '{"bn":"/3/0/","e":[{"n":"0","sv":1}]}', 'CODEC_MALFORMED'],
    ['bn of the wrong type', '{"bn":3,"e":[{"n":"0","sv":"a"}]}', 'CODEC_MALFORMED'],
    ['outside the path', '{"bn":"/3/1/","e":[{"n":"0","sv":"a"}]}', 'CODEC_PATH_MISMATCH'],
    ['truncated', '{"bn":"/3/0/","e":[{"n":"0","sv":"a"}', 'CODEC_TRUNCATED'],
  ])('rejects %s', (_name, payload, code) => {
    expect(codeOf(() => decodeAt(payload, '/3/0'))).toBe(code);
  });

  it('enforces the entry limit', () => {
    const payload = utf8('{"bn":"/3/0/","e":[{"n":"0","sv":"a"},{"n":"1","sv":"b"}]}');
    expect(
      codeOf(() => codec.decode(payload, p('/3/0'), { ...decodeContext, limits: { maxEntries: 1 } })),
    ).toBe('CODEC_LIMIT_EXCEEDED');
  });
});
