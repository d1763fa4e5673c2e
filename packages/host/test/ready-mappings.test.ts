/**
 * The ready mappings in mappings/: each validates, `adapter-host simulate` serves every one of its
 * devices, and every readable point then reads good through the mapping (`adapter-host watch`);
 * mappings/README.md lists each in its table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type CommandOutput, ExitCode, runAdapterHostCli } from '../src/index.js';

const dir = fileURLToPath(new URL('../../../mappings/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

function capture(): CommandOutput & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { stdout: (t) => out.push(t), stderr: (t) => err.push(t), out, err };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('ready mappings', () => {
  it('are the ones the README table lists', () => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| \[([^\]]+\.yml)\]\(/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...files].sort());
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it.each(files)('%s validates, is simulated, and every point reads good', async (file) => {
    const mapping = join(dir, file);
    const env = { PLC_PORT: String(await freePort()), OPCUA_PORT: String(await freePort()) };
    const valid = capture();
    expect(await runAdapterHostCli(['validate', mapping], { out: valid, env })).toBe(ExitCode.OK);

    let stop!: () => void;
    const stopSignal = new Promise<void>((r) => {
      stop = r;
    });
    const sim = capture();
    const simulating = runAdapterHostCli(['simulate', mapping], { out: sim, env, stopSignal });
    try {
      // every device simulated (one "simulating <ids> ..." line per listener, each protocol in turn)
      const devices = Number(/: (\d+) devices?, /.exec(valid.out.join('\n'))?.[1]);
      const simulated = () =>
        new Set(
          sim.out
            .filter((l) => l.startsWith('simulating '))
            .flatMap((l) => (l.slice('simulating '.length).split(/ \(| on /)[0] ?? '').split(', ')),
        ).size;
      await expect.poll(simulated, { timeout: 10_000 }).toBe(devices);
      expect(sim.err).toEqual([]); // no device left unsimulated
      const watch = capture();
      expect(
        await runAdapterHostCli(['watch', mapping, '--duration', '1ms'], { out: watch, env, isTty: false }),
      ).toBe(ExitCode.OK);
      const [, ...lines] = watch.out;
      expect(lines.length).toBeGreaterThan(5);
      expect(lines.filter((l) => !l.endsWith(' good'))).toEqual([]);
    } finally {
      stop();
      expect(await simulating).toBe(ExitCode.OK);
    }
  });
});
