import type { Clock } from '@lwm2m-adapters/kit';

/**
 * Time as a link uses it (request timeouts, quarantine periods, serial line silences): the kit
 * Clock seam, so a benchmark or test can run a link in virtual time. Timers here are ref'd: a
 * request waiting for its reply keeps the process alive, as the socket or port it waits on does.
 */
export type LinkClock = Clock;

/** Wall time (Date.now, which the quarantine periods have always been measured on) and setTimeout. */
export const systemLinkClock: LinkClock = {
  now: () => Date.now(),
  setTimer: (delayMs, callback) => {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
};

/** Sub-millisecond time for serial line silences (performance.now) and setTimeout. */
export const monotonicLinkClock: LinkClock = {
  now: () => performance.now(),
  setTimer: systemLinkClock.setTimer,
};

/** Resolves after `ms` on `clock`. */
export function delayOn(clock: LinkClock, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    clock.setTimer(ms, resolve);
  });
}
