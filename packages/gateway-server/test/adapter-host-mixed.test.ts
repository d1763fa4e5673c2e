/**
 * Acceptance: one adapter-host in gateway mode with a Modbus device (pymodbus) and an OPC UA
 * device (asyncua, Basic256Sha256 SignAndEncrypt with a user name) behind our gateway server, both
 * servers we did not write. Reads, writes and observations of both go through the gateway
 * server's HTTP API (devices/{deviceId}/...); writes are checked on the devices themselves (mbpoll,
 * asyncua). A third device on the same asyncua server with a wrong password gives one clear error
 * in the host's log and a bounded retry schedule, not a storm, while the others keep working.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdapterHost, compileMappingFile } from '@lwm2m-adapters/host';
import type { CompiledMapping } from '@lwm2m-adapters/mapping';
import type { AdapterDefinition } from '@lwm2m-adapters/sdk';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AsyncuaServer, startAsyncuaServer } from '../../../test/peers/asyncua.js';
import { mbpollValues, runMbpoll } from '../../../test/peers/mbpoll.js';
import { type PymodbusDevice, startPymodbusDevice } from '../../../test/peers/pymodbus.js';
import { GatewayServer } from '../src/index.js';
import { openSse, type SseReader } from './support/sse-reader.js';
import { waitUntil } from './support/wait-until.js';

const PASSWORD = 'b0iler-Pa55!';
const WRONG = 'not-the-password';
const MODBUS = 'urn:dev:mixed:pump-1';
const OPCUA = 'urn:dev:mixed:boiler-2';
const LOCKED = 'urn:dev:mixed:boiler-locked';

let pymodbus: PymodbusDevice;
let opcua: AsyncuaServer;
let dir: string;
let gateway: GatewayServer;
let stream: SseReader;
let host: AdapterHost;
const logs: Record<string, unknown>[] = [];

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${gateway.httpUrl}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function mappingYaml(): string {
  const ns = opcua.ns;
  const secured = (password: string) =>
    `{ endpoint: "${opcua.endpoint}", securityPolicy: Basic256Sha256, securityMode: SignAndEncrypt, pkiFolder: "${join(dir, 'pki')}", trustUnknownServerCertificate: true, user: { type: username, username: operator, password: "${password}" }, reconnect: { initialMs: 200, maxMs: 1000 } }`;
  return `version: 1
devices:
  - id: pump-1
    prefix: pump1
    endpoint: ${MODBUS}
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${pymodbus.port}, unitId: 1, timeoutMs: 500 }
    points:
      /3303/0/5700: { source: { table: holding, address: 0, type: int16 }, scale: 0.1, units: Cel, poll: 200ms }
      /3308/0/5900: { source: { table: holding, address: 10, type: int16 }, scale: 0.1, access: rw, poll: 200ms }
  - id: boiler-2
    prefix: boiler2
    endpoint: ${OPCUA}
    adapter: opcua
    connection: ${secured(PASSWORD)}
    points:
      /3303/0/5700: { source: { node: "ns=${ns};s=Boiler1.Float", type: Float }, units: Cel }
      /3308/0/5900: { source: { node: "ns=${ns};s=Boiler1.Setpoint", type: Double }, access: rw }
      /3200/0/5500: { source: { node: "ns=${ns};s=Boiler1.Boolean", type: Boolean } }
      /3200/0/5501: { source: { node: "ns=${ns};s=Boiler1.Int64", type: Int64 } }
  - id: boiler-locked
    prefix: locked
    endpoint: ${LOCKED}
    adapter: opcua
    connection: ${secured(WRONG)}
    points:
      /3303/0/5700: { source: { node: "ns=${ns};s=Boiler1.Float", type: Float }, units: Cel }
`;
}

function notified(deviceId: string, value: number) {
  return stream.until((f) => {
    const event = JSON.parse(f.data) as { type: string; deviceId?: string; values?: { value: unknown }[] };
    return event.type === 'notification' && event.deviceId === deviceId && event.values?.[0]?.value === value;
  }, 15_000);
}

function connectAttempts(deviceId: string): number {
  const device = host.status().devices.find((d) => d.id === deviceId);
  return device?.stats.session.connectAttempts ?? 0;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gateway-server-mixed-'));
  [pymodbus, opcua] = await Promise.all([
    startPymodbusDevice({
      transport: 'tcp',
      framer: 'socket',
      units: {
        1: {
          values: [
            { table: 'holding', address: 0, type: 'int16', value: 182 },
            { table: 'holding', address: 10, type: 'int16', value: 200 },
          ],
        },
      },
    }),
    startAsyncuaServer({
      certDir: join(dir, 'asyncua'),
      users: { operator: PASSWORD },
      policies: ['Basic256Sha256_SignAndEncrypt'],
    }),
  ]);
  gateway = await GatewayServer.start({
    coap: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    requestTimeoutMs: 5_000,
  });
  stream = await openSse(`${gateway.httpUrl}/api/events?types=notification`);
  const file = join(dir, 'mixed.yml');
  await writeFile(file, mappingYaml());
  const { result, adapters } = await compileMappingFile(file, {});
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const address = gateway.address('coap');
  host = await AdapterHost.start({
    mapping: result.mapping as CompiledMapping,
    adapters: adapters as Map<string, AdapterDefinition>,
    server: { uri: `coap://127.0.0.1:${address?.port}`, lifetime: 300 },
    mode: 'gateway',
    endpoint: 'mixed-gw',
    logger: pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) }),
  });
  await waitUntil(() => gateway.children.children('mixed-gw').length === 3, 'three children', 30_000);
}, 90_000);

afterAll(async () => {
  await host?.close();
  stream?.close();
  await gateway?.close();
  await Promise.all([pymodbus?.stop(), opcua?.stop()]);
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('one host in gateway mode with a Modbus and a secured OPC UA device', () => {
  it('reads both through the HTTP API by Device ID', async () => {
    const modbus = await api('GET', `/api/devices/${MODBUS}/3303/0/5700?format=text`);
    expect(modbus.body).toMatchObject({ code: '2.05', values: [{ path: '/3303/0/5700', value: 18.2 }] });
    let boiler = await api('GET', `/api/devices/${OPCUA}/3303/0/5700?format=text`);
    await waitUntil(
      async () => {
        boiler = await api('GET', `/api/devices/${OPCUA}/3303/0/5700?format=text`);
        return boiler.body.code === '2.05';
      },
      'the secured OPC UA session connected',
      20_000,
    );
    expect(boiler.body).toMatchObject({ values: [{ path: '/3303/0/5700', value: 21.5 }] });
    const int64 = await api('GET', `/api/devices/${OPCUA}/3200/0/5501?format=senml-json`);
    expect(int64.body).toMatchObject({ code: '2.05' });
  });

  it('writes both; the devices hold the written values', async () => {
    const modbus = await api('PUT', `/api/devices/${MODBUS}/3308/0/5900`, { value: 42.5 });
    expect(modbus.body).toMatchObject({ code: '2.04' });
    const register = await runMbpoll({ mode: 'tcp', port: pymodbus.port }, { unitId: 1, address: 10 });
    expect(mbpollValues(register.stdout).get(10)).toBe('425');
    const boiler = await api('PUT', `/api/devices/${OPCUA}/3308/0/5900`, { value: 61.5 });
    expect(boiler.body).toMatchObject({ code: '2.04' });
    expect(await opcua.get('Boiler1.Setpoint')).toBe('61.5');
  });

  it('observes both: a Modbus poll and an OPC UA monitored item notify through the event stream', async () => {
    const modbusObserve = await api('POST', `/api/devices/${MODBUS}/3303/0/5700:observe`, {
      format: 'text',
      attributes: { pmin: 0 },
    });
    expect(modbusObserve.body).toMatchObject({ code: '2.05' });
    const opcuaObserve = await api('POST', `/api/devices/${OPCUA}/3303/0/5700:observe`, {
      format: 'text',
      attributes: { pmin: 0 },
    });
    expect(opcuaObserve.body).toMatchObject({ code: '2.05' });

    const modbusChanged = notified(MODBUS, 23.4);
    const written = await runMbpoll(
      { mode: 'tcp', port: pymodbus.port },
      { unitId: 1, address: 0, write: [234] },
    );
    expect(written.exitCode, written.stderr).toBe(0);
    await modbusChanged;

    const opcuaChanged = notified(OPCUA, 33.5);
    await opcua.set({ node: 'Boiler1.Float', type: 'Float', value: 33.5 });
    await opcuaChanged;
    const status = host.status().devices.find((d) => d.id === 'boiler-2');
    expect(status?.stats.session.itemsMonitored).toBeGreaterThanOrEqual(1);
  }, 40_000);

  it('a wrong password: one clear error in the log, a bounded retry schedule, the password nowhere', async () => {
    const read = await api('GET', `/api/devices/${LOCKED}/3303/0/5700?format=text`);
    // not connected: the device is unavailable (5.03); why is in its status and the log
    expect(read.body).toMatchObject({ code: '5.03' });
    const locked = host.status().devices.find((d) => d.id === 'boiler-locked');
    expect(locked?.connection).toBe('reconnecting');
    expect(locked?.lastError).toMatch(/refused user "operator"/);
    const start = connectAttempts('boiler-locked');
    await new Promise((r) => setTimeout(r, 4000));
    const attempts = connectAttempts('boiler-locked') - start;
    // capped backoff (200 ms doubling to 1 s, jittered): a handful of attempts in 4 s, never a storm
    console.log(`[measure] wrong password behind the gateway: ${attempts} connection attempts in 4 s`);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(11);
    const errors = logs.filter((l) => l.level === 50 && l.device === 'boiler-locked');
    expect(errors, JSON.stringify(errors)).toHaveLength(1);
    expect(String(errors[0]?.msg)).toMatch(/refused user "operator"/);
    expect(JSON.stringify(logs)).not.toContain(WRONG);
    expect(JSON.stringify(logs)).not.toContain(PASSWORD);
    // the other devices are untouched by it
    const boiler = await api('GET', `/api/devices/${OPCUA}/3303/0/5700?format=text`);
    expect(boiler.body).toMatchObject({ code: '2.05' });
  }, 30_000);
});
