/**
 * The technician's commands against a real Modbus device (pymodbus, static values so every
 * assertion is exact): `probe` prints every interpretation side by side, `read` and `write` go
 * through the mapping's conversions and checks, `watch` prints a line per change when its output
 * is not a terminal. The terminal form is in watch-pty.test.ts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PymodbusDevice, startPymodbusDevice } from '../../../test/peers/pymodbus.js';
import { openPtyPair } from '../../../test/peers/socat-pty.js';
import { type CommandOutput, ExitCode, runAdapterHostCli } from '../src/index.js';

function capture(): CommandOutput & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { stdout: (t) => out.push(t), stderr: (t) => err.push(t), out, err };
}

let device: PymodbusDevice;
let dir: string;
let mapping: string;

beforeAll(async () => {
  device = await startPymodbusDevice({
    transport: 'tcp',
    framer: 'socket',
    units: {
      1: {
        size: 64,
        values: [
          { table: 'holding', address: 0, type: 'float32', value: 21.5 },
          { table: 'holding', address: 2, type: 'float32', value: 21.5, order: 'CDAB' },
          { table: 'holding', address: 4, type: 'int16', value: -42 },
          { table: 'holding', address: 5, type: 'string', value: 'AB', length: 1 },
          { table: 'holding', address: 10, type: 'int16', value: 205 },
          { table: 'coil', address: 1, value: true },
        ],
      },
    },
  });
  dir = await mkdtemp(join(tmpdir(), 'technician-'));
  mapping = join(dir, 'tech.yml');
  await writeFile(
    mapping,
    `version: 1
devices:
  - id: oven
    prefix: oven1
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${device.port}, unitId: 1 }
    points:
      /3303/0/5700: { source: { table: holding, address: 0, type: float32 }, units: Cel }
      /3308/0/5900: { source: { table: holding, address: 10, type: int16 }, scale: 0.1, access: rw }
      /3300/0/5700: { source: { table: holding, address: 4, type: int16 } }
      /3311/0/5850: { source: { table: coil, address: 1 } }
`,
  );
}, 60_000);

afterAll(async () => {
  await device?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('adapter-host probe modbus', () => {
  it('prints every interpretation of the registers side by side', async () => {
    const c = capture();
    const code = await runAdapterHostCli(
      ['probe', 'modbus', `tcp://127.0.0.1:${device.port}`, '--unit', '1', '--address', '0', '--count', '6'],
      { out: c, env: {} },
    );
    expect(c.err).toEqual([]);
    expect(code).toBe(ExitCode.OK);
    const lines = c.out.join('\n').split('\n');
    const header = lines[0]?.split(/\s{2,}/) ?? [];
    const starts: number[] = [];
    header.forEach((title, i) => {
      const after = i === 0 ? 0 : (starts[i - 1] ?? 0) + (header[i - 1]?.length ?? 0);
      starts.push(lines[0]?.indexOf(title, after) ?? 0);
    });
    expect(header).toEqual([
      'address',
      'hex',
      'uint16',
      'int16',
      'uint32 ABCD',
      'uint32 CDAB',
      'int32 ABCD',
      'int32 CDAB',
      'float32 ABCD',
      'float32 CDAB',
      'ascii',
    ]);
    const row = (address: number) => {
      const line = lines.find((l) => l.startsWith(`${address} `)) ?? '';
      return Object.fromEntries(
        header.map((title, i) => [title, line.slice(starts[i], starts[i + 1]).trim()]),
      );
    };
    // 21.5 as float32 big-endian is 0x41ac 0x0000
    expect(row(0)).toMatchObject({ hex: '0x41ac', 'float32 ABCD': '21.5' });
    expect(row(2)).toMatchObject({ hex: '0x0000', 'float32 CDAB': '21.5' });
    expect(row(4)).toMatchObject({ hex: '0xffd6', uint16: '65494', int16: '-42' });
    // the last register starts no 32-bit value
    expect(row(5)).toMatchObject({ hex: '0x4142', ascii: 'AB', 'float32 ABCD': '', 'uint32 CDAB': '' });
    expect(c.out.join('\n')).toContain('unit 1, holding 0..5: 6 register(s) read');
  });

  it('shows only the types asked for, and reads bit tables', async () => {
    const c = capture();
    const port = `tcp://127.0.0.1:${device.port}`;
    expect(
      await runAdapterHostCli(['probe', 'modbus', port, '--count', '2', '--type', 'float32'], {
        out: c,
        env: {},
      }),
    ).toBe(ExitCode.OK);
    expect(c.out[0]?.split('\n')[0]?.split(/\s{2,}/)).toEqual([
      'address',
      'hex',
      'float32 ABCD',
      'float32 CDAB',
    ]);
    const bits = capture();
    expect(
      await runAdapterHostCli(['probe', 'modbus', port, '--table', 'coil', '--count', '3'], {
        out: bits,
        env: {},
      }),
    ).toBe(ExitCode.OK);
    expect(bits.out[0]?.split('\n').map((l) => l.split(/\s+/))).toEqual([
      ['address', 'value'],
      ['0', 'false'],
      ['1', 'true'],
      ['2', 'false'],
    ]);
  });

  it('says why a probe fails: device errors exit 1, bad options exit 2 with a short usage', async () => {
    const c = capture();
    const port = `tcp://127.0.0.1:${device.port}`;
    expect(
      await runAdapterHostCli(['probe', 'modbus', port, '--address', '60', '--count', '10'], {
        out: c,
        env: {},
      }),
    ).toBe(ExitCode.FAILURE);
    expect(c.err.join('\n')).toContain('DEVICE_ADDRESS_UNKNOWN');
    const bad = capture();
    expect(
      await runAdapterHostCli(['probe', 'modbus', port, '--type', 'float16'], { out: bad, env: {} }),
    ).toBe(ExitCode.USAGE);
    expect(bad.err.join('\n')).toMatch(/--type "float16": expected one of hex, uint16/);
    const target = capture();
    expect(await runAdapterHostCli(['probe', 'modbus', 'http://x'], { out: target, env: {} })).toBe(
      ExitCode.USAGE,
    );
    expect(target.err.join('\n')).toContain('expected tcp://host[:port]');
    const flag = capture();
    expect(await runAdapterHostCli(['probe', 'modbus', port, '--bogus'], { out: flag, env: {} })).toBe(
      ExitCode.USAGE,
    );
    expect(flag.err.join('\n')).toMatch(/^adapter-host: .*--bogus.*\nusage: adapter-host probe modbus tcp:/s);
  });
});

describe('adapter-host probe modbus on a serial line', () => {
  it('reads an RTU device on rtu:/dev/tty... with the line settings given', async () => {
    const line = await openPtyPair();
    const serial = await startPymodbusDevice({
      transport: 'serial',
      serialPort: line.deviceEnd,
      baudRate: 19_200,
      framer: 'rtu',
      units: {
        7: { values: [{ table: 'holding', address: 3, type: 'float32', value: -1.25, order: 'CDAB' }] },
      },
    });
    try {
      const c = capture();
      const code = await runAdapterHostCli(
        [
          'probe',
          'modbus',
          `rtu:${line.masterEnd}`,
          '--unit',
          '7',
          '--address',
          '3',
          '--count',
          '2',
          '--type',
          'float32',
          '--parity',
          'even',
        ],
        { out: c, env: {} },
      );
      expect(c.err).toEqual([]);
      expect(code).toBe(ExitCode.OK);
      const [table = '', note] = c.out;
      expect(table.split('\n').map((l) => l.split(/\s{2,}/))).toEqual([
        ['address', 'hex', 'float32 ABCD', 'float32 CDAB'],
        ['3', '0x0000', '6.87421e-41', '-1.25'],
        ['4', '0xbfa0'],
      ]);
      expect(note).toBe('unit 7, holding 3..4: 2 register(s) read');
    } finally {
      await serial.stop();
      await line.close();
    }
  }, 30_000);
});

describe('adapter-host read / write', () => {
  it('reads a point through its conversions, with units', async () => {
    const c = capture();
    expect(await runAdapterHostCli(['read', mapping, '/oven1/3303/0/5700'], { out: c, env: {} })).toBe(
      ExitCode.OK,
    );
    expect(c.out).toEqual(['/oven1/3303/0/5700 "Sensor Value" = 21.5 Cel']);
    const scaled = capture();
    expect(await runAdapterHostCli(['read', mapping, '/oven1/3308/0/5900'], { out: scaled, env: {} })).toBe(
      ExitCode.OK,
    );
    expect(scaled.out).toEqual(['/oven1/3308/0/5900 "Set Point Value" = 20.5']);
  });

  it('writes through the scale and reads the value back', async () => {
    const c = capture();
    expect(
      await runAdapterHostCli(['write', mapping, '/oven1/3308/0/5900', '22.5'], { out: c, env: {} }),
    ).toBe(ExitCode.OK);
    expect(c.out).toEqual([
      '/oven1/3308/0/5900: written (device value 225)',
      '/oven1/3308/0/5900 "Set Point Value" = 22.5',
    ]);
  });

  it('refuses what the mapping refuses before anything is sent', async () => {
    const before = capture();
    await runAdapterHostCli(['read', mapping, '/oven1/3308/0/5900'], { out: before, env: {} });
    for (const [path, value, message] of [
      ['/oven1/3308/0/5900', 'warm', 'WRITE_VALUE_INVALID: /3308/0/5900 is float: "warm" is not a number'],
      ['/oven1/3308/0/5900', '22.55', 'not a multiple of the scale 0.1'],
      ['/oven1/3303/0/5700', '1', 'OPERATION_NOT_ALLOWED'],
    ] as const) {
      const c = capture();
      expect(await runAdapterHostCli(['write', mapping, path, value], { out: c, env: {} })).toBe(
        ExitCode.USAGE,
      );
      expect(c.err.join('\n')).toContain(message);
    }
    const after = capture();
    await runAdapterHostCli(['read', mapping, '/oven1/3308/0/5900'], { out: after, env: {} });
    expect(after.out).toEqual(before.out);
  });

  it('names the prefixes when a path names no point', async () => {
    const c = capture();
    expect(await runAdapterHostCli(['read', mapping, '/oven2/3303/0/5700'], { out: c, env: {} })).toBe(
      ExitCode.USAGE,
    );
    expect(c.err.join('\n')).toContain('no mapped point at "/oven2/3303/0/5700"');
    expect(c.err.join('\n')).toContain('prefixes: /oven1');
  });
});

describe('adapter-host watch (not a terminal)', () => {
  it('prints one plain line per point at the first refresh, then only changes', async () => {
    const c = capture();
    const code = await runAdapterHostCli(
      ['watch', mapping, '--device', 'oven', '--interval', '200ms', '--duration', '900ms'],
      { out: c, env: {}, isTty: false },
    );
    expect(c.err).toEqual([]);
    expect(code).toBe(ExitCode.OK);
    const [title, ...lines] = c.out;
    expect(title).toMatch(/^adapter-host watch .*tech\.yml: 1 device\(s\), every 0\.2s/);
    // static values: a line per point once, never again
    expect(lines.map((l) => l.replace(/^\S+ /, ''))).toEqual([
      '/oven1/3300/0/5700 "Sensor Value" -42 good',
      '/oven1/3303/0/5700 "Sensor Value" 21.5 Cel good',
      '/oven1/3308/0/5900 "Set Point Value" 22.5 good',
      '/oven1/3311/0/5850 "On/Off" true good',
    ]);
    expect(c.out.join('\n')).not.toContain('\u001b');
  });

  it('refuses an unknown device, naming the devices', async () => {
    const c = capture();
    expect(
      await runAdapterHostCli(['watch', mapping, '--device', 'ovne', '--duration', '1s'], {
        out: c,
        env: {},
      }),
    ).toBe(ExitCode.USAGE);
    expect(c.err.join('\n')).toContain('no device "ovne" in the mapping; its devices: oven');
  });
});
