import { CodedError } from '@lwm2m-adapters/errors';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Text pattern of a duration: one or more number+unit parts, e.g. "250ms", "1s", "5m", "1m30s". */
export const DURATION_PATTERN = '^(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+$';
const DURATION_RE = new RegExp(DURATION_PATTERN);

/** Longest accepted duration: about 24.8 days, the largest delay a Node timer supports. */
export const MAX_DURATION_MS = 2 ** 31 - 1;

export const DURATION_EXPECTED = 'a duration like "250ms", "1s", "5m", "1m30s", or a number of milliseconds';

/**
 * Milliseconds of a duration written as "250ms", "1.5s", "5m", "1h", "1d", "1m30s", or as a number
 * of milliseconds. Rounds to whole milliseconds. Throws CONFIG_INVALID for anything else, negative
 * values, or durations longer than MAX_DURATION_MS.
 */
export function parseDuration(input: string | number): number {
  const ms = durationMs(input);
  if (ms === undefined) {
    const shown = typeof input === 'string' ? JSON.stringify(input.slice(0, 40)) : String(input);
    throw new CodedError('CONFIG_INVALID', `${shown} is not a duration; expected ${DURATION_EXPECTED}`);
  }
  return ms;
}

/** Like parseDuration, but undefined instead of throwing. */
export function durationMs(input: string | number): number | undefined {
  let ms: number;
  if (typeof input === 'number') {
    ms = input;
  } else {
    const text = input.trim();
    if (!DURATION_RE.test(text)) return undefined;
    ms = 0;
    for (const match of text.matchAll(PART_RE)) {
      ms += Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
    }
  }
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  const rounded = Math.round(ms);
  return rounded <= MAX_DURATION_MS ? rounded : undefined;
}

/** "1500ms" → "1.5s"; for summaries. */
export function formatDuration(ms: number): string {
  if (ms % UNIT_MS.h === 0 && ms >= UNIT_MS.h) return `${ms / UNIT_MS.h}h`;
  if (ms % UNIT_MS.m === 0 && ms >= UNIT_MS.m) return `${ms / UNIT_MS.m}m`;
  if (ms >= UNIT_MS.s) return `${ms / UNIT_MS.s}s`;
  return `${ms}ms`;
}
