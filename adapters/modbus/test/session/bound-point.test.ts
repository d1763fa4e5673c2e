/**
 * BoundPoint: a session's point is its own layout (its address, the rest from the layout its codec
 * shares with other points) and its own read item, so planning a read list gives back the points.
 */
import { describe, expect, it } from 'vitest';
import { pointLayout } from '../../src/data/point-layout.js';
import { ValueCodecCache } from '../../src/data/value-codec-cache.js';
import { planReads } from '../../src/plan/read-planner.js';
import { bindPoint } from '../../src/session/bound-point.js';

const BE = { byteOrder: 'big', wordOrder: 'big' } as const;
const LIMITS = { maxGap: 0, maxBitGap: 0, maxRegistersPerRequest: 125, maxBitsPerRequest: 2000 };

const spec = (id: string, source: Parameters<typeof pointLayout>[0]) => ({
  id,
  source,
  access: { read: true, write: true, execute: false },
});

const fields = (layout: ReturnType<typeof pointLayout>) => ({
  table: layout.table,
  address: layout.address,
  type: layout.type,
  bit: layout.bit,
  count: layout.count,
  permutation: layout.permutation,
  encoding: layout.encoding,
});

describe('BoundPoint', () => {
  it('has its own address and the layout of its source, sharing codec and format with points like it', () => {
    const codecs = new ValueCodecCache();
    const sources = [
      { table: 'holding', address: 10, type: 'float32', wordOrder: 'little' },
      { table: 'holding', address: 12, type: 'float32', wordOrder: 'little' },
      { table: 'input', address: 3, bit: 5 },
      { table: 'holding', address: 20, type: 'string', length: 6, encoding: 'utf8' },
    ] as const;
    const points = sources.map((source, i) => bindPoint(spec(`/3300/${i}/5700`, source), BE, codecs, 7));
    points.forEach((point, i) => {
      expect(fields(point.layout)).toEqual(fields(pointLayout(sources[i]!, BE)));
      expect(point.unit).toBe(7);
    });
    expect(points[1]!.codec).toBe(points[0]!.codec);
    expect(points[1]!.permutation).toBe(points[0]!.permutation);
    expect(points[1]!.address).toBe(12);
    expect(points[2]!.codec).not.toBe(points[0]!.codec);
    expect(codecs.size).toBe(3);
  });

  it('is its own read item: a plan holds the points themselves', () => {
    const codecs = new ValueCodecCache();
    const a = bindPoint(
      spec('/3300/0/5700', { table: 'holding', address: 0, type: 'uint32' }),
      BE,
      codecs,
      1,
    );
    const b = bindPoint(spec('/3300/1/5700', { table: 'holding', address: 2 }), BE, codecs, 1);
    const c = bindPoint(spec('/3300/2/5700', { table: 'coil', address: 4 }), BE, codecs, 1);
    const plans = planReads([b, c, a], LIMITS);
    expect(plans.map((plan) => [plan.table, plan.address, plan.count])).toEqual([
      ['coil', 4, 1],
      ['holding', 0, 3],
    ]);
    expect(plans[1]!.items).toEqual([a, b]);
    expect(plans[1]!.items[0]!.key).toBe(a);
  });
});
