import { describe, expect, it } from 'vitest';
import { type ResourceValue, valuesEqual } from '../../src/index.js';

const int = (value: number | bigint): ResourceValue => ({ type: 'integer', value });
const uint = (value: number | bigint): ResourceValue => ({ type: 'unsigned', value });

describe('valuesEqual', () => {
  it('compares integers of one kind as they are', () => {
    expect(valuesEqual(int(7), int(7))).toBe(true);
    expect(valuesEqual(int(7), int(8))).toBe(false);
    expect(valuesEqual(int(2n ** 63n - 1n), int(2n ** 63n - 1n))).toBe(true);
    expect(valuesEqual(int(2n ** 63n - 1n), int(2n ** 63n - 2n))).toBe(false);
    expect(valuesEqual(uint(0), uint(0))).toBe(true);
  });

  it('finds a number and a bigint of one value equal, and of different values not', () => {
    expect(valuesEqual(int(42), int(42n))).toBe(true);
    expect(valuesEqual(int(42n), int(42))).toBe(true);
    expect(valuesEqual(uint(2 ** 53), uint(2n ** 53n))).toBe(true);
    expect(valuesEqual(int(42), int(43n))).toBe(false);
    expect(valuesEqual(uint(2 ** 53), uint(2n ** 53n + 1n))).toBe(false);
  });

  it('tells integer from unsigned, and float by value (zero of either sign is zero)', () => {
    expect(valuesEqual(int(1), uint(1))).toBe(false);
    expect(valuesEqual({ type: 'float', value: 0 }, { type: 'float', value: -0 })).toBe(true);
    expect(valuesEqual({ type: 'float', value: Number.NaN }, { type: 'float', value: Number.NaN })).toBe(
      true,
    );
    expect(valuesEqual({ type: 'float', value: 1.5 }, { type: 'float', value: 1.25 })).toBe(false);
  });
});
