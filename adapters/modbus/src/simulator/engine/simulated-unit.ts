/** One unit id: its tables, built from the compiled configuration, and its current fault persona. */
import type { CompiledUnit } from '../config/compile-config.js';
import type { SimulatorFault } from '../config/config-schema.js';
import { writePoint } from '../memory/point-access.js';
import { UnitMemory } from '../memory/unit-memory.js';

export interface SimulatedUnit {
  readonly unitId: number;
  readonly memory: UnitMemory;
  fault: SimulatorFault | undefined;
}

export function buildSimulatedUnit(compiled: CompiledUnit): SimulatedUnit {
  const memory = new UnitMemory(compiled.layout);
  for (const block of compiled.initialBlocks) {
    const table = memory.table(block.table);
    for (let i = 0; i < block.count; i++) table.set(block.start + i, block.values[i] ?? block.fill);
  }
  for (const point of compiled.points) {
    if (point.value !== undefined) writePoint(memory, point, point.value);
  }
  return { unitId: compiled.unitId, memory, fault: compiled.fault };
}
