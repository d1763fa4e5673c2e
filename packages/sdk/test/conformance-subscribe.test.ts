/**
 * The conformance suite's subscription checks, run against a minimal adapter that subscribes (an
 * in-memory variable server that pushes changes, with number, time and array variables): initial
 * values, a change after a write, silence after close, and a subscription that survives the
 * server's restart; plus an adapter-specific case through `additionalTests`.
 */
import { expect, it } from 'vitest';
import { z } from 'zod';
import {
  CodedError,
  defineAdapter,
  type PointReading,
  type RawValue,
  SDK_VERSION,
  SessionBase,
  type Subscription,
  type SubscriptionOptions,
} from '../src/index.js';
import { describeAdapterConformance } from '../src/testing/index.js';

type Listener = (readings: readonly PointReading[]) => void;

/** A server of named variables that tells its subscribers of every change. */
class VariableServer {
  up = true;
  readonly values = new Map<string, RawValue>();
  readonly subscribers = new Set<{ readonly ids: Map<string, string>; readonly listener: Listener }>();

  reading(pointId: string, variable: string): PointReading {
    const timestamp = Date.now();
    if (!this.up) return { pointId, ok: false, error: unreachable(), timestamp };
    const value = this.values.get(variable);
    return value === undefined
      ? { pointId, ok: false, error: new CodedError('DEVICE_ADDRESS_UNKNOWN', `no ${variable}`), timestamp }
      : { pointId, ok: true, value, timestamp };
  }

  /** Tells every subscriber what became of its points (after a change, a stop or a restart). */
  publish(variable?: string): void {
    for (const { ids, listener } of this.subscribers) {
      const readings = [...ids]
        .filter(([, v]) => variable === undefined || v === variable)
        .map(([id, v]) => this.reading(id, v));
      if (readings.length > 0) setTimeout(() => listener(readings), 5);
    }
  }
}

/** The encoding's one rule, for `validateWrite` and the session alike. */
function checkShape(point: { readonly array: boolean }, value: RawValue): void {
  if (point.array !== Array.isArray(value)) {
    throw new CodedError(
      'WRITE_VALUE_INVALID',
      point.array ? 'an array is expected' : 'one value is expected',
    );
  }
}

const unreachable = () => new CodedError('DEVICE_UNREACHABLE', 'the server is down');
const servers = new Map<string, VariableServer>();
const connectionSchema = z.object({ server: z.string() });
const pointSchema = z.object({
  variable: z.string(),
  kind: z.enum(['number', 'time', 'integer']),
  array: z.boolean(),
});
type Connection = z.infer<typeof connectionSchema>;
type Point = z.infer<typeof pointSchema>;

class VariableSession extends SessionBase<Connection, Point> {
  readonly modified: SubscriptionOptions[] = [];

  #server(): VariableServer {
    const server = servers.get(this.context.connection.server);
    if (server === undefined) throw unreachable();
    return server;
  }

  async read(pointIds: readonly string[]): Promise<PointReading[]> {
    this.assertOpen();
    return pointIds.map((id) => this.#server().reading(id, this.pointSource(id).variable));
  }

  async write(pointId: string, value: RawValue): Promise<void> {
    this.assertOpen();
    const server = this.#server();
    if (!server.up) throw unreachable();
    const point = this.pointSource(pointId);
    checkShape(point, value);
    const { variable } = point;
    server.values.set(variable, value);
    server.publish(variable);
  }

  async subscribe(
    pointIds: readonly string[],
    _options: SubscriptionOptions,
    listener: Listener,
  ): Promise<Subscription> {
    this.assertOpen();
    const server = this.#server();
    const entry = { ids: new Map(pointIds.map((id) => [id, this.pointSource(id).variable])), listener };
    server.subscribers.add(entry);
    // the initial values
    setTimeout(() => listener(pointIds.map((id) => server.reading(id, entry.ids.get(id)!))), 5);
    return {
      modify: async (options) => {
        this.modified.push(options);
      },
      close: async () => {
        server.subscribers.delete(entry);
      },
    };
  }
}

const sessions: VariableSession[] = [];
const adapter = defineAdapter<Connection, Point>({
  name: 'variables',
  version: '1.0.0',
  sdkVersion: `^${SDK_VERSION}`,
  capabilities: { read: true, write: true, execute: false, subscribe: true },
  connectionSchema,
  pointSchema,
  pointValueKind: (point) => point.kind,
  pointValueShape: (point) => (point.array ? 'array' : 'scalar'),
  validateWrite: checkShape,
  createSession: (context) => {
    const session = new VariableSession(context);
    sessions.push(session);
    return session;
  },
});

const access = { read: true, write: true, execute: false };

describeAdapterConformance('a subscribing adapter (in-memory variables)', {
  adapter,
  subscriptionOptions: { samplingIntervalMs: 20 },
  deliveryTimeoutMs: 2_000,
  recoveryTimeoutMs: 2_000,
  async setup() {
    const server = new VariableServer();
    server.values.set('temp', 21.5);
    server.values.set('stamp', new Date('2026-12-06T00:00:00Z'));
    server.values.set('series', [1, 2, 3]);
    servers.set('plant', server);
    return {
      connection: { server: 'plant' },
      points: [
        { id: 'temp', source: { variable: 'temp', kind: 'number', array: false }, access },
        { id: 'stamp', source: { variable: 'stamp', kind: 'time', array: false }, access },
        { id: 'series', source: { variable: 'series', kind: 'integer', array: true }, access },
      ],
      readable: ['temp', 'stamp', 'series'],
      writes: [
        { pointId: 'temp', value: 42.5 },
        { pointId: 'stamp', value: new Date('2027-01-01T00:00:00Z') },
        { pointId: 'series', value: [4, 5] },
      ],
      invalidWrites: [{ pointId: 'series', value: 4 }],
      stopDevice: async () => {
        server.up = false;
        server.publish();
      },
      restartDevice: async () => {
        server.up = true;
        server.publish();
      },
      teardown: async () => {
        servers.delete('plant');
      },
    };
  },
  additionalTests: (context) => {
    it('modifies a subscription in place (adapter-specific case)', async () => {
      const session = context.session();
      const subscription = await session.subscribe?.(['temp'], { samplingIntervalMs: 20 }, () => {});
      await subscription?.modify?.({ samplingIntervalMs: 500, deadband: 1 });
      expect(sessions.at(-1)?.modified).toEqual([{ samplingIntervalMs: 500, deadband: 1 }]);
      expect(context.points().map((p) => p.id)).toEqual(['temp', 'stamp', 'series']);
      expect(context.fixture().readable).toHaveLength(3);
      await subscription?.close();
    });
  },
});
