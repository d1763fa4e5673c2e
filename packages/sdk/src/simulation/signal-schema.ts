/**
 * Signal generators of the simulators (Modbus, OPC UA): how a simulated value changes over time,
 * as a simulator configuration writes it. Protocol-free, so every adapter's simulator shares them.
 */
import { z } from 'zod';

const positiveMs = z.number().positive().max(86_400_000);

/** A simulated value: numbers, booleans, strings; a decimal string or bigint for 64-bit integers. */
export const signalValueSchema = z.union([z.number(), z.boolean(), z.string(), z.bigint()]);

export const signalSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant'), value: signalValueSchema }),
  z.strictObject({
    kind: z.literal('sine'),
    amplitude: z.number(),
    periodMs: positiveMs,
    offset: z.number().default(0),
    phaseDeg: z.number().default(0),
  }),
  z.strictObject({ kind: z.literal('ramp'), from: z.number(), to: z.number(), periodMs: positiveMs }),
  z.strictObject({
    kind: z.literal('random-walk'),
    min: z.number(),
    max: z.number(),
    step: z.number().positive(),
    start: z.number().optional(),
    seed: z.int().optional(),
  }),
  z.strictObject({
    kind: z.literal('counter'),
    start: z.number().default(0),
    increment: z.number().default(1),
    min: z.number().optional(),
    max: z.number().optional(),
  }),
  z.strictObject({ kind: z.literal('toggle'), periodMs: positiveMs }),
  z.strictObject({
    kind: z.literal('sequence'),
    values: z.array(signalValueSchema).min(1),
    periodMs: positiveMs,
  }),
]);

export type SignalValue = z.output<typeof signalValueSchema>;
export type SignalSpec = z.output<typeof signalSchema>;
export type SignalSpecInput = z.input<typeof signalSchema>;
