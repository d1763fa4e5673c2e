import { backoffDelay } from '@lwm2m-adapters/kit';

/** When a unit is quarantined and for how long (from the device's connection settings). */
export interface QuarantinePolicy {
  readonly afterTimeouts: number;
  readonly initialMs: number;
  readonly maxMs: number;
}

interface UnitHealth {
  consecutiveTimeouts: number;
  /** Quarantines since the unit last answered; the next period is initialMs x 2^level. */
  level: number;
  until: number;
}

/**
 * Per-unit health of one link. A unit that times out `afterTimeouts` times in a row is
 * quarantined for `initialMs`; requests to it fail at once meanwhile, so it cannot stall the
 * units that answer. The first request after the period is a probe: if it also times out the
 * unit goes back for twice as long (capped at `maxMs`); any reply (even an exception) heals it.
 */
export class UnitQuarantine {
  readonly #units = new Map<number, UnitHealth>();
  #quarantines = 0;

  /** Total quarantines started on this link. */
  get quarantines(): number {
    return this.#quarantines;
  }

  /** Milliseconds of quarantine left for the unit, or 0 when it may be asked. */
  remainingMs(unit: number, now: number): number {
    const health = this.#units.get(unit);
    return health === undefined || health.until <= now ? 0 : health.until - now;
  }

  /** True when the unit's quarantine period is over but it has not answered since: a request to it is a probe. */
  onProbation(unit: number, now: number): boolean {
    const health = this.#units.get(unit);
    return health !== undefined && health.level > 0 && health.until <= now;
  }

  /** The unit answered (a value or an exception): it is healthy. */
  recordReply(unit: number): void {
    const health = this.#units.get(unit);
    if (health !== undefined && (health.consecutiveTimeouts > 0 || health.level > 0))
      this.#units.delete(unit);
  }

  /** The unit did not answer in time; returns the quarantine period started, or 0. */
  recordTimeout(unit: number, policy: QuarantinePolicy, now: number): number {
    let health = this.#units.get(unit);
    if (health === undefined) {
      health = { consecutiveTimeouts: 0, level: 0, until: 0 };
      this.#units.set(unit, health);
    }
    if (health.until > now) return 0; // already quarantined (a pipelined request timed out late)
    health.consecutiveTimeouts++;
    const threshold = health.level > 0 ? 1 : policy.afterTimeouts;
    if (health.consecutiveTimeouts < threshold) return 0;
    const period = backoffDelay(
      { initialMs: policy.initialMs, maxMs: policy.maxMs, multiplier: 2, jitter: 0 },
      health.level,
    );
    health.until = now + period;
    health.level++;
    health.consecutiveTimeouts = 0;
    this.#quarantines++;
    return period;
  }
}
