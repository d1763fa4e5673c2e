import { FifoMap } from '@lwm2m-adapters/kit';

/**
 * Observations the endpoint has seen accepted (an Observe=0 request answered with an Observe
 * option), by (peer, token). The endpoint needs them for two things: the request key under which a
 * large notification's body is cached for Block2 follow-ups, and remembering that the observer
 * reset a notification, so that later notifications on that token resolve 'reset' at once.
 * Both tables are bounded; the least recently used entry goes first.
 */
export class ObservationRegistry {
  readonly #capacity: number;
  readonly #requestKeys = new FifoMap<string>();
  readonly #resets = new FifoMap<true>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The observe request was accepted: notifications on this token concern `requestKey`. */
  register(peerKey: string, tokenKey: string, requestKey: string): void {
    const key = `${peerKey}#${tokenKey}`;
    this.#resets.delete(key);
    this.#requestKeys.delete(key);
    if (this.#capacity === 0) return;
    while (this.#requestKeys.size >= this.#capacity) {
      if (this.#requestKeys.shift() === undefined) break;
    }
    this.#requestKeys.set(key, requestKey);
  }

  requestKeyOf(peerKey: string, tokenKey: string): string | undefined {
    return this.#requestKeys.get(`${peerKey}#${tokenKey}`);
  }

  /** A new Observe=0 request on this token: it starts afresh. */
  restart(peerKey: string, tokenKey: string): void {
    this.#resets.delete(`${peerKey}#${tokenKey}`);
  }

  /** Observe=1 (deregister) or an RST: the observation is over. */
  forget(peerKey: string, tokenKey: string): void {
    this.#requestKeys.delete(`${peerKey}#${tokenKey}`);
  }

  markReset(peerKey: string, tokenKey: string): void {
    const key = `${peerKey}#${tokenKey}`;
    this.#requestKeys.delete(key);
    this.#resets.delete(key);
    if (this.#capacity === 0) return;
    while (this.#resets.size >= this.#capacity) {
      if (this.#resets.shift() === undefined) break;
    }
    this.#resets.set(key, true);
  }

  wasReset(peerKey: string, tokenKey: string): boolean {
    return this.#resets.has(`${peerKey}#${tokenKey}`);
  }

  get size(): number {
    return this.#requestKeys.size;
  }

  get resets(): number {
    return this.#resets.size;
  }

  clear(): void {
    this.#requestKeys.clear();
    this.#resets.clear();
  }
}
