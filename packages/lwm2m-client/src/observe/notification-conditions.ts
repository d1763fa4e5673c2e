import type { LwM2mNode } from '@lwm2m-adapters/lwm2m-core';
import { hasNumericConditions, type ObservationAttributes } from './observation-attributes.js';

/** The numeric value of a single resource or resource instance node, else undefined. */
export function numericValueOf(node: LwM2mNode): number | undefined {
  if (node.kind !== 'resource' && node.kind !== 'resource-instance') return undefined;
  const { value } = node;
  if (value.type === 'integer' || value.type === 'unsigned' || value.type === 'float')
    return Number(value.value);
  return undefined;
}

/**
 * Whether a changed value is worth a notification under gt/lt/st (Core §5.1.2): it crossed gt or
 * lt since the last notified value, or moved by at least st from it. Without these attributes,
 * without a previous value, or for a non-numeric value, every change counts.
 */
export function changeMeetsConditions(
  attributes: ObservationAttributes,
  lastNotified: number | undefined,
  current: number | undefined,
): boolean {
  if (!hasNumericConditions(attributes) || lastNotified === undefined || current === undefined) return true;
  const { gt, lt, st } = attributes;
  if (gt !== undefined && lastNotified > gt !== current > gt) return true;
  if (lt !== undefined && lastNotified < lt !== current < lt) return true;
  if (st !== undefined && Math.abs(current - lastNotified) >= st) return true;
  return false;
}
