import { isCodedError } from '@lwm2m-adapters/errors';
import { describe, expect, it } from 'vitest';
import { coerceValue, configuredValue } from '../../src/simulator/values/coerce-value.js';
import {
  decodeValue,
  encodeValue,
  type TypedValue,
  type ValueLayout,
  type WordOrder,
  wordOrderProblem,
} from '../../src/simulator/values/typed-value.js';

const words = (layout: ValueLayout, value: number | bigint | string | boolean) =>
  Array.from(encodeValue(layout, value), (w) => w.toString(16).padStart(4, '0')).join(' ');

interface Golden {
  readonly layout: ValueLayout;
  readonly value: TypedValue;
  /** Register words as the simulator stores and serves them (high byte first on the wire). */
  readonly words: string;
}

/** One value per type, as hex checked by hand (Python struct.pack), in each of the four orders. */
const goldenByOrder: readonly [Omit<ValueLayout, 'wordOrder'>, TypedValue, Record<string, string>][] = [
  [{ type: 'int16' }, -2, { ABCD: 'fffe', CDAB: 'fffe', BADC: 'feff', DCBA: 'feff' }],
  [{ type: 'uint16' }, 0xabcd, { ABCD: 'abcd', CDAB: 'abcd', BADC: 'cdab', DCBA: 'cdab' }],
  [
    { type: 'int32' },
    -123456789,
    { ABCD: 'f8a4 32eb', CDAB: '32eb f8a4', BADC: 'a4f8 eb32', DCBA: 'eb32 a4f8' },
  ],
  [
    { type: 'uint32' },
    4000000000,
    { ABCD: 'ee6b 2800', CDAB: '2800 ee6b', BADC: '6bee 0028', DCBA: '0028 6bee' },
  ],
  [
    { type: 'float32' },
    -3.25,
    { ABCD: 'c050 0000', CDAB: '0000 c050', BADC: '50c0 0000', DCBA: '0000 50c0' },
  ],
  [
    { type: 'int64' },
    -0x0102030405060708n,
    {
      ABCD: 'fefd fcfb faf9 f8f8',
      ABCDEFGH: 'fefd fcfb faf9 f8f8',
      CDAB: 'f8f8 faf9 fcfb fefd',
      GHEFCDAB: 'f8f8 faf9 fcfb fefd',
      BADC: 'fdfe fbfc f9fa f8f8',
      BADCFEHG: 'fdfe fbfc f9fa f8f8',
      DCBA: 'f8f8 f9fa fbfc fdfe',
      HGFEDCBA: 'f8f8 f9fa fbfc fdfe',
    },
  ],
  [
    { type: 'uint64' },
    2n ** 63n,
    {
      ABCD: '8000 0000 0000 0000',
      CDAB: '0000 0000 0000 8000',
      BADC: '0080 0000 0000 0000',
      DCBA: '0000 0000 0000 0080',
    },
  ],
  [
    { type: 'float64' },
    Math.PI,
    {
      ABCD: '4009 21fb 5444 2d18',
      GHEFCDAB: '2d18 5444 21fb 4009',
      BADC: '0940 fb21 4454 182d',
      HGFEDCBA: '182d 4454 fb21 0940',
    },
  ],
  [{ type: 'string', length: 4 }, 'idle', { ABCD: '6964 6c65 0000 0000', BADC: '6469 656c 0000 0000' }],
  [{ type: 'string', length: 3 }, 'é€', { ABCD: 'c3a9 e282 ac00', BADC: 'a9c3 82e2 00ac' }],
  [{ type: 'bool' }, true, { ABCD: '0001' }],
];

const golden: Golden[] = goldenByOrder.flatMap(([layout, value, byOrder]) =>
  Object.entries(byOrder).map(([wordOrder, words]) => ({
    layout: { ...layout, wordOrder: wordOrder as WordOrder },
    value,
    words,
  })),
);

describe('golden register words', () => {
  for (const g of golden) {
    it(`${g.layout.type} ${g.layout.wordOrder} ${String(g.value)} is ${g.words}`, () => {
      expect(words(g.layout, g.value)).toBe(g.words);
      const stored = g.words.split(' ').map((word) => Number.parseInt(word, 16));
      expect(decodeValue(g.layout, stored)).toEqual(g.value);
    });
  }
});

