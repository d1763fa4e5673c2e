/**
 * The small helpers of the side-by-side benchmarks (compare, client-compare): settings from the
 * environment, and medians and min–max ranges of runs, formatted for their tables.
 */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A positive number from the environment variable `name`, else `fallback`. */
export const envNumber = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';

/** Median of the finite values (NaN when there are none). */
export const median = (values: readonly number[]) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** `lo–hi` of the finite values, or the one value ('n/a' when there are none). */
export const range = (values: readonly number[], digits: number) => {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return 'n/a';
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return lo === hi || finite.length === 1 ? fmt(lo, digits) : `${fmt(lo, digits)}–${fmt(hi, digits)}`;
};
