/**
 * PointCache.recordValue: what a poll reports as a change, and the timestamps it keeps; a number
 * recorded in place gives the same outcome as its value object.
 */
import { CodedError } from '@lwm2m-adapters/errors';
import { pointValuesEqual as valuesEqual } from '@lwm2m-adapters/mapping';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  type CacheEntry,
  PointCache,
  recordFailedReading,
  recordGoodNumber,
  recordGoodReading,
  valueSnapshot,
} from '../../src/runtime/device/point-cache.js';

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

it('keeps its own copy: a value given or handed out is never changed by a later reading', () => {
  const cache = new PointCache();
  const first = float(1);
  cache.recordValue('t', first, 100, 100, valuesEqual);
  const handedOut = cache.get('t').value;
  const fresh = cache.fresh('t', 100, 1_000)?.value;
  expect(cache.recordValue('t', float(2), 200, 200, valuesEqual)).toBe(true);
  expect(cache.recordValue('t', { type: 'integer', value: 7 }, 300, 300, valuesEqual)).toBe(true);
  expect(first).toEqual(float(1));
  expect(handedOut).toEqual(float(1));
  expect(fresh).toEqual(float(1));
  expect(cache.get('t').value).toEqual({ type: 'integer', value: 7 });
  // an array point's values are kept as given (a new array per change), scalars again after it
  const array = [float(1), float(2)];
  expect(cache.recordValue('t', array, 400, 400, valuesEqual)).toBe(true);
  expect(cache.get('t').value).toEqual([float(1), float(2)]);
  expect(cache.recordValue('t', float(3), 500, 500, valuesEqual)).toBe(true);
  expect(array).toEqual([float(1), float(2)]);
  expect(cache.get('t').value).toEqual(float(3));
});

it('a failed read keeps the good value and marks it bad; invalidate forgets only when it was read', () => {
  const cache = new PointCache();
  cache.recordValue('t', float(5), 100, 110, valuesEqual);
  const previous = cache.setError('t', new CodedError('DEVICE_TIMEOUT', 'no reply'), 120);
  expect(previous).toMatchObject({ value: float(5), quality: 'good', readAt: 110 });
  expect(cache.get('t')).toMatchObject({ value: float(5), valueAt: 100, quality: 'bad', readAt: 120 });
  cache.invalidate('t');
  expect(cache.get('t')).toMatchObject({ value: float(5), quality: 'bad', readAt: 0 });
  expect(cache.fresh('t', 130, 1_000)).toBeUndefined();
  expect(cache.setError('u', new CodedError('DEVICE_TIMEOUT', 'no reply'), 5)).toMatchObject({ readAt: 0 });
  expect(cache.get('u')).toMatchObject({ value: undefined, quality: 'bad', readAt: 5 });
});

it('writes a number over the held number in place, and any other kind of value over any other', () => {
  const entry: CacheEntry = { value: undefined, valueAt: 0, quality: 'bad', error: undefined, readAt: 0 };
  recordGoodReading(entry, { type: 'integer', value: 171 }, 1, 1, valuesEqual);
  const held = entry.value;
  // a poll's next number (integer or float) lands in the same object: nothing new lives on
  expect(recordGoodReading(entry, float(171.1), 2, 2, valuesEqual)).toBe(true);
  expect(entry.value).toBe(held);
  expect(recordGoodReading(entry, { type: 'unsigned', value: 3 }, 3, 3, valuesEqual)).toBe(true);
  expect(entry.value).toBe(held);
  expect(valueSnapshot(entry)).toEqual({ type: 'unsigned', value: 3 });
  // a snapshot is a plain value of its own, not the held object
  expect(valueSnapshot(entry)).not.toBe(held);
  expect(Object.getPrototypeOf(valueSnapshot(entry))).toBe(Object.prototype);
  // other kinds: a string, a bigint, a boolean, then a number again; each read back as given
  const sequence = [
    { type: 'string', value: 'Cel' },
    { type: 'integer', value: 2n ** 60n },
    { type: 'boolean', value: false },
    { type: 'boolean', value: true },
    float(-0.5),
    { type: 'string', value: 'K' },
  ] as const;
  for (const [i, value] of sequence.entries()) {
    expect(recordGoodReading(entry, value, 10 + i, 10 + i, valuesEqual)).toBe(true);
    expect(valueSnapshot(entry)).toEqual(value);
    expect(entry.valueAt).toBe(10 + i);
  }
});

it('records a number in place (recordGoodNumber) as recordGoodReading records its value object', () => {
  const entry = (): CacheEntry => ({
    value: undefined,
    valueAt: 0,
    quality: 'bad',
    error: undefined,
    readAt: 0,
  });
  const type = fc.constantFrom('float' as const, 'integer' as const, 'unsigned' as const);
  const number = fc.oneof(fc.constantFrom(0, -0, 1, Number.NaN, 2.5), fc.double());
  const step = fc.oneof(
    fc.record({ kind: fc.constant('number' as const), type, number }),
    fc.record({ kind: fc.constant('failure' as const) }),
  );
  fc.assert(
    fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
      const byNumber = entry();
      const byObject = entry();
      const slot = { value: 0 };
      steps.forEach((s, i) => {
        if (s.kind === 'failure') {
          const error = new CodedError('DEVICE_TIMEOUT', 'no reply');
          expect(recordFailedReading(byNumber, error, i)).toBe(recordFailedReading(byObject, error, i));
          return;
        }
        slot.value = s.number;
        const value = { type: s.type, value: s.number };
        expect(recordGoodNumber(byNumber, s.type, slot, i, i + 1)).toBe(
          recordGoodReading(byObject, value, i, i + 1, valuesEqual),
        );
        expect(valueSnapshot(byNumber)).toEqual(valueSnapshot(byObject));
        expect({ ...byNumber, value: undefined }).toEqual({ ...byObject, value: undefined });
      });
    }),
    { numRuns: 500 },
  );
});
