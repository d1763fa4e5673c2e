import type { CompiledBoundPoint, CompiledDevice } from '@lwm2m-adapters/mapping';
import type { PointSpec } from '@lwm2m-adapters/sdk';

/**
 * The adapter's view of each compiled point (`SessionContext.points`), made once per compiled
 * point: devices of one template share their compiled points, so they share these too, where a
 * spec per device and point cost 48 bytes a point (issue 16). One table per host; entries go with
 * their compiled points (a reload's new mapping gets new ones).
 */
export class PointSpecTable {
  readonly #specs = new WeakMap<CompiledBoundPoint, PointSpec<unknown>>();

  /** The device's bound points as its adapter session takes them, in the compiled device's order. */
  specsOf(device: CompiledDevice): PointSpec<unknown>[] {
    const specs: PointSpec<unknown>[] = [];
    for (const point of device.points) {
      if (point.kind !== 'bound') continue;
      let spec = this.#specs.get(point);
      if (spec === undefined) {
        spec = Object.freeze({ id: point.id, source: point.source, access: point.access });
        this.#specs.set(point, spec);
      }
      specs.push(spec);
    }
    return specs;
  }
}
