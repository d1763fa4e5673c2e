import { ManualClock } from '@lwm2m-adapters/kit';
import { describe, expect, it } from 'vitest';
import {
  createModbusSimulator,
  type SimulatedPointSpec,
  simulatorConfigFromPoints,
} from '../../src/simulator/index.js';

const points: SimulatedPointSpec[] = [
  { table: 'holdingRegisters', address: 100, type: 'float32', wordOrder: 'CDAB' },
  { table: 'holdingRegisters', address: 102, type: 'int16' },
  { table: 'holdingRegisters', address: 110, type: 'bool', bit: 2 },
  { table: 'holdingRegisters', address: 110, type: 'bool', bit: 5 },
  { table: 'holdingRegisters', address: 120, type: 'string', length: 2 },
  { table: 'holdingRegisters', address: 4000, type: 'uint64', wordOrder: 'GHEFCDAB' },
  { table: 'holdingRegisters', address: 100, type: 'uint32' },
  { table: 'inputRegisters', address: 0, type: 'float64' },
  { table: 'coils', address: 5, type: 'bool' },
  { table: 'discreteInputs', address: 3000, type: 'bool' },
  { table: 'discreteInputs', address: 7000, type: 'bool' },
];

describe('simulatorConfigFromPoints', () => {
  it('covers every point with ranges, filling gaps shorter than one request', () => {
    const config = simulatorConfigFromPoints([{ unitId: 3, points }]);
    const unit = config.units[0]!;
    expect(unit.unitId).toBe(3);
    expect(unit.holdingRegisters.map((r) => [r.start, r.count])).toEqual([
      [100, 22],
      [4000, 4],
    ]);
    expect(unit.discreteInputs.map((r) => [r.start, r.count])).toEqual([
      [3000, 1],
      [7000, 1],
    ]);
    expect(unit.coils.map((r) => [r.start, r.count])).toEqual([[5, 1]]);
    // The uint32 at 100 overlaps the float32 there: it is covered but gets no second signal.
    expect(unit.holdingRegisters[0]!.points.map((p) => `${p.address}:${p.type}:${p.signal?.kind}`)).toEqual([
      '100:float32:sine',
      '102:int16:counter',
      '110:bool:toggle',
      '110:bool:toggle',
      '120:string:sequence',
    ]);
  });

  it('produces values that change over time for every mapped point', async () => {
    const clock = new ManualClock();
    await using simulator = createModbusSimulator(simulatorConfigFromPoints([{ unitId: 3, points }]), {
      clock,
    });
    await simulator.start();
    const snapshot = () =>
      points.map((p) =>
        String(
          simulator.readValue(3, p.table, p.address, {
            type: p.type,
            ...(p.wordOrder === undefined ? {} : { wordOrder: p.wordOrder }),
            ...(p.length === undefined ? {} : { length: p.length }),
            ...(p.bit === undefined ? {} : { bit: p.bit }),
          }),
        ),
      );
    const first = snapshot();
    const seen = points.map(() => new Set<string>());
    for (let i = 0; i < 100; i++) {
      clock.advance(100);
      for (const [index, value] of snapshot().entries()) seen[index]!.add(value);
    }
    points.forEach((point, index) => {
      expect(
        seen[index]!.size,
        `${point.table} ${point.address} ${point.type} from ${first[index]}`,
      ).toBeGreaterThan(1);
    });
  });
});
