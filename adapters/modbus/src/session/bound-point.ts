import type { PointSpec } from '@lwm2m-adapters/sdk';
import type { ModbusPoint } from '../config/point-schema.js';
import { type OrderDefaults, type PointLayout, pointLayout } from '../data/point-layout.js';
import type { ValueCodec } from '../data/value-codec.js';
import type { ValueCodecCache } from '../data/value-codec-cache.js';
import type { ReadItem } from '../plan/read-planner.js';
import type { ModbusTable } from '../protocol/function-codes.js';

/**
 * A point of a session, resolved once: its layout and codec, and the unit it is read from. It is
 * its own read item for the planner (`key`, `table`, `address` and `count` are getters on the
 * prototype): a cached read layout holds the points themselves, not one more object per point
 * (issue 16: 64 bytes per point).
 */
export class BoundPoint implements ReadItem<BoundPoint> {
  readonly spec: PointSpec<ModbusPoint>;
  readonly layout: PointLayout;
  readonly codec: ValueCodec;
  readonly unit: number;

  constructor(spec: PointSpec<ModbusPoint>, layout: PointLayout, codec: ValueCodec, unit: number) {
    this.spec = spec;
    this.layout = layout;
    this.codec = codec;
    this.unit = unit;
  }

  get key(): BoundPoint {
    return this;
  }

  get table(): ModbusTable {
    return this.layout.table;
  }

  get address(): number {
    return this.layout.address;
  }

  get count(): number {
    return this.layout.count;
  }
}

/** Resolves a point of a session whose device is `unit`. */
export function bindPoint(
  spec: PointSpec<ModbusPoint>,
  defaults: OrderDefaults,
  codecs: ValueCodecCache,
  unit: number,
): BoundPoint {
  const layout = codecs.shared(pointLayout(spec.source, defaults));
  return new BoundPoint(spec, layout, codecs.codecFor(layout), unit);
}
