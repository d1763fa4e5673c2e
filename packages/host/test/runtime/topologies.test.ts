/**
 * The two host topologies with a mapping that maps /3 Device resources (constants, a Battery Level
 * read from the PLC, Reboot on a coil) against a scripted CoAP server: per device, the device's
 * own /3 merges the host's and the mapping's resources and its sampling plan reaches its runner;
 * in gateway mode the same /3 sits under the device's prefix next to the gateway's own /3. Plus
 * the split of a sampling plan by prefix.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import { createModbusSimulator, type ModbusSimulator } from '@lwm2m-adapters/modbus/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileMappingFile } from '../../src/mapping-loader.js';
import type { LwM2mMode } from '../../src/ops/host-status.js';
import { AdapterHost } from '../../src/runtime/adapter-host.js';
import { rangesByPrefix } from '../../src/runtime/topology/host-topology.js';
import { isRequest, locationPath, type PeerAddress, RawCoapPeer } from '../support/raw-coap-peer.js';

const SENML_JSON = 110;
const TEXT = 0;

let simulator: ModbusSimulator;
let port: number;
let dir: string;

beforeAll(async () => {
  simulator = createModbusSimulator(
    { units: [{ unitId: 1, holdingRegisters: [{ start: 0, count: 8 }], coils: [{ start: 0, count: 8 }] }] },
    { listeners: [{ transport: 'tcp', host: '127.0.0.1', port: 0 }] },
  );
  simulator.setValue(1, 'holdingRegisters', 0, { type: 'int16', value: 215 });
  simulator.setValue(1, 'holdingRegisters', 5, { type: 'uint16', value: 87 });
  port = (await simulator.start()).tcpPort!;
  dir = await mkdtemp(join(tmpdir(), 'topologies-'));
}, 30_000);

afterAll(async () => {
  await simulator?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** A host of one boiler whose mapping maps /3 resources, registered with a scripted server. */
const FULL_DEVICE_OBJECT = `      /3/0/0: ACME
      /3/0/4: { source: { table: coil, address: 1 }, access: execute }
      /3/0/9: { source: { table: holding, address: 5, type: uint16 } }
      /3/0/11/0: 0
      /3/0/16: U
`;

async function registeredHost(mode: LwM2mMode, deviceObject = FULL_DEVICE_OBJECT) {
  const file = join(dir, `${mode}.yml`);
  await writeFile(
    file,
    `version: 1
devices:
  - id: boiler-1
    prefix: boiler1
    endpoint: urn:dev:boiler-1
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${port}, unitId: 1 }
    points:
${deviceObject}      /3303/0/5700: { source: { table: holding, address: 0, type: int16 }, scale: 0.1 }
`,
  );
  const { result, adapters } = await compileMappingFile(file, {});
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  /** The same mapping with the temperature point's entry replaced (a reload's new mapping). */
  const edited = async (point: string) => {
    const changed = join(dir, `${mode}-edited.yml`);
    await writeFile(
      changed,
      (await readFile(file, 'utf8')).replace(/^ {6}\/3303\/0\/5700: .*$/m, `      /3303/0/5700: ${point}`),
    );
    const compiled = await compileMappingFile(changed, {});
    if (!compiled.result.ok) throw new Error(JSON.stringify(compiled.result.issues));
    return { mapping: compiled.result.mapping, adapters: compiled.adapters };
  };
  const peer = await RawCoapPeer.open();
  const host = await AdapterHost.start({
    mapping: result.mapping,
    adapters,
    server: { uri: peer.uri, lifetime: 300 },
    mode,
    endpoint: 'gw-1',
    hostVersion: '1.2.3',
    runner: { observedPollMs: 250 },
  });
  const register = await peer.nextMessage(isRequest('POST', ['rd']), 5_000, 'the Register');
  peer.reply(register, { code: '2.01', options: [locationPath('rd'), locationPath('r1')] });
  const close = async () => {
    // after a failure the client may not be registered: expect a De-register only when it is
    const registered = host.status().endpoints.some((e) => e.registration === 'registered');
    const deregistered = registered
      ? peer
          .nextMessage(isRequest('DELETE', ['rd', 'r1']), 5_000, 'the De-register')
          .then((m) => peer.reply(m, { code: '2.02' }))
      : undefined;
    await host.close();
    await deregistered;
    await peer.close();
  };
  return { host, peer, register, from: register.from, close, edited };
}

