/**
 * ReadBatcher on a fake clock: reads asked in one turn go out as one batch when the turn ends, a
 * point asked twice is read once, each waiter gets its point's recorded outcome, the bound on
 * waiting points answers DEVICE_BUSY, and close() fails what has not gone out without reading it.
 */
import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import type { ResourceValue } from '@lwm2m-adapters/lwm2m-core';
import { describe, expect, it } from 'vitest';
import { ReadBatcher } from '../../src/runtime/device/read-batcher.js';
import { FakeClock } from './support/fake-clock.js';

const celsius = (value: number): ResourceValue => ({ type: 'float', value });

/** A batcher over a recorded "device": `outcomes` is what the last read recorded per point. */
function harness(maxPending?: number) {
  const clock = new FakeClock();
  const batches: string[][] = [];
  const outcomes = new Map<string, ResourceValue | CodedError>();
  let release: (() => void) | undefined;
  let holding = false;
  const batcher = new ReadBatcher({
    deviceId: 'plc',
    clock,
    read: async (pointIds) => {
      batches.push([...pointIds]);
      if (holding) await new Promise<void>((resolve) => (release = resolve));
    },
    recorded: (pointId) => {
      const outcome = outcomes.get(pointId);
      if (outcome === undefined) throw new CodedError('DEVICE_FAILURE', `no value for ${pointId}`);
      if (outcome instanceof CodedError) throw outcome;
      return outcome;
    },
    ...(maxPending === undefined ? {} : { maxPending }),
  });
  const hold = () => {
    holding = true;
  };
  return { clock, batches, outcomes, batcher, hold, release: () => release?.() };
}

const settled = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

describe('ReadBatcher', () => {
  it('reads the points asked in one turn with one call when the turn ends, each once', async () => {
    const { clock, batches, outcomes, batcher } = harness();
    outcomes.set('a', celsius(21.5));
    outcomes.set('b', celsius(-3.25));
    const reads = [batcher.read('a'), batcher.read('b'), batcher.read('a')];
    // nothing goes out before the turn ends
    expect(batches).toEqual([]);
    expect(batcher.pending).toBe(2);
    expect(clock.queuedTurnCallbacks).toBe(1);
    await clock.endTurn();
    expect(batches).toEqual([['a', 'b']]);
    expect(await Promise.all(reads)).toEqual([celsius(21.5), celsius(-3.25), celsius(21.5)]);
    expect(batcher.pending).toBe(0);

    // the next turn is the next batch
    const next = batcher.read('b');
    await clock.endTurn();
    expect(batches).toEqual([['a', 'b'], ['b']]);
    expect(await next).toEqual(celsius(-3.25));
  });

  it("gives every waiter its point's recorded outcome, errors included", async () => {
    const { clock, outcomes, batcher } = harness();
    const timeout = new CodedError('DEVICE_TIMEOUT', 'no answer');
    outcomes.set('a', celsius(1));
    outcomes.set('b', timeout);
    const reads = [batcher.read('a'), batcher.read('b'), batcher.read('c')].map(settled);
    await clock.endTurn();
    const [a, b, c] = await Promise.all(reads);
    expect(a).toEqual({ value: celsius(1) });
    expect(b).toEqual({ error: timeout });
    expect(isCodedError((c as { error: unknown }).error, 'DEVICE_FAILURE')).toBe(true);
  });

  it('answers DEVICE_BUSY past the bound of distinct waiting points; a point already waiting still joins', async () => {
    const { clock, batches, outcomes, batcher } = harness(2);
    outcomes.set('a', celsius(1));
    outcomes.set('b', celsius(2));
    const a = batcher.read('a');
    const b = batcher.read('b');
    const refused = await settled(batcher.read('c'));
    expect(isCodedError((refused as { error: unknown }).error, 'DEVICE_BUSY')).toBe(true);
    const again = batcher.read('a');
    await clock.endTurn();
    expect(batches).toEqual([['a', 'b']]);
    expect(await Promise.all([a, b, again])).toEqual([celsius(1), celsius(2), celsius(1)]);
  });

  it('close() fails the reads waiting for their turn without reading them, and refuses later ones', async () => {
    const { clock, batches, batcher } = harness();
    const waiting = [batcher.read('a'), batcher.read('b')].map(settled);
    batcher.close();
    batcher.close();
    expect(batcher.pending).toBe(0);
    for (const outcome of await Promise.all(waiting)) {
      expect(isCodedError((outcome as { error: unknown }).error, 'SESSION_CLOSED')).toBe(true);
    }
    const later = await settled(batcher.read('a'));
    expect(isCodedError((later as { error: unknown }).error, 'SESSION_CLOSED')).toBe(true);
    await clock.endTurn();
    expect(batches).toEqual([]);
  });

  it('lets a batch already out finish after close(): its waiters get what the read recorded', async () => {
    const { clock, batches, outcomes, batcher, hold, release } = harness();
    hold();
    const read = batcher.read('a');
    await clock.endTurn();
    expect(batches).toEqual([['a']]);
    batcher.close();
    // the session settles its pending calls on close: here, with a recorded error
    outcomes.set('a', new CodedError('SESSION_CLOSED', 'closed'));
    release();
    const outcome = await settled(read);
    expect(isCodedError((outcome as { error: unknown }).error, 'SESSION_CLOSED')).toBe(true);
  });
});
