/** Applies every point's signal to its unit's memory at start and on each clock tick. */
import { createSignalSource, mixSeed, type SignalSource } from '@lwm2m-adapters/sdk/simulation';
import type { CompiledPoint, CompiledUnit } from '../config/compile-config.js';
import type { SimulatedUnit } from '../engine/simulated-unit.js';
import { pointWidth, writePoint } from '../memory/point-access.js';
import { type TableName, tableNames } from '../memory/table-name.js';
import { coerceValue, typeMaximum } from '../values/coerce-value.js';

interface DrivenPoint {
  readonly unit: SimulatedUnit;
  readonly point: CompiledPoint;
  readonly source: SignalSource;
}

/** Addresses (and, for a register bit, which bit) that a direct write takes over. */
export interface WrittenSpan {
  readonly table: TableName;
  readonly address: number;
  readonly count: number;
  /** Set when only one bit of one register was written. */
  readonly bit?: number | undefined;
}

export class SignalDriver {
  private driven: DrivenPoint[] = [];

  constructor(
    compiledUnits: readonly CompiledUnit[],
    units: ReadonlyMap<number, SimulatedUnit>,
    seed: number,
  ) {
    for (const compiled of compiledUnits) {
      const unit = units.get(compiled.unitId);
      if (unit === undefined) continue;
      for (const point of compiled.points) {
        if (point.signal === undefined) continue;
        const pointSeed = mixSeed(
          seed,
          compiled.unitId,
          tableNames.indexOf(point.table),
          point.address,
          point.bit ?? 0,
        );
        const source = createSignalSource(point.signal, pointSeed, typeMaximum(point.type));
        this.driven.push({ unit, point, source });
      }
    }
    this.tick(0);
  }

  get size(): number {
    return this.driven.length;
  }

  /** Samples every signal at `elapsedMs` since the simulator was created and stores the values. */
  tick(elapsedMs: number): void {
    for (const { unit, point, source } of this.driven) {
      writePoint(unit.memory, point, coerceValue(point.type, source.sample(elapsedMs)));
    }
  }

  /** Stops the signals of every point of `unitId` that a direct write overlaps. */
  detach(unitId: number, span: WrittenSpan): void {
    this.driven = this.driven.filter(({ unit, point }) => {
      if (unit.unitId !== unitId || point.table !== span.table) return true;
      const end = point.address + pointWidth(point);
      const overlaps = point.address < span.address + span.count && span.address < end;
      if (!overlaps) return true;
      const bitOfPoint = point.type === 'bool' ? point.bit : undefined;
      return span.bit !== undefined && bitOfPoint !== undefined && span.bit !== bitOfPoint;
    });
  }
}
