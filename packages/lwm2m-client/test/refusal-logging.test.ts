/**
 * Expected refusals (too many observations, unknown paths...) are protocol outcomes, not faults:
 * one line each without an error object (no stack, no file paths), at a bounded rate, and counted.
 */
import type { LogEntry } from '@lwm2m-adapters/kit';
import { describe, expect, it } from 'vitest';
import { registeredClient } from './support/client-fixture.js';
import { declareTestObjects } from './support/test-objects.js';

describe('refusal logging', () => {
  it('1,000 refused Observes log a bounded number of single lines without a stack, and are counted', async () => {
    const entries: LogEntry[] = [];
    const { client, link, clock } = await registeredClient({
      limits: { maxObservations: 1 },
      log: (entry) => entries.push(entry),
    });
    declareTestObjects(client);
    expect((await link.send({ path: '/3303/0/5700', observe: 0, token: '01' }))?.code).toBe('2.05');
    for (let i = 0; i < 1000; i++) {
      const res = await link.send({ path: '/3303/0/5700', observe: 0, token: (0x1000 + i).toString(16) });
      expect(res?.code).toBe('5.03');
    }
    const refusals = entries.filter((e) => e.event === 'request-failed' || e.event === 'requests-refused');
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.length).toBeLessThanOrEqual(11);
    for (const entry of refusals) {
      expect(entry.error).toBeUndefined();
      expect(entry.message).not.toContain('\n');
    }
    expect(client.requestStats.refused['5.03']).toBe(1000);
    expect(client.requestStats.logsSuppressed).toBeGreaterThanOrEqual(990);
    // after the window, a summary line says how many were left out
    await clock.advanceSeconds(61);
    await link.send({ path: '/3303/0/5700', observe: 0, token: 'ffff' });
    const summary = entries.find((e) => e.event === 'requests-refused');
    expect(summary?.message).toMatch(/not logged/);
    expect(observationsRefused(client)).toBe(1001);
  });
});

function observationsRefused(client: { observationStats: { observationsRefused: number } }): number {
  return client.observationStats.observationsRefused;
}
