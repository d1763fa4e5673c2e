import { isCodedError, isErrorCode } from '@lwm2m-adapters/errors';
import { silentLogger } from '@lwm2m-adapters/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdapterDefinition, isAdapterDefinition, SDK_VERSION } from '../adapter-definition.js';
import type {
  AdapterSession,
  PointReading,
  PointSpec,
  SessionState,
  Subscription,
  SubscriptionOptions,
} from '../adapter-session.js';
import { assertSdkCompatible } from '../load-adapter.js';
import { isRawArray, type RawScalar, type RawValue, rawValueKind } from '../raw-value.js';

/** A device (usually the adapter's simulator) prepared for the conformance suite. */
export interface ConformanceFixture<Connection, Point> {
  /** Connection settings as a user would write them in a mapping (validated by the adapter's schema). */
  readonly connection: unknown;
  /** Points as a user would write their `source`, with ids and access. */
  readonly points: readonly PointSpec<unknown>[];
  /** Points that must read successfully. */
  readonly readable: readonly string[];
  /** Writes that must succeed and read back equal. */
  readonly writes?: readonly { readonly pointId: string; readonly value: RawValue }[];
  /** Values `validateWrite` must reject with WRITE_VALUE_INVALID (nothing sent). */
  readonly invalidWrites?: readonly { readonly pointId: string; readonly value: RawValue }[];
  /** A point the device does not have: reading it gives DEVICE_ADDRESS_UNKNOWN. */
  readonly unknownPoint?: PointSpec<unknown>;
  /** Stops the device; reads then fail with a retriable error. Must be paired with `restartDevice`. */
  readonly stopDevice?: () => Promise<void>;
  /** Restarts the device; the same session reads values again without being recreated. */
  readonly restartDevice?: () => Promise<void>;
  /**
   * Adapters that subscribe: the points the subscribe checks use (default: `readable`). The
   * change check writes the first of `writes` among them (a value other than its current one),
   * the close check writes the value it had back.
   */
  readonly subscribable?: readonly string[];
  /** Stops everything the fixture started. */
  readonly teardown: () => Promise<void>;
  /** Phantom types for callers' convenience. */
  readonly _types?: { connection: Connection; point: Point };
}

export interface ConformanceOptions<Connection, Point> {
  readonly adapter: AdapterDefinition<Connection, Point>;
  readonly setup: () => Promise<ConformanceFixture<Connection, Point>>;
  /** How long to wait for recovery after `restartDevice` (default 15 s). */
  readonly recoveryTimeoutMs?: number;
  /** Options of the conformance suite's subscriptions (default: sampling every 100 ms). */
  readonly subscriptionOptions?: SubscriptionOptions;
  /** How long a subscription may take to deliver what it must (default 10 s). */
  readonly deliveryTimeoutMs?: number;
  /**
   * Adapter-specific cases, registered with vitest's `it` inside the suite, after its own checks
   * and before the session is closed. The context's getters work inside tests only.
   */
  readonly additionalTests?: (context: ConformanceContext<Connection, Point>) => void;
}

/** What `additionalTests` may use: the suite's fixture, its started session and parsed points. */
export interface ConformanceContext<Connection, Point> {
  readonly adapter: AdapterDefinition<Connection, Point>;
  readonly fixture: () => ConformanceFixture<Connection, Point>;
  readonly session: () => AdapterSession;
  readonly points: () => readonly PointSpec<Point>[];
}

/**
 * Equality for read-back checks: float32 rounding tolerated, number vs bigint compared exactly,
 * dates by time, arrays element by element.
 */
function valuesEqual(a: RawValue, b: RawValue): boolean {
  if (isRawArray(a) || isRawArray(b)) {
    return (
      isRawArray(a) && isRawArray(b) && a.length === b.length && a.every((x, i) => scalarsEqual(x, b[i]!))
    );
  }
  return scalarsEqual(a, b);
}

function scalarsEqual(a: RawScalar, b: RawScalar): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return Object.is(a, b) || Math.abs(a - b) <= Math.abs(a) * 1e-6;
  }
  const integral = (v: RawScalar): v is number | bigint =>
    typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
  if (integral(a) && integral(b)) return BigInt(a) === BigInt(b);
  return a === b;
}

