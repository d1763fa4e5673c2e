/**
 * The stateless cookie of the DTLS cookie exchange (RFC 6347 §4.2.1):
 * Cookie = HMAC-SHA256(Secret, client address ‖ port ‖ ClientHello parameters). The secret
 * changes every `rotationMs`; a cookie made with the previous secret is still accepted, so a
 * client caught by a rotation between its two ClientHellos is not refused. Nothing is stored per
 * client: verifying needs only the secrets.
 */

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PeerAddress } from '@lwm2m-adapters/coap';
import type { Clock } from '@lwm2m-adapters/kit';

export const COOKIE_LENGTH = 32;

export class CookieSecret {
  readonly #clock: Clock;
  readonly #rotationMs: number;
  readonly #random: (length: number) => Uint8Array;
  #current: Uint8Array;
  #previous: Uint8Array | undefined;
  #rotatedAt: number;

  constructor(clock: Clock, rotationMs: number, random: (length: number) => Uint8Array = randomBytes) {
    this.#clock = clock;
    this.#rotationMs = rotationMs;
    this.#random = random;
    this.#current = random(32);
    this.#rotatedAt = clock.now();
  }

  /** The cookie for this client and these ClientHello parameters under the current secret. */
  cookieFor(peer: PeerAddress, binding: Uint8Array): Uint8Array {
    this.#rotate();
    return compute(this.#current, peer, binding);
  }

  /** True when `cookie` was made for this client and parameters with the current or previous secret. */
  verify(peer: PeerAddress, binding: Uint8Array, cookie: Uint8Array): boolean {
    this.#rotate();
    if (cookie.length !== COOKIE_LENGTH) return false;
    if (timingSafeEqual(compute(this.#current, peer, binding), cookie)) return true;
    return this.#previous !== undefined && timingSafeEqual(compute(this.#previous, peer, binding), cookie);
  }

  #rotate(): void {
    const now = this.#clock.now();
    if (now - this.#rotatedAt < this.#rotationMs) return;
    // after two periods without use the previous secret is stale too
    this.#previous = now - this.#rotatedAt < 2 * this.#rotationMs ? this.#current : undefined;
    this.#current = this.#random(32);
    this.#rotatedAt = now;
  }
}

function compute(secret: Uint8Array, peer: PeerAddress, binding: Uint8Array): Uint8Array {
  return createHmac('sha256', secret)
    .update(`${peer.address}/${peer.port}/`, 'latin1')
    .update(binding)
    .digest();
}
