/**
 * subscriptionGroups: which observed points become device-side subscriptions and with which
 * options (sampling from epmin, else pmin, else the default, bounded by pmax and the minimum
 * poll; deadband from st, else the mapping's, in raw units), grouped by identical options.
 */
import { LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import type { CompiledBoundPoint, PointConversion } from '@lwm2m-adapters/mapping';
import type { RawValueKind } from '@lwm2m-adapters/sdk';
import { describe, expect, it } from 'vitest';
import type { ObservedRange, PathedPoint } from '../../src/runtime/device/poll-intervals.js';
import { subscriptionGroups } from '../../src/runtime/device/subscription-plan.js';

function point(
  path: string,
  rawKind: RawValueKind = 'number',
  conversion: PointConversion = {},
  reporting: CompiledBoundPoint['reporting'] = {},
): PathedPoint {
  const parsed = LwM2mPath.parse(path);
  return {
    path: parsed,
    point: {
      id: path,
      path,
      objectId: parsed.objectId!,
      instanceId: parsed.instanceId!,
      resourceId: parsed.resourceId!,
      resourceType: 'float',
      kind: 'bound',
      source: {},
      rawKind,
      access: { read: true, write: false, execute: false },
      conversion,
      reporting,
      location: { file: 'm.yml', line: 1, column: 1 },
    },
  };
}

const range = (path: string, more: Partial<Omit<ObservedRange, 'path'>> = {}): ObservedRange => ({
  path: LwM2mPath.parse(path),
  minMs: undefined,
  maxMs: undefined,
  ...more,
});

const defaults = { observedPollMs: 1000, minPollMs: 50 };

describe('subscriptionGroups', () => {
  it('subscribes only observed, readable points the mapping does not poll', () => {
    const polled = point('/3303/1/5700', 'number', {}, { pollMs: 5000, pollRequested: true });
    // a poll from the mapping-wide defaults paces polled adapters only: this one is subscribed
    const pacedByDefaults = point('/3303/3/5700', 'number', {}, { pollMs: 1000 });
    const writeOnly = point('/3303/2/5700');
    const unobserved = point('/3304/0/5700');
    const groups = subscriptionGroups(
      [
        point('/3303/0/5700'),
        polled,
        pacedByDefaults,
        { ...writeOnly, point: { ...writeOnly.point, access: { read: false, write: true, execute: false } } },
        unobserved,
      ],
      [range('/3303')],
      defaults,
    );
    expect(groups.map((g) => g.pointIds)).toEqual([['/3303/0/5700', '/3303/3/5700']]);
    expect(subscriptionGroups([point('/3303/0/5700')], [], defaults)).toEqual([]);
  });

  it('subscribes a point the mapping-wide default poll paces, observed or not, sampled at least that often', () => {
    const unobserved = point('/3304/1/5700', 'number', {}, { pollMs: 2000 });
    const observedFaster = point('/3303/0/5700', 'number', {}, { pollMs: 500 });
    const groups = subscriptionGroups([unobserved, observedFaster], [range('/3303')], defaults);
    expect(groups.map((g) => [g.pointIds, g.options.samplingIntervalMs])).toEqual([
      [['/3304/1/5700'], 2000],
      [['/3303/0/5700'], 500],
    ]);
    // without an observation and without a pace, nothing is subscribed
    expect(subscriptionGroups([point('/3304/0/5700')], [], defaults)).toEqual([]);
  });

  it('takes epmin, else pmin above 0, else the default; pmax bounds it; minPollMs floors it; the fastest observation wins', () => {
    const p = [point('/1/0/1')];
    const sampling = (...ranges: ObservedRange[]) =>
      subscriptionGroups(p, ranges, defaults).map((g) => g.options.samplingIntervalMs);
    expect(sampling(range('/1/0/1'))).toEqual([1000]);
    expect(sampling(range('/1/0/1', { pminMs: 0 }))).toEqual([1000]);
    expect(sampling(range('/1/0/1', { pminMs: 4000 }))).toEqual([4000]);
    expect(sampling(range('/1/0/1', { pminMs: 4000, minMs: 2000 }))).toEqual([2000]);
    expect(sampling(range('/1/0/1', { pminMs: 4000, maxMs: 3000 }))).toEqual([3000]);
    expect(sampling(range('/1/0/1', { maxMs: 10 }))).toEqual([50]);
    expect(sampling(range('/1/0/1', { pminMs: 4000 }), range('/1/0', { minMs: 700 }))).toEqual([700]);
  });

  it('takes the deadband from st, else the mapping, in raw units, only for numbers without enum or bit', () => {
    const deadband = (p: PathedPoint, more: Partial<Omit<ObservedRange, 'path'>> = {}) =>
      subscriptionGroups([p], [range('/1', more)], defaults)[0]?.options.deadband;
    expect(deadband(point('/1/0/1', 'number', {}, { deadband: 0.5 }))).toBe(0.5);
    expect(deadband(point('/1/0/1', 'number', {}, { deadband: 0.5 }), { step: 2 })).toBe(2);
    expect(deadband(point('/1/0/1', 'integer', { scale: -0.1 }), { step: 1 })).toBeCloseTo(10);
    expect(
      deadband(point('/1/0/1', 'integer', { enum: [{ raw: 1, value: 5 }] }), { step: 1 }),
    ).toBeUndefined();
    expect(deadband(point('/1/0/1', 'integer', { bit: 3 }), { step: 1 })).toBeUndefined();
    expect(deadband(point('/1/0/1', 'time'), { step: 1 })).toBeUndefined();
    expect(deadband(point('/1/0/1', 'number'), { step: 0 })).toBeUndefined();
  });

  it('groups points with identical options, in a stable order', () => {
    const groups = subscriptionGroups(
      [point('/1/0/3'), point('/1/0/1'), point('/1/0/2', 'number', {}, { deadband: 1 }), point('/2/0/1')],
      [range('/1'), range('/2', { pminMs: 5000 })],
      defaults,
    );
    expect(groups.map((g) => [g.pointIds, g.options])).toEqual([
      [['/1/0/1', '/1/0/3'], { samplingIntervalMs: 1000 }],
      [['/1/0/2'], { samplingIntervalMs: 1000, deadband: 1 }],
      [['/2/0/1'], { samplingIntervalMs: 5000 }],
    ]);
  });
});
