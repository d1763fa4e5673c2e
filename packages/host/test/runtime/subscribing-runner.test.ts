/**
 * DeviceRunner with an adapter that subscribes (an in-memory device, support/pushing-adapter):
 * observed points become device-side subscriptions with options from the observation, grouped;
 * what they deliver goes through the same cache and change reports as polled readings; attribute
 * changes modify them (or re-subscribe), a cancel closes them, a lost connection gives error
 * readings and then values without a new subscribe; `poll:` points stay polled. Array points are
 * whole multiple-instance resources and time points carry dates.
 */
import { CodedError } from '@lwm2m-adapters/errors';
import type { ResourceHandlers } from '@lwm2m-adapters/lwm2m-client';
import { LwM2mPath, type ResourceValue } from '@lwm2m-adapters/lwm2m-core';
import type { PointValue } from '@lwm2m-adapters/mapping';
import { silentLogger } from '@lwm2m-adapters/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceRunner } from '../../src/runtime/device/device-runner.js';
import type { ObservedRange } from '../../src/runtime/device/poll-intervals.js';
import { FakeClock } from './support/fake-clock.js';
import { PushingDevice, pushingDevice } from './support/pushing-adapter.js';

const MAPPING = `version: 1
devices:
  - id: ua
    adapter: pushing
    connection: {}
    points:
      /3303/0/5700: { source: { variable: temp }, scale: 0.1, deadband: 0.5 }
      /3303/0/5601: { source: { variable: min } }
      /3303/1/5700: { source: { variable: t2 }, poll: 2s }
      /3/0/7: { source: { variable: volts, kind: integer, array: true } }
      /3/0/13: { source: { variable: clock, kind: time }, access: rw }
      /13/0/0: { source: { variable: bearers, kind: integer, array: true }, access: rw }
`;

const runners: DeviceRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
});

function observed(path: string, range: Partial<Omit<ObservedRange, 'path'>> = {}): ObservedRange {
  return { path: LwM2mPath.parse(path), minMs: undefined, maxMs: undefined, ...range };
}

async function setup(options: { readonly modify?: boolean } = {}) {
  const clock = new FakeClock();
  const device = new PushingDevice(clock, options);
  device.variables.set('temp', 215);
  device.variables.set('min', 100);
  device.variables.set('t2', 50);
  device.variables.set('volts', [230, 231]);
  device.variables.set('clock', new Date('2026-12-06T01:00:00.750Z'));
  device.variables.set('bearers', [1, 2, 3]);
  const changes: [string, PointValue][] = [];
  const runner = new DeviceRunner({
    device: await pushingDevice(MAPPING, device),
    adapter: device.definition,
    logger: silentLogger,
    clock,
    onValueChanged: (point) => changes.push([point.reportedPath.toString(), point.currentValue()]),
  });
  runners.push(runner);
  await runner.start();
  const observe = async (...ranges: ObservedRange[]) => {
    runner.setObserved(ranges);
    await runner.subscriptionsSettled();
    await clock.endTurn();
  };
  const last = (path: string) => changes.filter(([p]) => p === path).at(-1)?.[1];
  return { clock, device, runner, changes, observe, last };
}

const float = (value: number): ResourceValue => ({ type: 'float', value });

