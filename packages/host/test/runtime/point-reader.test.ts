/**
 * PointReader on a fake clock: an adapter read's outcomes land in the points' records (converted
 * value with the adapter's stamp, recorded at the host's time), changes are reported with their value, a
 * failure keeps the last good value, a conversion failure is a failed reading, the first failure
 * of a point is logged and repeats are not, and the read's duration comes from the clock.
 */
import { CodedError } from '@lwm2m-adapters/errors';
import type { LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import type { PointValue } from '@lwm2m-adapters/mapping';
import type { AdapterLogger, PointReading, RawValue } from '@lwm2m-adapters/sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CachedPoint } from '../../src/runtime/device/point-cache.js';
import { PointReader, type ReadOutcome } from '../../src/runtime/device/point-reader.js';
import { PointRecord } from '../../src/runtime/device/point-record.js';
import { deliverReadings } from '../../src/runtime/device/supervised-reading-sink.js';
import { FakeClock } from './support/fake-clock.js';
import { ScriptedDevice, scriptedDevice } from './support/scripted-adapter.js';

const MAPPING = `version: 1
devices:
  - id: boiler
    adapter: scripted
    connection: {}
    points:
      /3303/0/5700: { source: { register: 0 }, scale: 0.1 }
      /3303/0/5601: { source: { register: 2 }, scale: 0.1 }
`;
const TEMPERATURE = '/3303/0/5700';
const MINIMUM = '/3303/0/5601';

let clock: FakeClock;
let points: Map<string, PointRecord>;
let changes: [string, PointValue][];
let afterWrite: boolean[];
let outcomes: ReadOutcome[];
let warnings: Record<string, unknown>[];
/** What the next adapter read returns (and how long it takes on the fake clock). */
let next: { readings: (at: number) => PointReading[]; takesMs: number };
let reader: PointReader;

const logger: AdapterLogger = {
  debug: () => {},
  info: () => {},
  warn: (fields) => warnings.push(fields),
  error: () => {},
};

/** A point's record as the cache's reader sees it. */
function cached(pointId: string): CachedPoint {
  const { value, valueAt, quality, error, readAt } = points.get(pointId)!;
  return { value, valueAt, quality, error, readAt };
}

const good = (pointId: string, value: RawValue, timestamp: number): PointReading => ({
  pointId,
  ok: true,
  value,
  timestamp,
});

beforeEach(async () => {
  clock = new FakeClock();
  const device = await scriptedDevice(MAPPING, new ScriptedDevice(clock));
  points = new Map();
  for (const point of device.points) {
    if (point.kind === 'bound') points.set(point.id, new PointRecord(point));
  }
  changes = [];
  afterWrite = [];
  outcomes = [];
  warnings = [];
  next = { readings: () => [], takesMs: 0 };
  reader = new PointReader({
    deviceId: 'boiler',
    points,
    read: async (ids, sink) => {
      // the adapter stamps its readings when the device answered, before the host records them
      const answeredAt = clock.now();
      await clock.advance(next.takesMs);
      deliverReadings(ids, next.readings(answeredAt), sink);
    },
    clock,
    logger,
    onValueChanged: (point, written) => {
      changes.push([point.reportedPath.toString(), point.currentValue()]);
      afterWrite.push(written);
    },
    onRead: (outcome) => outcomes.push(outcome),
  });
});

describe('PointReader', () => {
  it('records converted values with the adapter stamp, at the host time, and reports changes with their value', async () => {
    const start = clock.now();
    next = { readings: (at) => [good(TEMPERATURE, 215, at), good(MINIMUM, -30, at)], takesMs: 25 };
    await reader.read([TEMPERATURE, MINIMUM], 'poll');
    expect(cached(TEMPERATURE)).toEqual({
      value: { type: 'float', value: 21.5 },
      valueAt: start,
      quality: 'good',
      error: undefined,
      readAt: start + 25,
    });
    expect(changes).toEqual([
      [TEMPERATURE, { type: 'float', value: 21.5 }],
      [MINIMUM, { type: 'float', value: -3 }],
    ]);
    expect(outcomes).toEqual([{ durationMs: 25, points: 2, failed: 0, background: true }]);

    // the same value again is no change; a new one is
    next = { readings: (at) => [good(TEMPERATURE, 215, at), good(MINIMUM, -31, at)], takesMs: 4 };
    await reader.read([TEMPERATURE, MINIMUM], 'on-demand');
    expect(changes.slice(2)).toEqual([[MINIMUM, { type: 'float', value: -3.1 }]]);
    expect(outcomes[1]).toEqual({ durationMs: 4, points: 2, failed: 0, background: false });
    expect(reader.counters).toEqual({
      adapterReads: 2,
      pointReads: 4,
      readErrors: 0,
      changes: 3,
      deliveries: 0,
    });
  });

  it('keeps the last good value on a failure, logs the first failure only, and reports the recovery', async () => {
    next = { readings: (at) => [good(TEMPERATURE, 215, at)], takesMs: 0 };
    await reader.read([TEMPERATURE], 'poll');
    const timeout = new CodedError('DEVICE_TIMEOUT', 'no answer');
    next = {
      readings: (at) => [{ pointId: TEMPERATURE, ok: false, error: timeout, timestamp: at }],
      takesMs: 10,
    };
    await reader.read([TEMPERATURE], 'poll');
    await reader.read([TEMPERATURE], 'poll');
    expect(cached(TEMPERATURE)).toMatchObject({
      value: { type: 'float', value: 21.5 },
      quality: 'bad',
      error: timeout,
    });
    expect(warnings).toEqual([
      { deviceId: 'boiler', point: TEMPERATURE, code: 'DEVICE_TIMEOUT', message: 'no answer' },
    ]);
    expect(outcomes.map((o) => o.failed)).toEqual([0, 1, 1]);

    // the same value after a failure: a recovery, reported like a change
    next = { readings: (at) => [good(TEMPERATURE, 215, at)], takesMs: 0 };
    await reader.read([TEMPERATURE], 'poll');
    expect(changes).toEqual([
      [TEMPERATURE, { type: 'float', value: 21.5 }],
      [TEMPERATURE, { type: 'float', value: 21.5 }],
    ]);
    expect(reader.counters).toEqual({
      adapterReads: 4,
      pointReads: 4,
      readErrors: 2,
      changes: 2,
      deliveries: 0,
    });
  });

  it("marks a change found by a write's re-read, which counts as a background read", async () => {
    next = { readings: (at) => [good(TEMPERATURE, 215, at)], takesMs: 0 };
    await reader.read([TEMPERATURE], 'poll');
    next = { readings: (at) => [good(TEMPERATURE, 230, at)], takesMs: 3 };
    await reader.read([TEMPERATURE], 'after-write');
    expect(changes).toEqual([
      [TEMPERATURE, { type: 'float', value: 21.5 }],
      [TEMPERATURE, { type: 'float', value: 23 }],
    ]);
    expect(afterWrite).toEqual([false, true]);
    expect(outcomes.map((o) => o.background)).toEqual([true, true]);
  });

  it('records a value that does not convert as a failed reading, and ignores points it does not know', async () => {
    next = {
      readings: (at) => [good(TEMPERATURE, 'hot', at), good('/9/9/9', 1, at), good(MINIMUM, 10, at)],
      takesMs: 0,
    };
    await reader.read([TEMPERATURE, '/9/9/9', MINIMUM], 'poll');
    expect(cached(TEMPERATURE)).toMatchObject({ quality: 'bad', value: undefined });
    expect(cached(TEMPERATURE).error?.code).toBe('DEVICE_RESPONSE_INVALID');
    expect(cached(MINIMUM).value).toEqual({ type: 'float', value: 1 });
    expect(changes).toEqual([[MINIMUM, { type: 'float', value: 1 }]]);
    expect(reader.counters).toEqual({
      adapterReads: 1,
      pointReads: 2,
      readErrors: 1,
      changes: 1,
      deliveries: 0,
    });
    expect(outcomes).toEqual([{ durationMs: 0, points: 3, failed: 1, background: true }]);
  });

  it('keeps reading when the change listener or the metrics callback throws', async () => {
    const throwing = new PointReader({
      deviceId: 'boiler',
      points,
      read: async (ids, sink) =>
        deliverReadings(
          ids,
          ids.map((id) => good(id, 100, clock.now())),
          sink,
        ),
      clock,
      logger,
      onValueChanged: () => {
        throw new Error('listener broke');
      },
      onRead: () => {
        throw new Error('metrics broke');
      },
    });
    await throwing.read([TEMPERATURE], 'poll');
    expect(cached(TEMPERATURE).value).toEqual({ type: 'float', value: 10 });
    expect(warnings).toMatchObject([{ point: TEMPERATURE, err: new Error('listener broke') }]);
    expect(throwing.counters.changes).toBe(1);
  });

  it("reports changes under the record's report prefix, with one path object per point", async () => {
    const reported: LwM2mPath[] = [];
    const prefixed = new Map([[TEMPERATURE, new PointRecord(points.get(TEMPERATURE)!.point, 'dev1')]]);
    const gatewayReader = new PointReader({
      deviceId: 'boiler',
      points: prefixed,
      read: async (ids, sink) =>
        deliverReadings(
          ids,
          ids.map((id) => good(id, reported.length, clock.now())),
          sink,
        ),
      clock,
      logger,
      onValueChanged: (point) => reported.push(point.reportedPath),
    });
    await gatewayReader.read([TEMPERATURE], 'poll');
    await gatewayReader.read([TEMPERATURE], 'poll');
    expect(reported.map(String)).toEqual([`/dev1${TEMPERATURE}`, `/dev1${TEMPERATURE}`]);
    expect(reported[1]).toBe(reported[0]);
    // planning still sees the point's own path
    expect(prefixed.get(TEMPERATURE)!.path.toString()).toBe(TEMPERATURE);
    // without a prefix, the reported path is the point's own, the same object every time
    const own = points.get(TEMPERATURE)!;
    expect(own.reportedPath).toBe(own.path);
    expect(own.reportedPath.toString()).toBe(TEMPERATURE);
  });

  it('takes outcomes by index: the first of each counts, others and late ones are dropped, a missing one fails', async () => {
    let late: (() => void) | undefined;
    const indexed = new PointReader({
      deviceId: 'boiler',
      points,
      read: async (_ids, sink) => {
        sink.value(1, 20, clock.now());
        sink.value(1, 99, clock.now()); // a second outcome for index 1
        sink.value(2, 1, clock.now()); // past the list
        sink.value(-1, 1, clock.now());
        sink.value(0.5, 1, clock.now());
        late = () => sink.value(0, 1, clock.now());
        // index 0 never given
      },
      clock,
      logger,
      onValueChanged: (point) => changes.push([point.reportedPath.toString(), point.currentValue()]),
      onRead: (outcome) => outcomes.push(outcome),
    });
    await indexed.read([TEMPERATURE, MINIMUM], 'poll');
    expect(cached(MINIMUM).value).toEqual({ type: 'float', value: 2 });
    expect(cached(TEMPERATURE)).toMatchObject({ quality: 'bad', value: undefined });
    expect(cached(TEMPERATURE).error?.code).toBe('DEVICE_FAILURE');
    expect(cached(TEMPERATURE).error?.message).toBe(
      'boiler: the adapter gave no reading for 1 of the 2 points read',
    );
    expect(outcomes).toEqual([{ durationMs: 0, points: 2, failed: 1, background: true }]);
    late!();
    expect(cached(TEMPERATURE).quality).toBe('bad');
    expect(changes).toEqual([[MINIMUM, { type: 'float', value: 2 }]]);
    expect(indexed.counters).toMatchObject({ pointReads: 2, readErrors: 1, changes: 1 });
  });

  it('stamps a value it was converted from already, and converts it again once the point is retuned', async () => {
    next = { readings: (at) => [good(TEMPERATURE, 215, at)], takesMs: 0 };
    await reader.read([TEMPERATURE], 'poll');
    const record = points.get(TEMPERATURE)!;
    expect(record.holdsRaw(215)).toBe(true);
    await clock.advance(1000);
    await reader.read([TEMPERATURE], 'poll');
    expect(cached(TEMPERATURE)).toMatchObject({
      value: { type: 'float', value: 21.5 },
      valueAt: clock.now(),
    });
    expect(changes).toHaveLength(1);

    // a retuned point may convert differently: the same device value is converted again
    const scaled = await scriptedDevice(
      MAPPING.replace('scale: 0.1 }', 'scale: 0.2 }'),
      new ScriptedDevice(clock),
    );
    record.point = scaled.points.find((p) => p.id === TEMPERATURE) as PointRecord['point'];
    expect(record.holdsRaw(215)).toBe(false);
    await reader.read([TEMPERATURE], 'poll');
    expect(changes.at(-1)).toEqual([TEMPERATURE, { type: 'float', value: 43 }]);
  });
});
