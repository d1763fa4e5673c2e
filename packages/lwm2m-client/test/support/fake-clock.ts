import { ManualClock } from '@lwm2m-adapters/kit';

/** Lets every pending promise chain run (the engine's handlers and the fake link resolve at once). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * kit's ManualClock for the client tests: it starts on 2025-01-01 and `advance` settles promises
 * before, between and after the timers it fires, since the client reacts to timers asynchronously.
 */
export class FakeClock extends ManualClock {
  constructor(start = Date.UTC(2025, 0, 1)) {
    super(start);
  }

  /** The name the client tests use for `pending`. */
  get pendingTimers(): number {
    return this.pending;
  }

  /** Moves time forward by `ms`, firing due timers in order and settling promises after each. */
  override async advance(ms: number): Promise<void> {
    const end = this.now() + ms;
    await settle();
    while (this.fireNext(end)) await settle();
    super.advance(end - this.now());
    await settle();
  }

  /** Advances in seconds. */
  advanceSeconds(seconds: number): Promise<void> {
    return this.advance(seconds * 1000);
  }
}
