/** A clock that moves only when told to: `advance(ms)` fires due timers in time order. */
import type { ClockTimer, SimulatorClock } from './clock.js';

export interface ManualClock extends SimulatorClock {
  advance(ms: number): void;
}

interface ScheduledTimer {
  readonly periodMs: number;
  readonly callback: () => void;
  dueAt: number;
}

export function createManualClock(startMs = 0): ManualClock {
  let now = startMs;
  const timers = new Set<ScheduledTimer>();

  const nextDue = (until: number): ScheduledTimer | undefined => {
    let next: ScheduledTimer | undefined;
    for (const timer of timers) {
      if (timer.dueAt <= until && (next === undefined || timer.dueAt < next.dueAt)) next = timer;
    }
    return next;
  };

  return {
    now: () => now,
    every(periodMs, callback): ClockTimer {
      const timer: ScheduledTimer = {
        periodMs: Math.max(1, periodMs),
        callback,
        dueAt: now + Math.max(1, periodMs),
      };
      timers.add(timer);
      return {
        cancel: () => timers.delete(timer),
      };
    },
    advance(ms) {
      const target = now + ms;
      for (let timer = nextDue(target); timer !== undefined; timer = nextDue(target)) {
        now = timer.dueAt;
        timer.dueAt += timer.periodMs;
        timer.callback();
      }
      now = target;
    },
  };
}