/** /3/0 as SenML JSON records by name, Current Time (13) left out: it is the clock's. */
async function deviceObject(peer: RawCoapPeer, from: PeerAddress, uriPath: string[]) {
  const { response } = await peer.request(from, { code: 'GET', uriPath, accept: SENML_JSON });
  expect(response.packet.code).toBe('2.05');
  const records = JSON.parse(response.packet.payload.toString()) as { n: string; v?: number; vs?: string }[];
  return Object.fromEntries(records.filter((r) => r.n !== '13').map((r) => [r.n, r.vs ?? r.v]));
}

describe('per-device topology', () => {
  it("declares the device's /3 with the mapped resources, routes its sampling plan, and reports its endpoint", async () => {
    const { host, peer, register, from, close } = await registeredHost('per-device');
    try {
      // the device's /3 at the version its mapping declares, in place of the engine's own
      expect(register.packet.payload.toString()).toBe(
        '</>;rt="oma.lwm2m";ct=110,</1/0>,</3>;ver=1.2,</3/0>,</3303>;ver=1.1,</3303/0>',
      );
      const adapterVersion = host.mapping.devices[0]!.adapter.version;
      expect(await deviceObject(peer, from, ['3', '0'])).toEqual({
        '0': 'ACME',
        '1': 'modbus device',
        '2': 'boiler-1',
        '3': `modbus adapter ${adapterVersion}`,
        '9': 87,
        '11/0': 0,
        '14': '',
        '15': '',
        '16': 'U',
        '19': 'adapter-host 1.2.3',
      });

      // an Observe of the instance: its points are read in the background from now on
      const runner = host.runner('boiler-1')!;
      expect(runner.pollIntervals()).toEqual(new Map());
      const observed = await peer.request(from, {
        code: 'GET',
        uriPath: ['3303', '0'],
        observe: 0,
        accept: SENML_JSON,
      });
      expect(observed.response.packet.code).toBe('2.05');
      await expect.poll(() => runner.pollIntervals()).toEqual(new Map([['/3303/0/5700', 250]]));

      const status = host.status();
      expect(status.endpoints.map((e) => [e.endpoint, e.registration])).toEqual([
        ['urn:dev:boiler-1', 'registered'],
      ]);
      expect(status.devices.map((d) => [d.id, d.endpoint, d.prefix])).toEqual([
        ['boiler-1', 'urn:dev:boiler-1', undefined],
      ]);
      expect(host.endpointFor()).toBeUndefined();
      expect(host.endpointFor('boiler-1')?.client.endpointName).toBe('urn:dev:boiler-1');
    } finally {
      await close();
    }
    // the devices leave with their endpoints
    expect(host.status()).toMatchObject({ endpoints: [], devices: [] });
  });
});

describe('gateway topology', () => {
  it("declares the same /3 under the device's prefix, beside the gateway's own, and routes the plan by prefix", async () => {
    const { host, peer, from, close } = await registeredHost('gateway');
    try {
      const device = await deviceObject(peer, from, ['boiler1', '3', '0']);
      expect(device).toMatchObject({ '0': 'ACME', '1': 'modbus device', '9': 87, '16': 'U' });
      const own = await peer.request(from, { code: 'GET', uriPath: ['3', '0', '0'], accept: TEXT });
      expect(own.response.packet.payload.toString()).toBe('lwm2m-adapters');

      const runner = host.runner('boiler-1')!;
      await peer.request(from, {
        code: 'GET',
        uriPath: ['boiler1', '3303', '0', '5700'],
        observe: 0,
        accept: TEXT,
      });
      await expect.poll(() => runner.pollIntervals()).toEqual(new Map([['/3303/0/5700', 250]]));
      expect(host.status().devices.map((d) => [d.endpoint, d.prefix])).toEqual([['gw-1', 'boiler1']]);
      expect(host.endpointFor()?.client.endpointName).toBe('gw-1');
      expect(host.endpointFor('boiler-1')).toBe(host.endpointFor());
      expect(host.endpointFor('nope')).toBeUndefined();
    } finally {
      await close();
    }
    // the gateway endpoint stays listed with its final state
    expect(host.status().endpoints.map((e) => [e.endpoint, e.registration])).toEqual([['gw-1', 'closed']]);
  });
});

