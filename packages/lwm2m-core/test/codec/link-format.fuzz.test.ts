import { describe, expect, it } from 'vitest';
import { fuzzDecoder } from '../../../../test/support/fuzz.js';
import { parseLinkFormat } from '../../src/codec/link/link-format.js';
import { parseDiscoverLinks, parseRegistrationLinks } from '../../src/codec/link/lwm2m-links.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Golden strings of link-format.test.ts and lwm2m-links.test.ts. */
const seeds = [
  '</>;rt="oma.lwm2m";ct="110 112",</1/0>,</3/0>,</25>;ver=2.0,</25/0>,</25/1>',
  '</lwm2m>;rt="oma.lwm2m",</lwm2m/3/0>,</lwm2m/5>',
  '</3303>;ver=1.1,</3303/0>;pmin=10,</3303/0/5700>;pmin=10;pmax=60;gt=50.5;lt=-3;st=0.5;epmin=1;epmax=120,</3/0/7>;dim=2',
  '</>;lwm2m=1.1,</0/0>;ssid=101;uri="coaps://srv:5684",</3303/0/5850>;pmin=1;edge=1;con=0',
  '</x>;title="a, \\"b\\"; c\\\\d",</y>',
  "</s%20x>;title*=UTF-8''%e2%82%ac;obs",
  ' </1/0> , </3/0> ;ver=1.1 ;\tpmin=10 \r\n,\n</5> ',
  '</3/0>,</3303>;ver=1.1,</3303/0>,</3303/1>',
  '</x>;title="€ 1"',
].map(utf8);

/** Maps each random byte onto link-format's own alphabet, so random inputs exercise the grammar. */
const ALPHABET = '<>/;,="\\ \t0123abc.%-*';
const grammarBytes = (input: Uint8Array) =>
  utf8(Array.from(input, (b) => ALPHABET[b % ALPHABET.length]).join(''));

describe('link-format parser fuzz', () => {
  it('parseLinkFormat throws only CodedErrors on 100,000 random and mutated payloads', () => {
    const report = fuzzDecoder((input) => parseLinkFormat(input), seeds, { runs: 100_000, seed: 0x40 });
    expect(report.accepted).toBeGreaterThan(1_000);
  });

  it('parseLinkFormat throws only CodedErrors on 100,000 inputs over the link-format alphabet', () => {
    const report = fuzzDecoder((input) => parseLinkFormat(grammarBytes(input)), [], {
      runs: 100_000,
      seed: 0x6690,
      maxRandomLength: 24,
    });
    expect(report.accepted).toBeGreaterThan(1_000);
  });

  it('the LwM2M views (Register and Discover) throw only CodedErrors', () => {
    fuzzDecoder((input) => parseRegistrationLinks(input, { maxEntries: 64 }), seeds, {
      runs: 50_000,
      seed: 0x25,
    });
    fuzzDecoder((input) => parseDiscoverLinks(input, { maxEntries: 64 }), seeds, {
      runs: 50_000,
      seed: 0x3303,
    });
  });
});
