import { CodedError } from '@lwm2m-adapters/errors';
import { describe, expect, it } from 'vitest';
import { collectReadings } from '../src/index.js';

describe('collectReadings', () => {
  it('makes one reading per id asked, in order, from what readInto gave (the first outcome of an index)', async () => {
    const busy = new CodedError('DEVICE_BUSY', 'queue full');
    const readings = await collectReadings(['a', 'b', 'c'], async (sink) => {
      sink.value(2, 3.5, 30);
      sink.error(0, busy, 10);
      sink.value(1, true, 20);
      sink.value(1, false, 21); // a second outcome for b
      sink.value(3, 'past the list', 40);
      sink.value(-1, 'before it', 40);
    });
    expect(readings).toEqual([
      { pointId: 'a', ok: false, error: busy, timestamp: 10 },
      { pointId: 'b', ok: true, value: true, timestamp: 20 },
      { pointId: 'c', ok: true, value: 3.5, timestamp: 30 },
    ]);
  });

  it('fails an index readInto gave nothing for, and passes a rejection on', async () => {
    const readings = await collectReadings(['a', 'b'], async (sink) => sink.value(0, 1, 5));
    expect(readings[0]).toEqual({ pointId: 'a', ok: true, value: 1, timestamp: 5 });
    expect(readings[1]).toMatchObject({ pointId: 'b', ok: false, error: { code: 'DEVICE_FAILURE' } });
    const broke = new Error('socket broke');
    await expect(
      collectReadings(['a'], async () => {
        throw broke;
      }),
    ).rejects.toBe(broke);
  });
});
