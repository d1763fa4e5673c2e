/**
 * The console's browser logic without a browser: how events land in the live store (an end
 * device's values under its Device ID, without the prefix; Send values with their timestamps;
 * topology events re-read the registrations) and how typed form input becomes API values.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultConsoleDir } from '../../src/console/console-assets.js';

interface LiveValue {
  type: string;
  value: unknown;
  time: number;
}
interface LiveStore {
  connection: string;
  start(): void;
  values: Map<string, LiveValue>;
  lastSeen: Map<string, number>;
  series: Map<string, { t: number[]; v: number[] }>;
  events: { type: string }[];
  clients: unknown[];
  apply(event: unknown): void;
  trend(key: string): void;
  close(): void;
}
interface ResourceForms {
  valueFromInput(definition: { type: string }, text: string): unknown;
  attributesFrom(data: FormData): Record<string, number>;
  valueText(entry: { type: string; value: unknown } | undefined): string;
}

// the browser modules, imported as the browser does (plain ES modules; paths resolved at run time)
const consoleModule = (name: string) => pathToFileURL(join(defaultConsoleDir(), name)).href;
const { LiveStore } = (await import(consoleModule('live-store.js'))) as { LiveStore: new () => LiveStore };
const forms = (await import(consoleModule('resource-forms.js'))) as ResourceForms;

const base = { v: 1, time: '2026-12-05T22:00:00.000Z', endpoint: 'gw-1', registrationId: 'r1' };

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('LiveStore', () => {
  it("keeps an end device's notified value under its Device ID, without the prefix", () => {
    const store = new LiveStore();
    store.apply({
      ...base,
      seq: 1,
      type: 'notification',
      deviceId: 'urn:dev:plc0',
      prefix: 'dev0',
      path: '/dev0/3303/0/5700',
      values: [{ path: '/dev0/3303/0/5700', type: 'float', value: 21.5 }],
    });
    expect(store.values.get('devices/urn:dev:plc0 /3303/0/5700')).toEqual({
      type: 'float',
      value: 21.5,
      time: Date.parse(base.time),
    });
    expect(store.lastSeen.get('devices/urn:dev:plc0')).toBe(Date.parse(base.time));
    // a plain client's value keeps its path
    store.apply({
      ...base,
      seq: 2,
      type: 'notification',
      deviceId: null,
      prefix: null,
      path: '/3/0/9',
      values: [{ path: '/3/0/9', type: 'integer', value: 80 }],
    });
    expect(store.values.get('clients/gw-1 /3/0/9')?.value).toBe(80);
    expect(store.events).toEqual([]); // values are not listed as events
    store.close();
  });

  it('takes Send values with their timestamps and end devices, and charts a trended key', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-05T22:00:01Z') });
    const store = new LiveStore();
    store.trend('devices/urn:dev:plc1 /3303/0/5700');
    store.apply({
      ...base,
      seq: 3,
      type: 'send',
      contentFormat: 112,
      values: [
        {
          path: '/dev1/3303/0/5700',
          type: 'float',
          value: 20,
          deviceId: 'urn:dev:plc1',
          timestamp: '2026-12-05T21:59:58Z',
        },
        { path: '/dev1/3303/0/5700', type: 'float', value: 21, deviceId: 'urn:dev:plc1', timestamp: null },
        { path: '/3/0/9', type: 'integer', value: 7, deviceId: null, timestamp: null },
      ],
    });
    expect(store.values.get('devices/urn:dev:plc1 /3303/0/5700')?.value).toBe(21);
    expect(store.values.get('clients/gw-1 /3/0/9')?.value).toBe(7);
    const series = store.series.get('devices/urn:dev:plc1 /3303/0/5700');
    expect(series?.v).toEqual([20, 21]);
    expect(series?.t).toEqual([Date.parse('2026-12-05T21:59:58Z') / 1000, Date.parse(base.time) / 1000]);
    // ten minutes on, older points leave the chart
    vi.setSystemTime(Date.parse('2026-12-05T22:09:59Z'));
    store.apply({
      ...base,
      seq: 4,
      type: 'send',
      contentFormat: 112,
      values: [
        {
          path: '/dev1/3303/0/5700',
          type: 'float',
          value: 22,
          deviceId: 'urn:dev:plc1',
          timestamp: '2026-12-05T22:09:59Z',
        },
      ],
    });
    expect(series?.v).toEqual([21, 22]);
    store.close();
  });

  it('lists topology events and re-reads the registrations once for a burst of them', async () => {
    vi.useFakeTimers();
    const fetches: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      fetches.push(url);
      return new Response(JSON.stringify({ clients: [{ endpoint: 'gw-1' }] }));
    });
    vi.stubGlobal('sessionStorage', { getItem: () => null });
    const store = new LiveStore();
    for (let seq = 10; seq < 15; seq++) {
      store.apply({
        ...base,
        seq,
        type: 'childrenChanged',
        cause: 'update',
        added: [],
        removed: [],
        changed: [],
        unchanged: 1,
        problems: [],
      });
    }
    store.apply({ ...base, seq: 15, type: 'deregistered', reason: 'expired' });
    expect(store.events.map((e) => e.type)).toEqual(['deregistered', ...Array(5).fill('childrenChanged')]);
    await vi.advanceTimersByTimeAsync(300);
    expect(fetches).toEqual(['/api/clients']);
    expect(store.clients).toEqual([{ endpoint: 'gw-1' }]);
    store.apply({ nonsense: true });
    store.apply(null);
    expect(store.events).toHaveLength(6);
    store.close();
  });
});

/** A stand-in for the browser's EventSource: records the URLs opened, lets the test drive it. */
class FakeEventSource {
  static readonly CLOSED = 2;
  static opened: FakeEventSource[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((message: { data: string; lastEventId: string }) => void) | null = null;
  readonly listeners = new Map<string, () => void>();
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }
  addEventListener(type: string, listener: () => void) {
    this.listeners.set(type, listener);
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
}

describe('LiveStore event stream', () => {
  it('opens from id 0 (the recent events), and after a drop resumes from the last id it took', async () => {
    vi.useFakeTimers();
    FakeEventSource.opened = [];
    vi.stubGlobal('EventSource', FakeEventSource);
    vi.stubGlobal('sessionStorage', { getItem: () => null });
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ clients: [] })));
    const store = new LiveStore();
    store.start();
    const first = FakeEventSource.opened[0] as FakeEventSource;
    expect(first.url).toBe('/api/events?lastEventId=0');
    first.onopen?.();
    for (const seq of [41, 42]) {
      first.onmessage?.({
        lastEventId: String(seq),
        data: JSON.stringify({ ...base, seq, type: 'deregistered', reason: 'expired' }),
      });
    }
    first.onmessage?.({ lastEventId: '43', data: 'not json' });
    first.onerror?.();
    expect(first.readyState).toBe(FakeEventSource.CLOSED);
    expect(store.connection).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeEventSource.opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeEventSource.opened.map((s) => s.url)).toEqual([
      '/api/events?lastEventId=0',
      '/api/events?lastEventId=43',
    ]);
    expect(store.events).toHaveLength(2);
    // closed: no more reconnects
    store.close();
    FakeEventSource.opened[1]?.onerror?.();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(FakeEventSource.opened).toHaveLength(2);
  });
});

