import { isCodedError } from '@lwm2m-adapters/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hex, toHex } from '../../../../test/support/fuzz.js';
import { defaultDecodeLimits } from '../../src/codec/codec-types.js';
import { readTlvEntries, type TlvEntry, writeTlvEntries } from '../../src/codec/tlv/tlv-entries.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isCodedError(err) ? err.code : `non-coded ${String(err)}`;
  }
  return undefined;
}

const id = fc.integer({ min: 0, max: 65534 });
const bytes = fc.uint8Array({ maxLength: 300 });
const unique = <T extends { id: number }>(arb: fc.Arbitrary<T>, maxLength: number) =>
  fc.uniqueArray(arb, { maxLength, selector: (e) => e.id });
const resourceInstance: fc.Arbitrary<TlvEntry> = fc.record({
  kind: fc.constant('resource-instance' as const),
  id,
  value: bytes,
});
const resource: fc.Arbitrary<TlvEntry> = fc.oneof(
  fc.record({ kind: fc.constant('resource' as const), id, value: bytes }),
  fc.record({ kind: fc.constant('multiple-resource' as const), id, children: unique(resourceInstance, 4) }),
);
const instance: fc.Arbitrary<TlvEntry> = fc.record({
  kind: fc.constant('object-instance' as const),
  id,
  children: unique(resource, 5),
});

describe('raw TLV entries', () => {
  it('reads nested entries as views', () => {
    expect(
      readTlvEntries(hex('08 00 0D E4 16 44 41 B4 00 00 E3 16 45 43 65 6C'), defaultDecodeLimits),
    ).toEqual([
      {
        kind: 'object-instance',
        id: 0,
        children: [
          { kind: 'resource', id: 5700, value: hex('41 B4 00 00') },
          { kind: 'resource', id: 5701, value: hex('43 65 6C') },
        ],
      },
    ]);
  });

  it('writes with the smallest fields', () => {
    expect(
      toHex(
        writeTlvEntries([
          {
            kind: 'multiple-resource',
            id: 7,
            children: [
              { kind: 'resource-instance', id: 0, value: hex('0E D8') },
              { kind: 'resource-instance', id: 1, value: hex('13 88') },
            ],
          },
        ]),
      ),
    ).toBe('88070842000ed842011388');
  });

  it('rejects bad nesting and ids when writing', () => {
    const ri: TlvEntry = { kind: 'resource-instance', id: 0, value: new Uint8Array(0) };
    expect(codeOf(() => writeTlvEntries([{ kind: 'object-instance', id: 0, children: [ri] }]))).toBe(
      'NODE_INVALID',
    );
    expect(codeOf(() => writeTlvEntries([{ kind: 'resource', id: 65535, value: new Uint8Array(0) }]))).toBe(
      'NODE_INVALID',
    );
  });

  it('write -> read is the identity', () => {
    fc.assert(
      fc.property(
        fc.oneof(unique(instance, 3), unique(resource, 6), unique(resourceInstance, 3)),
        (entries) => {
          expect(readTlvEntries(writeTlvEntries(entries), defaultDecodeLimits)).toEqual(entries);
        },
      ),
      { numRuns: 500 },
    );
  });
});
