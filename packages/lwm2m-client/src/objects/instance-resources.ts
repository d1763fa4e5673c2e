import type { ResourceSlot } from './resource-slot.js';

/**
 * The resource slots of one object instance, in ascending resource id (a slot's id is its
 * definition's). An array searched by bisection, not a Map: most instances hold a handful of
 * resources, and a Map's hash table costs ~190 bytes per instance, ~60 bytes per mapped point
 * at 10,000 points (issue 16).
 */
export type InstanceResources = readonly ResourceSlot[];

/**
 * The slots in ascending resource id (ids are unique: they come from one declaration's keys),
 * sorted in place: give an array of exactly their number (`map`, not `push`, which leaves room).
 */
export function instanceResources(slots: ResourceSlot[]): InstanceResources {
  return slots.sort((a, b) => a.definition.id - b.definition.id);
}

/** The slot of resource `resourceId`, undefined when the instance does not declare it. */
export function resourceSlotOf(resources: InstanceResources, resourceId: number): ResourceSlot | undefined {
  let low = 0;
  let high = resources.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const slot = resources[middle]!;
    const id = slot.definition.id;
    if (id === resourceId) return slot;
    if (id < resourceId) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}
