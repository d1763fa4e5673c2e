import type { RawValue } from '@lwm2m-adapters/sdk';
import { describe, expect, it } from 'vitest';
import { modbusPointSchema } from '../../src/config/point-schema.js';
import { validateModbusWrite } from '../../src/data/write-validation.js';

const point = (p: Record<string, unknown>) => modbusPointSchema.parse({ table: 'holding', address: 7, ...p });

const accepted: [Record<string, unknown>, RawValue][] = [
  [{ table: 'coil' }, true],
  [{ bit: 3 }, false],
  [{ type: 'bool' }, true],
  [{ type: 'int16' }, -32768],
  [{ type: 'int16' }, 32767n],
  [{ type: 'uint16' }, 65535],
  [{ type: 'int32' }, -2147483648],
  [{ type: 'uint32' }, 4294967295],
  [{ type: 'int64' }, -9223372036854775808n],
  [{ type: 'uint64' }, 18446744073709551615n],
  [{ type: 'uint64' }, 9007199254740991],
  [{ type: 'float32' }, 3.4e38],
  [{ type: 'float32' }, Number.NaN],
  [{ type: 'float64' }, -1e300],
  [{ type: 'string', length: 2 }, 'ABCD'],
  [{ type: 'string', length: 2, encoding: 'utf8' }, 'é€'.slice(0, 1)],
  [{ type: 'string', length: 1, encoding: 'latin1' }, 'éà'],
  [{ type: 'bytes', length: 2 }, new Uint8Array(3)],
];

const rejected: [Record<string, unknown>, RawValue, RegExp][] = [
  [{ table: 'coil' }, 1, /true or false/],
  [{ bit: 0 }, 'yes', /true or false/],
  [{ type: 'int16' }, 32768, /int16 range -32768\.\.32767/],
  [{ type: 'int16' }, -32769n, /out of the int16 range/],
  [{ type: 'uint16' }, -1, /uint16 range/],
  [{ type: 'uint16' }, 1.5, /takes an integer/],
  [{ type: 'uint16' }, '12', /takes an integer/],
  [{ type: 'uint32' }, 4294967296, /uint32 range/],
  [{ type: 'int64' }, 9223372036854775808n, /int64 range/],
  [{ type: 'uint64' }, 2 ** 60, /bigint/],
  [{ type: 'float32' }, 3.5e38, /float32 range/],
  [{ type: 'float64' }, 1n, /takes a number/],
  [{ type: 'string', length: 2 }, 'ABCDE', /5 bytes do not fit 2 registers/],
  [{ type: 'string', length: 2 }, 'é', /not ascii/],
  [{ type: 'string', length: 2, encoding: 'utf8' }, 'é€', /5 bytes do not fit/],
  [{ type: 'string', length: 2 }, 'a\u0000b', /NUL/],
  [{ type: 'string', length: 2 }, 42, /takes a string/],
  [{ type: 'bytes', length: 1 }, new Uint8Array(3), /3 bytes do not fit 1 registers/],
  [{ type: 'string', length: 124 }, 'x', /at most 123 registers/],
];

describe('validateModbusWrite', () => {
  for (const [binding, value] of accepted) {
    it(`accepts ${String(value)} for ${JSON.stringify(binding)}`, () => {
      expect(() => validateModbusWrite(point(binding), value)).not.toThrow();
    });
  }
  for (const [binding, value, message] of rejected) {
    it(`rejects ${String(value)} for ${JSON.stringify(binding)} with WRITE_VALUE_INVALID`, () => {
      expect(() => validateModbusWrite(point(binding), value)).toThrow(
        expect.objectContaining({ code: 'WRITE_VALUE_INVALID', message: expect.stringMatching(message) }),
      );
    });
  }
  it('refuses writes to read-only tables with OPERATION_NOT_ALLOWED', () => {
    expect(() => validateModbusWrite(point({ table: 'input' }), 1)).toThrow(
      expect.objectContaining({ code: 'OPERATION_NOT_ALLOWED', message: expect.stringMatching(/read-only/) }),
    );
    expect(() => validateModbusWrite(point({ table: 'discrete' }), true)).toThrow(
      expect.objectContaining({ code: 'OPERATION_NOT_ALLOWED' }),
    );
  });
});
