/** The JSON value form both ways, with golden values for every LwM2M type. */
import { isCodedError } from '@lwm2m-adapters/errors';
import { LwM2mPath, node, value } from '@lwm2m-adapters/lwm2m-core';
import { describe, expect, it } from 'vitest';
import { entriesToNode, nodeToEntries, type ValueTyping } from '../src/json/node-entries.js';
import { valueFromJson, valueToJson } from '../src/json/value-json.js';
import { TYPES_OBJECT_ID, testRegistry } from './support/types-object.js';

const typing: ValueTyping = { model: testRegistry(), versionOf: () => undefined };
const T = TYPES_OBJECT_ID;

/** One instance of the types object with golden values, and its JSON form. */
const instance = node.instance(0, [
  node.resource(0, value.string('héllo')),
  node.resource(1, value.integer(-(2n ** 63n))),
  node.resource(2, value.unsigned(2n ** 64n - 1n)),
  node.resource(3, value.float(-0.5)),
  node.resource(4, value.boolean(true)),
  node.resource(5, value.opaque(Uint8Array.of(0, 1, 0xfe, 0xff))),
  node.resource(6, value.time(new Date('2026-12-05T22:03:05Z'))),
  node.resource(7, value.objlnk(3, 0)),
  node.resource(8, value.corelnk('</3303/0>;rt="x"')),
  node.multiple(10, 'integer', [
    node.resourceInstance(0, value.integer(9_007_199_254_740_991)),
    node.resourceInstance(3, value.integer(9_007_199_254_740_992n)),
  ]),
]);
const golden = [
  { path: `/dev0/${T}/0/0`, type: 'string', value: 'héllo' },
  { path: `/dev0/${T}/0/1`, type: 'integer', value: '-9223372036854775808' },
  { path: `/dev0/${T}/0/2`, type: 'unsigned', value: '18446744073709551615' },
  { path: `/dev0/${T}/0/3`, type: 'float', value: -0.5 },
  { path: `/dev0/${T}/0/4`, type: 'boolean', value: true },
  { path: `/dev0/${T}/0/5`, type: 'opaque', value: 'AAH+/w==' },
  { path: `/dev0/${T}/0/6`, type: 'time', value: '2026-12-05T22:03:05Z' },
  { path: `/dev0/${T}/0/7`, type: 'objlnk', value: '3:0' },
  { path: `/dev0/${T}/0/8`, type: 'corelnk', value: '</3303/0>;rt="x"' },
  { path: `/dev0/${T}/0/10/0`, type: 'integer', value: 9_007_199_254_740_991 },
  { path: `/dev0/${T}/0/10/3`, type: 'integer', value: '9007199254740992' },
];

