import { z } from 'zod';

/**
 * The reconnect backoff every adapter connection offers, as a mapping writes it:
 * `reconnect: { initialMs: 500, maxMs: 30000 }`. Bounded both ways, so a dead device is never
 * retried in a storm nor given up on for good. For an adapter's connection schema.
 */
export const reconnectBackoffSchema = z
  .object({
    initialMs: z
      .int()
      .min(10)
      .max(600_000)
      .default(500)
      .describe('Wait before the first reconnect attempt; doubles after every failed attempt'),
    maxMs: z
      .int()
      .min(10)
      .max(3_600_000)
      .default(30_000)
      .describe('Longest wait between reconnect attempts (each wait is jittered between half and all of it)'),
  })
  .strict()
  .refine((r) => r.maxMs >= r.initialMs, { message: 'maxMs must be at least initialMs', path: ['maxMs'] });

export type ReconnectBackoff = z.output<typeof reconnectBackoffSchema>;
