import { CodedError } from '@lwm2m-adapters/errors';
import type { Clock } from '@lwm2m-adapters/kit';
import { type CompiledDevice, type CompiledMapping, compileMapping } from '@lwm2m-adapters/mapping';
import {
  type AdapterDefinition,
  type AdapterSession,
  defineAdapter,
  type PointReading,
  type RawValue,
  type SessionState,
} from '@lwm2m-adapters/sdk';
import { z } from 'zod';

const pointSchema = z.object({
  register: z.number().int().min(0),
  kind: z.enum(['integer', 'number', 'boolean']).default('integer'),
  /** Largest raw value the device can hold: the adapter's own (encoding) limit. */
  max: z.number().optional(),
});
type ScriptedPoint = z.infer<typeof pointSchema>;

/** What the scripted device saw: every adapter call, in order. */
export interface ScriptedDeviceLog {
  /** Point ids of each `session.read`. */
  readonly reads: string[][];
  readonly writes: { pointId: string; value: RawValue }[];
  readonly executes: { pointId: string; args: string | undefined }[];
  /** Calls of the definition's `validateWrite` (the host's pre-flight check). */
  readonly validations: { register: number; value: RawValue }[];
}

/**
 * An in-memory device behind a minimal adapter ("scripted"): registers hold raw values; reads can
 * be held until released, to look at what happens while one is in flight. No I/O, no timers:
 * tests drive everything with a fake clock.
 */
export class ScriptedDevice {
  readonly registers = new Map<number, RawValue>();
  readonly log: ScriptedDeviceLog = { reads: [], writes: [], executes: [], validations: [] };
  #held: (() => void)[] | undefined;
  readonly #clock: Pick<Clock, 'now'>;
  readonly definition: AdapterDefinition;

  constructor(clock: Pick<Clock, 'now'>) {
    this.#clock = clock;
    this.definition = defineAdapter<Record<string, never>, ScriptedPoint>({
      name: 'scripted',
      version: '1.0.0',
      sdkVersion: '^0.2.0',
      capabilities: { read: true, write: true, execute: true, subscribe: false },
      connectionSchema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
      pointSchema: pointSchema as unknown as z.ZodType<ScriptedPoint>,
      pointValueKind: (point) => point.kind,
      validateWrite: (point, value) => {
        this.log.validations.push({ register: point.register, value });
        if (point.max !== undefined && typeof value === 'number' && value > point.max) {
          throw new CodedError('WRITE_VALUE_INVALID', `${value} does not fit register ${point.register}`);
        }
      },
      createSession: (context) => this.#session(context.points),
    }) as unknown as AdapterDefinition;
  }

  /** Reads from now on wait until `release()`. */
  hold(): void {
    this.#held ??= [];
  }

  /** Lets the held reads complete (and later ones run at once). */
  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const go of held) go();
  }

  /** How many reads asked for `pointId`. */
  readsOf(pointId: string): number {
    return this.log.reads.filter((ids) => ids.includes(pointId)).length;
  }

  #session(points: readonly { id: string; source: ScriptedPoint }[]): AdapterSession {
    const byId = new Map(points.map((p) => [p.id, p.source]));
    const listeners = new Set<(state: SessionState, error?: CodedError) => void>();
    let state: SessionState = 'idle';
    const setState = (next: SessionState) => {
      state = next;
      for (const listener of listeners) listener(next);
    };
    const source = (pointId: string): ScriptedPoint => {
      const point = byId.get(pointId);
      if (point === undefined) throw new CodedError('DEVICE_ADDRESS_UNKNOWN', `no point ${pointId}`);
      return point;
    };
    return {
      get state() {
        return state;
      },
      start: async () => {
        if (state === 'idle') setState('connected');
      },
      close: async () => {
        if (state !== 'closed') setState('closed');
      },
      [Symbol.asyncDispose]: async () => {
        setState('closed');
      },
      read: async (pointIds) => {
        this.log.reads.push([...pointIds]);
        if (this.#held !== undefined) await new Promise<void>((resolve) => this.#held?.push(resolve));
        const timestamp = this.#clock.now();
        return pointIds.map((pointId): PointReading => {
          const value = this.registers.get(source(pointId).register);
          return value === undefined
            ? {
                pointId,
                ok: false,
                error: new CodedError('DEVICE_TIMEOUT', `register of ${pointId} is empty`),
                timestamp,
              }
            : { pointId, ok: true, value, timestamp };
        });
      },
      write: async (pointId, value) => {
        this.log.writes.push({ pointId, value });
        this.registers.set(source(pointId).register, value);
      },
      execute: async (pointId, args) => {
        this.log.executes.push({ pointId, args });
      },
      stats: () => ({ requests: this.log.reads.length + this.log.writes.length }),
      onStateChange: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
  }
}

/** Compiles mapping YAML whose devices use `adapter: scripted`. */
export async function compileScripted(yaml: string, device: ScriptedDevice): Promise<CompiledMapping> {
  const result = await compileMapping(
    { text: yaml, fileName: 'scripted.yml' },
    { resolveAdapter: async () => device.definition, env: {} },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.mapping;
}

/** The first device of a compiled scripted mapping. */
export async function scriptedDevice(yaml: string, device: ScriptedDevice): Promise<CompiledDevice> {
  const [first] = (await compileScripted(yaml, device)).devices;
  if (first === undefined) throw new Error('the mapping has no device');
  return first;
}