describe('resource forms', () => {
  it('turns typed text into the JSON value the API takes', () => {
    expect(forms.valueFromInput({ type: 'float' }, '42.5')).toBe(42.5);
    expect(forms.valueFromInput({ type: 'integer' }, '-7')).toBe(-7);
    // beyond 2^53: a decimal string, exact to 64 bits
    expect(forms.valueFromInput({ type: 'integer' }, '-9223372036854775808')).toBe('-9223372036854775808');
    expect(forms.valueFromInput({ type: 'boolean' }, 'false')).toBe(false);
    expect(forms.valueFromInput({ type: 'time' }, '1700000000')).toBe(1700000000);
    expect(forms.valueFromInput({ type: 'time' }, ' 2026-12-05T22:00:00Z ')).toBe('2026-12-05T22:00:00Z');
    expect(forms.valueFromInput({ type: 'string' }, '<b>x</b>')).toBe('<b>x</b>');
  });

  it('takes the observe attributes filled in, as numbers', () => {
    const data = new FormData();
    data.set('pmin', '1');
    data.set('pmax', '');
    data.set('st', '0.5');
    expect(forms.attributesFrom(data)).toEqual({ pmin: 1, st: 0.5 });
  });

  it('shows values as one line', () => {
    expect(forms.valueText({ type: 'float', value: 21.123456 })).toBe('21.1235');
    expect(forms.valueText({ type: 'opaque', value: 'A'.repeat(60) })).toBe(`${'A'.repeat(40)}…`);
    expect(forms.valueText({ type: 'none', value: null })).toBe('');
    expect(forms.valueText(undefined)).toBe('');
  });
});
