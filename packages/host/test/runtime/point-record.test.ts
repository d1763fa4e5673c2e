/**
 * PointRecord.holdsRaw: a good value knows the device value (number or boolean) it was converted
 * from, so a poll that reads it again has nothing to convert; anything else is converted again.
 */
import { CodedError } from '@lwm2m-adapters/errors';
import type { CompiledBoundPoint } from '@lwm2m-adapters/mapping';
import { beforeEach, describe, expect, it } from 'vitest';
import { recordFailedReading, recordGoodReading } from '../../src/runtime/device/point-cache.js';
import { PointRecord } from '../../src/runtime/device/point-record.js';
import { FakeClock } from './support/fake-clock.js';
import { ScriptedDevice, scriptedDevice } from './support/scripted-adapter.js';

const MAPPING = `version: 1
devices:
  - id: boiler
    adapter: scripted
    connection: {}
    points:
      /3303/0/5700: { source: { register: 0 } }
`;

let point: CompiledBoundPoint;
let record: PointRecord;

/** A good reading of `value` converted from `raw`, as the read pass records it. */
function good(raw: number | boolean | string, value: number | boolean | string): void {
  const type = typeof value === 'number' ? 'float' : typeof value === 'boolean' ? 'boolean' : 'string';
  recordGoodReading(record, { type, value } as never, 1, 1, () => false);
  record.rememberRaw(raw);
}

beforeEach(async () => {
  const device = await scriptedDevice(MAPPING, new ScriptedDevice(new FakeClock()));
  point = device.points[0] as CompiledBoundPoint;
  record = new PointRecord(point);
});

describe('PointRecord.holdsRaw', () => {
  it('knows nothing before a good reading', () => {
    expect(record.holdsRaw(0)).toBe(false);
    expect(record.holdsRaw(Number.NaN)).toBe(false);
    expect(record.holdsRaw(false)).toBe(false);
  });

  it('holds the number a good value came from, and no other', () => {
    good(215, 21.5);
    expect(record.holdsRaw(215)).toBe(true);
    expect(record.holdsRaw(216)).toBe(false);
    expect(record.holdsRaw(215n)).toBe(false);
    expect(record.holdsRaw('215')).toBe(false);
    expect(record.holdsRaw(true)).toBe(false);
    good(-0.5, -0.5);
    expect(record.holdsRaw(-0.5)).toBe(true);
    expect(record.holdsRaw(215)).toBe(false);
  });

  it('never holds NaN, strings or other values (they are converted again)', () => {
    good(Number.NaN, Number.NaN);
    expect(record.holdsRaw(Number.NaN)).toBe(false);
    good('on', 'on');
    expect(record.holdsRaw('on')).toBe(false);
  });

  it('holds a boolean by its value', () => {
    good(true, true);
    expect(record.holdsRaw(true)).toBe(true);
    expect(record.holdsRaw(false)).toBe(false);
    expect(record.holdsRaw(1)).toBe(false);
    good(false, false);
    expect(record.holdsRaw(false)).toBe(true);
    expect(record.holdsRaw(true)).toBe(false);
  });

  it('holds nothing while the point is bad, and again once a good value is recorded', () => {
    good(7, 7);
    recordFailedReading(record, new CodedError('DEVICE_TIMEOUT', 'no answer'), 2);
    expect(record.holdsRaw(7)).toBe(false);
    good(7, 7);
    expect(record.holdsRaw(7)).toBe(true);
  });

  it('forgets when its point is replaced', () => {
    good(7, 7);
    record.point = point;
    expect(record.holdsRaw(7)).toBe(false);
  });
});