describe('a subscribing adapter', () => {
  it('subscribes observed points in groups of identical options instead of polling them', async () => {
    const { clock, device, runner, observe, last } = await setup();
    // nothing observed: nothing subscribed; only what the mapping polls is read in the background
    expect(device.subscriptions).toEqual([]);
    expect([...runner.pollIntervals()]).toEqual([['/3303/1/5700', 2000]]);

    await observe(observed('/3303/0', { pminMs: 2000 }), observed('/3303/1/5700'));
    // deadband 0.5 °C is 5 raw units (scale 0.1); the other point has none: two groups
    expect(device.live().map((s) => [s.pointIds, s.options])).toEqual([
      [['/3303/0/5601'], { samplingIntervalMs: 2000 }],
      [['/3303/0/5700'], { samplingIntervalMs: 2000, deadband: 5 }],
    ]);
    // the point the mapping polls is polled (faster while observed), and only it
    expect([...runner.pollIntervals()]).toEqual([['/3303/1/5700', 1000]]);
    expect(last('/3303/0/5700')).toEqual(float(21.5)); // the initial values
    expect(last('/3303/0/5601')).toEqual(float(100));

    await clock.advance(3000);
    expect(new Set(device.reads.flat())).toEqual(new Set(['/3303/1/5700']));
    const reads = device.reads.length;
    // a Read of a subscribed point is its last delivery
    expect(await runner.readPoint('/3303/0/5700')).toEqual(float(21.5));
    device.set('temp', 230);
    expect(last('/3303/0/5700')).toEqual(float(23));
    expect(await runner.readPoint('/3303/0/5700')).toEqual(float(23));
    expect(device.reads.length).toBe(reads);
    expect(runner.stats()).toMatchObject({ subscriptions: 2, subscribedPoints: 2, polledPoints: 1 });
    expect(runner.stats().deliveries).toBeGreaterThanOrEqual(3);
  });

  it('subscribes points that join an observation on their own, leaving the subscribed ones alone', async () => {
    const { device, observe } = await setup();
    await observe(observed('/3303/0/5601'));
    const [first] = device.live();
    // a second Observe with the same options: one more subscription, the first one untouched
    await observe(observed('/3303/0/5601'), observed('/3/0/13'));
    expect(device.live().map((s) => s.pointIds)).toEqual([['/3303/0/5601'], ['/3/0/13']]);
    expect(device.live()[0]).toBe(first);
    // a cancel closes only the subscription of the cancelled point
    await observe(observed('/3/0/13'));
    expect(device.live().map((s) => s.pointIds)).toEqual([['/3/0/13']]);
    expect(device.subscriptions.length).toBe(2);
  });

  it('maps epmin, pmax and st onto the options and modifies the subscriptions when they change', async () => {
    const { device, observe } = await setup();
    await observe(observed('/3303/0'));
    expect(device.live().map((s) => s.options)).toEqual([
      { samplingIntervalMs: 1000 }, // observedPollMs by default
      { samplingIntervalMs: 1000, deadband: 5 },
    ]);
    const made = device.subscriptions.length;
    await observe(observed('/3303/0', { minMs: 500, maxMs: 10_000, step: 1 }));
    expect(device.subscriptions.length).toBe(made); // modified, not made again
    expect(device.live().map((s) => [s.pointIds, s.modified])).toEqual([
      [['/3303/0/5601'], [{ samplingIntervalMs: 500, deadband: 1 }]],
      [['/3303/0/5700'], [{ samplingIntervalMs: 500, deadband: 10 }]],
    ]);
    // pmax shorter than the default sampling: sampled at least that often; never under minPollMs
    await observe(observed('/3303/0/5601', { maxMs: 20 }));
    expect(device.live().map((s) => [s.pointIds, s.options])).toEqual([
      [['/3303/0/5601'], { samplingIntervalMs: 50 }],
    ]);
  });

  it('closes and subscribes again when the adapter cannot modify', async () => {
    const { device, observe } = await setup({ modify: false });
    await observe(observed('/3303/0/5601'));
    const [first] = device.subscriptions;
    await observe(observed('/3303/0/5601', { pminMs: 5000 }));
    expect(first?.closed).toBe(true);
    expect(device.live().map((s) => s.options)).toEqual([{ samplingIntervalMs: 5000 }]);
  });

  it('closes subscriptions on cancel: a late delivery is dropped and Reads go to the device again', async () => {
    const { device, runner, observe, changes } = await setup();
    await observe(observed('/3303/0/5601'));
    const [subscription] = device.subscriptions;
    await observe();
    expect(subscription?.closed).toBe(true);
    const reported = changes.length;
    subscription?.listener([{ pointId: '/3303/0/5601', ok: true, value: 7, timestamp: 1 }]);
    expect(changes.length).toBe(reported);
    const reads = device.reads.length;
    device.variables.set('min', 99);
    await runner.close(); // no subscription left behind, nothing throws
    expect(device.reads.length).toBe(reads);
    expect(device.live()).toEqual([]);
  });

  it('shows a lost connection as bad quality and notifies the values again without a new subscribe', async () => {
    const { device, runner, observe, changes, last } = await setup();
    await observe(observed('/3303/0/5601'));
    device.drop();
    await expect(runner.readPoint('/3303/0/5601')).rejects.toMatchObject({ code: 'DEVICE_UNREACHABLE' });
    expect(runner.stats()).toMatchObject({ badPoints: 1 });
    const reported = changes.length;
    device.restore();
    // the same value, back after a failure: reported, so observers learn it is good again
    expect(changes.length).toBe(reported + 1);
    expect(last('/3303/0/5601')).toEqual(float(100));
    expect(await runner.readPoint('/3303/0/5601')).toEqual(float(100));
    expect(device.subscriptions.length).toBe(1);
  });

  it('retries a subscribe that failed, the points answering its error meanwhile', async () => {
    const { clock, device, runner, observe } = await setup();
    device.failSubscribe = new CodedError('DEVICE_UNREACHABLE', 'not yet');
    await observe(observed('/3303/0/5601'));
    expect(device.live()).toEqual([]);
    await expect(runner.readPoint('/3303/0/5601')).rejects.toMatchObject({ code: 'DEVICE_UNREACHABLE' });
    device.failSubscribe = undefined;
    await clock.advance(1000);
    await runner.subscriptionsSettled();
    expect(device.live().map((s) => s.pointIds)).toEqual([['/3303/0/5601']]);
  });
});

