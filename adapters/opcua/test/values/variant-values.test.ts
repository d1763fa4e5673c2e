import { describe, expect, it } from 'vitest';
import { type OpcuaVariablePoint, opcuaPointSchema } from '../../src/config/point-schema.js';
import { DATA_TYPE_IDS } from '../../src/values/data-type-ids.js';
import { bigIntToWords, wordsToBigInt } from '../../src/values/int64.js';
import { scalarToOpcua, valueFromVariant, variantFieldsOf } from '../../src/values/variant-values.js';

const point = (type: string, array = false) =>
  opcuaPointSchema.parse({ node: 'ns=2;i=1', type, array }) as OpcuaVariablePoint;

describe('Int64/UInt64 words ([high, low], as node-opcua carries them)', () => {
  it.each([
    [[0, 0], true, 0n],
    [[0, 1], true, 1n],
    [[0xffffffff, 0xffffffff], true, -1n],
    [[0xffffffff, 0xffffffff], false, 2n ** 64n - 1n],
    [[0x80000000, 0], true, -(2n ** 63n)],
    [[0x7fffffff, 0xffffffff], true, 2n ** 63n - 1n],
    [[0x00200000, 1], false, 2n ** 53n + 1n],
    [[0xbfffffff, 0xfffffffd], true, -(2n ** 62n) - 3n],
  ] as [[number, number], boolean, bigint][])('[%s] signed=%s ↔ %s', (words, signed, value) => {
    expect(wordsToBigInt(words, signed)).toBe(value);
    expect(bigIntToWords(value)).toEqual(words);
  });
});

describe('variant → raw value', () => {
  const v = (type: string, value: unknown, arrayType = 0) => ({
    dataType: DATA_TYPE_IDS[type as keyof typeof DATA_TYPE_IDS],
    arrayType,
    value,
  });
  it.each([
    ['Boolean', true, true],
    ['SByte', -5, -5],
    ['UInt32', 4000000000, 4000000000],
    ['Int64', [0xffffffff, 0xfffffffe], -2n],
    ['UInt64', [0xffffffff, 0xfffffffb], 2n ** 64n - 5n],
    ['Float', 21.5, 21.5],
    ['String', 'idle', 'idle'],
    ['String', null, ''],
    ['DateTime', new Date(1704164645678), new Date(1704164645678)],
    ['ByteString', Buffer.from([0, 1, 254]), new Uint8Array([0, 1, 254])],
    ['ByteString', null, new Uint8Array(0)],
  ])('%s %s', (type, value, expected) => {
    const result = valueFromVariant(point(type), v(type, value), DATA_TYPE_IDS[type as 'Boolean']);
    expect(result).toEqual({ ok: true, value: expected });
    if (type === 'ByteString' && result.ok)
      expect(Object.getPrototypeOf(result.value)).toBe(Uint8Array.prototype);
  });

  it('arrays, typed arrays included, become plain arrays', () => {
    expect(valueFromVariant(point('Float', true), v('Float', new Float32Array([1.5, -2]), 1), 10)).toEqual({
      ok: true,
      value: [1.5, -2],
    });
    expect(
      valueFromVariant(
        point('Int64', true),
        v(
          'Int64',
          [
            [0, 5],
            [0xffffffff, 0xffffffff],
          ],
          1,
        ),
        8,
      ),
    ).toEqual({
      ok: true,
      value: [5n, -1n],
    });
  });

  it('refuses a variant of another type or shape with the reason', () => {
    expect(valueFromVariant(point('Double'), { dataType: 0, arrayType: 0, value: null }, 11)).toEqual({
      ok: false,
      reason: 'the server sent a value of DataType 0 (Null: no value), expected Double (11)',
    });
    expect(valueFromVariant(point('Double'), v('Double', [1], 1), 11)).toMatchObject({ ok: false });
    expect(valueFromVariant(point('Double', true), v('Double', 1), 11)).toMatchObject({ ok: false });
  });
});

describe('raw value → variant fields', () => {
  it('converts bigints to words, bytes to a Buffer, keeps shapes', () => {
    expect(scalarToOpcua('Int64', -2n)).toEqual([0xffffffff, 0xfffffffe]);
    expect(scalarToOpcua('UInt64', 5)).toEqual([0, 5]);
    expect(scalarToOpcua('Int32', 7n)).toBe(7);
    expect(Buffer.isBuffer(scalarToOpcua('ByteString', new Uint8Array([1])))).toBe(true);
    expect(variantFieldsOf(point('Double', true), [1, 2])).toEqual({ arrayType: 1, value: [1, 2] });
    expect(variantFieldsOf(point('Double'), 1)).toEqual({ arrayType: 0, value: 1 });
  });
});
