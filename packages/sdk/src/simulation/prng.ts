/** A small seeded PRNG (mulberry32): the same seed gives the same sequence on every run. */
export type Random = () => number;

/** Uniform numbers in [0, 1). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes numbers into one 32-bit seed (FNV-1a over their 32-bit parts). */
export function mixSeed(...parts: readonly number[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    let value = part >>> 0;
    for (let i = 0; i < 4; i++, value >>>= 8) hash = Math.imul(hash ^ (value & 0xff), 0x01000193) >>> 0;
  }
  return hash;
}
