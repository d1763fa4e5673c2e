/**
 * Acceptance: the Eclipse Leshan client (leshan-client-cf on Californium, a client we did not
 * write) registers with the gateway server over CoAP and is read, written, executed and observed
 * through the HTTP API in TLV, SenML JSON and SenML CBOR; its notifications and its registration
 * events arrive on the server-sent event stream, and so do the terminal lines and the JSONL file.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeshanClient, startLeshanClient } from '../../../test/peers/leshan-client.js';
import { GatewayServer } from '../src/index.js';
import { openSse, type SseReader } from './support/sse-reader.js';
import { waitUntil } from './support/wait-until.js';

const EP = 'leshan-api';
const TOKEN = 'an-api-token-of-some-length';
let gateway: GatewayServer;
let client: LeshanClient;
let dir: string;
let base: string;
let stream: SseReader;
const lines: string[] = [];

/** The event type of an SSE frame (events travel as unnamed frames with the type in the JSON). */
const typeOf = (frame: { data: string }) => (JSON.parse(frame.data) as { type: string }).type;

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gateway-server-leshan-'));
  gateway = await GatewayServer.start({
    coap: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    apiToken: TOKEN,
    eventsFile: join(dir, 'events.jsonl'),
    onEventLine: (line) => lines.push(line),
    requestTimeoutMs: 10_000,
  });
  base = gateway.httpUrl as string;
  stream = await openSse(`${base}/api/events?endpoint=${EP}`);
  client = await startLeshanClient({
    serverUri: `coap://127.0.0.1:${gateway.address('coap')?.port}`,
    endpoint: EP,
    lifetime: 120,
  });
  await client.set('/3303/0/5700', 21.5);
  await client.start();
  await client.events.waitFor((e) => e.event === 'registered', 20_000);
}, 60_000);

afterAll(async () => {
  stream?.close();
  await client?.close();
  await gateway?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('the Leshan client through the HTTP API', () => {
  it('is listed with its objects, and its registration is on the event stream', async () => {
    const frame = await stream.until((f) => typeOf(f) === 'registered', 10_000);
    expect(JSON.parse(frame.data)).toMatchObject({ type: 'registered', endpoint: EP });
    const { status, body } = await api('GET', `/api/clients/${EP}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ endpoint: EP, lwm2mVersion: '1.1', binding: 'U', secure: false });
    const ids = (body.objects as { id: number }[]).map((o) => o.id);
    expect(ids).toEqual(expect.arrayContaining([1, 3, 3303, 3311]));
  });

  it.each(['tlv', 'senml-json', 'senml-cbor'])('reads typed values in %s', async (format) => {
    const resource = await api('GET', `/api/clients/${EP}/3303/0/5700?format=${format}`);
    expect(resource.status, JSON.stringify(resource.body)).toBe(200);
    expect(resource.body).toMatchObject({
      code: '2.05',
      values: [{ path: '/3303/0/5700', type: 'float', value: 21.5 }],
    });
    const instance = await api('GET', `/api/clients/${EP}/3/0?format=${format}`);
    expect(instance.status).toBe(200);
    const entries = instance.body.values as { path: string; type: string; value: unknown }[];
    expect(entries.find((e) => e.path === '/3/0/0')?.type).toBe('string');
    expect(entries.find((e) => e.path === '/3/0/13')?.type).toBe('time');
    expect(String(entries.find((e) => e.path === '/3/0/13')?.value)).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it.each([
    ['tlv', '5850', true],
    ['senml-json', '5851', 73],
    ['senml-cbor', '5706', 'warm white'],
  ] as const)('writes in %s and the client holds the value', async (format, resource, value) => {
    const put = await api('PUT', `/api/clients/${EP}/3311/0/${resource}`, { value, format });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ code: '2.04' });
    expect(await client.get(`/3311/0/${resource}`)).toEqual(value);
  });

  it('refuses a write out of range before it reaches the client', async () => {
    const before = client.events.events.filter((e) => e.event === 'request').length;
    const put = await api('PUT', `/api/clients/${EP}/3311/0/5851`, { value: 101 });
    expect(put.status).toBe(400);
    expect((put.body.error as { code: string }).code).toBe('WRITE_VALUE_INVALID');
    expect(client.events.events.filter((e) => e.event === 'request').length).toBe(before);
  });

  it('executes Reboot (/3/0/4) at the client', async () => {
    const executed = await api('POST', `/api/clients/${EP}/3/0/4:execute`);
    expect(executed.body).toMatchObject({ code: '2.04' });
    await client.events.waitFor((e) => e.event === 'executed' && e.path === '/3/0/4', 5_000);
  });

  it('observes /3303/0/5700: a changed value arrives on the event stream, the terminal and the JSONL file', async () => {
    const observed = await api('POST', `/api/clients/${EP}/3303/0/5700:observe`, { format: 'senml-cbor' });
    expect(observed.status, JSON.stringify(observed.body)).toBe(200);
    expect(observed.body).toMatchObject({ code: '2.05' });
    await client.set('/3303/0/5700', 24.25);
    const frame = await stream.until(
      (f) =>
        typeOf(f) === 'notification' &&
        (JSON.parse(f.data) as { values: { value: unknown }[] }).values[0]?.value === 24.25,
      10_000,
    );
    expect(JSON.parse(frame.data)).toMatchObject({ endpoint: EP, path: '/3303/0/5700', code: '2.05' });
    expect(lines).toContain(`notify ${EP} /3303/0/5700=24.25`);
    const cancelled = await api('DELETE', `/api/clients/${EP}/3303/0/5700:observe?active=true`);
    expect(cancelled.status).toBe(200);
  });

  it('counts what happened in /metrics and /healthz', async () => {
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const value = (line: string) =>
      Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm').exec(metrics)?.[1]);
    expect(value('gateway_server_registrations')).toBe(1);
    expect(value('gateway_server_requests_total{outcome="success"}')).toBeGreaterThanOrEqual(8);
    expect(value('gateway_server_notifications_total')).toBeGreaterThanOrEqual(1);
    expect(value('gateway_server_sse_clients')).toBe(1);
    expect(metrics).toMatch(/^gateway_server_http_requests_total\{route="PUT [^"]+",status="4xx"\} 1$/m);
    const health = await (await fetch(`${base}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', registrations: 1, gateways: 0, children: 0 });
  });

  it('de-registers: the stream says so, and the JSONL file holds every event in order', async () => {
    await client.stop();
    await stream.until((f) => typeOf(f) === 'deregistered', 10_000);
    await waitUntil(() => lines.some((l) => l === `de-registered ${EP}`), 'the terminal line');
    await gateway.close(); // flushes the file
    const records = (await readFile(join(dir, 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; type: string });
    const types = records.map((r) => r.type);
    expect(types[0]).toBe('registered');
    expect(types).toContain('notification');
    expect(types.at(-1)).toBe('deregistered');
    expect(records.map((r) => r.seq)).toEqual([...records.map((r) => r.seq)].sort((a, b) => a - b));
  });
});
