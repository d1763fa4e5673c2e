/**
 * createCryptoRandom (each CoAP endpoint's default source for tokens, message IDs and jitter) draws
 * from a pool of its own the platform generator refills 4 KiB at a time: one getRandomValues call per 1,024 draws,
 * every word used once, values uniform in [0, 1).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CRYPTO_RANDOM_POOL_WORDS, createCryptoRandom } from '../src/endpoint/endpoint-options.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createCryptoRandom', () => {
  it('asks the platform generator once per pool of 1,024 draws', () => {
    const fill = vi.spyOn(globalThis.crypto, 'getRandomValues');
    const cryptoRandom = createCryptoRandom();
    expect(fill).not.toHaveBeenCalled(); // the pool fills on the first draw, not at creation
    for (let i = 0; i < 3 * CRYPTO_RANDOM_POOL_WORDS; i++) cryptoRandom();
    expect(fill).toHaveBeenCalledTimes(3);
    expect((fill.mock.calls[0]![0] as Uint32Array).byteLength).toBe(4096);
  });

  it('hands out each drawn word once, as word / 2^32', () => {
    const words = Array.from(
      { length: CRYPTO_RANDOM_POOL_WORDS },
      (_, i) => Math.imul(i + 1, 0x9e3779b9) >>> 0,
    );
    vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation((array) => {
      (array as unknown as Uint32Array).set(words);
      return array;
    });
    const cryptoRandom = createCryptoRandom();
    const drawn = Array.from({ length: CRYPTO_RANDOM_POOL_WORDS }, () => cryptoRandom());
    expect(drawn).toEqual(words.map((w) => w / 2 ** 32));
  });

  it('gives each source a pool of its own', () => {
    const fill = vi.spyOn(globalThis.crypto, 'getRandomValues');
    const a = createCryptoRandom();
    const b = createCryptoRandom();
    a();
    b();
    expect(fill).toHaveBeenCalledTimes(2);
    expect(fill.mock.calls[0]![0]).not.toBe(fill.mock.calls[1]![0]);
  });

  it('stays in [0, 1) and spreads over it', () => {
    const cryptoRandom = createCryptoRandom();
    const draws = Array.from({ length: 10_000 }, () => cryptoRandom());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const buckets = new Array<number>(10).fill(0);
    for (const d of draws) buckets[Math.floor(d * 10)]!++;
    // 1,000 expected per bucket; 800..1200 is far outside chance (> 6 sigma)
    for (const count of buckets) expect(count).toBeGreaterThan(800);
    for (const count of buckets) expect(count).toBeLessThan(1200);
  });
});
