/** Capped exponential backoff with jitter. */
export interface BackoffPolicy {
  /** Delay before the first retry, ms. */
  readonly initialMs: number;
  /** Largest delay, ms (jitter never exceeds it). */
  readonly maxMs: number;
  /** Growth per attempt. Default 2. */
  readonly multiplier?: number;
  /** Fraction of the delay that is random (0..1): the delay lies in [d*(1-jitter), d]. Default 0.5. */
  readonly jitter?: number;
}

/** Server unreachable (COAP_TIMEOUT, 5.xx): 2 s, 4 s, 8 s... capped at 5 min. */
export const UNREACHABLE_BACKOFF: BackoffPolicy = Object.freeze({
  initialMs: 2_000,
  maxMs: 300_000,
  multiplier: 2,
  jitter: 0.5,
});

/**
 * Registration refused (4.00, 4.03, 4.12...): an operator must usually act, so retries are slow:
 * 1 min, 2 min, 4 min... capped at 1 h.
 */
export const REJECTED_BACKOFF: BackoffPolicy = Object.freeze({
  initialMs: 60_000,
  maxMs: 3_600_000,
  multiplier: 2,
  jitter: 0.5,
});

/**
 * The delay before retry number `attempt` (0-based); `random` returns [0, 1): 0 gives the full
 * delay, values towards 1 take up to `jitter` of it away.
 */
export function backoffDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const multiplier = policy.multiplier ?? 2;
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? 0.5));
  const exponent = Math.min(Math.max(0, attempt), 64);
  const base = Math.min(policy.maxMs, policy.initialMs * multiplier ** exponent);
  const r = Math.min(1, Math.max(0, random()));
  return Math.max(1, Math.round(base * (1 - jitter * r)));
}

/**
 * The retries of one thing (a registration, a link's reconnects): each `next()` is the delay
 * before the next retry, growing per `policy` until `reset()` (after a success).
 */
export class CappedBackoff {
  readonly #policy: BackoffPolicy;
  readonly #random: () => number;
  #attempt = 0;

  constructor(policy: BackoffPolicy, random: () => number = Math.random) {
    this.#policy = policy;
    this.#random = random;
  }

  /** Retries since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  next(): number {
    return backoffDelay(this.#policy, this.#attempt++, this.#random);
  }

  reset(): void {
    this.#attempt = 0;
  }
}
