/**
 * pointPollIntervals: how often each point of a compiled mapping is read in the background, from
 * the mapping's `poll` and the server's observations (pmax/epmax/epmin), with a floor.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import type { CompiledDevice } from '@lwm2m-adapters/mapping';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileMappingFile } from '../../src/mapping-loader.js';
import {
  type ObservedRange,
  type PathedPoint,
  pointPollIntervals,
} from '../../src/runtime/device/poll-intervals.js';

const MAPPING = `version: 1
devices:
  - id: plc
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: 5020, unitId: 1 }
    points:
      /3303/0/5700: { source: { table: holding, address: 0, type: int16 }, scale: 0.1, poll: 2s }
      /3303/0/5601: { source: { table: holding, address: 2, type: float32 } }
      /3303/0/5605: { source: { table: coil, address: 10 } }
      /3303/1/5700: { source: { table: holding, address: 4, type: int16 } }
      /3311/0/5850: { source: { table: coil, address: 0 }, access: rw }
      /3311/0/5851: { source: { table: holding, address: 20, type: uint16 }, access: rw, poll: 10ms }
      /3311/1/5850: { source: { table: coil, address: 1 }, access: rw }
      /3311/10/5850: { source: { table: coil, address: 2 }, access: rw }
      /3308/0/5900: { source: { table: holding, address: 30, type: int16 }, access: w }
`;

const DEFAULTS = { observedPollMs: 1000, minPollMs: 50 };

let dir: string;
let points: PathedPoint[];

function observed(path: string, minMs?: number, maxMs?: number): ObservedRange {
  return { path: LwM2mPath.parse(path), minMs, maxMs };
}

function intervals(ranges: readonly ObservedRange[], defaults = DEFAULTS): Record<string, number> {
  return Object.fromEntries(pointPollIntervals(points, ranges, defaults));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'poll-intervals-'));
  const file = join(dir, 'plc.yml');
  await writeFile(file, MAPPING);
  const { result } = await compileMappingFile(file, {});
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const device: CompiledDevice | undefined = result.mapping.devices[0];
  if (device === undefined) throw new Error('no device compiled');
  points = device.points.flatMap((point) =>
    point.kind === 'bound' ? [{ point, path: LwM2mPath.parse(point.id) }] : [],
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pointPollIntervals', () => {
  it('keeps the mapping poll of readable points and leaves unobserved, unpolled points out', () => {
    // 5851 asks for 10 ms: the 50 ms floor applies; 5900 is write-only, 5605 execute-only
    expect(intervals([])).toEqual({ '/3303/0/5700': 2000, '/3311/0/5851': 50 });
  });

  it('reads an observed point every observedPollMs when nothing bounds it', () => {
    expect(intervals([observed('/3303/0/5601')])).toEqual({
      '/3303/0/5700': 2000,
      '/3303/0/5601': 1000,
      '/3311/0/5851': 50,
    });
    expect(intervals([observed('/3303/0/5601')], { observedPollMs: 250, minPollMs: 50 })).toMatchObject({
      '/3303/0/5601': 250,
    });
  });

  it('reads at least every pmax/epmax and no more often than epmin', () => {
    // pmax below the default interval speeds reading up
    expect(intervals([observed('/3303/0/5601', undefined, 300)])['/3303/0/5601']).toBe(300);
    // pmax above it does not slow reading down
    expect(intervals([observed('/3303/0/5601', undefined, 60_000)])['/3303/0/5601']).toBe(1000);
    // epmin above the default slows reading down
    expect(intervals([observed('/3303/0/5601', 5000, undefined)])['/3303/0/5601']).toBe(5000);
    // epmin and epmax: epmax wins over the default, epmin wins over epmax
    expect(intervals([observed('/3303/0/5601', 200, 400)])['/3303/0/5601']).toBe(400);
    expect(intervals([observed('/3303/0/5601', 3000, 2000)])['/3303/0/5601']).toBe(3000);
  });

  it('takes the faster of the mapping poll and the observation, and of several observations', () => {
    // 5700 polls every 2 s: an observation wanting 300 ms is faster, one wanting 5 s is not
    expect(intervals([observed('/3303/0/5700', undefined, 300)])['/3303/0/5700']).toBe(300);
    expect(intervals([observed('/3303/0/5700', 5000, undefined)])['/3303/0/5700']).toBe(2000);
    // the resource observed with pmax 700 and its instance observed with pmax 400
    expect(
      intervals([observed('/3303/0/5601', undefined, 700), observed('/3303/0', undefined, 400)])[
        '/3303/0/5601'
      ],
    ).toBe(400);
  });

  it('never goes below minPollMs', () => {
    expect(intervals([observed('/3303/0/5601', undefined, 5)])['/3303/0/5601']).toBe(50);
    expect(intervals([], { observedPollMs: 1000, minPollMs: 500 })).toEqual({
      '/3303/0/5700': 2000,
      '/3311/0/5851': 500,
    });
    expect(
      intervals([observed('/3303/0/5601')], { observedPollMs: 20, minPollMs: 100 })['/3303/0/5601'],
    ).toBe(100);
  });

  it('lets an observed instance or object cover its resources, and nothing beside it', () => {
    expect(intervals([observed('/3311/1', undefined, 300)])).toEqual({
      '/3303/0/5700': 2000,
      '/3311/0/5851': 50,
      '/3311/1/5850': 300,
    });
    expect(intervals([observed('/3303/0')])).toEqual({
      '/3303/0/5700': 1000,
      '/3303/0/5601': 1000,
      '/3311/0/5851': 50,
    });
    expect(intervals([observed('/3311', undefined, 600)])).toEqual({
      '/3303/0/5700': 2000,
      '/3311/0/5850': 600,
      '/3311/0/5851': 50,
      '/3311/1/5850': 600,
      '/3311/10/5850': 600,
    });
  });

  it('never polls points that cannot be read, however they are observed or polled', () => {
    const all = intervals([observed('/3303'), observed('/3308'), observed('/3303/0/5605', undefined, 100)]);
    expect(all).not.toHaveProperty('/3303/0/5605');
    expect(all).not.toHaveProperty('/3308/0/5900');
    expect(all).toEqual({
      '/3303/0/5700': 1000,
      '/3303/0/5601': 1000,
      '/3303/1/5700': 1000,
      '/3311/0/5851': 50,
    });
    // the compiler drops poll from points that cannot be read; a compiled mapping from elsewhere
    // (JSON) may still carry one: it is ignored as well
    const withPoll = points.map((p) =>
      p.point.access.read ? p : { ...p, point: { ...p.point, reporting: { pollMs: 100 } } },
    );
    const executeOnly = withPoll.find((p) => p.point.id === '/3303/0/5605');
    expect(executeOnly?.point.reporting.pollMs).toBe(100);
    expect(pointPollIntervals(withPoll, [observed('/3303')], DEFAULTS)).toEqual(
      new Map([
        ['/3303/0/5700', 1000],
        ['/3303/0/5601', 1000],
        ['/3303/1/5700', 1000],
        ['/3311/0/5851', 50],
      ]),
    );
  });

  it('asks no point for its path when nothing is observed (a gateway PointRecord parses it per access)', () => {
    let asked = 0;
    const counting = points.map(({ point, path }) => ({
      point,
      get path() {
        asked++;
        return path;
      },
    }));
    expect(Object.fromEntries(pointPollIntervals(counting, [], DEFAULTS))).toEqual(intervals([]));
    expect(asked).toBe(0);
    pointPollIntervals(counting, [observed('/3303')], DEFAULTS);
    expect(asked).toBe(points.filter(({ point }) => point.access.read).length);
  });
});
