import fc from 'fast-check';
import type {
  MultipleResourceNode,
  ObjectInstanceNode,
  ObjectNode,
  ResourceNode,
  SingleResourceNode,
} from '../../src/model/node.js';
import type { ResourceType, ResourceValue } from '../../src/model/resource-type.js';
import { testModel } from './test-model.js';

/** Arbitrary value of a given LwM2M type, covering the full range (64-bit ints, NaN-free floats). */
export function arbitraryValue(type: ResourceType): fc.Arbitrary<ResourceValue> {
  switch (type) {
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 40 }).map((v) => ({ type, value: v }));
    case 'corelnk':
      return fc
        .array(fc.tuple(fc.integer({ min: 0, max: 65534 }), fc.integer({ min: 0, max: 65534 })), {
          maxLength: 4,
        })
        .map((ls) => ({ type, value: ls.map(([o, i]) => `</${o}/${i}>`).join(',') }));
    case 'integer':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((b) => ({
        type,
        value: Number.isSafeInteger(Number(b)) && BigInt(Number(b)) === b ? Number(b) : b,
      }));
    case 'unsigned':
      return fc
        .bigInt({ min: 0n, max: 2n ** 64n - 1n })
        .map((b) => ({ type, value: b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b }));
    case 'float':
      return fc.double({ noNaN: true }).map((v) => ({ type, value: v }));
    case 'boolean':
      return fc.boolean().map((v) => ({ type, value: v }));
    case 'opaque':
      return fc.uint8Array({ maxLength: 48 }).map((v) => ({ type, value: v }));
    case 'time':
      return fc
        .integer({ min: -8_640_000_000, max: 8_640_000_000 })
        .map((s) => ({ type, value: new Date(s * 1000) }));
    case 'objlnk':
      return fc
        .tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 }))
        .map(([objectId, instanceId]) => ({ type, value: { objectId, instanceId } }));
    case 'none':
      return fc.constant({ type, value: null });
  }
}

const typeById = new Map(testModel.getObject(9999)!.resources.map((r) => [r.id, r]));

/** A single resource of object 9999 (ids 0..8, one per type except none). */
export const singleResource: fc.Arbitrary<SingleResourceNode> = fc
  .integer({ min: 0, max: 8 })
  .chain((id) =>
    arbitraryValue(typeById.get(id)!.type).map((value) => ({ kind: 'resource' as const, id, value })),
  );

/** A multiple resource of object 9999 (ids 100..108). */
export const multipleResource: fc.Arbitrary<MultipleResourceNode> = fc
  .integer({ min: 100, max: 108 })
  .chain((id) => {
    const type = typeById.get(id)!.type;
    return fc
      .uniqueArray(
        fc.record({ id: fc.integer({ min: 0, max: 65534 }), value: arbitraryValue(type) }).map((r) => ({
          kind: 'resource-instance' as const,
          id: r.id,
          value: r.value,
        })),
        { maxLength: 5, selector: (ri) => ri.id },
      )
      .map((instances) => ({ kind: 'multiple-resource' as const, id, type, instances }));
  });

export const resourceNode: fc.Arbitrary<ResourceNode> = fc.oneof(singleResource, multipleResource);

export const instanceNode: fc.Arbitrary<ObjectInstanceNode> = fc
  .record({
    id: fc.integer({ min: 0, max: 65534 }),
    resources: fc.uniqueArray(resourceNode, { maxLength: 8, selector: (r) => r.id }),
  })
  .map(({ id, resources }) => ({ kind: 'instance' as const, id, resources }));

export const objectNode: fc.Arbitrary<ObjectNode> = fc
  .uniqueArray(instanceNode, { maxLength: 4, selector: (i) => i.id })
  .map((instances) => ({ kind: 'object' as const, id: 9999, instances }));
