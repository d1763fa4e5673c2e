/**
 * Acceptance of an OPC UA device behind `adapter-host --mode per-device` against real peers: the
 * Eclipse Leshan demo server (Maven Central) as the LwM2M server and asyncua (PyPI) as the OPC UA
 * server, which also tells what it holds and which methods were called. Leshan reads every type,
 * writes (a refused one never reaches the server), observes (device-side subscription: the server
 * changes a value itself), executes a method with arguments, and keeps its observation across a
 * restart of the OPC UA server: no host restart, no new Observe. The host runs through its CLI.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AsyncuaServer, startAsyncuaServer } from '../../../../test/peers/asyncua.js';
import { type LeshanEvent, type LeshanServer, startLeshanServer } from '../../../../test/peers/leshan.js';
import { type RunningHostCli, startHostCli } from '../support/host-cli-run.js';

const ep = 'opcua-boiler';
let leshan: LeshanServer;
let opcua: AsyncuaServer;
let dir: string;
let host: RunningHostCli;

function mappingYaml(endpoint: string, ns: number): string {
  const node = (id: string) => `"ns=${ns};${id}"`;
  return `version: 1
devices:
  - id: ${ep}
    adapter: opcua
    connection: { endpoint: "${endpoint}", keepAliveIntervalMs: 1000, reconnect: { initialMs: 200, maxMs: 1000 } }
    points:
      /3303/0/5700: { source: { node: ${node('s=Boiler1.Float')}, type: Float }, units: Cel }
      /3303/0/5518: { source: { node: ${node('s=Boiler1.DateTime')}, type: DateTime } }
      /3303/0/5605: { source: { object: ${node('s=Boiler1')}, method: ${node('s=Boiler1.Add')} } }
      /3300/0/5700: { source: { node: ${node('i=5000')}, type: UInt32 } }
      /3200/0/5500: { source: { node: ${node('s=Boiler1.Boolean')}, type: Boolean } }
      /3200/0/5501: { source: { node: ${node('s=Boiler1.Int64')}, type: Int64 } }
      /3341/0/5527: { source: { node: ${node('s=Boiler1.String')}, type: String }, access: rw }
      /3308/0/5900: { source: { node: ${node('s=Boiler1.Setpoint')}, type: Double }, access: rw }
      /3306/0/5850: { source: { node: ${node('s=Boiler1.Boolean')}, type: Boolean }, access: rw }
      /3306/0/5852: { source: { node: ${node('s=Boiler1.Int64')}, type: Int64 }, access: rw }
      /3342/0/5500: false
      /3342/0/5852: { source: { node: ${node('s=Boiler1.Byte')}, type: Byte }, access: rw }
`;
}

/** Leshan's REST answer as text: JSON numbers beyond 2^53 stay exact there. */
async function readText(path: string): Promise<string> {
  const response = await fetch(`${leshan.api.baseUrl}/api/clients/${ep}${path}?timeout=5`);
  return response.text();
}

function notificationOf(path: string, value: string) {
  return (e: LeshanEvent) =>
    e.type === 'NOTIFICATION' &&
    e.endpoint === ep &&
    e.path === path &&
    JSON.stringify(e.value).includes(value);
}

beforeAll(async () => {
  [leshan, opcua] = await Promise.all([startLeshanServer(), startAsyncuaServer()]);
  dir = await mkdtemp(join(tmpdir(), 'host-leshan-opcua-'));
  const mapping = join(dir, 'opcua.yml');
  await writeFile(mapping, mappingYaml(opcua.endpoint, opcua.ns));
  const registered = leshan.events.waitForEvent(
    (e) => e.type === 'REGISTRATION' && e.registration.endpoint === ep,
    30_000,
  );
  host = await startHostCli(mapping, `coap://127.0.0.1:${leshan.coapPort}`);
  await registered;
}, 120_000);

