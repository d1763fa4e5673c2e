import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exactJsonInteger } from '../../../src/codec/senml/json-integer.js';
import { SenmlJsonCodec } from '../../../src/codec/senml/senml-json-codec.js';
import { type LwM2mNode, node } from '../../../src/model/node.js';
import { LwM2mPath } from '../../../src/model/path.js';
import { value } from '../../../src/model/value.js';
import { codeOf, decodeContext, encodeContext, text, utf8 } from './helpers.js';
import { notesSendExample } from './senml-vectors.js';

const json = new SenmlJsonCodec();
const p = (s: string) => LwM2mPath.parse(s);
const decodeAt = (payload: string, path: string) => json.decode(utf8(payload), p(path), decodeContext);

describe('SenML JSON: Send and timestamps', () => {
  it('decodes the notes Send batch: gateway /3/0 next to end devices dev0 and dev1', () => {
    const nodes = json.decodeTimestampedNodes(utf8(notesSendExample), decodeContext);
    expect(nodes.map((n) => n.path.toString())).toEqual(['/dev0/3303/0/5700', '/dev1/3306/0/5850', '/3/0/9']);
    expect(nodes.map((n) => n.node)).toEqual([
      node.resource(5700, value.float(21.7)),
      // 3306 is not in the test model: vb gives a Boolean.
      node.resource(5850, value.boolean(true)),
      node.resource(9, value.integer(88)),
    ]);
    // bt stays in effect for the following records (RFC 8428 §4.5).
    const at = new Date(1_718_000_000_000);
    expect(nodes.map((n) => n.timestamp)).toEqual([at, at, at]);
  });

  it('encodes a Send batch mixing the gateway and two devices, switching bn per instance', () => {
    const at = new Date(1_718_000_000_000);
    const payload = json.encodeTimestampedNodes(
      [
        {
          path: p('/dev0/3303/0'),
          node: node.instance(0, [node.resource(5700, value.float(21.7))]),
          timestamp: at,
        },
        { path: p('/dev1/3303/0/5700'), node: node.resource(5700, value.float(19)), timestamp: at },
        {
          path: p('/3/0/9'),
          node: node.resource(9, value.integer(88)),
          timestamp: new Date(1_718_000_010_500),
        },
      ],
      encodeContext,
    );
    expect(text(payload)).toBe(
      '[{"bn":"/dev0/3303/0/","bt":1718000000,"n":"5700","v":21.7},' +
        '{"bn":"/dev1/3303/0/","n":"5700","v":19},' +
        '{"bn":"/3/0/","bt":1718000010.5,"n":"9","v":88}]',
    );
    const back = json.decodeTimestampedNodes(payload, decodeContext);
    expect(back.map((n) => [n.path.toString(), n.timestamp?.getTime()])).toEqual([
      ['/dev0/3303/0/5700', 1_718_000_000_000],
      ['/dev1/3303/0/5700', 1_718_000_000_000],
      ['/3/0/9', 1_718_000_010_500],
    ]);
  });

  it('puts nodes without a timestamp first (a bt cannot be unset)', () => {
    const payload = json.encodeTimestampedNodes(
      [
        {
          path: p('/3/0/9'),
          node: node.resource(9, value.integer(88)),
          timestamp: new Date(1_718_000_000_000),
        },
        { path: p('/3/0/0'), node: node.resource(0, value.string('ACME')), timestamp: undefined },
      ],
      encodeContext,
    );
    expect(text(payload)).toBe('[{"bn":"/3/0/","n":"0","vs":"ACME"},{"bt":1718000000,"n":"9","v":88}]');
    const back = json.decodeTimestampedNodes(payload, decodeContext);
    expect(back.map((n) => n.timestamp?.getTime())).toEqual([undefined, 1_718_000_000_000]);
  });

  it('adds t to bt, with millisecond precision, for a series of one resource', () => {
    const nodes = json.decodeTimestampedNodes(
      utf8(
        '[{"bn":"/3303/0/","bt":1718000000,"n":"5700","v":21.5,"t":-10},{"n":"5700","v":21.6,"t":-5.25},{"n":"5700","v":21.7}]',
      ),
      decodeContext,
    );
    expect(nodes.map((n) => n.timestamp?.getTime())).toEqual([
      1_717_999_990_000, 1_717_999_994_750, 1_718_000_000_000,
    ]);
  });

  describe('relative times (below 2^28 s)', () => {
    beforeEach(() => {
      vi.useFakeTimers();
      vi.setSystemTime(new Date(1_718_000_000_000));
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('reads negative and small times as relative to now, and 0 as "now"', () => {
      const nodes = json.decodeTimestampedNodes(
        utf8(
          '[{"n":"/3303/0/5700","v":1,"t":-5},{"n":"/3303/0/5700","v":2,"t":0},{"n":"/3303/0/5700","v":3}]',
        ),
        decodeContext,
      );
      expect(nodes.map((n) => n.timestamp?.getTime())).toEqual([1_717_999_995_000, undefined, undefined]);
    });
  });

  it('refuses to encode a timestamp before 1978-07-04 (it would read as relative)', () => {
    const run = () =>
      json.encodeTimestampedNodes(
        [{ path: p('/3/0/9'), node: node.resource(9, value.integer(1)), timestamp: new Date(1000) }],
        encodeContext,
      );
    expect(codeOf(run)).toBe('VALUE_OUT_OF_RANGE');
  });
});

describe('SenML JSON: composite operations', () => {
  it('decodes names written the way Leshan writes them (bn per record, bn of a multiple resource)', () => {
    const payload = utf8(
      '[{"bn":"/3/0/0","vs":"Open Mobile Alliance"},{"bn":"/3/0/9","v":95},{"bn":"/3/0/7/","n":"0","v":3800},{"n":"1","v":5000}]',
    );
    expect(json.decode(payload, p('/3/0'), decodeContext)).toEqual(
      node.instance(0, [
        node.resource(0, value.string('Open Mobile Alliance')),
        node.resource(9, value.integer(95)),
        node.multiple(7, 'integer', [
          node.resourceInstance(0, value.integer(3800)),
          node.resourceInstance(1, value.integer(5000)),
        ]),
      ]),
    );
  });

  it('encodes Read-Composite paths as names and decodes them back', () => {
    const paths = [p('/3/0/1'), p('/dev0/3303/0'), p('/1'), p('/dev1/3/0/7/1')];
    const payload = json.encodePaths(paths);
    expect(text(payload)).toBe('[{"n":"/3/0/1"},{"n":"/dev0/3303/0"},{"n":"/1"},{"n":"/dev1/3/0/7/1"}]');
    expect(json.decodePaths(payload).map(String)).toEqual(paths.map(String));
  });

  it('decodes path lists written with base names', () => {
    const payload = utf8('[{"bn":"/d01/3/0/","n":"0"},{"n":"/9"},{"bn":"/dev0/3303/0/"},{"bn":"","n":"/"}]');
    // "/d01/3/0/" + "/9": the Gateway TS example's doubled slash is read as one.
    expect(json.decodePaths(payload).map(String)).toEqual(['/d01/3/0/0', '/d01/3/0/9', '/dev0/3303/0', '/']);
  });

  it('rejects values in a path list', () => {
    expect(codeOf(() => json.decodePaths(utf8('[{"n":"/3/0/1","v":1}]')))).toBe('CODEC_MALFORMED');
  });

  it('groups a Read-Composite response under the requested paths, in request order', () => {
    const payload = utf8(
      '[{"bn":"/3/0/","n":"0","vs":"ACME"},{"n":"9","v":88},{"bn":"/dev0/3303/0/","n":"5700","v":22.5},{"n":"5701","vs":"Cel"},{"bn":"/dev1/3303/0/","n":"5700","v":19.5}]',
    );
    const nodes = json.decodeNodes(
      payload,
      [p('/dev0/3303/0/5700'), p('/3/0'), p('/dev0/3303/0'), p('/dev1/3303')],
      decodeContext,
    );
    expect(nodes.map((n) => n.path.toString())).toEqual([
      '/dev0/3303/0/5700',
      '/3/0',
      '/dev0/3303/0',
      '/dev1/3303',
    ]);
    expect(nodes.map((n) => n.node)).toEqual([
      node.resource(5700, value.float(22.5)),
      node.instance(0, [node.resource(0, value.string('ACME')), node.resource(9, value.integer(88))]),
      node.instance(0, [node.resource(5701, value.string('Cel'))]),
      node.object(3303, [node.instance(0, [node.resource(5700, value.float(19.5))])]),
    ]);
  });

  it('omits requested paths without records and splits a root path into objects', () => {
    const payload = utf8('[{"bn":"/dev0/3303/0/","n":"5700","v":22.5},{"bn":"/dev0/3/0/","n":"9","v":88}]');
    const nodes = json.decodeNodes(payload, [p('/1/0'), p('/dev0')], decodeContext);
    expect(nodes.map((n) => n.path.toString())).toEqual(['/dev0/3303', '/dev0/3']);
  });

  it('rejects a record outside every requested path', () => {
    const payload = utf8('[{"n":"/3/0/9","v":88},{"n":"/dev0/3/0/9","v":88}]');
    expect(codeOf(() => json.decodeNodes(payload, [p('/3/0')], decodeContext))).toBe('CODEC_PATH_MISMATCH');
  });

  it('without paths (Write-Composite, Send) gives one node per record at its own path', () => {
    const payload = utf8(
      '[{"bn":"/3/0/","n":"7/1","v":5000},{"n":"13","v":1700000000},{"bn":"/dev0/1/0/","n":"1","v":300}]',
    );
    const nodes = json.decodeNodes(payload, undefined, decodeContext);
    expect(nodes).toEqual([
      { path: p('/3/0/7/1'), node: node.resourceInstance(1, value.integer(5000)) },
      { path: p('/3/0/13'), node: node.resource(13, value.time(new Date(1_700_000_000_000))) },
      { path: p('/dev0/1/0/1'), node: node.resource(1, value.integer(300)) },
    ]);
  });

  it('encodes a Write-Composite request over several devices', () => {
    const payload = json.encodeNodes(
      [
        { path: p('/dev0/3303/0/5750'), node: node.resource(5750, value.string('Boiler')) },
        { path: p('/dev0/3303/1/5750'), node: node.resource(5750, value.string('Tank')) },
        { path: p('/1/0/1'), node: node.resource(1, value.integer(300)) },
      ],
      encodeContext,
    );
    expect(text(payload)).toBe(
      '[{"bn":"/dev0/3303/0/","n":"5750","vs":"Boiler"},{"bn":"/dev0/3303/1/","n":"5750","vs":"Tank"},{"bn":"/1/0/","n":"1","v":300}]',
    );
  });
});

describe('SenML JSON: values', () => {
  it('keeps 64-bit integers beyond 2^53 exact in both directions', () => {
    const payload =
      '[{"bn":"/9999/0/","n":"1","v":9007199254740993},{"n":"2","v":18446744073709551615},{"n":"101/0","v":-9223372036854775807}]';
    expect(decodeAt(payload, '/9999/0')).toEqual(
      node.instance(0, [
        node.resource(1, value.integer(9_007_199_254_740_993n)),
        node.resource(2, value.unsigned(18_446_744_073_709_551_615n)),
        node.multiple(101, 'integer', [node.resourceInstance(0, value.integer(-9_223_372_036_854_775_807n))]),
      ]),
    );
  });

  it('reads exact integers from exponent forms too', () => {
    expect(exactJsonInteger('1.8446744073709551615e19')).toBe(18_446_744_073_709_551_615n);
    expect(exactJsonInteger('-12.50e1')).toBe(-125n);
    expect(exactJsonInteger('1e300')).toBeUndefined();
    expect(exactJsonInteger('1.5')).toBeUndefined();
    expect(decodeAt('[{"n":"/9999/0/2","v":1.8446744073709551615e19}]', '/9999/0/2')).toEqual(
      node.resource(2, value.unsigned(18_446_744_073_709_551_615n)),
    );
  });

  it('accepts whole JSON numbers for Float and whole floats for Integer', () => {
    expect(decodeAt('[{"n":"/9999/0/3","v":21}]', '/9999/0/3')).toEqual(node.resource(3, value.float(21)));
    expect(decodeAt('[{"n":"/9999/0/1","v":5.0e0}]', '/9999/0/1')).toEqual(
      node.resource(1, value.integer(5)),
    );
  });

  it('decodes vd in either base64 alphabet, with or without padding', () => {
    for (const vd of ['-_8A', '+/8A', '-_8', '-_8=', '+/8=']) {
      const bytes = vd.startsWith('-_8A') || vd.startsWith('+/8A') ? [0xfb, 0xff, 0x00] : [0xfb, 0xff];
      expect(decodeAt(`[{"n":"/9999/0/5","vd":"${vd}"}]`, '/9999/0/5')).toEqual(
        node.resource(5, value.opaque(Uint8Array.from(bytes))),
      );
    }
  });

  it('applies a base value to v', () => {
    expect(decodeAt('[{"bn":"/3303/0/","bv":20,"n":"5700","v":2.5}]', '/3303/0/5700')).toEqual(
      node.resource(5700, value.float(22.5)),
    );
  });

  it('guesses the type of resources the model does not know', () => {
    expect(
      decodeAt(
        '[{"bn":"/3306/0/","n":"1","v":5},{"n":"2","v":5.5},{"n":"3","vs":"x"},{"n":"4","vb":false},{"n":"5","vd":"AA"},{"n":"6","vlo":"3:0"},{"n":"7/0","v":1},{"n":"7/1","v":2.5}]',
        '/3306/0',
      ),
    ).toEqual(
      node.instance(0, [
        node.resource(1, value.integer(5)),
        node.resource(2, value.float(5.5)),
        node.resource(3, value.string('x')),
        node.resource(4, value.boolean(false)),
        node.resource(5, value.opaque(Uint8Array.of(0))),
        node.resource(6, value.objlnk(3, 0)),
        node.multiple(7, 'float', [
          node.resourceInstance(0, value.float(1)),
          node.resourceInstance(1, value.float(2.5)),
        ]),
      ]),
    );
  });

  it('decodes an empty payload as an empty instance or multiple resource', () => {
    expect(decodeAt('[]', '/3303/0')).toEqual(node.instance(0, []));
    expect(decodeAt('[]', '/3/0/7')).toEqual(node.multiple(7, 'integer', []));
    expect(codeOf(() => decodeAt('[]', '/3303/0/5700'))).toBe('CODEC_MALFORMED');
  });

  it('ignores u, s, bu, ut and unknown labels, checking their types', () => {
    expect(
      decodeAt(
        '[{"bver":10,"n":"/3303/0/5700","u":"Cel","s":3,"bu":"Cel","ut":5,"foo":[1],"v":1.5}]',
        '/3303/0/5700',
      ),
    ).toEqual(node.resource(5700, value.float(1.5)));
  });

  it('cannot encode NaN or Infinity (canEncode tells)', () => {
    const nan = node.resource(3, value.float(Number.NaN));
    expect(json.canEncode(nan)).toBe(false);
    expect(json.canEncode(node.resource(3, value.float(1)))).toBe(true);
    expect(codeOf(() => json.encode(nan, p('/9999/0/3'), encodeContext))).toBe('CODEC_UNSUPPORTED_FORMAT');
  });

  it('cannot encode a none value', () => {
    const none = node.instance(0, [node.resource(5605, value.none())]);
    expect(json.canEncode(none)).toBe(false);
    expect(codeOf(() => json.encode(none, p('/3303/0'), encodeContext))).toBe('CODEC_UNSUPPORTED_FORMAT');
  });

  it('validates the node tree when encoding (ids, duplicates, values)', () => {
    const duplicate: LwM2mNode = {
      kind: 'instance',
      id: 0,
      resources: [node.resource(5700, value.float(1)), node.resource(5700, value.float(2))],
    };
    expect(codeOf(() => json.encode(duplicate, p('/3303/0'), encodeContext))).toBe('NODE_INVALID');
    const badId: LwM2mNode = { kind: 'instance', id: 0, resources: [node.resource(70_000, value.float(1))] };
    expect(codeOf(() => json.encode(badId, p('/3303/0'), encodeContext))).toBe('NODE_INVALID');
    expect(
      codeOf(() => json.encode(node.resource(1, value.integer(1.5)), p('/9999/0/1'), encodeContext)),
    ).toBe('VALUE_OUT_OF_RANGE');
    expect(
      codeOf(() => json.encode(node.resource(0, value.string('\uD800')), p('/9999/0/0'), encodeContext)),
    ).toBe('VALUE_OUT_OF_RANGE');
  });

  it('checks the node against the path and the model when encoding', () => {
    expect(
      codeOf(() => json.encode(node.resource(5701, value.string('x')), p('/3303/0/5700'), encodeContext)),
    ).toBe('NODE_INVALID');
    expect(
      codeOf(() => json.encode(node.resource(5700, value.string('x')), p('/3303/0/5700'), encodeContext)),
    ).toBe('NODE_INVALID');
  });
});

describe('SenML JSON: rejections', () => {
  it.each([
    ['two value fields', '[{"n":"/3303/0/5700","v":1,"vs":"x"}]', 'CODEC_MALFORMED'],
    ['no value', '[{"n":"/3303/0/5700"}]', 'CODEC_MALFORMED'],
    ['no name', '[{"v":1}]', 'CODEC_MALFORMED'],
    ['bad base64', '[{"n":"/9999/0/5","vd":"ab$c"}]', 'CODEC_MALFORMED'],
    ['impossible base64 length', '[{"n":"/9999/0/5","vd":"abcde"}]', 'CODEC_MALFORMED'],
    ['misplaced padding', '[{"n":"/9999/0/5","vd":"a=bc"}]', 'CODEC_MALFORMED'],
    ['vs for a Float', '[{"n":"/3303/0/5700","vs":"22.5"}]', 'CODEC_TYPE_MISMATCH'],
    ['v for a String', '[{"n":"/3303/0/5701","v":1}]', 'CODEC_TYPE_MISMATCH'],
    ['fraction for an Integer', '[{"n":"/9999/0/1","v":1.5}]', 'CODEC_TYPE_MISMATCH'],
    ['Integer beyond int64', '[{"n":"/9999/0/1","v":9223372036854775808}]', 'CODEC_TYPE_MISMATCH'],
    ['negative Unsigned', '[{"n":"/9999/0/2","v":-1}]', 'CODEC_TYPE_MISMATCH'],
    ['bad Objlnk', '[{"n":"/9999/0/7","vlo":"66"}]', 'CODEC_TYPE_MISMATCH'],
    ['Objlnk out of range', '[{"n":"/9999/0/7","vlo":"70000:0"}]', 'CODEC_TYPE_MISMATCH'],
    ['name without leading slash', '[{"n":"3303/0/5700","v":1}]', 'CODEC_MALFORMED'],
    ['name with a non-id segment', '[{"n":"/3303/x/5700","v":1}]', 'CODEC_MALFORMED'],
    ['name too deep', '[{"n":"/3303/0/5700/0/1","v":1}]', 'CODEC_MALFORMED'],
    ['bad prefix', '[{"n":"/dev 0/3303/0/5700","v":1}]', 'CODEC_MALFORMED'],
    ['value on an instance name', '[{"n":"/3303/0","v":1}]', 'CODEC_MALFORMED'],
    ['must-understand label', '[{"n":"/3303/0/5700","v":1,"foo_":1}]', 'CODEC_MALFORMED'],
    ['n of the wrong type', '[{"n":5700,"v":1}]', 'CODEC_MALFORMED'],
    ['vb of the wrong type', '[{"n":"/9999/0/4","vb":1}]', 'CODEC_MALFORMED'],
    ['bt of the wrong type', '[{"n":"/3303/0/5700","bt":"now","v":1}]', 'CODEC_MALFORMED'],
    ['unsupported bver', '[{"bver":11,"n":"/3303/0/5700","v":1}]', 'CODEC_UNSUPPORTED_FORMAT'],
    ['not an array', '{"n":"/3303/0/5700","v":1}', 'CODEC_MALFORMED'],
    ['record not an object', '[["n","/3303/0/5700"]]', 'CODEC_MALFORMED'],
    ['truncated JSON', '[{"n":"/3303/0/5700","v":1', 'CODEC_TRUNCATED'],
    ['truncated in a string', '[{"n":"/3303/0/57', 'CODEC_TRUNCATED'],
    ['trailing garbage', '[] x', 'CODEC_MALFORMED'],
    ['byte order mark', '\uFEFF[]', 'CODEC_MALFORMED'],
    ['record outside the path', '[{"n":"/3303/1/5700","v":1}]', 'CODEC_PATH_MISMATCH'],
    ['prefixed record outside the path', '[{"n":"/dev0/3303/0/5700","v":1}]', 'CODEC_PATH_MISMATCH'],
    ['the same resource twice', '[{"n":"/3303/0/5700","v":1},{"n":"/3303/0/5700","v":2}]', 'CODEC_MALFORMED'],
    ['a multiple resource named without instance', '[{"n":"/3/0/7","v":1}]', 'CODEC_TYPE_MISMATCH'],
    ['an instance of a single resource', '[{"n":"/3303/0/5700/0","v":1}]', 'CODEC_TYPE_MISMATCH'],
    [
      'mixed kinds in an unknown multiple resource',
      '[{"n":"/3306/0/7/0","v":1},{"n":"/3306/0/7/1","vs":"x"}]',
      'CODEC_TYPE_MISMATCH',
    ],
  ])('%s', (_name, payload, code) => {
    expect(codeOf(() => decodeAt(payload, pathFor(payload)))).toBe(code);
  });

  it('rejects invalid UTF-8', () => {
    const bytes = Uint8Array.of(0x5b, 0x22, 0xff, 0x22, 0x5d);
    expect(codeOf(() => json.decode(bytes, p('/3303/0'), decodeContext))).toBe('CODEC_MALFORMED');
  });

  it('enforces the record and size limits', () => {
    const payload = utf8(
      '[{"n":"/3303/0/5700","v":1},{"n":"/3303/0/5701","vs":"x"},{"n":"/3303/0/5601","v":1}]',
    );
    expect(
      codeOf(() => json.decode(payload, p('/3303/0'), { ...decodeContext, limits: { maxEntries: 2 } })),
    ).toBe('CODEC_LIMIT_EXCEEDED');
    expect(
      codeOf(() => json.decode(payload, p('/3303/0'), { ...decodeContext, limits: { maxPayloadBytes: 16 } })),
    ).toBe('CODEC_LIMIT_EXCEEDED');
    expect(codeOf(() => json.decodePaths(payload, { maxEntries: 1 }))).toBe('CODEC_LIMIT_EXCEEDED');
  });
});

/** The request path rejection cases decode at: the object instance the record names, or /3303/0. */
function pathFor(payload: string): string {
  for (const path of ['/9999/0', '/3306/0', '/3/0']) if (payload.includes(`"${path}/`)) return path;
  return '/3303/0';
}
