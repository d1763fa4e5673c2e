import { type CodedError, isCodedError } from '@lwm2m-adapters/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CoreLink,
  decodeLinks,
  encodeLinks,
  findLinkAttribute,
  formatLinkFormat,
  type LinkAttribute,
  linkAttribute,
  linkAttributeText,
  parseLinkFormat,
} from '../../src/codec/link/link-format.js';
import { coreLinks } from '../support/link-arbitraries.js';

const { flag, token, quoted } = linkAttribute;

function errorOf(fn: () => unknown): CodedError | string | undefined {
  try {
    fn();
  } catch (err) {
    return isCodedError(err) ? err : `non-coded ${String(err)}`;
  }
  return undefined;
}

/** parse(text) gives links and format(links) gives text back. */
function golden(text: string, links: CoreLink[]): void {
  expect(parseLinkFormat(text)).toEqual(links);
  expect(formatLinkFormat(links)).toBe(text);
}

describe('link-format: golden strings', () => {
  it('the root link of a Register payload', () =>
    golden('</>;rt="oma.lwm2m";ct="110 112"', [
      { uri: '/', attributes: [quoted('rt', 'oma.lwm2m'), quoted('ct', '110 112')] },
    ]));
  it('the notes Register payload', () =>
    golden('</>;rt="oma.lwm2m";ct="110 112",</1/0>,</3/0>,</25>;ver=2.0,</25/0>,</25/1>', [
      { uri: '/', attributes: [quoted('rt', 'oma.lwm2m'), quoted('ct', '110 112')] },
      { uri: '/1/0', attributes: [] },
      { uri: '/3/0', attributes: [] },
      { uri: '/25', attributes: [token('ver', '2.0')] },
      { uri: '/25/0', attributes: [] },
      { uri: '/25/1', attributes: [] },
    ]));
  it('ver and dim', () => {
    golden('</3303>;ver=1.1', [{ uri: '/3303', attributes: [token('ver', '1.1')] }]);
    golden('</3/0/7>;dim=2', [{ uri: '/3/0/7', attributes: [token('dim', 2)] }]);
  });
  it('notification attributes, negative and fractional tokens included', () =>
    golden('</3303/0/5700>;pmin=10;pmax=60;gt=50.5;lt=-3;st=0.5;epmin=1;epmax=120', [
      {
        uri: '/3303/0/5700',
        attributes: [
          token('pmin', 10),
          token('pmax', 60),
          token('gt', '50.5'),
          token('lt', -3),
          token('st', 0.5),
          token('epmin', 1),
          token('epmax', 120),
        ],
      },
    ]));
  it('bare flags and repeated names keep their order', () =>
    golden('</a>;obs;ct=40;rt="x";ct=0', [
      { uri: '/a', attributes: [flag('obs'), token('ct', 40), quoted('rt', 'x'), token('ct', 0)] },
    ]));
  it('commas, semicolons and escapes inside quoted strings', () =>
    golden('</x>;title="a, \\"b\\"; c\\\\d",</y>', [
      { uri: '/x', attributes: [quoted('title', 'a, "b"; c\\d')] },
      { uri: '/y', attributes: [] },
    ]));
  it('a Corelnk value with links in a quoted attribute', () =>
    golden('</25/0/3>;v="</3/0>,</3303>;ver=1.1"', [
      { uri: '/25/0/3', attributes: [quoted('v', '</3/0>,</3303>;ver=1.1')] },
    ]));
  it('an RFC 8187 extended parameter and percent escapes', () =>
    golden("</s%20x>;title*=UTF-8''%e2%82%ac", [
      { uri: '/s%20x', attributes: [token('title*', "UTF-8''%e2%82%ac")] },
    ]));
  it('an empty link list', () => {
    golden('', []);
    expect(parseLinkFormat(' \r\n\t ')).toEqual([]);
  });
});

describe('link-format: parsing details', () => {
  it('tolerates whitespace around "," and ";" and at both ends', () => {
    const text = ' </1/0> , </3/0> ;ver=1.1 ;\tpmin=10 \r\n,\n</5> ';
    expect(formatLinkFormat(parseLinkFormat(text))).toBe('</1/0>,</3/0>;ver=1.1;pmin=10,</5>');
  });
  it('reads UTF-8 bytes, including non-ASCII quoted text', () => {
    const links = decodeLinks(new TextEncoder().encode('</x>;title="€ 1"'));
    expect(links).toEqual([{ uri: '/x', attributes: [quoted('title', '€ 1')] }]);
    expect(decodeLinks(encodeLinks(links))).toEqual(links);
  });
  it('finds attributes by case-insensitive name and reads their text', () => {
    const [link] = parseLinkFormat('</>;RT="oma.lwm2m";obs');
    expect(findLinkAttribute(link!, 'rt')?.value).toEqual({ kind: 'quoted', value: 'oma.lwm2m' });
    expect(linkAttributeText(findLinkAttribute(link!, 'rt')!.value)).toBe('oma.lwm2m');
    expect(linkAttributeText(findLinkAttribute(link!, 'obs')!.value)).toBeUndefined();
    expect(findLinkAttribute(link!, 'ct')).toBeUndefined();
  });
});

