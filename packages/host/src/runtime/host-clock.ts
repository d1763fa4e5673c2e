import { type Clock, createClockTimer, SystemClockTimer, systemClock } from '@lwm2m-adapters/kit';

/**
 * Time as the host runtime uses it: the kit Clock (wall time and timers, the same seam the client
 * engine takes) plus the two things the runtime needs besides, so that nothing in it reads
 * `Date.now`, `performance.now` or `setImmediate` directly and a test drives all of it:
 *
 * - `monotonicNow` measures durations (the read-duration histogram wants sub-millisecond
 *   resolution, which `Date.now` does not have);
 * - `afterTurn` is the tick on which work asked for in the same turn is batched (on-demand reads
 *   of an instance or a composite become one adapter call).
 */
export interface HostClock extends Clock {
  /** Milliseconds on a monotonic, high-resolution scale (only differences mean something). */
  monotonicNow(): number;
  /** Runs `callback` once the current turn is over, after the I/O callbacks already due. */
  afterTurn(callback: () => void): void;
}

/** The system's time: Date.now, unref'd setTimeout, performance.now and setImmediate. */
export const systemHostClock: HostClock = {
  now: systemClock.now,
  setTimer: systemClock.setTimer,
  createTimer: (callback) => new SystemClockTimer(callback),
  monotonicNow: () => performance.now(),
  afterTurn: (callback) => {
    setImmediate(callback);
  },
};

function isHostClock(clock: Clock): clock is HostClock {
  const candidate = clock as Partial<HostClock>;
  return typeof candidate.monotonicNow === 'function' && typeof candidate.afterTurn === 'function';
}

/**
 * The HostClock for a Clock: the system one for none (or the kit's system clock), the clock itself
 * when it is one, else durations and turns on the given clock's time and timers (a turn ends on a
 * zero-delay timer), so a plain fake Clock drives everything.
 */
export function hostClock(clock?: Clock): HostClock {
  if (clock === undefined || clock === systemClock || clock === systemHostClock) return systemHostClock;
  if (isHostClock(clock)) return clock;
  return {
    now: () => clock.now(),
    setTimer: (delayMs, callback) => clock.setTimer(delayMs, callback),
    createTimer: (callback) => createClockTimer(clock, callback),
    monotonicNow: () => clock.now(),
    afterTurn: (callback) => {
      clock.setTimer(0, callback);
    },
  };
}
