/** InstanceResources: an instance's slots in ascending resource id, found by bisection. */
import type { ResourceDefinition } from '@lwm2m-adapters/lwm2m-core';
import { describe, expect, it } from 'vitest';
import { instanceResources, resourceSlotOf } from '../src/objects/instance-resources.js';
import type { ResourceSlot } from '../src/objects/resource-slot.js';

const slot = (id: number): ResourceSlot => ({
  definition: { id } as ResourceDefinition,
  handlers: undefined,
  stored: undefined,
});

describe('instance resources', () => {
  it('orders slots by resource id and finds every one of them, and nothing else', () => {
    const ids = [5700, 1, 5701, 0, 7, 65535, 5601, 2];
    const resources = instanceResources(ids.map(slot));
    expect(resources.map((s) => s.definition.id)).toEqual([...ids].sort((a, b) => a - b));
    for (const id of ids) expect(resourceSlotOf(resources, id)?.definition.id).toBe(id);
    for (const id of [-1, 3, 5600, 5702, 65536]) expect(resourceSlotOf(resources, id)).toBeUndefined();
  });

  it('finds nothing in an instance without resources, and the one of a single-resource instance', () => {
    expect(resourceSlotOf(instanceResources([]), 0)).toBeUndefined();
    const single = instanceResources([slot(5850)]);
    expect(resourceSlotOf(single, 5850)).toBe(single[0]);
    expect(resourceSlotOf(single, 5851)).toBeUndefined();
  });
});
