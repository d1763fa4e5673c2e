/** The SSE stream against a scripted event feed: filters, resume, heartbeats, and cutting off a consumer that does not read. */
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListenerSet } from '@lwm2m-adapters/kit';
import { afterEach, describe, expect, it } from 'vitest';
import { EventRing } from '../src/events/event-ring.js';
import type { GatewayEventFeed } from '../src/events/gateway-event-source.js';
import type { GatewayServerEvent } from '../src/events/gateway-server-event.js';
import { GatewayHttpApi, type GatewayHttpApiOptions } from '../src/http/gateway-http-api.js';
import { openSse } from './support/sse-reader.js';

/** A feed that emits what the test says, with a ring of 4. */
class ScriptedFeed implements GatewayEventFeed {
  readonly #listeners = new ListenerSet<GatewayServerEvent>();
  readonly #ring = new EventRing<GatewayServerEvent>(4);
  lastSeq = 0;
  on(listener: (event: GatewayServerEvent) => void) {
    return this.#listeners.add(listener);
  }
  since(seq: number) {
    return this.#ring.since(seq);
  }
  json(event: GatewayServerEvent) {
    return JSON.stringify(event);
  }
  emit(
    endpoint: string,
    reason: 'deregistered' | 'expired' = 'deregistered',
    padding = '',
  ): GatewayServerEvent {
    const event: GatewayServerEvent = {
      v: 1,
      seq: ++this.lastSeq,
      time: new Date(0).toISOString(),
      type: 'deregistered',
      endpoint: `${endpoint}${padding}`,
      registrationId: 'r',
      reason,
    };
    this.#ring.push(event);
    this.#listeners.emit(event);
    return event;
  }
}

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function serve(feed: ScriptedFeed, sse: NonNullable<GatewayHttpApiOptions['sse']>) {
  const api = new GatewayHttpApi({
    server: {} as never,
    children: {} as never,
    events: feed,
    model: { getObject: () => undefined, getResource: () => undefined, list: () => [] },
    sse,
  });
  const http = createServer((req, res) => api.handle(req, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => http.close(resolve)));
  closers.push(() => http.closeAllConnections());
  closers.push(() => api.close());
  return { api, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

describe('the event stream', () => {
  it('filters by endpoint and type, resumes from the ring, and sends heartbeats', async () => {
    const feed = new ScriptedFeed();
    const { url } = await serve(feed, { heartbeatMs: 50 });
    const stream = await openSse(`${url}/api/events?endpoint=a&types=deregistered`);
    closers.push(() => stream.close());
    feed.emit('b');
    feed.emit('a');
    const frame = await stream.next();
    expect([frame.id, JSON.parse(frame.data).endpoint]).toEqual(['2', 'a']);
    for (let i = 0; i < 5; i++) feed.emit('c'); // seq 3..7: the ring keeps 4..7

    const resumed = await openSse(`${url}/api/events`, { 'last-event-id': '5' });
    closers.push(() => resumed.close());
    expect((await resumed.next()).id).toBe('6');
    expect((await resumed.next()).id).toBe('7');
    const lost = await openSse(`${url}/api/events?lastEventId=1`);
    closers.push(() => lost.close());
    const resync = await lost.next();
    expect(resync.event).toBe('resync');
    expect(JSON.parse(resync.data)).toEqual({ lastEventId: 1, oldestSeq: 4, lastSeq: 7 });
    expect((await lost.next()).id).toBe('4');

    // a heartbeat is a comment: the raw stream shows it
    const raw = await fetch(`${url}/api/events`);
    const reader = raw.body!.getReader();
    let text = '';
    while (!text.includes(': ping')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/^retry: 2000\n: lastSeq 7\n\n/);
    await reader.cancel();
  });

  it('cuts off a consumer that does not read instead of buffering without bound', async () => {
    const feed = new ScriptedFeed();
    const { api, url } = await serve(feed, { maxBufferBytes: 64 * 1024 });
    const { hostname, port } = new URL(url);
    const response = await new Promise<IncomingMessage>((resolve) => {
      httpRequest({ host: hostname, port, path: '/api/events' }, resolve).end();
    });
    response.pause(); // never reads
    const closed = new Promise<void>((resolve) => response.socket.on('close', () => resolve()));
    const padding = 'x'.repeat(16 * 1024);
    let emitted = 0;
    while (api.stats().streams > 0 && emitted < 20_000) {
      feed.emit('slow', 'expired', padding);
      emitted++;
      if (emitted % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(api.stats()).toMatchObject({ streams: 0, streamsOpened: 1, streamsCutOff: 1 });
    await closed;
    // cut off long before the 320 MB the loop would have queued for it
    expect(emitted).toBeLessThan(20_000);
  });

  it('refuses a stream beyond the limit with 503', async () => {
    const feed = new ScriptedFeed();
    const { api, url } = await serve(feed, { maxStreams: 1 });
    const first = await openSse(`${url}/api/events`);
    closers.push(() => first.close());
    const second = await fetch(`${url}/api/events`);
    expect(second.status).toBe(503);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('QUEUE_FULL');
    expect(api.stats().streamsRefused).toBe(1);
  });
});

describe('EventRing', () => {
  it('keeps the last events and says when a resume is incomplete', () => {
    const ring = new EventRing<{ seq: number }>(3);
    expect(ring.since(0)).toEqual({ events: [], complete: true });
    expect(ring.since(5)).toEqual({ events: [], complete: false });
    for (let seq = 1; seq <= 5; seq++) ring.push({ seq });
    expect(ring.all().map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(ring.since(2)).toEqual({ events: [{ seq: 3 }, { seq: 4 }, { seq: 5 }], complete: true });
    expect(ring.since(1).complete).toBe(false);
    expect(ring.since(5)).toEqual({ events: [], complete: true });
    expect(ring.since(6).complete).toBe(false);
  });
});

describe('EventRing byte budget', () => {
  it('drops the oldest events when the sizes told exceed the budget, keeping the newest', () => {
    const ring = new EventRing<{ seq: number }>(10, 1_000);
    for (let seq = 1; seq <= 4; seq++) ring.push({ seq }, 300);
    expect(ring.all().map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(ring.bytes).toBe(900);
    ring.push({ seq: 5 }, 5_000);
    expect(ring.all().map((e) => e.seq)).toEqual([5]);
    expect(ring.since(1).complete).toBe(false);
    for (let seq = 6; seq <= 20; seq++) ring.push({ seq }, 1);
    expect(ring.all().map((e) => e.seq)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(ring.bytes).toBe(10);
  });
});
