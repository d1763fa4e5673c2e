import { describe, expect, it } from 'vitest';
import { opcuaPointSchema } from '../../src/config/point-schema.js';
import { validateOpcuaWrite } from '../../src/values/write-validation.js';

const point = (type: string, array = false) => opcuaPointSchema.parse({ node: 'ns=2;i=1', type, array });

const ACCEPTED: [string, unknown][] = [
  ['SByte', -128],
  ['SByte', 127n],
  ['Byte', 255],
  ['Int16', -32768],
  ['UInt16', 65535],
  ['Int32', -2147483648],
  ['UInt32', 4294967295],
  ['Int64', -(2n ** 63n)],
  ['Int64', 2n ** 63n - 1n],
  ['UInt64', 2n ** 64n - 1n],
  ['UInt64', 0],
  ['Float', 3.4028234663852886e38],
  ['Float', Number.POSITIVE_INFINITY],
  ['Double', 1e308],
  ['Double', 7n],
  ['Boolean', false],
  ['String', ''],
  ['DateTime', new Date(0)],
  ['ByteString', new Uint8Array(0)],
];

const REFUSED: [string, unknown, string][] = [
  ['SByte', 128, '128 is outside the SByte range -128..127'],
  ['Byte', -1, '-1 is outside the Byte range 0..255'],
  ['Int16', 32768, 'outside the Int16 range'],
  ['UInt32', 4294967296, 'outside the UInt32 range'],
  ['Int64', 2n ** 63n, 'outside the Int64 range'],
  ['UInt64', -1n, 'outside the UInt64 range'],
  ['Int32', 1.5, 'Int32 needs an integer, got number 1.5'],
  ['Int32', '1', 'Int32 needs an integer, got string of 1 characters'],
  ['Float', 3.5e38, 'outside the Float (32-bit) range'],
  ['Double', 2n ** 60n + 1n, 'cannot be represented exactly as a Double'],
  ['Double', true, 'Double needs a number, got boolean true'],
  ['Boolean', 0, 'Boolean needs true or false, got number 0'],
  ['String', new Uint8Array(1), 'String needs a string, got 1 bytes'],
  ['DateTime', 0, 'DateTime needs a Date, got number 0'],
  ['DateTime', new Date(Number.NaN), 'DateTime needs a valid date'],
  ['ByteString', 'ab', 'ByteString needs bytes'],
];

describe('validateOpcuaWrite', () => {
  it.each(ACCEPTED)('accepts %s %s', (type, value) => {
    expect(() => validateOpcuaWrite(point(type), value as never)).not.toThrow();
  });

  it.each(REFUSED)('refuses %s %s: %s', (type, value, message) => {
    expect(() => validateOpcuaWrite(point(type), value as never)).toThrow(
      expect.objectContaining({ code: 'WRITE_VALUE_INVALID', message: expect.stringContaining(message) }),
    );
  });

  it('checks arrays element by element and shapes both ways', () => {
    expect(() => validateOpcuaWrite(point('Byte', true), [0, 255])).not.toThrow();
    expect(() => validateOpcuaWrite(point('Byte', true), [0, 256])).toThrow(/element 1: 256 is outside/);
    expect(() => validateOpcuaWrite(point('Byte', true), 1)).toThrow(/holds an array of Byte, got one value/);
    expect(() => validateOpcuaWrite(point('Byte'), [1])).toThrow(/holds one value, got an array/);
  });

  it('refuses writing a method point', () => {
    const method = opcuaPointSchema.parse({ object: 'ns=2;i=1', method: 'ns=2;i=2' });
    expect(() => validateOpcuaWrite(method, 1)).toThrow(
      expect.objectContaining({ code: 'WRITE_VALUE_INVALID' }),
    );
  });
});
