/** The configuration most simulator tests run against: two units with a bit of everything. */
import type { SimulatorConfigInput } from '../../../src/simulator/index.js';

export const FLOAT_ADDRESS = 10;

export function plantConfig(): SimulatorConfigInput {
  return {
    units: [
      {
        unitId: 1,
        holdingRegisters: [
          {
            start: 0,
            count: 200,
            values: [100, 101, 102, 103],
            points: [
              { address: FLOAT_ADDRESS, type: 'float32', wordOrder: 'ABCD', value: 21.5 },
              { address: 12, type: 'float32', wordOrder: 'CDAB', value: -3.25 },
            ],
          },
          { start: 1000, count: 4, readOnly: true, fill: 0x1234 },
        ],
        inputRegisters: [{ start: 0, count: 10, values: [7, 8, 9] }],
        coils: [{ start: 0, count: 32, values: [true, false, true, true] }],
        discreteInputs: [{ start: 0, count: 8, values: [false, true] }],
      },
      {
        unitId: 2,
        holdingRegisters: [{ start: 0, count: 10, values: [200, 201] }],
        coils: [{ start: 0, count: 8 }],
      },
    ],
  };
}
