/** PointCache.recordValue: what a poll reports as a change, and the timestamps it keeps. */
import { CodedError } from '@lwm2m-adapters/errors';
import { pointValuesEqual as valuesEqual } from '@lwm2m-adapters/mapping';
import { expect, it } from 'vitest';
import { PointCache } from '../../src/runtime/device/point-cache.js';

const float = (value: number) => ({ type: 'float' as const, value });

it('reports the first value, a change and a recovery, not a repeat; the repeat still refreshes the times', () => {
  const cache = new PointCache();
  expect(cache.recordValue('t', float(21.5), 100, 110, valuesEqual)).toBe(true);
  expect(cache.recordValue('t', float(21.5), 200, 210, valuesEqual)).toBe(false);
  expect(cache.get('t')).toEqual({
    value: float(21.5),
    valueAt: 200,
    quality: 'good',
    error: undefined,
    readAt: 210,
  });
  expect(cache.recordValue('t', float(22), 300, 310, valuesEqual)).toBe(true);
  expect(cache.get('t').value).toEqual(float(22));
  cache.setError('t', new CodedError('DEVICE_TIMEOUT', 'no reply'), 400);
  expect(cache.get('t')).toMatchObject({ value: float(22), quality: 'bad', readAt: 400 });
  expect(cache.recordValue('t', float(22), 500, 510, valuesEqual)).toBe(true);
  expect(cache.get('t')).toEqual({
    value: float(22),
    valueAt: 500,
    quality: 'good',
    error: undefined,
    readAt: 510,
  });
});
