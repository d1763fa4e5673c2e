/**
 * SessionSupervisor against a stub session: a start that fails is logged and not thrown, state
 * changes are logged and the last error kept for status, a read never rejects (an adapter that
 * throws gives every point it did not give yet a failed reading stamped with the clock), the
 * session's readInto is used when it has one and its read's readings go to their indices, writes get the planned raw
 * value and errors come out coded, stats that throw do not break metrics, close is idempotent.
 */
import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import type { CompiledBoundPoint, CompiledDevice } from '@lwm2m-adapters/mapping';
import type {
  AdapterDefinition,
  AdapterLogger,
  AdapterSession,
  PointReading,
  RawValue,
  ReadingSink,
  SessionState,
} from '@lwm2m-adapters/sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import { SessionSupervisor } from '../../src/runtime/device/session-supervisor.js';
import type { SupervisedReadingSink } from '../../src/runtime/device/supervised-reading-sink.js';
import { FakeClock } from './support/fake-clock.js';
import { ScriptedDevice, scriptedDevice } from './support/scripted-adapter.js';

const MAPPING = `version: 1
devices:
  - id: boiler
    adapter: scripted
    connection: {}
    points:
      /3311/0/5851: { source: { register: 20 }, access: rw }
      /3311/0/5850: { source: { register: 21, kind: boolean }, access: rw }
`;

/** A session whose every call the test scripts. */
class StubSession implements AdapterSession {
  state: SessionState = 'idle';
  readonly calls: string[] = [];
  readonly #listeners = new Set<(state: SessionState, error?: CodedError) => void>();
  startFails: unknown;
  readFails: unknown;
  writeFails: unknown;
  statsFail = false;