describe('word orders', () => {
  it('places the bytes of a float32 (21.5 = 0x41AC0000) as ABCD, CDAB, BADC, DCBA', () => {
    expect(words({ type: 'float32' }, 21.5)).toBe('41ac 0000');
    expect(words({ type: 'float32', wordOrder: 'CDAB' }, 21.5)).toBe('0000 41ac');
    expect(words({ type: 'float32', wordOrder: 'BADC' }, 21.5)).toBe('ac41 0000');
    expect(words({ type: 'float32', wordOrder: 'DCBA' }, 21.5)).toBe('0000 ac41');
  });

  it('places the bytes of 64-bit values with 8- and 4-letter names alike', () => {
    const value = 0x0102030405060708n;
    expect(words({ type: 'uint64', wordOrder: 'ABCDEFGH' }, value)).toBe('0102 0304 0506 0708');
    expect(words({ type: 'uint64', wordOrder: 'GHEFCDAB' }, value)).toBe('0708 0506 0304 0102');
    expect(words({ type: 'uint64', wordOrder: 'CDAB' }, value)).toBe('0708 0506 0304 0102');
    expect(words({ type: 'uint64', wordOrder: 'BADCFEHG' }, value)).toBe('0201 0403 0605 0807');
    expect(words({ type: 'uint64', wordOrder: 'HGFEDCBA' }, value)).toBe('0807 0605 0403 0201');
    expect(words({ type: 'float64' }, 1)).toBe('3ff0 0000 0000 0000');
  });

  it('round-trips every type in every applicable order', () => {
    const samples = [
      ['int16', -2],
      ['uint16', 65535],
      ['int32', -123456],
      ['uint32', 4000000000],
      ['int64', -(2n ** 62n)],
      ['uint64', 2n ** 64n - 1n],
      ['float32', 21.5],
      ['float64', Math.PI],
    ] as const;
    for (const [type, value] of samples) {
      for (const wordOrder of ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const) {
        const layout = { type, wordOrder };
        expect(decodeValue(layout, encodeValue(layout, value))).toEqual(value);
      }
    }
    for (const wordOrder of ['ABCD', 'BADC'] as const) {
      const layout = { type: 'string' as const, length: 4, wordOrder };
      expect(decodeValue(layout, encodeValue(layout, 'PUMP-1'))).toBe('PUMP-1');
    }
    expect(words({ type: 'string', length: 2 }, 'AB')).toBe('4142 0000');
    expect(words({ type: 'string', length: 2, wordOrder: 'BADC' }, 'AB')).toBe('4241 0000');
    expect(words({ type: 'int16' }, -2)).toBe('fffe');
  });

  it('refuses values that do not fit', () => {
    for (const [type, value] of [
      ['int16', 40000],
      ['uint16', -1],
      ['uint32', 1.5],
      ['int64', 2n ** 63n],
    ] as const) {
      expect(() => encodeValue({ type }, value)).toThrow(
        expect.objectContaining({ code: 'VALUE_OUT_OF_RANGE' }),
      );
    }
    try {
      encodeValue({ type: 'string', length: 1 }, 'abc');
      expect.unreachable();
    } catch (error) {
      expect(isCodedError(error, 'VALUE_OUT_OF_RANGE')).toBe(true);
    }
  });

  it('says which orders do not fit a type', () => {
    expect(wordOrderProblem('float32', 'GHEFCDAB')).toMatch(/64-bit/);
    expect(wordOrderProblem('string', 'CDAB')).toMatch(/strings/);
    expect(wordOrderProblem('int64', 'DCBA')).toBeUndefined();
  });
});

describe('value coercion', () => {
  it('rounds and clamps generated values into integer types', () => {
    expect(coerceValue('int16', 1e9)).toBe(32767);
    expect(coerceValue('uint16', -3)).toBe(0);
    expect(coerceValue('int32', 2.6)).toBe(3);
    expect(coerceValue('uint64', 5)).toBe(5n);
    expect(coerceValue('bool', 0)).toBe(false);
    expect(coerceValue('string', 12)).toBe('12');
    expect(coerceValue('float32', Number.NaN)).toBeNaN();
  });

  it('reads decimal strings as 64-bit integers in configs', () => {
    expect(configuredValue('int64', '-9223372036854775808')).toBe(-(2n ** 63n));
    expect(configuredValue('bool', 1)).toBe(true);
  });
});
