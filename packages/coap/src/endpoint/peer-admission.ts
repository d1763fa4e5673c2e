import type { Clock } from '@lwm2m-adapters/kit';
import type { PeerAddress } from '../coap-types.js';

/**
 * The endpoint owner's source policy, asked for every CON/NON message before anything is decoded
 * into state (de-duplication entry, Block1 transfer, Block2 cache entry, observation, handler
 * call). `false`: a request gets 4.01 (CON) or nothing (NON), a response or ping gets RST (CON) or
 * nothing, at a bounded rate. ACK and RST are still matched against what this endpoint sent (that
 * creates nothing). An LwM2M client admits its server(s) only; an LwM2M server admits anyone.
 */
export type PeerAdmission = (peer: PeerAddress) => boolean;

/** Admits every peer: the default (a server must hear a Register from anyone). */
export const admitEveryPeer: PeerAdmission = () => true;

/**
 * A token bucket for the replies to refused peers (4.01 or RST), so that a flood from a refused
 * source costs at most `perSecond` replies a second; the others are dropped silently (counted).
 */
export class RefusalReplyBudget {
  readonly #clock: Clock;
  readonly #perSecond: number;
  #tokens: number;
  #refilledAt: number;

  constructor(clock: Clock, perSecond: number) {
    this.#clock = clock;
    this.#perSecond = perSecond;
    this.#tokens = perSecond;
    this.#refilledAt = clock.now();
  }

  /** Takes one reply from the budget; false when it is spent for now. */
  take(): boolean {
    const now = this.#clock.now();
    const elapsed = now - this.#refilledAt;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.#perSecond, this.#tokens + (elapsed * this.#perSecond) / 1000);
      this.#refilledAt = now;
    }
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
