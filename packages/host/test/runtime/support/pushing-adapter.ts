import { CodedError } from '@lwm2m-adapters/errors';
import type { Clock } from '@lwm2m-adapters/kit';
import { type CompiledDevice, compileMapping } from '@lwm2m-adapters/mapping';
import {
  type AdapterDefinition,
  type AdapterSession,
  defineAdapter,
  type PointReading,
  type RawValue,
  type RawValueKind,
  type SessionState,
  type Subscription,
  type SubscriptionOptions,
} from '@lwm2m-adapters/sdk';
import { z } from 'zod';

const pointSchema = z.strictObject({
  variable: z.string(),
  kind: z.enum(['number', 'integer', 'time', 'string']).default('number'),
  array: z.boolean().default(false),
});
type PushingPoint = z.output<typeof pointSchema>;

/** One `subscribe` the device saw, and what became of it. */
export interface DeviceSubscription {
  readonly pointIds: readonly string[];
  options: SubscriptionOptions;
  /** Every options change (`modify`), in order. */
  readonly modified: SubscriptionOptions[];
  closed: boolean;
  readonly listener: (readings: readonly PointReading[]) => void;
}

/**
 * An in-memory device whose adapter subscribes (an OPC UA server in miniature): variables hold raw
 * values; `set` changes one and delivers it to the subscriptions covering it; `drop` and `restore`
 * play a lost connection (error readings, then current values, the subscriptions surviving as the
 * SDK's Subscription contract says). No timers: tests drive time with a fake clock.
 */
export class PushingDevice {
  readonly variables = new Map<string, RawValue>();
  readonly subscriptions: DeviceSubscription[] = [];
  readonly reads: string[][] = [];
  readonly writes: { pointId: string; value: RawValue }[] = [];
  readonly definition: AdapterDefinition;
  /** The next `subscribe` calls reject with this error. */
  failSubscribe: CodedError | undefined;
  #points = new Map<string, PushingPoint>();
  readonly #clock: Pick<Clock, 'now'>;

  constructor(clock: Pick<Clock, 'now'>, options: { readonly modify?: boolean } = {}) {
    this.#clock = clock;
    const canModify = options.modify ?? true;
    this.definition = defineAdapter<Record<string, never>, PushingPoint>({
      name: 'pushing',
      version: '1.0.0',
      sdkVersion: '^0.2.0',
      capabilities: { read: true, write: true, execute: false, subscribe: true },
      connectionSchema: z.strictObject({}) as unknown as z.ZodType<Record<string, never>>,
      pointSchema: pointSchema as unknown as z.ZodType<PushingPoint>,
      pointValueKind: (point): RawValueKind => point.kind,
      pointValueShape: (point) => (point.array ? 'array' : 'scalar'),
      validateWrite: () => {},
      createSession: (context) => {
        this.#points = new Map(context.points.map((p) => [p.id, p.source]));
        return this.#session(canModify);
      },
    }) as unknown as AdapterDefinition;
  }

  /** Live (not closed) subscriptions. */
  live(): DeviceSubscription[] {
    return this.subscriptions.filter((s) => !s.closed);
  }

  /** Changes a variable and delivers it to the live subscriptions of its points. */
  set(variable: string, value: RawValue): void {
    this.variables.set(variable, value);
    for (const subscription of this.live()) {
      const ids = subscription.pointIds.filter((id) => this.#points.get(id)?.variable === variable);
      if (ids.length > 0) subscription.listener(ids.map((id) => this.#reading(id)));
    }
  }

  /** The connection is lost: every live subscription gets error readings. */
  drop(): void {
    const error = new CodedError('DEVICE_UNREACHABLE', 'connection lost');
    const timestamp = this.#clock.now();
    for (const subscription of this.live()) {
      subscription.listener(
        subscription.pointIds.map((pointId) => ({ pointId, ok: false, error, timestamp })),
      );
    }
  }

  /** The connection is back: the same subscriptions deliver current values again. */
  restore(): void {
    for (const subscription of this.live()) {
      subscription.listener(subscription.pointIds.map((id) => this.#reading(id)));
    }
  }

  #reading(pointId: string): PointReading {
    const point = this.#points.get(pointId);
    const value = point === undefined ? undefined : this.variables.get(point.variable);
    const timestamp = this.#clock.now();
    return value === undefined
      ? { pointId, ok: false, error: new CodedError('DEVICE_ADDRESS_UNKNOWN', `no ${pointId}`), timestamp }
      : { pointId, ok: true, value, timestamp };
  }

  #session(canModify: boolean): AdapterSession {
    let state: SessionState = 'idle';
    const listeners = new Set<(state: SessionState, error?: CodedError) => void>();
    const setState = (next: SessionState) => {
      state = next;
      for (const listener of listeners) listener(next);
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
      [Symbol.asyncDispose]: async () => setState('closed'),
      read: async (pointIds) => {
        this.reads.push([...pointIds]);
        return pointIds.map((id) => this.#reading(id));
      },
      write: async (pointId, value) => {
        this.writes.push({ pointId, value });
        const point = this.#points.get(pointId);
        if (point !== undefined) this.set(point.variable, value);
      },
      execute: async () => {},
      subscribe: async (pointIds, options, listener) => {
        if (this.failSubscribe !== undefined) throw this.failSubscribe;
        const subscription: DeviceSubscription = {
          pointIds: [...pointIds],
          options,
          modified: [],
          closed: false,
          listener,
        };
        this.subscriptions.push(subscription);
        // the initial values, as the contract asks (here at once, before subscribe resolves)
        listener(pointIds.map((id) => this.#reading(id)));
        const handle: Subscription = {
          close: async () => {
            subscription.closed = true;
          },
        };
        if (canModify) {
          return {
            ...handle,
            modify: async (next: SubscriptionOptions) => {
              subscription.options = next;
              subscription.modified.push(next);
            },
          };
        }
        return handle;
      },
      stats: () => ({}),
      onStateChange: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
  }
}

/** The first device of a mapping whose devices use `adapter: pushing`. */
export async function pushingDevice(yaml: string, device: PushingDevice): Promise<CompiledDevice> {
  const result = await compileMapping(
    { text: yaml, fileName: 'pushing.yml' },
    { resolveAdapter: async () => device.definition, env: {} },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const [first] = result.mapping.devices;
  if (first === undefined) throw new Error('the mapping has no device');
  return first;
}
