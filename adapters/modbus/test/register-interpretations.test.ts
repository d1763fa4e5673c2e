import { describe, expect, it } from 'vitest';
import { interpretRegisters } from '../src/index.js';

describe('interpretRegisters (adapter-host probe modbus)', () => {
  it('reads each address as every type, in both word orders (golden vectors)', () => {
    // 0x41ac 0x0000: 21.5 as float32 ABCD; 0x0000 0x41ac: 21.5 word-swapped; 0xffd6: -42
    const wire = Uint8Array.from([0x41, 0xac, 0x00, 0x00, 0x41, 0xac, 0xff, 0xd6]);
    const { columns, rows } = interpretRegisters(100, wire, ['hex', 'int16', 'uint32', 'float32', 'string']);
    expect(columns).toEqual([
      'address',
      'hex',
      'int16',
      'uint32 ABCD',
      'uint32 CDAB',
      'float32 ABCD',
      'float32 CDAB',
      'ascii',
    ]);
    expect(rows).toEqual([
      ['100', '0x41ac', '16812', '1101791232', '16812', '21.5', '2.355863e-41', 'A.'],
      ['101', '0x0000', '0', '16812', '1101791232', '2.355863e-41', '21.5', '..'],
      ['102', '0x41ac', '16812', '1101856726', '4292231596', '21.62492', 'NaN', 'A.'],
      ['103', '0xffd6', '-42', '', '', '', '', '..'],
    ]);
  });

  it('reads 64-bit values across four registers, leaving the tail empty', () => {
    const wire = Uint8Array.from([0x40, 0x35, 0x80, 0, 0, 0, 0, 0]);
    const { rows } = interpretRegisters(0, wire, ['float64', 'int64']);
    expect(rows[0]).toEqual(['0', '21.5', '1.061006e-314', '4626744929681408000', '2147500085']);
    expect(rows[1]).toEqual(['1', '', '', '', '']);
  });
});
