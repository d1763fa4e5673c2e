import { isCodedError } from '@lwm2m-adapters/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linkAttribute } from '../../src/codec/link/link-format.js';
import {
  formatDiscoverLinks,
  formatRegistrationLinks,
  type ObjectLinkEntry,
  parseDiscoverLinks,
  parseRegistrationLinks,
  type RegistrationLinksInput,
} from '../../src/codec/link/lwm2m-links.js';
import { LwM2mPath } from '../../src/model/path.js';
import { discoverEntry, registrationObjects } from '../support/link-arbitraries.js';

const p = (text: string) => LwM2mPath.parse(text);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isCodedError(err) ? err.code : `non-coded ${String(err)}`;
  }
  return undefined;
}

/** Discover entries compared by their text form (LwM2mPath instances compare by value). */
const plain = (entries: readonly ObjectLinkEntry[]) =>
  entries.map((e) => ({ ...e, path: e.path.toString(), otherAttributes: e.otherAttributes ?? [] }));

describe('Register/Update links', () => {
  const notes: RegistrationLinksInput = {
    contentFormats: [110, 112],
    objects: [
      { id: 1, instances: [0] },
      { id: 3, instances: [0] },
      { id: 25, version: '2.0', instances: [0, 1] },
    ],
  };
  const notesText = '</>;rt="oma.lwm2m";ct="110 112",</1/0>,</3/0>,</25>;ver=2.0,</25/0>,</25/1>';

  it('formats the notes §1.2 Register payload', () => expect(formatRegistrationLinks(notes)).toBe(notesText));
  it('parses it back', () =>
    expect(parseRegistrationLinks(notesText)).toEqual({
      rootPath: '/',
      ...notes,
      contentFormats: [110, 112],
    }));
  it('formats the Update after a device appears (complete list)', () =>
    expect(
      formatRegistrationLinks({
        objects: [
          { id: 1, instances: [0] },
          { id: 3, instances: [0] },
          { id: 25, version: '2.0', instances: [0, 1, 2] },
        ],
      }),
    ).toBe('</1/0>,</3/0>,</25>;ver=2.0,</25/0>,</25/1>,</25/2>'));
  it('writes an object link alone for an object without instances', () =>
    expect(
      formatRegistrationLinks({
        objects: [
          { id: 1, instances: [] },
          { id: 2, instances: [] },
          { id: 3, instances: [] },
          { id: 25, version: '2.0', instances: [0] },
        ],
      }),
    ).toBe('</1>,</2>,</3>,</25>;ver=2.0,</25/0>'));
  it('writes one content format as a token and an explicit root as "/"', () => {
    expect(formatRegistrationLinks({ contentFormats: [11544], objects: [{ id: 3, instances: [0] }] })).toBe(
      '</>;rt="oma.lwm2m";ct=11544,</3/0>',
    );
    expect(formatRegistrationLinks({ rootPath: '/', objects: [] })).toBe('</>;rt="oma.lwm2m"');
  });
  it('puts every link below an alternate path', () => {
    const text = formatRegistrationLinks({
      rootPath: '/lwm2m',
      objects: [
        { id: 3, instances: [0] },
        { id: 5, instances: [] },
      ],
    });
    expect(text).toBe('</lwm2m>;rt="oma.lwm2m",</lwm2m/3/0>,</lwm2m/5>');
    expect(parseRegistrationLinks(text)).toEqual({
      rootPath: '/lwm2m',
      contentFormats: [],
      objects: [
        { id: 3, instances: [0] },
        { id: 5, instances: [] },
      ],
    });
  });
  it.each([
    ['/0 Security', { objects: [{ id: 0, instances: [0] }] }, 'NODE_INVALID'],
    ['/21 OSCORE', { objects: [{ id: 21, instances: [] }] }, 'NODE_INVALID'],
    [
      'an object twice',
      {
        objects: [
          { id: 3, instances: [] },
          { id: 3, instances: [0] },
        ],
      },
      'NODE_INVALID',
    ],
    ['an instance twice', { objects: [{ id: 3, instances: [0, 0] }] }, 'NODE_INVALID'],
    ['a bad version', { objects: [{ id: 3, version: '1', instances: [] }] }, 'NODE_INVALID'],
    ['an id of 65535', { objects: [{ id: 65535, instances: [] }] }, 'PATH_INVALID'],
    ['an instance id of -1', { objects: [{ id: 3, instances: [-1] }] }, 'PATH_INVALID'],
    ['a numeric alternate path', { rootPath: '/lwm2m/1', objects: [] }, 'NODE_INVALID'],
    ['an alternate path without "/"', { rootPath: 'lwm2m', objects: [] }, 'NODE_INVALID'],
    ['a content format of 70000', { contentFormats: [70000], objects: [] }, 'NODE_INVALID'],
  ] as [string, RegistrationLinksInput, string][])('refuses %s', (_name, input, code) =>
    expect(codeOf(() => formatRegistrationLinks(input))).toBe(code),
  );

  it('server side: accepts the alternate forms real clients send', () => {
    expect(parseRegistrationLinks(' </>;ct=110, </1/0> ,</3303/0>;ver=1.1;foo="bar"')).toEqual({
      rootPath: '/',
      contentFormats: [110],
      objects: [
        { id: 1, instances: [0] },
        { id: 3303, version: '1.1', instances: [0] },
      ],
    });
    expect(parseRegistrationLinks('</lwm2m/>;rt="oma.lwm2m core";ct="60 110",</lwm2m/3/0>').rootPath).toBe(
      '/lwm2m',
    );
    expect(parseRegistrationLinks('')).toEqual({ rootPath: '/', contentFormats: [], objects: [] });
  });
  it('reads a /25/x/3 IoT Device Objects value (no root link)', () =>
    expect(parseRegistrationLinks('</3/0>,</3303>;ver=1.1,</3303/0>,</3303/1>').objects).toEqual([
      { id: 3, instances: [0] },
      { id: 3303, version: '1.1', instances: [0, 1] },
    ]));
  it.each([
    ['two root links', '</>;rt="oma.lwm2m",</x>;rt="oma.lwm2m"'],
    ['a link outside the alternate path', '</lwm2m>;rt="oma.lwm2m",</3/0>'],
    ['a numeric alternate path', '</7>;rt="oma.lwm2m",</7/3/0>'],
    ['a resource link', '</3/0/1>'],
    ['a prefixed link', '</dev0/3/0>'],
    ['a non-LwM2M target', '</a/b>'],
    ['an object linked twice', '</3>,</3>'],
    ['an instance linked twice', '</3/0>,</3/0>'],
    ['two versions for one object', '</3303>;ver=1.0,</3303/0>;ver=1.1'],
    ['a bad version', '</3303>;ver=x'],
    ['a bad content format', '</>;ct="110 abc"'],
    ['malformed link-format', '</3/0>,'],
  ])('server side: rejects %s with CODEC_MALFORMED', (_name, text) =>
    expect(codeOf(() => parseRegistrationLinks(text))).toBe('CODEC_MALFORMED'),
  );

  it('round-trips random object lists (fast-check)', () => {
    fc.assert(
      fc.property(
        registrationObjects,
        fc.constantFrom(undefined, '/', '/lwm2m', '/a/b-c'),
        fc.uniqueArray(fc.integer({ min: 0, max: 65535 }), { maxLength: 3 }),
        (objects, rootPath, contentFormats) => {
          const text = formatRegistrationLinks({ rootPath, contentFormats, objects });
          expect(parseRegistrationLinks(text)).toEqual({
            rootPath: rootPath ?? '/',
            contentFormats,
            objects,
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('Discover links', () => {
  const entries: ObjectLinkEntry[] = [
    { path: p('/3303'), version: '1.1', attributes: {} },
    { path: p('/3303/0'), attributes: { pmin: 10 } },
    {
      path: p('/3303/0/5700'),
      attributes: { pmin: 10, pmax: 60, gt: 50.5, lt: -3, st: 0.5, epmin: 1, epmax: 120 },
    },
    { path: p('/3/0/7'), dim: 2, attributes: {} },
  ];
  const text =
    '</3303>;ver=1.1,</3303/0>;pmin=10,</3303/0/5700>;pmin=10;pmax=60;gt=50.5;lt=-3;st=0.5;epmin=1;epmax=120,</3/0/7>;dim=2';

  it('formats ver, dim and notification attributes in a fixed order', () =>
    expect(formatDiscoverLinks(entries)).toBe(text));
  it('parses them back', () => expect(plain(parseDiscoverLinks(text))).toEqual(plain(entries)));
  it('keeps other attributes (ssid, uri, lwm2m, 1.2 edge) in order after the typed ones', () => {
    const bs = '</>;lwm2m=1.1,</0/0>;ssid=101;uri="coaps://srv:5684",</3303/0/5850>;pmin=1;edge=1;con=0';
    const parsed = parseDiscoverLinks(bs);
    expect(parsed[0]!.path.isRoot).toBe(true);
    expect(parsed[1]!.otherAttributes).toEqual([
      linkAttribute.token('ssid', 101),
      linkAttribute.quoted('uri', 'coaps://srv:5684'),
    ]);
    expect(parsed[2]!.attributes).toEqual({ pmin: 1 });
    expect(formatDiscoverLinks(parsed)).toBe(bs);
  });
  it('accepts a quoted ver and uppercase names', () =>
    expect(plain(parseDiscoverLinks('</3303>;ver="1.1";PMIN=5'))).toEqual([
      { path: '/3303', version: '1.1', attributes: { pmin: 5 }, otherAttributes: [] },
    ]));
  it.each([
    ['a prefixed path', '</dev0/3303/0>'],
    ['a non-LwM2M target', '</a>'],
    ['a negative pmin', '</3/0>;pmin=-1'],
    ['a fractional pmax', '</3/0>;pmax=1.5'],
    ['a pmin flag', '</3/0>;pmin'],
    ['a non-numeric gt', '</3/0/9>;gt=abc'],
    ['an infinite lt', `</3/0/9>;lt=1e999`],
    ['dim over 65535', '</3/0/7>;dim=70000'],
    ['a repeated pmin', '</3/0>;pmin=1;pmin=2'],
    ['a bad version', '</3>;ver=1.1.1'],
  ])('rejects %s with CODEC_MALFORMED', (_name, bad) =>
    expect(codeOf(() => parseDiscoverLinks(bad))).toBe('CODEC_MALFORMED'),
  );
  it('refuses to format a prefix, typed attributes given as untyped, and impossible numbers', () => {
    expect(codeOf(() => formatDiscoverLinks([{ path: p('/dev0/3303'), attributes: {} }]))).toBe(
      'PATH_INVALID',
    );
    expect(
      codeOf(() =>
        formatDiscoverLinks([
          { path: p('/3'), attributes: {}, otherAttributes: [linkAttribute.token('pmin', 1)] },
        ]),
      ),
    ).toBe('NODE_INVALID');
    expect(codeOf(() => formatDiscoverLinks([{ path: p('/3'), attributes: { pmin: 1.5 } }]))).toBe(
      'NODE_INVALID',
    );
    expect(codeOf(() => formatDiscoverLinks([{ path: p('/3'), attributes: { gt: Number.NaN } }]))).toBe(
      'NODE_INVALID',
    );
    expect(codeOf(() => formatDiscoverLinks([{ path: p('/3'), dim: -1, attributes: {} }]))).toBe(
      'NODE_INVALID',
    );
    expect(codeOf(() => formatDiscoverLinks([{ path: p('/3'), version: 'v1', attributes: {} }]))).toBe(
      'NODE_INVALID',
    );
  });
  it('round-trips random entries (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(discoverEntry, { maxLength: 6 }), (list) => {
        expect(plain(parseDiscoverLinks(formatDiscoverLinks(list)))).toEqual(plain(list));
      }),
      { numRuns: 500 },
    );
  });
});