afterAll(async () => {
  host?.stop();
  await host?.exited;
  await Promise.all([leshan?.stop(), opcua?.stop()]);
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('adapter-host per-device mode against Leshan and asyncua', () => {
  it('reads Float, Integer (64-bit exact), Boolean, String and Time', async () => {
    const float = await leshan.api.read(ep, '/3303/0/5700');
    expect(float.code, float.errorMessage).toBe('2.05');
    expect(float.content).toMatchObject({ id: 5700, value: 21.5 });
    const counter = await leshan.api.read(ep, '/3300/0/5700');
    expect(counter.code, counter.errorMessage).toBe('2.05');
    expect(counter.content).toMatchObject({ id: 5700 });
    // -(2^62) - 3 is no double: Leshan's JSON text carries it exactly
    expect(await readText('/3200/0/5501')).toContain('"value":-4611686018427387907');
    const bool = await leshan.api.read(ep, '/3200/0/5500');
    expect(bool.content).toMatchObject({ id: 5500, value: true });
    const text = await leshan.api.read(ep, '/3341/0/5527');
    expect(text.content).toMatchObject({ id: 5527, value: 'idle' });
    // DateTime 2024-01-02T03:04:05.678Z → LwM2M Time (whole seconds)
    const time = await readText('/3303/0/5518');
    expect(time).toMatch(/"value":"2024-01-02T03:04:05(\.000)?Z"|"value":1704164645\b/);
  });

  it('writes String, Double, Boolean and a 64-bit Integer (checked on the server)', async () => {
    expect((await leshan.api.write(ep, '/3341/0/5527', 'heating')).code).toBe('2.04');
    expect(await opcua.get('Boiler1.String')).toBe('"heating"');
    expect((await leshan.api.write(ep, '/3308/0/5900', { id: 5900, value: 55.25 })).code).toBe('2.04');
    expect(await opcua.get('Boiler1.Setpoint')).toBe('55.25');
    expect((await leshan.api.write(ep, '/3306/0/5850', 'false')).code).toBe('2.04');
    expect(await opcua.get('Boiler1.Boolean')).toBe('false');
    // 2^53 + 1 is no double: the JSON text to Leshan carries it exactly
    const big = await fetch(`${leshan.api.baseUrl}/api/clients/${ep}/3306/0/5852?timeout=5`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"id":5852,"value":9007199254740993}',
    });
    expect(await big.text()).toContain('"status":"CHANGED(204)"');
    expect(await opcua.get('Boiler1.Int64')).toBe('9007199254740993');
  });

  it('refuses an out-of-range write before it reaches the server', async () => {
    // Boiler1.Byte is a Byte (0..255) holding 200: 300 is refused by the adapter's range check
    const refused = await leshan.api.write(ep, '/3342/0/5852', { id: 5852, value: 300 });
    expect(refused.code).toBe('4.00');
    expect(await opcua.get('Boiler1.Byte')).toBe('200');
    expect((await leshan.api.write(ep, '/3342/0/5852', { id: 5852, value: 17 })).code).toBe('2.04');
    expect(await opcua.get('Boiler1.Byte')).toBe('17');
  });

  it('executes the mapped method with its arguments', async () => {
    const before = opcua.calls();
    const response = await leshan.api.execute(ep, '/3303/0/5605', "0='2',1='3.5'");
    expect(response.code, response.errorMessage).toBe('2.04');
    expect(await opcua.waitForCall(before)).toBe('a=2 b=3.5');
    // a wrong argument count is refused before the Call
    const wrong = await leshan.api.execute(ep, '/3303/0/5605', "0='2'");
    expect(wrong.code).toBe('4.00');
    expect(opcua.calls()).toBe(before + 1);
  });

  it('notifies when the server changes a value, and keeps notifying across a server restart', async () => {
    const observe = await leshan.api.observe(ep, '/3303/0/5700');
    expect(observe.code, observe.errorMessage).toBe('2.05');
    const changed = leshan.events.waitForEvent(notificationOf('/3303/0/5700', '30.5'), 10_000);
    await opcua.set({ node: 'Boiler1.Float', type: 'Float', value: 30.5 });
    await changed;

    // a fresh server holds 21.5 again: the observation reports it once the session is back
    await opcua.stop();
    const resumed = leshan.events.waitForEvent(notificationOf('/3303/0/5700', '21.5'), 20_000);
    await opcua.start();
    const back = performance.now();
    await resumed;
    const resumeMs = performance.now() - back;
    console.log(`opcua: server back → first notification in ${resumeMs.toFixed(0)} ms`);
    // and the re-created monitored item follows the server's own changes
    const later = leshan.events.waitForEvent(notificationOf('/3303/0/5700', '40.25'), 10_000);
    await opcua.set({ node: 'Boiler1.Float', type: 'Float', value: 40.25 });
    await later;
    expect(host.logs.join('')).not.toContain('"msg":"shutting down');
  }, 60_000);

  it('shows the session on /metrics: connected, reconnected once, items monitored', async () => {
    const metrics = await (await fetch(`${host.httpUrl}/metrics`)).text();
    expect(metrics).toContain(`adapter_host_device_connected{device="${ep}"} 1`);
    expect(metrics).toMatch(new RegExp(`adapter_host_device_reconnects_total\\{device="${ep}"\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`adapter_host_device_items_monitored\\{device="${ep}"\\} [1-9]`));
    expect(metrics).toContain(`adapter_host_device_items_failed{device="${ep}"} 0`);
    expect(metrics).toMatch(new RegExp(`adapter_host_points_subscribed\\{device="${ep}"\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`adapter_host_notifications_total\\{endpoint="${ep}"\\} [1-9]`));
  });
});