describe('array and time points', () => {
  function handlers(runner: DeviceRunner, objectId: number, resourceId: number): ResourceHandlers {
    const instances = runner.objectDeclarations().get(objectId)?.instances as Map<
      number,
      Map<number, unknown>
    >;
    return instances.get(0)?.get(resourceId) as ResourceHandlers;
  }
  const context = { path: LwM2mPath.parse('/3/0/7') };

  it('reads an array point as every resource instance and notifies the resource when it changes', async () => {
    const { clock, device, runner, observe, last } = await setup();
    const reading = handlers(runner, 3, 7).read?.(context);
    await clock.endTurn();
    expect(await reading).toEqual([
      { type: 'integer', value: 230 },
      { type: 'integer', value: 231 },
    ]);
    await observe(observed('/3/0/7'));
    device.set('volts', [229, 231, 5]);
    expect(last('/3/0/7')).toEqual([
      { type: 'integer', value: 229 },
      { type: 'integer', value: 231 },
      { type: 'integer', value: 5 },
    ]);
  });

  it('writes an array point as a whole, validated before anything is sent', async () => {
    const { device, runner } = await setup();
    const resource = handlers(runner, 13, 0);
    const written = new Map<number, ResourceValue>([
      [0, { type: 'integer', value: 4 }],
      [1, { type: 'integer', value: 5 }],
    ]);
    await resource.validate?.(written, context);
    await resource.write?.(written, context);
    expect(device.writes).toEqual([{ pointId: '/13/0/0', value: [4, 5] }]);
    const gap = new Map<number, ResourceValue>([[1, { type: 'integer', value: 5 }]]);
    expect(() => resource.validate?.(gap, context)).toThrow(
      expect.objectContaining({ code: 'WRITE_VALUE_INVALID' }),
    );
    expect(device.writes).toHaveLength(1);
  });

  it('reads a time point as whole seconds and writes a date', async () => {
    const { clock, device, runner } = await setup();
    const resource = handlers(runner, 3, 13);
    const reading = resource.read?.(context);
    await clock.endTurn();
    expect(await reading).toEqual({ type: 'time', value: new Date('2026-12-06T01:00:00Z') });
    const value: ResourceValue = { type: 'time', value: new Date('2027-01-01T00:00:00Z') };
    await resource.validate?.(value, context);
    await resource.write?.(value, context);
    expect(device.writes).toEqual([{ pointId: '/3/0/13', value: new Date('2027-01-01T00:00:00Z') }]);
  });
});