describe('link-format: strict rejection with the offset', () => {
  it.each([
    ['no "<"', '3/0', 0],
    ['unclosed target', '</3/0', 0],
    ['trailing ";"', '</3/0>;', 7],
    ['"=" without a value', '</3/0>;pmin=', 12],
    ['unclosed quoted string', '</3/0>;title="abc', 13],
    ['backslash at the end', '</a>;t="\\', 7],
    ['trailing ","', '</3/0>,', 7],
    ['leading ","', ',</3/0>', 0],
    ['empty link between commas', '</a>,,</b>', 5],
    ['junk after a link', '</3/0>x', 6],
    ['space in a target', '</3 0>', 3],
    ['quote in a target', '</3"0>', 3],
    ['non-ASCII in a target', '</€>', 2],
    ['bad percent escape', '</3/%zz>', 4],
    ['space inside a parameter', '</3/0>;a b', 9],
    ['no attribute name', '</3/0>;=1', 7],
    ['whitespace around "="', '</3/0>;a = 1', 9],
    ['junk after a quoted value', '</3/0>;ct="1"2', 13],
    ['control character in a quoted string', '</a>;t="x\u0001"', 9],
    ['control character in a target', '</a\u0000>', 3],
    ['token with a quote', '</a>;t=x"y"', 8],
  ])('%s', (_name, text, offset) => {
    const err = errorOf(() => parseLinkFormat(text));
    expect(isCodedError(err) && err.code).toBe('CODEC_MALFORMED');
    expect(isCodedError(err) && err.details.offset).toBe(offset);
    expect(isCodedError(err) && err.message).toContain(`offset ${offset}`);
  });

  it('rejects invalid UTF-8', () => {
    const err = errorOf(() => parseLinkFormat(Uint8Array.of(0x3c, 0x2f, 0xc3, 0x28, 0x3e)));
    expect(isCodedError(err) && err.code).toBe('CODEC_MALFORMED');
  });

  it('enforces link count and length limits', () => {
    const text = '</1>,</2>,</3>';
    const code = (fn: () => unknown) => {
      const err = errorOf(fn);
      return isCodedError(err) ? err.code : err;
    };
    expect(code(() => parseLinkFormat(text, { maxEntries: 2 }))).toBe('CODEC_LIMIT_EXCEEDED');
    expect(code(() => parseLinkFormat('</1>;a;b;c', { maxEntries: 2 }))).toBe('CODEC_LIMIT_EXCEEDED');
    expect(code(() => parseLinkFormat(text, { maxPayloadBytes: 10 }))).toBe('CODEC_LIMIT_EXCEEDED');
    expect(code(() => decodeLinks(new TextEncoder().encode(text), { maxPayloadBytes: 10 }))).toBe(
      'CODEC_LIMIT_EXCEEDED',
    );
    expect(parseLinkFormat(text, { maxEntries: 3 })).toHaveLength(3);
  });
});

describe('link-format: formatting refuses what it cannot write', () => {
  const bad = (attributes: LinkAttribute[], uri = '/a') =>
    errorOf(() => formatLinkFormat([{ uri, attributes }]));
  it.each([
    ['a space in the target', [], '/a b'],
    ['">" in the target', [], '/a>'],
    ['a bad attribute name', [token('a b', 1)], '/a'],
    ['an empty attribute name', [flag('')], '/a'],
    ['a token that needs quotes', [token('t', 'a b')], '/a'],
    ['an empty token', [token('t', '')], '/a'],
    ['a control character in a quoted value', [quoted('t', 'a\nb')], '/a'],
  ])('%s', (_name, attributes, uri) => {
    const err = bad(attributes as LinkAttribute[], uri);
    expect(isCodedError(err) && err.code).toBe('CODEC_MALFORMED');
  });
});

describe('link-format round trip (fast-check)', () => {
  it('parse(format(links)) == links, as text and as bytes', () => {
    fc.assert(
      fc.property(coreLinks, (links) => {
        expect(parseLinkFormat(formatLinkFormat(links))).toEqual(links);
        expect(decodeLinks(encodeLinks(links))).toEqual(links);
      }),
      { numRuns: 1000 },
    );
  });

  it('optional whitespace around "," and ";" changes nothing', () => {
    const ows = fc.constantFrom('', ' ', '\t', '\r\n', '  \n ');
    fc.assert(
      fc.property(coreLinks, fc.array(ows, { minLength: 64, maxLength: 64 }), (links, spaces) => {
        let k = 0;
        const sp = () => spaces[k++ % spaces.length];
        const text = links
          .map((l) => {
            const one = formatLinkFormat([{ uri: l.uri, attributes: [] }]);
            const attrs = l.attributes.map(
              (a) => `${sp()};${sp()}${formatLinkFormat([{ uri: 'x', attributes: [a] }]).slice(4)}`,
            );
            return `${one}${attrs.join('')}`;
          })
          .join(`${sp()},${sp()}`);
        expect(parseLinkFormat(`${sp()}${text}${sp()}`)).toEqual(links);
      }),
      { numRuns: 500 },
    );
  });
});
