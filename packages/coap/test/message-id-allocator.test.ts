/**
 * MessageIdAllocator: an ID is never reused towards a peer within EXCHANGE_LIFETIME (after a CON)
 * or NON_LIFETIME (after a NON), RFC 7252 §4.4/§4.5, over simulated hours with a fake clock; when
 * all 65,536 are reserved it refuses instead of reusing.
 */
import { isCodedError } from '@lwm2m-adapters/errors';
import { describe, expect, it } from 'vitest';
import { prng } from '../../../test/support/fuzz.js';
import { MessageIdAllocator } from '../src/exchange/message-id-allocator.js';
import { FakeClock } from './coap-test-support.js';
import { CON_LIFETIME, MessageIdAudit, NON_LIFETIME } from './message-id-audit.js';

describe('MessageIdAllocator', () => {
  it('reserves an ID for 247 s after a CON and 145 s after a NON', () => {
    const clock = new FakeClock();
    const ids = new MessageIdAllocator({
      clock,
      random: () => 0,
      exchangeLifetimeMs: CON_LIFETIME,
      nonLifetimeMs: NON_LIFETIME,
    });
    const seen = new Map<number, number>();
    // allocate the whole space: half CON, half NON
    for (let i = 0; i < 65_536; i++) seen.set(ids.allocate('p', i % 2 === 0), i);
    expect(seen.size).toBe(65_536);
    expect(ids.tryAllocate('p', true)).toBeUndefined();
    expect(() => ids.allocate('p', true)).toThrowError(/65536/);
    try {
      ids.allocate('p', false);
    } catch (error) {
      expect(isCodedError(error, 'QUEUE_FULL')).toBe(true);
    }
    expect(ids.refusals).toBe(3);
    expect(ids.nextReleaseAt('p')).toBe(clock.now() + NON_LIFETIME);
    clock.advance(NON_LIFETIME - 1);
    expect(ids.tryAllocate('p', true)).toBeUndefined();
    clock.advance(1);
    // the NON ones (odd IDs here) are free again; the CON ones are not
    const next = ids.allocate('p', true);
    expect(next % 2).toBe(1);
    expect(ids.inUse('p')).toBe(32_768 + 1);
    clock.advance(CON_LIFETIME - NON_LIFETIME);
    expect(ids.inUse('p')).toBe(1);
    // another peer has its own space
    expect(ids.inUse('q')).toBe(0);
    ids.allocate('q', true);
    expect(ids.inUse('q')).toBe(1);
  });

  it('a retransmission extends the reservation (lifetime runs from the last use)', () => {
    const clock = new FakeClock();
    const ids = new MessageIdAllocator({
      clock,
      random: () => 0,
      exchangeLifetimeMs: 100,
      nonLifetimeMs: 50,
    });
    const id = ids.allocate('p', true);
    clock.advance(60);
    ids.touch('p', id, true);
    clock.advance(99);
    expect(ids.inUse('p')).toBe(1);
    clock.advance(1);
    expect(ids.inUse('p')).toBe(0);
    ids.sweep();
    expect(ids.peerCount).toBe(0);
  });

  it('4 simulated hours at 300 IDs/s (60 % CON): no ID reused within its lifetime, refusals instead', () => {
    const clock = new FakeClock();
    const rand = prng(42);
    const ids = new MessageIdAllocator({
      clock,
      random: rand,
      exchangeLifetimeMs: CON_LIFETIME,
      nonLifetimeMs: NON_LIFETIME,
    });
    const audit = new MessageIdAudit();
    let refused = 0;
    const hours = 4;
    for (let tick = 0; tick < hours * 3600 * 100; tick++) {
      // 3 per 10 ms on average, bursty: 0..6
      const burst = Math.floor(rand() * 7);
      for (let i = 0; i < burst; i++) {
        const confirmable = rand() < 0.6;
        const id = ids.tryAllocate('p', confirmable);
        if (id === undefined) refused++;
        else audit.record(clock.now(), id, confirmable, `${tick}/${i}`);
      }
      clock.advance(10);
    }
    expect(audit.violations).toEqual([]);
    expect(audit.fresh).toBeGreaterThan(hours * 3600 * 280);
    expect(audit.minGapCon).toBeGreaterThanOrEqual(CON_LIFETIME);
    expect(audit.minGapNon).toBeGreaterThanOrEqual(NON_LIFETIME);
    // 60 % CON at 300/s needs 0.6×300×247 + 0.4×300×145 = 61,860 IDs: close to the ceiling, not over
    expect(refused).toBe(ids.refusals);
  });

  it('saturated (400 CON/s): refuses instead of reusing, and recovers', () => {
    const clock = new FakeClock();
    const ids = new MessageIdAllocator({
      clock,
      random: () => 0.3,
      exchangeLifetimeMs: CON_LIFETIME,
      nonLifetimeMs: NON_LIFETIME,
    });
    const audit = new MessageIdAudit();
    let refused = 0;
    for (let tick = 0; tick < 20 * 60 * 100; tick++) {
      for (let i = 0; i < 4; i++) {
        const id = ids.tryAllocate('p', true);
        if (id === undefined) refused++;
        else audit.record(clock.now(), id, true, `${tick}/${i}`);
      }
      clock.advance(10);
    }
    expect(audit.violations).toEqual([]);
    expect(refused).toBeGreaterThan(0);
    // sustained rate is the ceiling: 65,536 per 247 s ≈ 265/s
    const perSecond = audit.fresh / (20 * 60);
    expect(perSecond).toBeGreaterThan(250);
    expect(perSecond).toBeLessThan(280);
  });
});
