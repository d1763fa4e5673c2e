/**
 * `adapter-host demo`: the README's main job. Simulators, host (gateway mode, Send batches) and the
 * gateway server in-process on loopback; the printed story must show the registration, the end
 * devices the server found in /25 (Modbus and OPC UA), prefixed reads with values, Send batches, the HTTP API's
 * address, and the de-registration at the end.
 */
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect, it, vi } from 'vitest';
import { runAdapterHostCli } from '../src/cli-main.js';

const plcYml = fileURLToPath(new URL('../../../mappings/plc.yml', import.meta.url));

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

it('runs mappings/plc.yml end to end and de-registers', async () => {
  const lines: string[] = [];
  const errors: string[] = [];
  // node-opcua prints through console.log unless the adapter routes it ("Creating default certificate")
  const consoleLog = vi.spyOn(console, 'log');
  const code = await runAdapterHostCli(['demo', plcYml, '--duration', '4500ms'], {
    out: { stdout: (t) => lines.push(t), stderr: (t) => errors.push(t) },
    env: { PLC_PORT: String(await freeTcpPort()), OPCUA_PORT: String(await freeTcpPort()) },
    stopSignal: new Promise<void>(() => {}),
  });
  const printed = consoleLog.mock.calls.map((args) => args.map(String).join(' '));
  consoleLog.mockRestore();
  const text = lines.join('\n');
  expect(code, errors.join('\n')).toBe(0);
  expect(errors).toEqual([]);
  expect(text).toMatch(
    /server: gateway server on coap:\/\/127\.0\.0\.1:\d+, HTTP API on http:\/\/127\.0\.0\.1:\d+\/api/,
  );
  expect(text).toMatch(
    /server: registered adapter-host-demo \(1\.1, lt 60 s, U, 127\.0\.0\.1:\d+, \d+ objects\)/,
  );
  expect(text).toMatch(
    /server: children of adapter-host-demo \(register\): \+boiler1 \(boiler-1\) \+pump2 \(pump-2\) \+pump3 \(pump-3\) \+chiller1 \(chiller-1\); 0 unchanged/,
  );
  expect(text).toMatch(/server: read \/pump2\/3305\/0\/5800 \(pump-2\) → -?\d+(\.\d+)?/);
  expect(text).toMatch(/server: read \/chiller1\/3200\/0\/5500 \(chiller-1\) → (true|false)/);
  expect(text).toMatch(/server: send adapter-host-demo .*\/boiler1\/3303\/0\/5700=-?\d/);
  expect(text).toMatch(/server: send adapter-host-demo .*\/chiller1\/3303\/0\/5700=-?\d/);
  expect(text).toMatch(/simulating chiller-1 \(5 variables, 0 methods\) on opc\.tcp 127\.0\.0\.1:\d+/);
  // node-opcua's console noise stays out of the demo's output
  expect(printed).toEqual([]);
  expect(text.trimEnd()).toMatch(/server: de-registered adapter-host-demo$/);
}, 30_000);
