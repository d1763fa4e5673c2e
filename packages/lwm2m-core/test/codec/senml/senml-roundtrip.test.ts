import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MultiNodeCodec } from '../../../src/codec/codec-types.js';
import { SenmlCborCodec } from '../../../src/codec/senml/senml-cbor-codec.js';
import { SenmlJsonCodec } from '../../../src/codec/senml/senml-json-codec.js';
import {
  type LwM2mNode,
  nodesEqual,
  type ObjectInstanceNode,
  type ObjectNode,
  type PathNode,
  type TimestampedPathNode,
} from '../../../src/model/node.js';
import { LwM2mPath } from '../../../src/model/path.js';
import type { ResourceValue } from '../../../src/model/resource-type.js';
import { instanceNode, multipleResource, objectNode, singleResource } from '../../support/arbitraries.js';
import { decodeContext, encodeContext } from './helpers.js';

const prefix = fc.option(fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/), { nil: undefined });
const instanceId = fc.integer({ min: 0, max: 65534 });
/** Timestamps SenML reads as absolute (>= 2^28 s), at millisecond precision. */
const timestamp = fc.option(
  fc.integer({ min: 2 ** 28 * 1000, max: 8_640_000_000_000_000 }).map((ms) => new Date(ms)),
  { nil: undefined },
);

/** SenML JSON has no NaN/Infinity (canEncode is false for them): use finite stand-ins. */
function finite(v: ResourceValue): ResourceValue {
  return v.type === 'float' && !Number.isFinite(v.value)
    ? { type: 'float', value: Math.sign(v.value) * Number.MAX_VALUE }
    : v;
}

function mapValues(n: LwM2mNode, f: (v: ResourceValue) => ResourceValue): LwM2mNode {
  switch (n.kind) {
    case 'object':
      return { ...n, instances: n.instances.map((i) => mapValues(i, f) as ObjectInstanceNode) };
    case 'instance':
      return {
        ...n,
        resources: n.resources.map((r) => mapValues(r, f) as ObjectInstanceNode['resources'][number]),
      };
    case 'multiple-resource':
      return { ...n, instances: n.instances.map((ri) => ({ ...ri, value: f(ri.value) })) };
    default:
      return { ...n, value: f(n.value) };
  }
}

/** What survives SenML: it has no record for an empty multiple resource, nor for an empty instance of an object. */
function normalizeInstance(i: ObjectInstanceNode): ObjectInstanceNode {
  return { ...i, resources: i.resources.filter((r) => r.kind === 'resource' || r.instances.length > 0) };
}
function normalizeObject(o: ObjectNode): ObjectNode {
  return { ...o, instances: o.instances.map(normalizeInstance).filter((i) => i.resources.length > 0) };
}

/** One node per record, as `decodeNodes` without paths and `decodeTimestampedNodes` return them. */
function perRecord(path: LwM2mPath, n: ObjectInstanceNode): PathNode[] {
  return n.resources.flatMap((r): PathNode[] =>
    r.kind === 'resource'
      ? [{ path: path.child(r.id), node: r }]
      : r.instances.map((ri) => ({ path: path.child(r.id).child(ri.id), node: ri })),
  );
}

function samePathNodes(actual: readonly PathNode[], expected: readonly PathNode[]): boolean {
  return (
    actual.length === expected.length &&
    actual.every((a, i) => a.path.equals(expected[i]!.path) && nodesEqual(a.node, expected[i]!.node))
  );
}

const codecs: [string, MultiNodeCodec, (v: ResourceValue) => ResourceValue][] = [
  ['SenML JSON', new SenmlJsonCodec(), finite],
  ['SenML CBOR', new SenmlCborCodec(), (v) => v],
];

