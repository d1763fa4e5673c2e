import type { PointSpec } from '@lwm2m-adapters/sdk';
import type { ModbusPoint } from '../config/point-schema.js';
import { type OrderDefaults, type PointLayout, pointLayout } from '../data/point-layout.js';
import type { ValueCodec } from '../data/value-codec.js';
import type { ValueCodecCache } from '../data/value-codec-cache.js';
import type { ReadItem } from '../plan/read-planner.js';

/** A point of a session, resolved once: its layout and codec. */
export interface BoundPoint {
  readonly spec: PointSpec<ModbusPoint>;
  readonly layout: PointLayout;
  readonly codec: ValueCodec;
}

export function bindPoint(
  spec: PointSpec<ModbusPoint>,
  defaults: OrderDefaults,
  codecs: ValueCodecCache,
): BoundPoint {
  const layout = codecs.shared(pointLayout(spec.source, defaults));
  return { spec, layout, codec: codecs.codecFor(layout) };
}

/** What the planner needs to read the point. */
export function readItemOf(point: BoundPoint, unit: number): ReadItem<BoundPoint> {
  return {
    key: point,
    unit,
    table: point.layout.table,
    address: point.layout.address,
    count: point.layout.count,
  };
}
