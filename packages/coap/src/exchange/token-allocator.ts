import { CodedError } from '@lwm2m-adapters/errors';

const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, byte) =>
  byte.toString(16).padStart(2, '0'),
);

/** Hex form of a token: the key of token maps (built from a table: half the cost of a Buffer's hex). */
export function tokenKeyOf(token: Uint8Array): string {
  let key = '';
  for (let i = 0; i < token.length; i++) key += HEX_BYTES[token[i]!];
  return key;
}

/**
 * Random request tokens (RFC 7252 §5.3.1: tokens double as a guard against off-path spoofed
 * responses), unique per peer among the exchanges still outstanding.
 */
export class TokenAllocator {
  readonly #random: () => number;
  readonly #length: number;
  readonly #outstanding = new Map<string, Set<string>>();

  /** `length`: 1 to 8 bytes. */
  constructor(random: () => number, length: number) {
    if (!Number.isInteger(length) || length < 1 || length > 8) {
      throw new RangeError('token length must be between 1 and 8 bytes');
    }
    this.#random = random;
    this.#length = length;
  }

  /** The key (`tokenKeyOf`) of the token `allocate` returned last. */
  lastKey = '';

  allocate(peerKey: string): Uint8Array {
    let tokens = this.#outstanding.get(peerKey);
    if (tokens === undefined) {
      tokens = new Set();
      this.#outstanding.set(peerKey, tokens);
    }
    for (let attempt = 0; attempt < 64; attempt++) {
      const token = new Uint8Array(this.#length);
      for (let i = 0; i < token.length; i++) token[i] = Math.floor(this.#random() * 256) & 0xff;
      const key = tokenKeyOf(token);
      if (!tokens.has(key)) {
        tokens.add(key);
        this.lastKey = key;
        return token;
      }
    }
    throw new CodedError(
      'QUEUE_FULL',
      'no unused token found (token space exhausted or random source stuck)',
    );
  }

  release(peerKey: string, token: Uint8Array): void {
    const tokens = this.#outstanding.get(peerKey);
    if (tokens === undefined) return;
    tokens.delete(tokenKeyOf(token));
    if (tokens.size === 0) this.#outstanding.delete(peerKey);
  }

  get outstanding(): number {
    let count = 0;
    for (const tokens of this.#outstanding.values()) count += tokens.size;
    return count;
  }
}
