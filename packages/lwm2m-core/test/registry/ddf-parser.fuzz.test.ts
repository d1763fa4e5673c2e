import { isCodedError } from '@lwm2m-adapters/errors';
import { describe, expect, it } from 'vitest';
import { type FuzzReport, fuzzDecoder, prng } from '../../../../test/support/fuzz.js';
import { parseDdf } from '../../src/registry/ddf-parser.js';
import { ddf, item, object, readOmaFile } from './ddf-fixtures.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** parseDdf must either return definitions or throw a CodedError, whatever the input. */
function parseBytes(input: Uint8Array): unknown {
  return parseDdf(decoder.decode(input), 'fuzz.xml');
}

/** Small documents (a few hundred bytes) so that 100,000 runs stay fast. */
const snippets: string[] = [
  ddf(
    object({
      items: [item({ id: 1, range: '0..100', units: 'm' }), item({ id: 2, type: '', operations: 'E' })],
    }),
  ),
  ddf(
    object({
      id: 3,
      items: [item({ type: 'String', range: '1..64 bytes', description: '<![CDATA[a & b]]>' })],
    }),
  ),
  ddf(object({ id: 25, version: '2.0', items: [item({ type: 'Corelnk', multiple: 'Multiple' })] })),
  ddf(object({ name: 'A&amp;B', items: [item({ type: 'Integer', range: '0;1;2', operations: 'RW' })] })),
  ddf(object({ id: 1 }), object({ id: 2, items: [item({ type: 'Unsigned Integer', range: '0-255' })] })),
  '<?xml version="1.0"?><LWM2M><Object><ObjectID>9</ObjectID><Name>x</Name><MultipleInstances>Single</MultipleInstances><Mandatory>Optional</Mandatory><Resources/></Object></LWM2M>',
];

/** Markup fragments a string-level mutation splices in: they reach deeper than byte flips. */
const fragments = [
  '<Item ID="7">',
  '</Item>',
  '<Object>',
  '</Object>',
  '<Resources>',
  '</Resources>',
  '<Type>Float</Type>',
  '<Type></Type>',
  '<Operations>E</Operations>',
  '<RangeEnumeration>-1..1</RangeEnumeration>',
  '<RangeEnumeration>1,2,x</RangeEnumeration>',
  '<ObjectVersion>1.10</ObjectVersion>',
  '<![CDATA[',
  ']]>',
  '<!-- c -->',
  '&amp;',
  '&#x1F600;',
  '&#0;',
  '&bogus;',
  '<?pi x?>',
  '<!DOCTYPE x>',
  ' ID="65535"',
  ' ID="-1"',
  '<__proto__>',
  '<constructor/>',
  '"',
  "'",
  '<',
  '>',
  '/>',
  '\uFEFF',
  '\u0000',
];

function mutateText(rand: () => number, text: string): string {
  const pick = (n: number) => Math.floor(rand() * n);
  let out = text;
  for (let round = 1 + pick(3); round > 0; round--) {
    const at = pick(out.length + 1);
    switch (pick(4)) {
      case 0:
        out = out.slice(0, at) + (fragments[pick(fragments.length)] ?? '') + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at + 1 + pick(12));
        break;
      case 2: {
        const from = pick(out.length + 1);
        out = out.slice(0, at) + out.slice(from, from + pick(40)) + out.slice(at);
        break;
      }
      default:
        out = out.slice(0, at);
    }
  }
  return out;
}

/** Like fuzzDecoder, but with string-level mutations of `seeds`. */
function fuzzText(seeds: readonly string[], runs: number, seed: number): FuzzReport {
  const rand = prng(seed);
  const report: FuzzReport = { runs, accepted: 0, rejected: 0 };
  for (let i = 0; i < runs; i++) {
    const input = mutateText(rand, seeds[i % seeds.length] ?? '');
    try {
      parseDdf(input, 'fuzz.xml');
      report.accepted++;
    } catch (error) {
      if (!isCodedError(error, 'DEFINITION_INVALID')) {
        throw new Error(
          `run ${i} (seed ${seed}): non-coded ${String(error)} for input ${JSON.stringify(input)}`,
          {
            cause: error,
          },
        );
      }
      report.rejected++;
    }
  }
  return report;
}

describe('parseDdf fuzzing: only CodedError DEFINITION_INVALID ever escapes', () => {
  it('60,000 random and byte-mutated small documents', () => {
    const report = fuzzDecoder(
      parseBytes,
      snippets.map((s) => encoder.encode(s)),
      {
        runs: 60_000,
        seed: 0xdd_f001,
        maxRandomLength: 96,
      },
    );
    expect(report.accepted + report.rejected).toBe(60_000);
    expect(report.accepted).toBeGreaterThan(0);
  });

  it('40,000 markup-level mutations of small documents', () => {
    const report = fuzzText(snippets, 40_000, 0xdd_f002);
    expect(report.accepted + report.rejected).toBe(40_000);
    expect(report.accepted).toBeGreaterThan(1_000);
    expect(report.rejected).toBeGreaterThan(1_000);
  });

  it('10,000 mutations of real OMA files', () => {
    const real = ['3303.xml', '3-1_1.xml', '25.xml', '0-1_0.xml', '3311.xml', '12.xml'].map(readOmaFile);
    const report = fuzzText(real, 10_000, 0xdd_f003);
    expect(report.accepted + report.rejected).toBe(10_000);
  });
});