  setState(state: SessionState, error?: CodedError): void {
    this.state = state;
    for (const listener of this.#listeners) listener(state, error);
  }

  async start(): Promise<void> {
    this.calls.push('start');
    if (this.startFails !== undefined) {
      this.setState('reconnecting', this.startFails as CodedError);
      throw this.startFails;
    }
    this.setState('connected');
  }

  async close(): Promise<void> {
    this.calls.push('close');
    this.setState('closed');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** What `read` returns (unless it fails). */
  readings = (pointIds: readonly string[]): PointReading[] =>
    pointIds.map((pointId) => ({ pointId, ok: true as const, value: 1, timestamp: 5 }));

  readInto?: (pointIds: readonly string[], sink: ReadingSink) => Promise<void>;

  async read(pointIds: readonly string[]) {
    this.calls.push(`read ${pointIds.join(',')}`);
    if (this.readFails !== undefined) throw this.readFails;
    return this.readings(pointIds);
  }

  async write(pointId: string, value: RawValue): Promise<void> {
    this.calls.push(`write ${pointId}=${String(value)}`);
    if (this.writeFails !== undefined) throw this.writeFails;
  }

  async execute(pointId: string, args?: string): Promise<void> {
    this.calls.push(`execute ${pointId} ${args ?? ''}`);
  }

  stats() {
    if (this.statsFail) throw new Error('stats broke');
    return { requests: 3 };
  }

  onStateChange(listener: (state: SessionState, error?: CodedError) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Every outcome a read gave, in order: [index, value or error, timestamp]. */
class RecordingSink implements SupervisedReadingSink {
  readonly outcomes: [number, RawValue | CodedError, number][] = [];
  /** How many points the read asked for. */
  readonly #size: number;

  constructor(size: number) {
    this.#size = size;
  }

  value(index: number, value: RawValue, timestamp: number): void {
    this.outcomes.push([index, value, timestamp]);
  }

  error(index: number, error: CodedError, timestamp: number): void {
    this.outcomes.push([index, error, timestamp]);
  }

  failRest(error: CodedError, timestamp: number): void {
    const given = new Set(this.outcomes.map(([index]) => index));
    for (let index = 0; index < this.#size; index++)
      if (!given.has(index)) this.error(index, error, timestamp);
  }
}

let clock: FakeClock;
let definition: AdapterDefinition;
let device: CompiledDevice;
let session: StubSession;
let logs: { level: string; fields: Record<string, unknown>; message: string }[];
let supervisor: SessionSupervisor;

const logger: AdapterLogger = {
  debug: (fields, message) => logs.push({ level: 'debug', fields, message }),
  info: (fields, message) => logs.push({ level: 'info', fields, message }),
  warn: (fields, message) => logs.push({ level: 'warn', fields, message }),
  error: (fields, message) => logs.push({ level: 'error', fields, message }),
};

beforeEach(async () => {
  clock = new FakeClock();
  const scripted = new ScriptedDevice(clock);
  device = await scriptedDevice(MAPPING, scripted);
  session = new StubSession();
  logs = [];
  definition = scripted.definition;
  const adapter: AdapterDefinition = { ...definition, createSession: () => session };
  supervisor = new SessionSupervisor({ device, adapter, logger, clock });
});

const point = (): CompiledBoundPoint =>
  device.points.find((p) => p.id === '/3311/0/5851') as CompiledBoundPoint;

describe('SessionSupervisor', () => {
  it('logs a failed start instead of throwing, and keeps the error for status until connected', async () => {
    const unreachable = new CodedError('DEVICE_UNREACHABLE', 'connection refused');
    session.startFails = unreachable;
    await supervisor.start();
    await supervisor.start();
    expect(session.calls).toEqual(['start']);
    expect(supervisor.state).toBe('reconnecting');
    expect(supervisor.lastError).toBe('DEVICE_UNREACHABLE: connection refused');
    expect(logs).toEqual([
      {
        level: 'warn',
        fields: { code: 'DEVICE_UNREACHABLE', message: 'connection refused' },
        message: 'device connection lost; reconnecting',
      },
      {
        level: 'warn',
        fields: { deviceId: 'boiler', code: 'DEVICE_UNREACHABLE', err: unreachable },
        message: 'device not reachable yet; retrying in the background',
      },
    ]);
    session.setState('connected');
    expect(supervisor.lastError).toBeUndefined();
    expect(logs.at(-1)).toEqual({ level: 'info', fields: {}, message: 'device connected' });
  });

  it('never rejects a read: an adapter that throws fails every point asked, stamped with the clock', async () => {
    await supervisor.start();
    session.readFails = new Error('socket broke');
    const sink = new RecordingSink(2);
    await supervisor.readInto(['/3311/0/5851', '/3311/0/5850'], sink);
    expect(
      sink.outcomes.map(([index, outcome, timestamp]) => [index, isCodedError(outcome), timestamp]),
    ).toEqual([
      [0, true, clock.now()],
      [1, true, clock.now()],
    ]);
    const [, first] = sink.outcomes[0]!;
    expect(isCodedError(first) && first.code).toBe('DEVICE_FAILURE');
    expect(isCodedError(first) && first.message).toBe('boiler: the adapter failed');

    const busy = new CodedError('DEVICE_BUSY', 'queue full');
    session.readFails = busy;
    const coded = new RecordingSink(1);
    await supervisor.readInto(['/3311/0/5851'], coded);
    expect(coded.outcomes).toEqual([[0, busy, clock.now()]]);
  });

  it("gives a session's read readings at their indices: out of order ones where their point was asked, others dropped", async () => {
    await supervisor.start();
    const sink = new RecordingSink(2);
    await supervisor.readInto(['/3311/0/5851', '/3311/0/5850'], sink);
    expect(session.calls.at(-1)).toBe('read /3311/0/5851,/3311/0/5850');
    expect(sink.outcomes).toEqual([
      [0, 1, 5],
      [1, 1, 5],
    ]);

    session.readings = (ids) =>
      [...ids, '/9/9/9']
        .reverse()
        .map((pointId, i) => ({ pointId, ok: true as const, value: i, timestamp: 7 }));
    const shuffled = new RecordingSink(2);
    await supervisor.readInto(['/3311/0/5851', '/3311/0/5850'], shuffled);
    expect(shuffled.outcomes).toEqual([
      [1, 1, 7],
      [0, 2, 7],
    ]);
  });

  it("uses the session's readInto when it has one; what it gave before it threw stands, the rest fails", async () => {
    const sinkSession = new StubSession();
    sinkSession.readInto = async (pointIds, sink) => {
      sinkSession.calls.push(`readInto ${pointIds.join(',')}`);
      sink.value(1, 42, 9);
      throw new CodedError('DEVICE_TIMEOUT', 'no answer');
    };
    const adapter: AdapterDefinition = { ...definition, createSession: () => sinkSession };
    const reading = new SessionSupervisor({ device, adapter, logger, clock });
    await reading.start();
    const sink = new RecordingSink(2);
    await reading.readInto(['/3311/0/5851', '/3311/0/5850'], sink);
    expect(sinkSession.calls).toEqual(['start', 'readInto /3311/0/5851,/3311/0/5850']);
    expect(
      sink.outcomes.map(([index, outcome]) => [index, isCodedError(outcome) ? outcome.code : outcome]),
    ).toEqual([
      [1, 42],
      [0, 'DEVICE_TIMEOUT'],
    ]);
    await reading.close();
  });

  it('hands the session the planned raw value, and codes what the adapter throws', async () => {
    await supervisor.start();
    await supervisor.write({ point: point(), raw: 75 });
    expect(session.calls.at(-1)).toBe('write /3311/0/5851=75');

    session.writeFails = new TypeError('bad state');
    const plain = await supervisor.write({ point: point(), raw: 76 }).catch((error: unknown) => error);
    expect(isCodedError(plain, 'DEVICE_FAILURE')).toBe(true);
    expect((plain as CodedError).message).toBe('boiler /3311/0/5851: the adapter failed');

    const rejected = new CodedError('DEVICE_VALUE_REJECTED', 'exception 3');
    session.writeFails = rejected;
    expect(await supervisor.write({ point: point(), raw: 77 }).catch((error: unknown) => error)).toBe(
      rejected,
    );
  });

  it('gives empty stats when the adapter stats throw, and closes once after the start settled', async () => {
    expect(supervisor.stats()).toEqual({ requests: 3 });
    session.statsFail = true;
    expect(supervisor.stats()).toEqual({});

    const starting = supervisor.start();
    const closing = supervisor.close();
    expect(supervisor.close()).toBe(closing);
    expect(supervisor.closing).toBe(true);
    await Promise.all([starting, closing]);
    expect(session.calls).toEqual(['start', 'close']);
    expect(supervisor.state).toBe('closed');
  });
});