describe.each(codecs)('%s round trip', (_name, codec, sanitize) => {
  const roundTrip = (n: LwM2mNode, path: LwM2mPath) =>
    codec.decode(codec.encode(n, path, encodeContext), path, decodeContext);

  it('single resources of every type', () => {
    fc.assert(
      fc.property(prefix, instanceId, singleResource, (pre, iid, r) => {
        const n = mapValues(r, sanitize);
        const path = new LwM2mPath({ prefix: pre, objectId: 9999, instanceId: iid, resourceId: r.id });
        expect(nodesEqual(roundTrip(n, path), n)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('multiple resources and their instances', () => {
    fc.assert(
      fc.property(prefix, instanceId, multipleResource, (pre, iid, r) => {
        const n = mapValues(r, sanitize);
        const path = new LwM2mPath({ prefix: pre, objectId: 9999, instanceId: iid, resourceId: r.id });
        expect(nodesEqual(roundTrip(n, path), n)).toBe(true);
        if (n.kind !== 'multiple-resource') return;
        for (const ri of n.instances) {
          expect(nodesEqual(roundTrip(ri, path.child(ri.id)), ri)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('object instances', () => {
    fc.assert(
      fc.property(prefix, instanceNode, (pre, i) => {
        const n = mapValues(i, sanitize) as ObjectInstanceNode;
        const path = new LwM2mPath({ prefix: pre, objectId: 9999, instanceId: n.id });
        expect(nodesEqual(roundTrip(n, path), normalizeInstance(n))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('objects', () => {
    fc.assert(
      fc.property(prefix, objectNode, (pre, o) => {
        const n = mapValues(o, sanitize) as ObjectNode;
        const path = new LwM2mPath({ prefix: pre, objectId: 9999 });
        expect(nodesEqual(roundTrip(n, path), normalizeObject(n))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  const instanceEntries = fc.uniqueArray(fc.tuple(prefix, instanceNode), {
    maxLength: 4,
    selector: ([pre, i]) => `${pre}/${i.id}`,
  });

  it('composite payloads under their request paths, and per record without paths', () => {
    fc.assert(
      fc.property(instanceEntries, (entries) => {
        const nodes = entries.map(([pre, i]) => ({
          path: new LwM2mPath({ prefix: pre, objectId: 9999, instanceId: i.id }),
          node: mapValues(i, sanitize) as ObjectInstanceNode,
        }));
        const payload = codec.encodeNodes(nodes, encodeContext);
        const expected = nodes
          .map((e) => ({ path: e.path, node: normalizeInstance(e.node) }))
          .filter((e) => e.node.resources.length > 0);
        const grouped = codec.decodeNodes(
          payload,
          nodes.map((e) => e.path),
          decodeContext,
        );
        expect(samePathNodes(grouped, expected)).toBe(true);
        const flat = codec.decodeNodes(payload, undefined, decodeContext);
        expect(
          samePathNodes(
            flat,
            nodes.flatMap((e) => perRecord(e.path, e.node)),
          ),
        ).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('timestamped nodes (untimed ones first)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(instanceEntries, timestamp), { maxLength: 4 }), (batches) => {
        const nodes: TimestampedPathNode[] = batches.flatMap(([entries, at]) =>
          entries.map(([pre, i]) => ({
            path: new LwM2mPath({ prefix: pre, objectId: 9999, instanceId: i.id }),
            node: mapValues(i, sanitize),
            timestamp: at,
          })),
        );
        const decoded = codec.decodeTimestampedNodes(
          codec.encodeTimestampedNodes(nodes, encodeContext),
          decodeContext,
        );
        const ordered = [
          ...nodes.filter((n) => n.timestamp === undefined),
          ...nodes.filter((n) => n.timestamp !== undefined),
        ];
        const expected = ordered.flatMap((n) =>
          perRecord(n.path, n.node as ObjectInstanceNode).map((r) => ({ ...r, timestamp: n.timestamp })),
        );
        expect(samePathNodes(decoded, expected)).toBe(true);
        expect(decoded.map((d) => d.timestamp?.getTime())).toEqual(
          expected.map((e) => e.timestamp?.getTime()),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('Read-Composite path lists of every level', () => {
    const id = fc.integer({ min: 0, max: 65534 });
    const anyPath = fc.tuple(prefix, fc.array(id, { maxLength: 4 })).map(
      ([pre, ids]) =>
        new LwM2mPath({
          prefix: pre,
          objectId: ids[0],
          instanceId: ids[1],
          resourceId: ids[2],
          resourceInstanceId: ids[3],
        }),
    );
    fc.assert(
      fc.property(fc.array(anyPath, { maxLength: 8 }), (paths) => {
        const decoded = codec.decodePaths(codec.encodePaths(paths));
        expect(decoded.map(String)).toEqual(paths.map(String));
      }),
      { numRuns: 200 },
    );
  });
});
