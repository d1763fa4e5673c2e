import { isCodedError } from '@lwm2m-adapters/errors';

/** Small, seeded PRNG (mulberry32) so every fuzz failure is reproducible from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(rand: () => number, maxLength: number): Uint8Array {
  const len = Math.floor(rand() * (maxLength + 1));
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

/** One random mutation of a seed input: bit flip, byte set, truncate, insert, delete, duplicate a slice. */
export function mutate(rand: () => number, input: Uint8Array): Uint8Array {
  const pick = (n: number) => Math.floor(rand() * n);
  const bytes = Uint8Array.from(input);
  const rounds = 1 + pick(4);
  let cur: Uint8Array = bytes;
  for (let r = 0; r < rounds; r++) {
    const op = pick(7);
    const pos = cur.length === 0 ? 0 : pick(cur.length);
    switch (op) {
      case 0:
        if (cur.length > 0) cur[pos] = (cur[pos] ?? 0) ^ (1 << pick(8));
        break;
      case 1:
        if (cur.length > 0) cur[pos] = [0x00, 0xff, 0x7f, 0x80, 0x1f, 0x18, 0x1b][pick(7)] ?? 0;
        break;
      case 2:
        cur = cur.subarray(0, pos);
        break;
      case 3: {
        const ins = randomBytes(rand, 8);
        const next = new Uint8Array(cur.length + ins.length);
        next.set(cur.subarray(0, pos), 0);
        next.set(ins, pos);
        next.set(cur.subarray(pos), pos + ins.length);
        cur = next;
        break;
      }
      case 4: {
        const len = Math.min(1 + pick(4), cur.length - pos);
        const next = new Uint8Array(cur.length - len);
        next.set(cur.subarray(0, pos), 0);
        next.set(cur.subarray(pos + len), pos);
        cur = next;
        break;
      }
      case 5: {
        const end = pos + pick(cur.length - pos + 1);
        const slice = cur.slice(pos, end);
        const next = new Uint8Array(cur.length + slice.length);
        next.set(cur.subarray(0, end), 0);
        next.set(slice, end);
        next.set(cur.subarray(end), end + slice.length);
        cur = next;
        break;
      }
      default:
        if (cur.length > 0) cur[pos] = pick(256);
    }
  }
  return cur;
}

export interface FuzzReport {
  runs: number;
  accepted: number;
  rejected: number;
}

/**
 * Feeds `runs` inputs (half random, half mutations of `seeds`) to `decode`. Any exception that is
 * not a CodedError fails with the offending input in hex and the seed that reproduces it.
 */
export function fuzzDecoder(
  decode: (input: Uint8Array) => unknown,
  seeds: readonly Uint8Array[],
  options: { runs?: number; seed?: number; maxRandomLength?: number } = {},
): FuzzReport {
  const runs = options.runs ?? 100_000;
  const seed = options.seed ?? 0x5eed;
  const rand = prng(seed);
  const report: FuzzReport = { runs, accepted: 0, rejected: 0 };
  for (let i = 0; i < runs; i++) {
    const base = seeds.length > 0 ? seeds[Math.floor(i / 2) % seeds.length] : undefined;
    const input =
      base !== undefined && i % 2 === 1
        ? mutate(rand, base)
        : randomBytes(rand, options.maxRandomLength ?? 64);
    try {
      decode(input);
      report.accepted++;
    } catch (err) {
      if (!isCodedError(err)) {
        const hex = Buffer.from(input).toString('hex');
        throw new Error(`run ${i} (seed ${seed}): non-coded ${String(err)} for input ${hex}`, { cause: err });
      }
      report.rejected++;
    }
  }
  return report;
}

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
