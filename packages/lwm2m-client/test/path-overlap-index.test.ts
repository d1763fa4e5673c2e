/**
 * PathOverlapIndex finds exactly the entries a brute-force `startsWith` scan finds (property test
 * over random paths with and without prefixes), keeps an entry filed twice until both filings go,
 * and forgets paths with no entries left.
 */

import { LwM2mPath, path } from '@lwm2m-adapters/lwm2m-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PathOverlapIndex } from '../src/observe/path-overlap-index.js';

const overlaps = (a: LwM2mPath, b: LwM2mPath) => a.startsWith(b) || b.startsWith(a);

const pathArbitrary = fc
  .record({
    prefix: fc.constantFrom(undefined, 'dev1', 'dev2'),
    ids: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 4 }),
  })
  .map(
    ({ prefix, ids }) =>
      new LwM2mPath({
        prefix,
        objectId: ids[0],
        instanceId: ids[1],
        resourceId: ids[2],
        resourceInstanceId: ids[3],
      }),
  );

describe('PathOverlapIndex', () => {
  it('finds what a scan of every entry finds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(pathArbitrary, { minLength: 1, maxLength: 3 }), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(pathArbitrary, { minLength: 1, maxLength: 8 }),
        (entries, removals, changes) => {
          const index = new PathOverlapIndex<number>();
          entries.forEach((paths, id) => {
            for (const p of paths) index.add(p, id);
          });
          const live = new Map(entries.map((paths, id) => [id, paths]));
          for (const r of removals) {
            if (entries.length === 0) break;
            const id = r % entries.length;
            const paths = live.get(id);
            if (paths === undefined) continue;
            for (const p of paths) index.remove(p, id);
            live.delete(id);
          }
          for (const changed of changes) {
            const expected = [...live]
              .filter(([, paths]) => paths.some((p) => overlaps(p, changed)))
              .map(([id]) => id)
              .sort((a, b) => a - b);
            expect([...index.overlapping(changed)].sort((a, b) => a - b)).toEqual(expected);
            // mayOverlap never says no where an entry overlaps (a reporter skips the path on no)
            if (changed.objectId !== undefined && expected.length > 0) {
              expect(index.mayOverlap(changed.prefix, changed.objectId)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('says whether anything may overlap an object or an end device without a path', () => {
    const index = new PathOverlapIndex<string>();
    expect(index.mayOverlap(undefined, 25)).toBe(false);
    index.add(path('/25'), 'gateway view');
    expect(index.mayOverlap(undefined, 25)).toBe(true);
    // an observed /25 says nothing about the end devices' objects, nor about other objects
    expect(index.mayOverlap('dev1', 3303)).toBe(false);
    expect(index.mayOverlap(undefined, 3303)).toBe(false);
    index.add(path('/dev1/3303/0/5700', { allowPrefix: true }), 'end device');
    expect(index.mayOverlap('dev1', 3303)).toBe(true);
    expect(index.mayOverlap('dev2', 3303)).toBe(false);
    index.add(path('/'), 'root');
    expect(index.mayOverlap(undefined, 3303)).toBe(true);
    expect(index.mayOverlap('dev2', 3303)).toBe(false);
    index.remove(path('/dev1/3303/0/5700', { allowPrefix: true }), 'end device');
    expect(index.mayOverlap('dev1', 3303)).toBe(false);
  });

  it('relates paths above, at and below a change; prefixed paths are not under the root', () => {
    const index = new PathOverlapIndex<string>();
    index.add(path('/3303'), 'object');
    index.add(path('/3303/0/5700'), 'resource');
    index.add(path('/3303/1'), 'other instance');
    index.add(path('/'), 'root');
    index.add(path('/dev1/3303/0/5700', { allowPrefix: true }), 'end device');
    index.add(path('/dev1', { allowPrefix: true }), 'whole end device');
    expect([...index.overlapping(path('/3303/0'))].sort()).toEqual(['object', 'resource', 'root']);
    expect([...index.overlapping(path('/dev1/3303/0', { allowPrefix: true }))].sort()).toEqual([
      'end device',
      'whole end device',
    ]);
  });

  it('keeps an entry filed twice until both filings are removed, then forgets the path', () => {
    const index = new PathOverlapIndex<string>();
    const p = path('/3303/0/5700');
    index.add(p, 'composite');
    index.add(p, 'composite');
    index.remove(p, 'composite');
    expect([...index.overlapping(p)]).toEqual(['composite']);
    index.remove(p, 'composite');
    expect(index.overlapping(p).size).toBe(0);
    expect(index.paths).toBe(0);
    index.remove(p, 'composite'); // removing what is not there is harmless
    expect(index.paths).toBe(0);
  });

  it('ignores the removal of a filing that is not there, even when the entry is filed below it', () => {
    const index = new PathOverlapIndex<string>();
    index.add(path('/dev1/3303/0/5700', { allowPrefix: true }), 'resource');
    index.remove(path('/dev1/3303/0', { allowPrefix: true }), 'resource');
    expect([...index.overlapping(path('/dev1/3303', { allowPrefix: true }))]).toEqual(['resource']);
    expect(index.overlapping(path('/dev2/3303/0/5700', { allowPrefix: true })).size).toBe(0);
    expect(index.overlapping(path('/3303/0/5700')).size).toBe(0);
  });
});
