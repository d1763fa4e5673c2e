/**
 * SendBatcher: full batches at once, partial ones after the interval, a path changed twice sent
 * once, at most maxInFlight Sends outstanding, nothing lost while they are, drops counted when a Send
 * cannot go.
 */

import type { SendEntry, SendResult } from '@lwm2m-adapters/lwm2m-client';
import { LwM2mPath, type ResourceValue } from '@lwm2m-adapters/lwm2m-core';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SendBatcher } from '../../src/runtime/topology/send-batcher.js';

const logger = pino({ level: 'silent' });
const path = (i: number): LwM2mPath => LwM2mPath.parse(`/3303/${i}/5700`);
const celsius = (value: number): ResourceValue => ({ type: 'float', value });

/** A Send the test completes by hand, recording what each call carried. */
class ScriptedSend {
  readonly calls: string[][] = [];
  /** What each call carried: path and value. */
  readonly entries: (readonly SendEntry[])[] = [];
  readonly #waiting: Array<(result: SendResult) => void> = [];
  inFlight = 0;
  maxInFlight = 0;

  readonly send = (entries: readonly SendEntry[]): Promise<SendResult> => {
    this.calls.push(entries.map((entry) => entry.path.toString()));
    this.entries.push(entries);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise((resolve) => {
      this.#waiting.push((result) => {
        this.inFlight--;
        resolve(result);
      });
    });
  };

  complete(result: SendResult = { status: 'sent', messages: 1 }): void {
    const next = this.#waiting.shift();
    if (next === undefined) throw new Error('no Send in flight');
    next(result);
  }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('SendBatcher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a partial batch after the interval, each path once with its latest value', async () => {
    const peer = new ScriptedSend();
    const batcher = new SendBatcher({ client: peer, intervalMs: 100, maxValues: 10, logger });
    batcher.add(path(1), celsius(20));
    batcher.add(path(2), celsius(21));
    batcher.add(path(1), celsius(22));
    await vi.advanceTimersByTimeAsync(99);
    expect(peer.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(peer.calls).toEqual([['/3303/1/5700', '/3303/2/5700']]);
    // the values travel with the paths: the engine builds the Send without reading anything back
    expect(peer.entries[0]?.map((entry) => [entry.path.toString(), entry.value])).toEqual([
      ['/3303/1/5700', celsius(22)],
      ['/3303/2/5700', celsius(21)],
    ]);
    peer.complete();
    await settle();
    expect(batcher.stats()).toMatchObject({ batches: 1, messages: 1, values: 2, pending: 0, dropped: 0 });
  });

  it('sends a full batch at once and never more than maxInFlight Sends at a time', async () => {
    const peer = new ScriptedSend();
    const batcher = new SendBatcher({ client: peer, intervalMs: 100, maxValues: 3, maxInFlight: 1, logger });
    for (let i = 0; i < 3; i++) batcher.add(path(i), celsius(i));
    expect(peer.calls).toHaveLength(1);
    // while it is in flight, seven more changes arrive: they wait, no second Send starts
    for (let i = 3; i < 10; i++) batcher.add(path(i), celsius(i));
    await vi.advanceTimersByTimeAsync(500);
    expect(peer.calls).toHaveLength(1);
    expect(batcher.stats().pending).toBe(7);
    // the first completes: the two full batches waiting go one after the other
    peer.complete();
    await settle();
    expect(peer.calls).toHaveLength(2);
    peer.complete();
    await settle();
    expect(peer.calls).toHaveLength(3);
    peer.complete();
    await settle();
    // the last one (a single path) goes at once too: its change has waited longer than the interval
    expect(peer.calls).toHaveLength(4);
    expect(peer.calls[3]).toHaveLength(1);
    peer.complete();
    await settle();
    expect(peer.maxInFlight).toBe(1);
    expect(peer.calls.flat().sort()).toEqual(Array.from({ length: 10 }, (_, i) => `/3303/${i}/5700`).sort());
    expect(batcher.stats()).toMatchObject({ batches: 4, values: 10, pending: 0 });
    // a change after all that waits for a fresh interval
    batcher.add(path(11), celsius(11));
    await vi.advanceTimersByTimeAsync(99);
    expect(peer.calls).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(peer.calls).toHaveLength(5);
    peer.complete();
  });

  it('bounds what waits by the distinct paths, however often they change', async () => {
    const peer = new ScriptedSend();
    const batcher = new SendBatcher({ client: peer, intervalMs: 100, maxValues: 100, logger });
    for (let round = 0; round < 1000; round++) for (let i = 0; i < 5; i++) batcher.add(path(i), celsius(i));
    expect(batcher.stats().pending).toBe(5);
    await vi.advanceTimersByTimeAsync(100);
    expect(peer.calls).toEqual([[0, 1, 2, 3, 4].map((i) => `/3303/${i}/5700`)]);
  });

  it('flush sends everything pending in full batches, after the Send in flight', async () => {
    const peer = new ScriptedSend();
    const batcher = new SendBatcher({
      client: peer,
      intervalMs: 10_000,
      maxValues: 2,
      maxInFlight: 1,
      logger,
    });
    batcher.add(path(0), celsius(0));
    batcher.add(path(1), celsius(1)); // full: goes now
    for (let i = 2; i < 7; i++) batcher.add(path(i), celsius(i));
    const flushed = batcher.flush();
    let done = false;
    void flushed.then(() => {
      done = true;
    });
    for (let sends = 0; sends < 4; sends++) {
      await settle();
      expect(done).toBe(false);
      peer.complete();
    }
    await flushed;
    expect(peer.calls.map((batch) => batch.length)).toEqual([2, 2, 2, 1]);
    expect(peer.maxInFlight).toBe(1);
  });

  it('keeps up to maxInFlight Sends outstanding; a completion lets the next batch go', async () => {
    const peer = new ScriptedSend();
    const batcher = new SendBatcher({ client: peer, intervalMs: 100, maxValues: 2, maxInFlight: 3, logger });
    for (let i = 0; i < 10; i++) batcher.add(path(i), celsius(i));
    expect(peer.calls).toHaveLength(3);
    expect(batcher.stats()).toMatchObject({ inFlight: 3, pending: 4 });
    peer.complete();
    await settle();
    expect(peer.calls).toHaveLength(4);
    for (let i = 0; i < 4; i++) {
      peer.complete();
      await settle();
    }
    expect(peer.calls).toHaveLength(5);
    expect(peer.maxInFlight).toBe(3);
    expect(batcher.stats()).toMatchObject({ inFlight: 0, pending: 0, batches: 5, values: 10 });
  });

  it('counts the values of a muted, rejected or failed Send as dropped, and goes on', async () => {
    const failing = {
      send: vi
        .fn<(entries: readonly SendEntry[]) => Promise<SendResult>>()
        .mockResolvedValueOnce({ status: 'muted', messages: 0 })
        .mockResolvedValueOnce({ status: 'rejected', messages: 0 })
        .mockRejectedValueOnce(new Error('socket closed'))
        .mockResolvedValue({ status: 'sent', messages: 1 }),
    };
    const batcher = new SendBatcher({ client: failing, intervalMs: 10, maxValues: 1, logger });
    for (let i = 0; i < 4; i++) batcher.add(path(i), celsius(i));
    await batcher.flush();
    expect(failing.send).toHaveBeenCalledTimes(4);
    expect(batcher.stats()).toMatchObject({ batches: 4, values: 1, dropped: 3, failures: 2, pending: 0 });
  });

  it('close sends what is pending, then takes no more; twice is harmless', async () => {
    const peer = new ScriptedSend();
    const batcher = new SendBatcher({ client: peer, intervalMs: 10_000, maxValues: 10, logger });
    batcher.add(path(1), celsius(1));
    const closed = batcher.close();
    await settle();
    expect(peer.calls).toEqual([['/3303/1/5700']]);
    peer.complete();
    await closed;
    await batcher.close();
    batcher.add(path(2), celsius(2));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(peer.calls).toHaveLength(1);
    expect(batcher.stats().pending).toBe(0);
  });

  it('refuses a batch size or in-flight limit that is not a positive integer', () => {
    const peer = new ScriptedSend();
    expect(() => new SendBatcher({ client: peer, intervalMs: 10, maxValues: 0, logger })).toThrow(
      /maxValues must be a positive integer/,
    );
    expect(
      () => new SendBatcher({ client: peer, intervalMs: 10, maxValues: 1, maxInFlight: 0, logger }),
    ).toThrow(/maxInFlight must be a positive integer/);
  });
});
