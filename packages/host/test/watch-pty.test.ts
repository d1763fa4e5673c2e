/**
 * `adapter-host watch` as a technician sees it: the built binary under a pseudo-terminal (Python's
 * pty through the peers venv), values from pymodbus. The table is redrawn in place (cursor home,
 * clear screen) each refresh; a value that changed is shown in reverse video for one refresh.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runUnderPty } from '../../../test/peers/pseudo-terminal.js';
import { startPymodbusDevice } from '../../../test/peers/pymodbus.js';
import { type CommandOutput, ExitCode, runAdapterHostCli } from '../src/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// the built binary (npm test runs tsc -b first), as a technician runs it
const cli = join(root, 'packages', 'host', 'dist', 'cli', 'adapter-host.js');
const CLEAR = '\u001b[H\u001b[2J';
const silent: CommandOutput = { stdout: () => {}, stderr: () => {} };

it('redraws the table in place and highlights the value that changed', async () => {
  const device = await startPymodbusDevice({
    transport: 'tcp',
    framer: 'socket',
    units: { 1: { values: [{ table: 'holding', address: 10, type: 'int16', value: 205 }] } },
  });
  const dir = await mkdtemp(join(tmpdir(), 'watch-pty-'));
  try {
    const mapping = join(dir, 'oven.yml');
    await writeFile(
      mapping,
      `version: 1
devices:
  - id: oven
    prefix: oven1
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${device.port}, unitId: 1 }
    points:
      /3308/0/5900: { source: { table: holding, address: 10, type: int16 }, scale: 0.1, access: rw, units: Cel }
`,
    );
    const watching = runUnderPty(
      process.execPath,
      [cli, 'watch', mapping, '--interval', '200ms', '--duration', '3s'],
      { timeoutMs: 20_000 },
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      await runAdapterHostCli(['write', mapping, '/oven1/3308/0/5900', '30.5'], { out: silent, env: {} }),
    ).toBe(ExitCode.OK);
    const { output, exitCode } = await watching;
    expect(exitCode, output).toBe(0);
    const frames = output.split(CLEAR).slice(1);
    expect(frames.length).toBeGreaterThanOrEqual(5);
    for (const frame of frames) {
      const lines = frame.split(/\r?\n/);
      expect(lines[0]).toMatch(/^adapter-host watch .*oven\.yml: 1 device\(s\), every 0\.2s; Ctrl-C stops$/);
      expect(lines[1]?.split(/\s+/)).toEqual(['PATH', 'NAME', 'VALUE', 'AGE', 'QUALITY']);
      expect(lines[2]).toMatch(
        /^\/oven1\/3308\/0\/5900 {2}Set Point Value {2}\S*(20\.5|30\.5) Cel\S* +\d+\.\ds {2}good$/,
      );
    }
    const OFF = '\u001b[27m';
    // the value cell as drawn: `20.5 Cel`, or wrapped in reverse video
    const shown = frames.map((frame) => {
      const row = frame.split(/\r?\n/)[2] ?? '';
      const start = row.indexOf('Set Point Value') + 'Set Point Value'.length + 2;
      const end = row.indexOf(' Cel', start) + ' Cel'.length;
      return row.slice(start, row.startsWith(OFF, end) ? end + OFF.length : end);
    });
    const firstNew = shown.findIndex((text) => text?.includes('30.5'));
    expect(firstNew).toBeGreaterThan(1);
    // the first frame shows every value as new; then unchanged values are plain, the change stands out once
    expect(shown[0]).toBe('\u001b[7m20.5 Cel\u001b[27m');
    expect(shown.slice(1, firstNew)).toEqual(Array(firstNew - 1).fill('20.5 Cel'));
    expect(shown[firstNew]).toBe('\u001b[7m30.5 Cel\u001b[27m');
    expect(shown.slice(firstNew + 1)).toEqual(Array(shown.length - firstNew - 1).fill('30.5 Cel'));
  } finally {
    await device.stop();
    await rm(dir, { recursive: true, force: true });
  }
}, 40_000);
