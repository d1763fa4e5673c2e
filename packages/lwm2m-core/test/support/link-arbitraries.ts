import fc from 'fast-check';
import type { CoreLink, LinkAttribute } from '../../src/codec/link/link-format.js';
import type { ObjectLinkEntry, RegistrationObject } from '../../src/codec/link/lwm2m-links.js';
import { LwM2mPath } from '../../src/model/path.js';

const chars = (alphabet: string, min: number, max: number) =>
  fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''));

const URI_PLAIN = "abcXYZ019-._~:/?#[]@!$&'()*+,;=";
const PARMNAME = 'abcxyzABC019!#$&+-.^_`|~';
const PTOKEN = "abcXYZ019!#$%&'()*+-./:<=>?@[]^_`{|}~";

/** A URI-reference: plain characters and well-formed %XX escapes. */
export const linkUri: fc.Arbitrary<string> = fc
  .array(fc.oneof(chars(URI_PLAIN, 1, 6), fc.constantFrom('%20', '%E2%82%AC', '%2f')), { maxLength: 4 })
  .map((parts) => parts.join(''));

/** Any text without control characters (quoted-string content), including '"', '\', ',', ';' and non-ASCII. */
const quotedText = fc.string({ unit: 'grapheme', maxLength: 16 }).map((s) =>
  Array.from(s)
    .filter((ch) => ch === '\t' || (ch >= ' ' && ch !== '\u007f'))
    .join(''),
);

export const linkAttr: fc.Arbitrary<LinkAttribute> = fc.oneof(
  fc.record({ name: chars(PARMNAME, 1, 8), value: fc.constant({ kind: 'flag' as const }) }),
  fc.record({
    name: fc.tuple(chars(PARMNAME, 1, 8), fc.boolean()).map(([n, star]) => (star ? `${n}*` : n)),
    value: chars(PTOKEN, 1, 12).map((value) => ({ kind: 'token' as const, value })),
  }),
  fc.record({
    name: chars(PARMNAME, 1, 8),
    value: fc.oneof(quotedText, fc.constantFrom('110 112', 'a, "b"; c\\d', '</3/0>,</1>')).map((value) => ({
      kind: 'quoted' as const,
      value,
    })),
  }),
);

export const coreLink: fc.Arbitrary<CoreLink> = fc.record({
  uri: linkUri,
  attributes: fc.array(linkAttr, { maxLength: 5 }),
});

export const coreLinks: fc.Arbitrary<CoreLink[]> = fc.array(coreLink, { maxLength: 6 });

const id = fc.integer({ min: 0, max: 65534 });
const version = fc
  .tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }))
  .map(([a, b]) => `${a}.${b}`);

/** Register/Update object lists: unique ids other than /0 and /21, unique instances. */
export const registrationObjects: fc.Arbitrary<RegistrationObject[]> = fc.uniqueArray(
  fc.record(
    {
      id: id.filter((n) => n !== 0 && n !== 21),
      version,
      instances: fc.uniqueArray(id, { maxLength: 4 }),
    },
    { requiredKeys: ['id', 'instances'] },
  ),
  { maxLength: 6, selector: (o) => o.id },
);

const discoverPath = fc
  .array(id, { minLength: 0, maxLength: 4 })
  .map(
    ([o, i, r, ri]) => new LwM2mPath({ objectId: o, instanceId: i, resourceId: r, resourceInstanceId: ri }),
  );

const seconds = fc.integer({ min: 0, max: 2 ** 31 });
/** -0 is written as "0" (String(-0)), so it comes back as 0: leave it out. */
const threshold = fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x));

/** Discover entries with typed attributes and a few untyped ones. */
export const discoverEntry: fc.Arbitrary<ObjectLinkEntry> = fc.record(
  {
    path: discoverPath,
    version,
    dim: fc.integer({ min: 0, max: 65535 }),
    attributes: fc.record(
      {
        pmin: seconds,
        pmax: seconds,
        gt: threshold,
        lt: threshold,
        st: threshold,
        epmin: seconds,
        epmax: seconds,
      },
      { requiredKeys: [] },
    ),
    otherAttributes: fc.array(
      fc.oneof(
        fc.constant<LinkAttribute>({ name: 'ssid', value: { kind: 'token', value: '101' } }),
        fc.constant<LinkAttribute>({ name: 'edge', value: { kind: 'token', value: '1' } }),
        fc.constant<LinkAttribute>({ name: 'obs', value: { kind: 'flag' } }),
        fc.constant<LinkAttribute>({ name: 'uri', value: { kind: 'quoted', value: 'coaps://srv:5684' } }),
      ),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: ['path', 'attributes', 'otherAttributes'] },
);
