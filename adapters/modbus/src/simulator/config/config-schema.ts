/**
 * The simulator's configuration file (YAML or an equivalent object), validated with zod.
 * Structural rules live here; cross-field rules (overlaps, fits, types) in `compile-config.ts`.
 */
import { signalSchema, signalValueSchema } from '@lwm2m-adapters/sdk/simulation';
import { z } from 'zod';
import { dataTypes, wordOrders } from '../values/typed-value.js';

const address = z.int().min(0).max(0xffff);

/** A point value: numbers, booleans, strings; a decimal string is accepted for 64-bit integers. */
export const pointValueSchema = signalValueSchema;

export const faultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('slow'), delayMs: z.int().min(0).max(600_000) }),
  z.strictObject({ kind: z.literal('timeout') }),
  z.strictObject({ kind: z.literal('exception'), code: z.int().min(1).max(255) }),
  z.strictObject({ kind: z.literal('dead') }),
  z.strictObject({ kind: z.literal('bad-crc') }),
  z.strictObject({ kind: z.literal('short-reply'), dropBytes: z.int().min(1).max(252).default(1) }),
]);

export const pointSchema = z.strictObject({
  address,
  /** Default: bool in coils and discrete inputs, uint16 in registers. */
  type: z.enum(dataTypes).optional(),
  wordOrder: z.enum(wordOrders).optional(),
  /** Registers of a string. */
  length: z.int().min(1).max(125).optional(),
  /** Bit of a register holding a bool (0 = least significant). */
  bit: z.int().min(0).max(15).optional(),
  value: pointValueSchema.optional(),
  signal: signalSchema.optional(),
  /** Free text for humans. */
  name: z.string().optional(),
});

const rangeValue = z.union([z.int().min(-0x8000).max(0xffff), z.boolean()]);

export const rangeSchema = z.strictObject({
  start: address,
  count: z.int().min(1).max(0x10000),
  /** Clients cannot write here: FC 5/6/15/16 answer exception 2 (illegal data address). */
  readOnly: z.boolean().default(false),
  /** Initial value of every address (a word, or a bit as true/false/0/1). */
  fill: rangeValue.default(0),
  /** Initial values from `start` on, one per address. */
  values: z.array(rangeValue).max(0x10000).default([]),
  points: z.array(pointSchema).default([]),
});

export const unitSchema = z.strictObject({
  unitId: z.int().min(0).max(255),
  name: z.string().optional(),
  fault: faultSchema.optional(),
  coils: z.array(rangeSchema).default([]),
  discreteInputs: z.array(rangeSchema).default([]),
  holdingRegisters: z.array(rangeSchema).default([]),
  inputRegisters: z.array(rangeSchema).default([]),
});

export const listenerSchema = z.discriminatedUnion('transport', [
  z.strictObject({
    transport: z.literal('tcp'),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.int().min(0).max(0xffff).default(0),
    /** `tcp` = MBAP; `rtu`/`ascii` = serial framing over a socket (RTU-over-TCP gateways). */
    framing: z.enum(['tcp', 'rtu', 'ascii']).default('tcp'),
  }),
  z.strictObject({
    transport: z.literal('serial'),
    path: z.string().min(1),
    baudRate: z.int().min(300).max(4_000_000).default(19_200),
    parity: z.enum(['none', 'even', 'odd']).default('none'),
    stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
    framing: z.enum(['rtu', 'ascii']).default('rtu'),
  }),
]);

export const simulatorConfigSchema = z.strictObject({
  /** Seed of every random-walk signal that has none of its own. */
  seed: z.int().default(1),
  /** Period of signal updates. */
  tickMs: z.int().min(1).max(3_600_000).default(100),
  /**
   * Modbus TCP only: a unit id that no unit owns gets exception 0x0B (gateway target failed to
   * respond), or no reply with `ignore`. Serial lines never answer unknown units.
   */
  unknownUnit: z.enum(['exception', 'ignore']).default('exception'),
  /** Where to listen; the runtime options may override. Default: TCP on 127.0.0.1, ephemeral port. */
  listeners: z.array(listenerSchema).optional(),
  units: z.array(unitSchema).min(1),
});

/** A validated configuration, defaults applied. */
export type SimulatorConfig = z.output<typeof simulatorConfigSchema>;
/** What a configuration file or object may contain (defaults omitted). */
export type SimulatorConfigInput = z.input<typeof simulatorConfigSchema>;
export type UnitConfig = z.output<typeof unitSchema>;
export type RangeConfig = z.output<typeof rangeSchema>;
export type PointConfig = z.output<typeof pointSchema>;
export type PointConfigInput = z.input<typeof pointSchema>;
export type { SignalSpec, SignalSpecInput } from '@lwm2m-adapters/sdk/simulation';
export type SimulatorFault = z.output<typeof faultSchema>;
export type SimulatorFaultInput = z.input<typeof faultSchema>;
export type ListenerConfig = z.output<typeof listenerSchema>;
export type ListenerConfigInput = z.input<typeof listenerSchema>;
export type PointValue = z.output<typeof pointValueSchema>;