describe('the JSON value form', () => {
  it('renders a node as flat entries with exact 64-bit integers, base64, ISO time, objlnk', () => {
    expect(nodeToEntries(instance, LwM2mPath.parse(`/dev0/${T}/0`))).toEqual(golden);
    expect(nodeToEntries(node.object(T, [instance]), LwM2mPath.parse(`/dev0/${T}`))).toEqual(golden);
    expect(
      nodeToEntries(node.resourceInstance(3, value.integer(-5)), LwM2mPath.parse(`/${T}/0/10/3`)),
    ).toEqual([{ path: `/${T}/0/10/3`, type: 'integer', value: -5 }]);
    expect(valueToJson(value.none())).toBeNull();
    expect(
      [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map((f) =>
        valueToJson(value.float(f)),
      ),
    ).toEqual(['NaN', 'Infinity', '-Infinity']);
  });

  it('decodes the same entries back to the same node, typed by the object model', () => {
    const untyped = golden.map(({ path, value: v }) => ({ path, value: v }));
    expect(entriesToNode(untyped, LwM2mPath.parse(`/dev0/${T}/0`), typing)).toEqual(instance);
    // relative paths, and a single resource
    expect(entriesToNode([{ path: '3', value: 1 }], LwM2mPath.parse(`/${T}/0`), typing)).toEqual(
      node.instance(0, [node.resource(3, value.float(1))]),
    );
    expect(
      entriesToNode([{ path: `/${T}/0/6`, value: 1_700_000_000 }], LwM2mPath.parse(`/${T}/0/6`), typing),
    ).toEqual(node.resource(6, value.time(new Date(1_700_000_000_000))));
    expect(
      entriesToNode(
        [{ path: `/${T}/0/6`, value: '2026-12-05T23:03:05.9+01:00' }],
        LwM2mPath.parse(`/${T}/0/6`),
        typing,
      ),
    ).toEqual(node.resource(6, value.time(new Date('2026-12-05T22:03:05Z'))));
    // a resource the model does not know, typed by the entry
    expect(
      entriesToNode(
        [{ path: '/3/0/999', type: 'boolean', value: false }],
        LwM2mPath.parse('/3/0/999'),
        typing,
      ),
    ).toEqual(node.resource(999, value.boolean(false)));
  });

  const refusal = (
    entries: { path: string; type?: 'string' | 'integer'; value: unknown }[],
    target: string,
  ) => {
    try {
      entriesToNode(entries as never, LwM2mPath.parse(target), typing);
    } catch (error) {
      return isCodedError(error) ? `${error.code}: ${error.message}` : String(error);
    }
    return 'accepted';
  };

  it('refuses a value that does not fit, naming the path, the type and the range', () => {
    expect(refusal([{ path: `/${T}/0/11`, value: 101 }], `/${T}/0/11`)).toBe(
      `WRITE_VALUE_INVALID: /${T}/0/11: expected an Integer (a whole number, or a decimal string beyond 2^53; signed 64-bit) in 0..100, got number 101 (out of range 0..100)`,
    );
    expect(refusal([{ path: `/${T}/0/1`, value: 2 ** 60 }], `/${T}/0/1`)).toMatch(
      /beyond 2\^53: give it as a decimal string/,
    );
    expect(refusal([{ path: `/${T}/0/2`, value: '-1' }], `/${T}/0/2`)).toMatch(/out of the 64-bit range/);
    expect(refusal([{ path: `/${T}/0/1`, value: '9223372036854775808' }], `/${T}/0/1`)).toMatch(
      /out of the 64-bit range/,
    );
    expect(refusal([{ path: `/${T}/0/5`, value: 'not base64!' }], `/${T}/0/5`)).toMatch(
      /Opaque bytes as a base64 string/,
    );
    expect(refusal([{ path: `/${T}/0/6`, value: '2026-12-05' }], `/${T}/0/6`)).toMatch(/expected a Time/);
    expect(refusal([{ path: `/${T}/0/7`, value: '3:70000' }], `/${T}/0/7`)).toMatch(/expected an Objlnk/);
    expect(refusal([{ path: `/${T}/0/12`, value: 'hello' }], `/${T}/0/12`)).toMatch(/5 bytes, allowed 1..4/);
    expect(refusal([{ path: `/${T}/0/4`, value: 1 }], `/${T}/0/4`)).toMatch(/expected a Boolean/);
    expect(refusal([{ path: `/${T}/0/0`, type: 'integer', value: 'x' }], `/${T}/0/0`)).toBe(
      `WRITE_VALUE_INVALID: /${T}/0/0 (string) is of type string, not integer`,
    );
    expect(refusal([{ path: '/3/0/999', value: 1 }], '/3/0/999')).toMatch(
      /does not know this resource; give its "type"/,
    );
    expect(refusal([{ path: `/${T}/0/10`, value: 1 }], `/${T}/0/10`)).toMatch(
      /is a multiple resource: give its instances/,
    );
    expect(refusal([{ path: `/${T}/0/3/0`, value: 1 }], `/${T}/0/3`)).toMatch(/is a single resource/);
    expect(refusal([{ path: `/${T}/1/3`, value: 1 }], `/${T}/0`)).toMatch(/is not at or below the target/);
    expect(refusal([], `/${T}/0`)).toMatch(/no values to write/);
    expect(
      refusal(
        [
          { path: '3', value: 1 },
          { path: `/${T}/0/3`, value: 2 },
        ],
        `/${T}/0`,
      ),
    ).toMatch(/given twice/);
  });

  it('takes each type alone with its JSON form', () => {
    expect(valueFromJson('NaN', 'float', '/x')).toEqual(value.float(Number.NaN));
    expect(valueFromJson('-12', 'integer', '/x')).toEqual(value.integer(-12));
    expect(valueFromJson(null, 'none', '/x')).toEqual(value.none());
    expect(valueFromJson('', 'opaque', '/x')).toEqual(value.opaque(new Uint8Array()));
  });
});
