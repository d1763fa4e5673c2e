import type { Clock } from './clock.js';
import type { ClockTimer } from './clock-timer.js';
import { RestartableTimer } from './restartable-timer.js';

/** The clock's own ClockTimer when it has one (the system clock does), else one on its `setTimer`. */
export function createClockTimer(clock: Clock, callback: () => void): ClockTimer {
  return clock.createTimer?.(callback) ?? restartableClockTimer(new RestartableTimer(clock), callback);
}

/** A ClockTimer on any Clock (a test's fake one): a RestartableTimer set with one callback. */
function restartableClockTimer(timer: RestartableTimer, callback: () => void): ClockTimer {
  return {
    arm: (delayMs) => timer.set(delayMs, callback),
    cancel: () => timer.cancel(),
    get armed() {
      return timer.pending;
    },
  };
}
