import { isCodedError } from '@lwm2m-adapters/errors';
import { describe, expect, it } from 'vitest';
import { durationMs, formatDuration, MAX_DURATION_MS, parseDuration } from '../src/index.js';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['1s', 1000],
    ['1.5s', 1500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1m30s', 90_000],
    [' 2s ', 2000],
    [0, 0],
    [750, 750],
    [1.4, 1],
  ] as const)('%j is %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', 'fast', '1', '-1s', '1 s', '1sec', '1e3ms', '25d'])('rejects %j', (input) => {
    expect(durationMs(input)).toBeUndefined();
  });

  it('throws CONFIG_INVALID naming what is expected', () => {
    let error: unknown;
    try {
      parseDuration('fast');
    } catch (e) {
      error = e;
    }
    expect(isCodedError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toBe(
      '"fast" is not a duration; expected a duration like "250ms", "1s", "5m", "1m30s", or a number of milliseconds',
    );
    expect(() => parseDuration(-5)).toThrow('-5 is not a duration');
    expect(() => parseDuration(MAX_DURATION_MS + 1)).toThrow('is not a duration');
  });

  it('formats milliseconds for summaries', () => {
    expect([250, 1000, 1500, 60_000, 90_000, 3_600_000].map(formatDuration)).toEqual([
      '250ms',
      '1s',
      '1.5s',
      '1m',
      '90s',
      '1h',
    ]);
  });
});
