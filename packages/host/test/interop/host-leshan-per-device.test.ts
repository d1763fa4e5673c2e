/**
 * Acceptance of `adapter-host --mapping plc.yml --mode per-device` against real peers: the Eclipse
 * Leshan demo server (Maven Central) as the LwM2M server and pymodbus (PyPI) as the PLC, with
 * mbpoll (Debian) as an independent Modbus master that checks and changes the PLC's registers.
 * The host runs through its CLI entry point, with /healthz and /metrics on an ephemeral port.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeshanServer, startLeshanServer } from '../../../../test/peers/leshan.js';
import { mbpollValues, runMbpoll } from '../../../../test/peers/mbpoll.js';
import { type PymodbusDevice, startPymodbusDevice } from '../../../../test/peers/pymodbus.js';
import { eventually, type RunningHostCli, startHostCli } from '../support/host-cli-run.js';

const ep = 'boiler-7';
let leshan: LeshanServer;
let plc: PymodbusDevice;
let dir: string;
let host: RunningHostCli;

function mappingYaml(port: number): string {
  return `version: 1
defaults: { poll: 500ms }
devices:
  - id: ${ep}
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${port}, unitId: 1, timeoutMs: 300, reconnect: { initialMs: 200, maxMs: 1000 } }
    points:
      /3303/0/5700: { source: { table: holding, address: 0, type: int16 }, scale: 0.1, units: Cel }
      /3303/0/5701: Cel
      /3303/0/5601: { source: { table: holding, address: 2, type: float32 } }
      /3303/0/5605: { source: { table: coil, address: 10 } }
      /3311/0/5850: { source: { table: coil, address: 0 }, access: rw }
      /3311/0/5851: { source: { table: holding, address: 20, type: uint16 }, access: rw }
`;
}

beforeAll(async () => {
  [leshan, plc] = await Promise.all([
    startLeshanServer(),
    startPymodbusDevice({
      transport: 'tcp',
      framer: 'socket',
      units: {
        1: {
          size: 100,
          values: [
            { table: 'holding', address: 0, type: 'int16', value: 215 },
            { table: 'holding', address: 2, type: 'float32', value: -3.25 },
            { table: 'holding', address: 20, type: 'uint16', value: 40 },
            { table: 'coil', address: 0, value: false },
            { table: 'coil', address: 10, value: false },
          ],
        },
      },
    }),
  ]);
  dir = await mkdtemp(join(tmpdir(), 'host-leshan-'));
  const mapping = join(dir, 'plc.yml');
  await writeFile(mapping, mappingYaml(plc.port));
  const registered = leshan.events.waitForEvent(
    (e) => e.type === 'REGISTRATION' && e.registration.endpoint === ep,
    20_000,
  );
  host = await startHostCli(mapping, `coap://127.0.0.1:${leshan.coapPort}`);
  await registered;
}, 90_000);

afterAll(async () => {
  host?.stop();
  await host?.exited;
  await Promise.all([leshan?.stop(), plc?.stop()]);
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('adapter-host per-device mode against Leshan and pymodbus', () => {
  it('registers the device as its own endpoint with the mapped objects', async () => {
    const registration = await leshan.api.client(ep);
    expect(registration?.lwM2mVersion).toBe('1.1');
    expect(registration?.lifetime).toBe(60);
    const urls = registration?.objectLinks.map((l) => l.url) ?? [];
    expect(urls).toEqual(expect.arrayContaining(['/1/0', '/3/0', '/3303/0', '/3311/0']));
  });

  it('answers a Read of /3303/0/5700 with the scaled register value', async () => {
    const response = await leshan.api.read(ep, '/3303/0/5700');
    expect(response.code, response.errorMessage).toBe('2.05');
    expect(response.content).toMatchObject({ id: 5700, value: 21.5 });
    const floats = await leshan.api.read(ep, '/3303/0', { format: 'SENML_CBOR' });
    expect(floats.code).toBe('2.05');
    expect(JSON.stringify(floats.content)).toContain('-3.25');
  });

  it('writes /3311/0/5850 to the coil (checked with mbpoll)', async () => {
    const response = await leshan.api.write(ep, '/3311/0/5850', 'true');
    expect(response.code, response.errorMessage).toBe('2.04');
    const coil = await runMbpoll({ mode: 'tcp', port: plc.port }, { unitId: 1, address: 0, dataType: '0' });
    expect(coil.exitCode, coil.stderr).toBe(0);
    expect(mbpollValues(coil.stdout).get(0)).toBe('1');
  });

  it('validates a write before it touches the PLC', async () => {
    // Dimmer is 0..100 in object 3311: 150 is refused and the register keeps 40
    const refused = await leshan.api.write(ep, '/3311/0/5851', { id: 5851, value: 150 });
    expect(refused.code).toBe('4.00');
    const register = await runMbpoll({ mode: 'tcp', port: plc.port }, { unitId: 1, address: 20 });
    expect(mbpollValues(register.stdout).get(20)).toBe('40');
    const accepted = await leshan.api.write(ep, '/3311/0/5851', { id: 5851, value: 75 });
    expect(accepted.code).toBe('2.04');
    const after = await runMbpoll({ mode: 'tcp', port: plc.port }, { unitId: 1, address: 20 });
    expect(mbpollValues(after.stdout).get(20)).toBe('75');
    // a read-only resource is refused by the engine (4.05), before the mapping or the adapter
    const readOnly = await leshan.api.write(ep, '/3303/0/5700', { id: 5700, value: 30.5 });
    expect(readOnly.code).toBe('4.05');
  });

  it('executes a mapped resource (the coil goes on)', async () => {
    const response = await leshan.api.execute(ep, '/3303/0/5605');
    expect(response.code, response.errorMessage).toBe('2.04');
    const coil = await runMbpoll({ mode: 'tcp', port: plc.port }, { unitId: 1, address: 10, dataType: '0' });
    expect(mbpollValues(coil.stdout).get(10)).toBe('1');
  });

  it('notifies Leshan when the register changes, honouring pmin/pmax', async () => {
    const attributes = await leshan.api.writeAttributes(ep, '/3303/0/5700', { pmin: 1, pmax: 30 });
    expect(attributes.code, attributes.errorMessage).toBe('2.04');
    const observe = await leshan.api.observe(ep, '/3303/0/5700');
    expect(observe.code, observe.errorMessage).toBe('2.05');
    const notified = leshan.events.waitForEvent(
      (e) =>
        e.type === 'NOTIFICATION' &&
        e.endpoint === ep &&
        e.path === '/3303/0/5700' &&
        JSON.stringify(e.value).includes('23.4'),
      10_000,
    );
    const written = await runMbpoll({ mode: 'tcp', port: plc.port }, { unitId: 1, address: 0, write: [234] });
    expect(written.exitCode, written.stderr).toBe(0);
    await notified;
  });

  it('serves /healthz and /metrics', async () => {
    const health = await fetch(`${host.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { status: string; devices: { id: string; connection: string }[] };
    expect(body.status).toBe('ok');
    expect(body.devices).toEqual([expect.objectContaining({ id: ep, connection: 'connected' })]);
    const metrics = await (await fetch(`${host.httpUrl}/metrics`)).text();
    expect(metrics).toContain(`adapter_host_device_connected{device="${ep}"} 1`);
    expect(metrics).toContain(`adapter_host_lwm2m_registered{endpoint="${ep}"} 1`);
    expect(metrics).toMatch(new RegExp(`adapter_host_notifications_total\\{endpoint="${ep}"\\} [1-9]`));
    expect(metrics).toMatch(
      /adapter_host_device_read_duration_seconds_count\{device="boiler-7",kind="poll"\} [1-9]/,
    );
  });

  it('answers 5.03 while the PLC is down and recovers without a restart, keeping the observation', async () => {
    await plc.stop();
    const unavailable = await eventually(
      async () => {
        const r = await leshan.api.read(ep, '/3303/0/5700');
        return r.code === '5.03' ? r : undefined;
      },
      15_000,
      'a 5.03 while the PLC is down',
    );
    expect(unavailable.code).toBe('5.03');
    const degraded = await fetch(`${host.httpUrl}/healthz`);
    expect(degraded.status).toBe(503);
    // after the restart the register holds its initial 215 again: the observation reports 21.5
    const recovered = leshan.events.waitForEvent(
      (e) =>
        e.type === 'NOTIFICATION' &&
        e.endpoint === ep &&
        e.path === '/3303/0/5700' &&
        JSON.stringify(e.value).includes('21.5'),
      20_000,
    );
    await plc.restart();
    await recovered;
    const read = await leshan.api.read(ep, '/3303/0/5700');
    expect(read.code).toBe('2.05');
    expect(read.content).toMatchObject({ value: 21.5 });
  }, 60_000);

  it('de-registers on shutdown and exits 0', async () => {
    const deregistered = leshan.events.waitForEvent(
      (e) => e.type === 'DEREGISTRATION' && e.registration.endpoint === ep,
      15_000,
    );
    host.stop();
    expect(await host.exited).toBe(0);
    await deregistered;
    expect(host.logs.join('')).toContain('"msg":"shutting down: stop polling, de-register, close"');
  }, 30_000);
});
