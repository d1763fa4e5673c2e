import type { WrittenValue } from '@lwm2m-adapters/lwm2m-client';
import type { ResourceValue } from '@lwm2m-adapters/lwm2m-core';
import { type CompiledBoundPoint, fromPointValue } from '@lwm2m-adapters/mapping';
import type { AdapterDefinition, RawValue } from '@lwm2m-adapters/sdk';

/**
 * A server write to one point, converted and checked once: the session is handed `raw` and never
 * sees the LwM2M value. Who checks what is stated on `AdapterSession.write` (packages/sdk).
 */
export interface WritePlan {
  readonly point: CompiledBoundPoint;
  readonly raw: RawValue;
}

/**
 * Converts a written LwM2M value for the device and checks it, in the order of the SDK's rule:
 * the mapping's part (the point is writable, the LwM2M type, range, enumeration, scale to a whole
 * raw number; an array point's every element, its instances 0..n-1) in `fromPointValue`, then the adapter's part, what its encoding can carry, in its
 * pure `validateWrite`. Throws WRITE_VALUE_INVALID or OPERATION_NOT_ALLOWED; nothing reaches the
 * device then.
 */
export function planWrite(
  adapter: Pick<AdapterDefinition, 'validateWrite'>,
  point: CompiledBoundPoint,
  value: ResourceValue | ReadonlyMap<number, ResourceValue>,
): WritePlan {
  const raw = fromPointValue(point, value);
  adapter.validateWrite(point.source, raw);
  return { point, raw };
}

/**
 * The plans made while the engine validated a request, kept until it writes. The engine checks a
 * whole request (every resource of a Write-Composite) before it writes any, and hands each write
 * handler the very value object its validate handler got: the plan travels with that object, so
 * a value is converted and checked once. Weakly held: a request that failed validation elsewhere
 * leaves nothing behind.
 */
export class WritePlans {
  readonly #byValue = new WeakMap<object, readonly WritePlan[]>();

  remember(value: WrittenValue, plans: readonly WritePlan[]): void {
    this.#byValue.set(value, plans);
  }

  /** The plans validated for this value object (once), or undefined when it was not validated. */
  take(value: WrittenValue): readonly WritePlan[] | undefined {
    const plans = this.#byValue.get(value);
    this.#byValue.delete(value);
    return plans;
  }
}