function describeValue(value: RawValue): string {
  if (isRawArray(value)) return `[${value.map((v) => describeValue(v)).join(', ')}]`;
  return value instanceof Date ? value.toISOString() : String(value);
}

/** Everything a subscription's listener got, and a way to wait for a reading. */
class Deliveries {
  readonly readings: PointReading[] = [];
  readonly listener = (readings: readonly PointReading[]): void => {
    this.readings.push(...readings);
  };

  /** Waits for a reading from index `from` on that satisfies `match`; throws after `timeoutMs`. */
  async waitFor(
    what: string,
    match: (reading: PointReading) => boolean,
    timeoutMs: number,
    from = 0,
  ): Promise<PointReading> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.readings.slice(from).find(match);
      if (found !== undefined) return found;
      if (Date.now() > deadline) {
        const seen = this.readings
          .slice(from)
          .map((r) => `${r.pointId}=${r.ok ? describeValue(r.value) : r.error.code}`)
          .join(', ');
        throw new Error(`timed out waiting for ${what}; the listener got: ${seen || 'nothing'}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function subscribeOn(
  session: AdapterSession,
  pointIds: readonly string[],
  options: SubscriptionOptions,
  deliveries: Deliveries,
): Promise<Subscription> {
  if (session.subscribe === undefined) {
    throw new Error('capabilities.subscribe is true, but the session has no subscribe method');
  }
  return session.subscribe(pointIds, options, deliveries.listener);
}

async function readOne(session: AdapterSession, pointId: string): Promise<PointReading> {
  const [reading] = await session.read([pointId]);
  if (reading === undefined) throw new Error(`read([${pointId}]) returned no reading`);
  return reading;
}

/**
 * The behaviour every adapter (ours and third parties') must show against its simulator:
 * a valid definition, idempotent lifecycle, one reading per requested point in order, typed
 * values, validated writes, coded errors from the catalogue, SESSION_CLOSED after close, and
 * recovery after the device restarts. Registers vitest suites; call it at a test file's top level.
 */
export function describeAdapterConformance<Connection, Point>(
  title: string,
  options: ConformanceOptions<Connection, Point>,
): void {
  const { adapter } = options;
  describe(`adapter conformance: ${title}`, () => {
    let fixture: ConformanceFixture<Connection, Point>;
    let session: AdapterSession;
    let points: PointSpec<Point>[];
    const states: SessionState[] = [];

    beforeAll(async () => {
      fixture = await options.setup();
      const connection = adapter.connectionSchema.parse(fixture.connection);
      points = fixture.points.map((p) => ({ ...p, source: adapter.pointSchema.parse(p.source) }));
      session = adapter.createSession({ deviceId: 'conformance', connection, points, logger: silentLogger });
      session.onStateChange((s) => states.push(s));
    }, 60_000);

    afterAll(async () => {
      await session?.close();
      await fixture?.teardown();
    }, 60_000);

    it('exports a valid definition compatible with this SDK', () => {
      expect(isAdapterDefinition(adapter)).toBe(true);
      expect(() => assertSdkCompatible(adapter, SDK_VERSION)).not.toThrow();
      expect(adapter.name).toMatch(/^[a-z0-9@/._-]+$/);
      for (const p of points) {
        expect(['number', 'integer', 'boolean', 'string', 'bytes', 'time']).toContain(
          adapter.pointValueKind(p.source),
        );
        expect(['scalar', 'array']).toContain(adapter.pointValueShape?.(p.source) ?? 'scalar');
      }
      expect(adapter.checkPoints?.(adapter.connectionSchema.parse(fixture.connection), points) ?? []).toEqual(
        [],
      );
    });

    it('starts idempotently and reports its state', async () => {
      await Promise.all([session.start(), session.start()]);
      await session.start();
      expect(session.state).toBe('connected');
      expect(states).toContain('connected');
    });

    it('reads every readable point, one reading per id, in request order, typed as declared (and so through readInto)', async () => {
      const ids = [...fixture.readable].reverse();
      const readings = await session.read(ids);
      expect(readings.map((r) => r.pointId)).toEqual(ids);
      for (const r of readings) {
        if (!r.ok) throw new Error(`point ${r.pointId} failed: ${r.error.code} ${r.error.message}`);
        const point = points.find((p) => p.id === r.pointId)!;
        const declared = adapter.pointValueKind(point.source);
        const shape = adapter.pointValueShape?.(point.source) ?? 'scalar';
        expect(isRawArray(r.value), `${r.pointId}: declared ${shape}`).toBe(shape === 'array');
        const actual = rawValueKind(r.value);
        expect(
          actual === undefined || declared === actual || (declared === 'number' && actual === 'integer'),
          `${r.pointId}: ${declared} vs ${actual}`,
        ).toBe(true);
        expect(r.timestamp).toBeGreaterThan(0);
      }
      // a session with readInto gives the same through it: each index once, typed as read gives it
      if (session.readInto !== undefined) {
        const given: (string | undefined)[] = ids.map(() => undefined);
        const give = (index: number, outcome: string): void => {
          expect(given[index], `readInto gave index ${index} twice`).toBeUndefined();
          given[index] = outcome;
        };
        await session.readInto(ids, {
          value: (index, value, timestamp) => {
            expect(timestamp).toBeGreaterThan(0);
            give(index, `${isRawArray(value) ? 'array' : 'scalar'} ${rawValueKind(value) ?? '?'}`);
          },
          error: (index, error) => give(index, `error ${error.code}`),
        });
        expect(given).toEqual(
          readings.map((r) =>
            r.ok
              ? `${isRawArray(r.value) ? 'array' : 'scalar'} ${rawValueKind(r.value) ?? '?'}`
              : `error ${r.error.code}`,
          ),
        );
      }
    });

    const subscribes = adapter.capabilities.subscribe;
    const subscriptionOptions = options.subscriptionOptions ?? { samplingIntervalMs: 100 };
    const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 10_000;
    const subscribable = () => fixture.subscribable ?? fixture.readable;
    const latest = (deliveries: Deliveries, pointId: string) =>
      deliveries.readings.filter((r) => r.pointId === pointId).at(-1);

    // registered only for adapters that subscribe (a skipped check would say nothing)
    const itSubscribing = subscribes ? it : () => undefined;
    itSubscribing(
      'subscribes: initial values, a change after a write, nothing after close',
      async () => {
        const ids = subscribable();
        const deliveries = new Deliveries();
        const subscription = await subscribeOn(session, ids, subscriptionOptions, deliveries);
        for (const id of ids) {
          await deliveries.waitFor(
            `the initial value of ${id}`,
            (r) => r.pointId === id && r.ok,
            deliveryTimeoutMs,
          );
        }
        const write = fixture.writes?.find((w) => ids.includes(w.pointId));
        const before = write === undefined ? undefined : latest(deliveries, write.pointId);
        if (write !== undefined) {
          const from = deliveries.readings.length;
          await session.write(write.pointId, write.value);
          await deliveries.waitFor(
            `${write.pointId} = ${describeValue(write.value)} after the write`,
            (r) => r.pointId === write.pointId && r.ok && valuesEqual(r.value, write.value),
            deliveryTimeoutMs,
            from,
          );
        }
        await Promise.all([subscription.close(), subscription.close()]);
        const after = deliveries.readings.length;
        if (write !== undefined && before?.ok === true) {
          // the old value back: a change nobody is told of any more
          await session.write(write.pointId, before.value);
        }
        await new Promise((resolve) => setTimeout(resolve, subscriptionOptions.samplingIntervalMs * 3 + 300));
        expect(deliveries.readings.slice(after), 'readings after close').toEqual([]);
      },
      60_000,
    );

    it('writes values and reads them back', async () => {
      for (const w of fixture.writes ?? []) {
        await session.write(w.pointId, w.value);
        const r = await readOne(session, w.pointId);
        if (!r.ok) throw new Error(`read-back of ${w.pointId} failed: ${r.error.code}`);
        expect(
          valuesEqual(r.value, w.value),
          `${w.pointId}: wrote ${describeValue(w.value)}, read ${describeValue(r.value)}`,
        ).toBe(true);
      }
    });

    it('rejects invalid writes before they reach the device', async () => {
      for (const w of fixture.invalidWrites ?? []) {
        const point = points.find((p) => p.id === w.pointId)!;
        expect(() => adapter.validateWrite(point.source, w.value)).toThrow(
          expect.objectContaining({ code: 'WRITE_VALUE_INVALID' }),
        );
        await expect(session.write(w.pointId, w.value)).rejects.toMatchObject({
          code: 'WRITE_VALUE_INVALID',
        });
      }
    });

    it('answers a missing device address with DEVICE_ADDRESS_UNKNOWN, as a value', async () => {
      if (fixture.unknownPoint === undefined) return;
      const unknown = {
        ...fixture.unknownPoint,
        source: adapter.pointSchema.parse(fixture.unknownPoint.source),
      };
      const probe = adapter.createSession({
        deviceId: 'conformance-unknown',
        connection: adapter.connectionSchema.parse(fixture.connection),
        points: [unknown],
        logger: silentLogger,
      });
      try {
        await probe.start();
        const r = await readOne(probe, unknown.id);
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.error.code).toBe('DEVICE_ADDRESS_UNKNOWN');
          expect(isErrorCode(r.error.code)).toBe(true);
        }
      } finally {
        await probe.close();
      }
    });

    it('fails reads with a retriable coded error while the device is down, then recovers by itself', async () => {
      if (fixture.stopDevice === undefined || fixture.restartDevice === undefined) return;
      const id = fixture.readable[0]!;
      await fixture.stopDevice();
      const down = await readOne(session, id);
      expect(down.ok).toBe(false);
      if (!down.ok) {
        expect(isCodedError(down.error)).toBe(true);
        expect(down.error.retriable).toBe(true);
      }
      await fixture.restartDevice();
      const deadline = Date.now() + (options.recoveryTimeoutMs ?? 15_000);
      let last: PointReading = down;
      while (Date.now() < deadline) {
        last = await readOne(session, id);
        if (last.ok) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(last.ok, last.ok ? '' : `still failing: ${last.error.code}`).toBe(true);
    }, 60_000);

    itSubscribing(
      'keeps a subscription across a device restart: error readings, then values, without subscribing again',
      async () => {
        if (fixture.stopDevice === undefined || fixture.restartDevice === undefined) return;
        const ids = subscribable();
        const id = ids[0]!;
        const deliveries = new Deliveries();
        const subscription = await subscribeOn(session, ids, subscriptionOptions, deliveries);
        try {
          await deliveries.waitFor(
            `the initial value of ${id}`,
            (r) => r.pointId === id && r.ok,
            deliveryTimeoutMs,
          );
          const beforeStop = deliveries.readings.length;
          await fixture.stopDevice();
          const lost = await deliveries.waitFor(
            `an error reading of ${id} once the device is down`,
            (r) => r.pointId === id && !r.ok,
            deliveryTimeoutMs,
            beforeStop,
          );
          if (!lost.ok) expect(isCodedError(lost.error)).toBe(true);
          const afterStop = deliveries.readings.length;
          await fixture.restartDevice();
          await deliveries.waitFor(
            `a value of ${id} after the device restarted`,
            (r) => r.pointId === id && r.ok,
            options.recoveryTimeoutMs ?? 15_000,
            afterStop,
          );
        } finally {
          await subscription.close();
        }
      },
      90_000,
    );

    options.additionalTests?.({
      adapter,
      fixture: () => fixture,
      session: () => session,
      points: () => points,
    });

    it('closes idempotently, then answers SESSION_CLOSED', async () => {
      await Promise.all([session.close(), session.close()]);
      expect(session.state).toBe('closed');
      const id = fixture.readable[0]!;
      const after = await session.read([id]).then(
        (rs) => rs[0],
        (err: unknown) => ({ pointId: id, ok: false as const, error: err, timestamp: 0 }),
      );
      expect(after?.ok).toBe(false);
      expect(after && !after.ok ? (after.error as { code?: string }).code : undefined).toBe('SESSION_CLOSED');
      await session[Symbol.asyncDispose]();
    });
  });
}