describe('rangesByPrefix', () => {
  it('splits a sampling plan by prefix, paths without it, periods in milliseconds', () => {
    const entry = (path: string, min: number | undefined, max: number | undefined) => ({
      path: LwM2mPath.parse(path, { allowPrefix: true }),
      minPeriodSeconds: min,
      maxPeriodSeconds: max,
      observations: 1,
    });
    const byPrefix = rangesByPrefix([
      entry('/dev0/3303/0/5700', undefined, 5),
      entry('/3/0', 1, undefined),
      entry('/dev1/3303', 0.5, 2),
      entry('/dev0/3311/0', undefined, undefined),
    ]);
    const plain = (prefix: string | undefined) =>
      byPrefix.get(prefix)?.map((r) => [r.path.toString(), r.minMs, r.maxMs]);
    expect([...byPrefix.keys()]).toEqual(['dev0', undefined, 'dev1']);
    expect(plain('dev0')).toEqual([
      ['/3303/0/5700', undefined, 5000],
      ['/3311/0', undefined, undefined],
    ]);
    expect(plain(undefined)).toEqual([['/3/0', 1000, undefined]]);
    expect(plain('dev1')).toEqual([['/3303', 500, 2000]]);
  });

  it('takes the device identity from plain /3/0 constants and completes the rest of /3/0 itself', async () => {
    const identity = `      /3/0/0: Acme Meters
      /3/0/1: SDM630
      /3/0/2: A1234
      /3/0/3: "1.02"
`;
    const { peer, from, close } = await registeredHost('per-device', identity);
    try {
      expect(await deviceObject(peer, from, ['3', '0'])).toMatchObject({
        '0': 'Acme Meters',
        '1': 'SDM630',
        '2': 'A1234',
        '3': '1.02',
        '16': 'U',
        '19': 'adapter-host 1.2.3',
      });
    } finally {
      await close();
    }
  });

  it('applies a reporting-only reload in place: same runner and endpoint, observation kept, new poll', async () => {
    const { host, peer, from, close, edited } = await registeredHost('per-device');
    try {
      const runner = host.runner('boiler-1')!;
      const endpoint = host.endpointFor('boiler-1');
      const observed = await peer.request(from, {
        code: 'GET',
        uriPath: ['3303', '0'],
        observe: 0,
        accept: SENML_JSON,
      });
      expect(observed.response.packet.code).toBe('2.05');
      await expect.poll(() => runner.pollIntervals()).toEqual(new Map([['/3303/0/5700', 250]]));

      const faster = await edited(
        '{ source: { table: holding, address: 0, type: int16 }, scale: 0.1, poll: 100ms, pmin: 1s }',
      );
      const diff = await host.reload(faster.mapping, faster.adapters);
      expect(diff).toMatchObject({ changed: [], retuned: ['boiler-1'] });
      expect(host.runner('boiler-1')).toBe(runner);
      expect(host.endpointFor('boiler-1')).toBe(endpoint);
      expect(runner.pollIntervals()).toEqual(new Map([['/3303/0/5700', 100]]));
      expect(host.status().endpoints.map((e) => [e.registration, e.observations.active])).toEqual([
        ['registered', 1],
      ]);

      // dropping the pmin the mapping attached cannot be done in place: the device restarts
      const dropped = await edited(
        '{ source: { table: holding, address: 0, type: int16 }, scale: 0.1, poll: 100ms }',
      );
      const reloaded = host.reload(dropped.mapping, dropped.adapters);
      const bye = await peer.nextMessage(isRequest('DELETE', ['rd', 'r1']), 5_000, 'the De-register');
      peer.reply(bye, { code: '2.02' });
      const again = await peer.nextMessage(isRequest('POST', ['rd']), 5_000, 'the new Register');
      peer.reply(again, { code: '2.01', options: [locationPath('rd'), locationPath('r1')] });
      expect(await reloaded).toMatchObject({ retuned: ['boiler-1'] });
      expect(host.runner('boiler-1')).not.toBe(runner);
    } finally {
      await close();
    }
  });
});
