import { encode } from 'cbor2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lwm2mCborCodec } from '../../src/codec/lwm2m-cbor/lwm2m-cbor-codec.js';
import { valueToItem } from '../../src/codec/lwm2m-cbor/lwm2m-cbor-values.js';
import { type LwM2mNode, nodesEqual, type ObjectNode, type PathNode } from '../../src/model/node.js';
import { LwM2mPath } from '../../src/model/path.js';
import { instanceNode, multipleResource, objectNode, resourceNode } from '../support/arbitraries.js';
import { testModel } from '../support/test-model.js';

const codec = new Lwm2mCborCodec();
const ctx = { model: testModel };
const prefix = fc.constantFrom(undefined, 'dev0', 'd01', 'plc-7');
const show = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

function roundTrip(n: LwM2mNode, path: LwM2mPath): void {
  const back = codec.decode(codec.encode(n, path, ctx), path, ctx);
  expect(nodesEqual(back, n), `${path}: ${show(n)} -> ${show(back)}`).toBe(true);
}

/** Every leaf of an object as its own top-level 4- or 3-id array key: the flattest legal layout. */
function flatLayout(o: ObjectNode, pfx: string | undefined): Uint8Array {
  const top = new Map<unknown, unknown>();
  const keyOf = (...ids: number[]) => (pfx === undefined ? ids : [pfx, ...ids]);
  for (const i of o.instances) {
    if (i.resources.length === 0) top.set(keyOf(o.id, i.id), new Map());
    for (const r of i.resources) {
      if (r.kind === 'resource') top.set(keyOf(o.id, i.id, r.id), valueToItem(r.value));
      else if (r.instances.length === 0) top.set(keyOf(o.id, i.id, r.id), new Map());
      else for (const ri of r.instances) top.set(keyOf(o.id, i.id, r.id, ri.id), valueToItem(ri.value));
    }
  }
  return encode(top);
}

describe('LwM2M CBOR round trip (fast-check)', () => {
  it('objects', () => {
    fc.assert(
      fc.property(objectNode, prefix, (o, pfx) =>
        roundTrip(o, new LwM2mPath({ prefix: pfx, objectId: 9999 })),
      ),
      { numRuns: 300 },
    );
  });

  it('object instances', () => {
    fc.assert(
      fc.property(instanceNode, prefix, (i, pfx) =>
        roundTrip(i, new LwM2mPath({ prefix: pfx, objectId: 9999, instanceId: i.id })),
      ),
      { numRuns: 300 },
    );
  });

  it('single and multiple resources', () => {
    fc.assert(
      fc.property(resourceNode, fc.integer({ min: 0, max: 65534 }), prefix, (r, iid, pfx) =>
        roundTrip(r, new LwM2mPath({ prefix: pfx, objectId: 9999, instanceId: iid, resourceId: r.id })),
      ),
      { numRuns: 500 },
    );
  });

  it('resource instances', () => {
    fc.assert(
      fc.property(
        multipleResource.filter((m) => m.instances.length > 0),
        prefix,
        (m, pfx) => {
          for (const ri of m.instances) {
            roundTrip(
              ri,
              new LwM2mPath({
                prefix: pfx,
                objectId: 9999,
                instanceId: 0,
                resourceId: m.id,
                resourceInstanceId: ri.id,
              }),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('several paths in one payload, regrouped by their own top-level keys', () => {
    const pathNodes = fc
      .uniqueArray(fc.tuple(prefix, instanceNode), {
        maxLength: 5,
        selector: ([pfx, i]) => `${pfx}/${i.id}`,
      })
      .map((list) =>
        list.map(
          ([pfx, i]): PathNode => ({
            path: new LwM2mPath({ prefix: pfx, objectId: 9999, instanceId: i.id }),
            node: i,
          }),
        ),
      );
    fc.assert(
      fc.property(pathNodes, (nodes) => {
        const back = codec.decodeNodes(codec.encodeNodes(nodes, ctx), undefined, ctx);
        expect(back.map((n) => n.path.toString())).toEqual(nodes.map((n) => n.path.toString()));
        back.forEach((n, k) => {
          expect(nodesEqual(n.node, nodes[k]!.node)).toBe(true);
        });
        const byPaths = codec.decodeNodes(
          codec.encodeNodes(nodes, ctx),
          nodes.map((n) => n.path),
          ctx,
        );
        expect(byPaths).toHaveLength(nodes.length);
      }),
      { numRuns: 200 },
    );
  });

  it('the flattest layout (one array key per leaf) decodes to the same object', () => {
    fc.assert(
      fc.property(objectNode, prefix, (o, pfx) => {
        const path = new LwM2mPath({ prefix: pfx, objectId: 9999 });
        const back = codec.decode(flatLayout(o, pfx), path, ctx);
        expect(nodesEqual(back, o), `${show(o)} -> ${show(back)}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
