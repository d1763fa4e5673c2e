import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { devicePointSpecs, loadMapping } from '@lwm2m-adapters/mapping';
import { createModbusAdapter } from '@lwm2m-adapters/modbus';
import { adapter as opcuaAdapter } from '@lwm2m-adapters/opcua';
import { type AdapterDefinition, silentLogger } from '@lwm2m-adapters/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mbpollValues, runMbpoll } from '../../../test/peers/mbpoll.js';
import { type CommandOutput, ExitCode, runAdapterHostCli, usage } from '../src/index.js';

const plcYml = resolve(import.meta.dirname, '../../../mappings/plc.yml');

function capture(): CommandOutput & { text: () => string; stdoutLines: string[]; stderrLines: string[] } {
  let text = '';
  const stdoutLines: string[] = [];
  const stderrLines: string[] = [];
  return {
    stdout: (t) => {
      text += `${t}\n`;
      stdoutLines.push(t);
    },
    stderr: (t) => {
      text += `${t}\n`;
      stderrLines.push(t);
    },
    text: () => text,
    stdoutLines,
    stderrLines,
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adapter-host-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('adapter-host validate / plan', () => {
  it('validates the ready plant mapping', async () => {
    const out = capture();
    expect(await runAdapterHostCli(['validate', plcYml], { out, env: {} })).toBe(ExitCode.OK);
    expect(out.text()).toContain('4 devices, 25 points (22 bound, 3 constants)');
  });

  it('reports every problem of a bad mapping with file:line:column and exits 3', async () => {
    const file = join(dir, 'bad.yml');
    await writeFile(
      file,
      [
        'version: 1',
        'devices:',
        '  - id: x',
        '    adapter: modbus',
        '    connection: { transport: tcp, host: h, port: 70000 }',
        '    points:',
        '      /3303/0/5700: { source: { table: holdin, address: 1, type: float32 } }',
        '  - id: y',
        '    adapter: "@acme/lwm2m-adapter-missing"',
        '    connection: {}',
        '    points: {}',
        '',
      ].join('\n'),
    );
    const out = capture();
    expect(await runAdapterHostCli(['validate', '--mapping', file], { out, env: {} })).toBe(
      ExitCode.MAPPING_INVALID,
    );
    const text = out.text();
    expect(text).toContain(`${file}:5:50: connection.port 70000 is too large; expected at most 65535`);
    expect(text).toContain(`${file}:7:40: /3303/0/5700: source.table "holdin" is not valid`);
    expect(text).toMatch(new RegExp(`${file}:9:\\d+: .*@acme/lwm2m-adapter-missing.*npm install`));
  });

  it('prints the read plan: batched requests per poll cycle', async () => {
    const out = capture();
    expect(await runAdapterHostCli(['plan', plcYml], { out, env: {} })).toBe(ExitCode.OK);
    expect(out.text()).toContain('unit 1 FC3 holding 100..105 (6 regs) -> 3 points');
    expect(out.text()).toContain('total: 4 devices, 14 requests per poll cycle');
  });

  it('answers usage errors with exit code 2 and the usage text', async () => {
    const out = capture();
    expect(await runAdapterHostCli(['frobnicate', plcYml], { out, env: {} })).toBe(ExitCode.USAGE);
    expect(out.text()).toContain('unknown command "frobnicate"');
    expect(await runAdapterHostCli(['plan'], { out, env: {} })).toBe(ExitCode.USAGE);
    expect(await runAdapterHostCli(['--help'], { out, env: {} })).toBe(ExitCode.OK);
  });

  it('dispatches every command its usage text names, and names them all for an unknown one', async () => {
    const listed = /adapter-host <([a-z|]+)> plc\.yml/.exec(usage)?.[1]?.split('|') ?? [];
    expect(listed).toEqual(['validate', 'plan', 'simulate', 'watch', 'read', 'write', 'demo']);
    for (const name of listed) {
      expect(usage).toMatch(new RegExp(`^  ${name} <mapping> +\\S`, 'm'));
      const out = capture();
      expect(await runAdapterHostCli([name], { out, env: {} })).toBe(ExitCode.USAGE);
      expect(out.text()).toContain('give the mapping file: adapter-host <command> plc.yml');
      expect(out.text()).not.toContain('unknown command');
    }
    const out = capture();
    expect(await runAdapterHostCli(['frobnicate', plcYml], { out, env: {} })).toBe(ExitCode.USAGE);
    expect(out.text()).toContain(`valid commands: run, ${listed.join(', ')}, probe, browse\n`);
  });
});

describe('adapter-host simulate', () => {
  it('serves every mapped point where the mapping connects, read by the adapters and by mbpoll', async () => {
    const port = await freePort();
    const opcuaPort = await freePort();
    const env = { PLC_PORT: String(port), OPCUA_PORT: String(opcuaPort) };
    const out = capture();
    let stop!: () => void;
    const stopSignal = new Promise<void>((r) => {
      stop = r;
    });
    const running = runAdapterHostCli(['simulate', plcYml], { out, env, stopSignal });
    try {
      const deadline = Date.now() + 10_000;
      while (!out.text().includes('on opc.tcp') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(out.text()).toContain(
        `simulating boiler-1, pump-2, pump-3 (units 1, 2, 3) on tcp 127.0.0.1:${port}`,
      );
      expect(out.text()).toContain(
        `simulating chiller-1 (5 variables, 0 methods) on opc.tcp 127.0.0.1:${opcuaPort}`,
      );

      // Our adapters read every bound point of every device from the simulators.
      const adapters = new Map<string, AdapterDefinition>([
        ['modbus', createModbusAdapter() as AdapterDefinition],
        ['opcua', opcuaAdapter as AdapterDefinition],
      ]);
      const adapterOf = (name: string): AdapterDefinition => {
        const found = adapters.get(name);
        if (found === undefined) throw new Error(`no adapter ${name}`);
        return found;
      };
      const mapping = await loadMapping(plcYml, { resolveAdapter: adapterOf, env });
      for (const device of mapping.devices) {
        const adapter = adapterOf(device.adapter.name);
        const points = devicePointSpecs(device).map((p) => ({
          ...p,
          source: adapter.pointSchema.parse(p.source),
        }));
        await using session = adapter.createSession({
          deviceId: device.id,
          connection: adapter.connectionSchema.parse(device.connection),
          points,
          logger: silentLogger,
        });
        await session.start();
        const readable = points.filter((p) => p.access.read).map((p) => p.id);
        const readings = await session.read(readable);
        for (const r of readings)
          expect(r.ok, `${device.id} ${r.pointId}: ${r.ok ? '' : r.error.message}`).toBe(true);
      }

      // An independent master (mbpoll) reads the boiler temperature float (CDAB = mbpoll's default).
      const result = await runMbpoll(
        { mode: 'tcp', port },
        { unitId: 1, address: 100, count: 1, dataType: '4:float' },
      );
      expect(result.exitCode, result.stderr).toBe(0);
      expect(Number.isFinite(Number(mbpollValues(result.stdout).get(100)))).toBe(true);
    } finally {
      stop();
    }
    expect(await running).toBe(ExitCode.OK);
  }, 60_000);

  /** A mapping folder with the template third-party adapter installed, which has no simulator. */
  async function mixedMapping(name: string, devices: string[]): Promise<string> {
    const folder = join(dir, name);
    await mkdir(join(folder, 'node_modules', '@example'), { recursive: true });
    await symlink(
      resolve(import.meta.dirname, '../../../examples/custom-adapter'),
      join(folder, 'node_modules', '@example', 'lwm2m-adapter-jsonfile'),
      'dir',
    );
    await writeFile(join(folder, 'boiler.json'), '{ "t": 20 }');
    const file = join(folder, 'plant.yml');
    await writeFile(file, ['version: 1', 'devices:', ...devices, ''].join('\n'));
    return file;
  }
  const serialDrive = [
    '  - id: drive',
    '    adapter: modbus',
    '    connection: { transport: rtu, path: /dev/ttyUSB7, unitId: 3 }',
    '    points:',
    '      /3303/0/5700: { source: { table: input, address: 0, type: int16 } }',
  ];
  const jsonLab = [
    '  - id: lab',
    '    adapter: "@example/lwm2m-adapter-jsonfile"',
    '    connection: { file: ./boiler.json }',
    '    points:',
    '      /3303/0/5700: { source: { key: t, type: number } }',
  ];

  it('simulates what its adapters can and names every other device with the reason', async () => {
    const port = await freePort();
    const file = await mixedMapping('mixed', [
      '  - id: plc',
      '    adapter: modbus',
      `    connection: { transport: tcp, host: 127.0.0.1, port: ${port}, unitId: 4 }`,
      '    points:',
      '      /3303/0/5700: { source: { table: holding, address: 1, type: float32 } }',
      ...serialDrive,
      ...jsonLab,
    ]);
    const out = capture();
    let stop!: () => void;
    const stopSignal = new Promise<void>((r) => {
      stop = r;
    });
    const running = runAdapterHostCli(['simulate', file], { out, env: {}, stopSignal });
    try {
      const deadline = Date.now() + 10_000;
      while (!out.text().includes('simulating') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(out.stdoutLines).toEqual([`simulating plc (units 4) on tcp 127.0.0.1:${port}`]);
      expect(out.stderrLines).toEqual([
        'drive: on serial line /dev/ttyUSB7; run modbus-simulator --rtu-path <other end of the line> for it',
        'lab: adapter "jsonfile" has no simulator; not simulated',
      ]);
    } finally {
      stop();
    }
    expect(await running).toBe(ExitCode.OK);
  });

  it('exits 1 when no device of the mapping can be simulated', async () => {
    const file = await mixedMapping('unsimulated', [...serialDrive, ...jsonLab]);
    const out = capture();
    expect(
      await runAdapterHostCli(['simulate', file], { out, env: {}, stopSignal: new Promise(() => {}) }),
    ).toBe(ExitCode.FAILURE);
    expect(out.stderrLines).toEqual([
      'drive: on serial line /dev/ttyUSB7; run modbus-simulator --rtu-path <other end of the line> for it',
      'lab: adapter "jsonfile" has no simulator; not simulated',
      `${file}: no devices to simulate`,
    ]);
  });
});
