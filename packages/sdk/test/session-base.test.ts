/**
 * SessionBase: a minimal adapter (an in-memory register bank) written on it passes the SDK's
 * conformance suite, and the base's own promises hold: state changes with their errors, idempotent
 * start/close, SESSION_CLOSED after close, counters in stats, a failed connect as `reconnecting`.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CodedError,
  defineAdapter,
  type PointReading,
  type RawValue,
  SDK_VERSION,
  SessionBase,
  type SessionContext,
  type SessionState,
  silentLogger,
} from '../src/index.js';
import { describeAdapterConformance } from '../src/testing/index.js';

interface Bank {
  up: boolean;
  readonly values: Map<number, number>;
}
const banks = new Map<string, Bank>();
const connectionSchema = z.object({ bank: z.string() });
const pointSchema = z.object({ register: z.number().int().min(0) });
type Connection = z.infer<typeof connectionSchema>;
type Point = z.infer<typeof pointSchema>;

const down = () => new CodedError('DEVICE_UNREACHABLE', 'the bank is down');

/** The whole protocol of a minimal adapter: read and write, nothing else. */
class BankSession extends SessionBase<Connection, Point> {
  #bank(): Bank {
    const bank = banks.get(this.context.connection.bank);
    if (bank === undefined || !bank.up) throw down();
    return bank;
  }

  protected override async connect(): Promise<void> {
    this.#bank();
  }

  async read(pointIds: readonly string[]): Promise<PointReading[]> {
    this.assertOpen();
    const sources = pointIds.map((id) => this.pointSource(id));
    const timestamp = Date.now();
    this.count('reads');
    let bank: Bank;
    try {
      bank = this.#bank();
      this.setState('connected');
    } catch (error) {
      this.setState('reconnecting', error as CodedError);
      return pointIds.map((pointId) => ({ pointId, ok: false, error: error as CodedError, timestamp }));
    }
    return pointIds.map((pointId, i): PointReading => {
      const value = bank.values.get(sources[i]!.register);
      return value === undefined
        ? { pointId, ok: false, timestamp, error: new CodedError('DEVICE_ADDRESS_UNKNOWN', 'no register') }
        : { pointId, ok: true, value, timestamp };
    });
  }

  async write(pointId: string, value: RawValue): Promise<void> {
    this.assertOpen();
    const { register } = this.pointSource(pointId);
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new CodedError('WRITE_VALUE_INVALID', `${String(value)} is not an integer`);
    }
    this.#bank().values.set(register, value);
    this.count('writes');
  }
}

const adapter = defineAdapter<Connection, Point>({
  name: 'bank',
  version: '1.0.0',
  sdkVersion: `^${SDK_VERSION}`,
  capabilities: { read: true, write: true, execute: false, subscribe: false },
  connectionSchema,
  pointSchema,
  pointValueKind: () => 'integer',
  validateWrite: (_point, value) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new CodedError('WRITE_VALUE_INVALID', `${String(value)} is not an integer`);
    }
  },
  createSession: (context) => new BankSession(context),
});

const access = { read: true, write: true, execute: false };
let next = 0;
describeAdapterConformance('a minimal adapter on SessionBase', {
  adapter,
  async setup() {
    const name = `bank-${next++}`;
    banks.set(name, {
      up: true,
      values: new Map([
        [0, 1],
        [1, 2],
      ]),
    });
    return {
      connection: { bank: name },
      points: [
        { id: 'a', source: { register: 0 }, access },
        { id: 'b', source: { register: 1 }, access },
      ],
      readable: ['a', 'b'],
      writes: [{ pointId: 'a', value: 7 }],
      invalidWrites: [{ pointId: 'a', value: 1.5 }],
      unknownPoint: { id: 'c', source: { register: 9 }, access },
      stopDevice: async () => {
        banks.get(name)!.up = false;
      },
      restartDevice: async () => {
        banks.get(name)!.up = true;
      },
      teardown: async () => {
        banks.delete(name);
      },
    };
  },
});

function session(bank: string): BankSession {
  const context: SessionContext<Connection, Point> = {
    deviceId: 'dev',
    connection: { bank },
    points: [{ id: 'a', source: { register: 0 }, access }],
    logger: silentLogger,
  };
  return new BankSession(context);
}

describe('SessionBase', () => {
  it('goes connecting -> connected once however often started, then closed for good', async () => {
    banks.set('ok', { up: true, values: new Map([[0, 5]]) });
    const s = session('ok');
    const seen: SessionState[] = [];
    s.onStateChange((state) => seen.push(state));
    await Promise.all([s.start(), s.start()]);
    await s.start();
    expect(s.state).toBe('connected');
    expect(await s.read(['a'])).toMatchObject([{ pointId: 'a', ok: true, value: 5 }]);
    await s.write('a', 6);
    expect(s.stats()).toEqual({ reads: 1, writes: 1 });
    await Promise.all([s.close(), s.close()]);
    expect(seen).toEqual(['connecting', 'connected', 'closed']);
    await expect(s.read(['a'])).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
    await expect(s.start()).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
    await expect(s.execute('a')).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
  });

  it('a connect that fails leaves it reconnecting with the error; start does not throw it', async () => {
    const s = session('absent');
    const changes: [SessionState, string | undefined][] = [];
    s.onStateChange((state, error) => changes.push([state, error?.code]));
    await s.start();
    expect(changes).toEqual([
      ['connecting', undefined],
      ['reconnecting', 'DEVICE_UNREACHABLE'],
    ]);
    await s.close();
  });

  it('refuses execute and unknown points with coded errors', async () => {
    banks.set('ok2', { up: true, values: new Map() });
    await using s = session('ok2');
    await s.start();
    await expect(s.execute('a')).rejects.toMatchObject({ code: 'DEVICE_OPERATION_UNSUPPORTED' });
    await expect(s.read(['zz'])).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
