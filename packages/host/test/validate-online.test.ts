/**
 * `adapter-host validate --online` against a device we did not write (pymodbus, PyPI): a point at an
 * address the device does not have is refuted at its file:line:column (exit 3), a mapping the device
 * agrees with passes (exit 0), and a device that does not answer is named, not a crash (exit 1).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PymodbusDevice, startPymodbusDevice } from '../../../test/peers/pymodbus.js';
import { type CommandOutput, ExitCode, runAdapterHostCli } from '../src/index.js';

function capture(): CommandOutput & { stdoutText: () => string; stderrText: () => string } {
  let stdout = '';
  let stderr = '';
  return {
    stdout: (t) => {
      stdout += `${t}\n`;
    },
    stderr: (t) => {
      stderr += `${t}\n`;
    },
    stdoutText: () => stdout,
    stderrText: () => stderr,
  };
}

/** A port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let dir: string;
let plc: PymodbusDevice;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adapter-host-online-'));
  plc = await startPymodbusDevice({
    transport: 'tcp',
    framer: 'socket',
    units: { 1: { size: 50, values: [{ table: 'holding', address: 0, type: 'int16', value: 215 }] } },
  });
}, 60_000);

afterAll(async () => {
  await plc?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}, 30_000);

async function mapping(name: string, port: number, address: number): Promise<string> {
  const file = join(dir, name);
  await writeFile(
    file,
    [
      'version: 1',
      'devices:',
      '  - id: boiler',
      '    adapter: modbus',
      `    connection: { transport: tcp, host: 127.0.0.1, port: ${port}, unitId: 1, timeoutMs: 500 }`,
      '    points:',
      '      /3303/0/5700: { source: { table: holding, address: 0, type: int16 }, scale: 0.1 }',
      `      /3303/0/5601: { source: { table: holding, address: ${address}, type: int16 } }`,
      '',
    ].join('\n'),
  );
  return file;
}

describe('adapter-host validate --online', () => {
  it('passes a mapping the device agrees with', async () => {
    const file = await mapping('good.yml', plc.port, 10);
    const out = capture();
    const code = await runAdapterHostCli(['validate', file, '--online'], { out, env: {} });
    expect(code, out.stderrText()).toBe(ExitCode.OK);
    expect(out.stdoutText()).toContain(': valid');
    expect(out.stderrText()).toContain('1 of 1 device(s) reached, 2 point(s) checked, 0 problem(s)');
  });

  it('refutes a point at an address the device lacks, at its line and column (exit 3)', async () => {
    const file = await mapping('bad.yml', plc.port, 400);
    const out = capture();
    const code = await runAdapterHostCli(['validate', file, '--online'], { out, env: {} });
    expect(code).toBe(ExitCode.MAPPING_INVALID);
    expect(out.stderrText()).toContain(
      `${file}:8:7: error: /3303/0/5601: DEVICE_ADDRESS_UNKNOWN: unit 1 FC3 400+1: Modbus exception 0x02 (illegal data address)`,
    );
    expect(out.stdoutText()).toContain('the devices refute some points');
    // offline, the same file is valid: the device, not the file, refutes it
    const offline = capture();
    expect(await runAdapterHostCli(['validate', file], { out: offline, env: {} })).toBe(ExitCode.OK);
  });

  it('names a device it cannot reach (exit 1), within the time budget', async () => {
    const file = await mapping('away.yml', await closedPort(), 10);
    const out = capture();
    const json = capture();
    const code = await runAdapterHostCli(['validate', file, '--online', '--timeout', '2s'], { out, env: {} });
    expect(code).toBe(ExitCode.FAILURE);
    expect(out.stderrText()).toMatch(
      new RegExp(`${file.replaceAll('.', '\\.')}:3:5: error: device boiler not reached: DEVICE_`),
    );
    expect(
      await runAdapterHostCli(['validate', file, '--online', '--timeout', '2s', '--json'], {
        out: json,
        env: {},
      }),
    ).toBe(ExitCode.FAILURE);
    const result = JSON.parse(json.stdoutText()) as {
      ok: boolean;
      online: { reached: boolean; code: string }[];
    };
    expect(result.ok).toBe(false);
    expect(result.online[0]?.reached).toBe(false);
  });
});
