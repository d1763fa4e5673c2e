/**
 * `adapter-host demo`: the README's main job. Simulators, host (gateway mode, Send batches) and the
 * built-in LwM2M server on loopback; the printed story must show the registration with /25, a
 * read of /25 naming every device, prefixed reads with values, Send batches, and the
 * de-registration at the end.
 */
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
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
  const code = await runAdapterHostCli(['demo', plcYml, '--duration', '4500ms'], {
    out: { stdout: (t) => lines.push(t), stderr: (t) => errors.push(t) },
    env: { PLC_PORT: String(await freeTcpPort()) },
    stopSignal: new Promise<void>(() => {}),
  });
  const text = lines.join('\n');
  expect(code, errors.join('\n')).toBe(0);
  expect(errors).toEqual([]);
  expect(text).toMatch(/server: adapter-host-demo registered with \d+ links/);
  expect(text).toContain('</25/0>');
  expect(text).toMatch(
    /read \/25 \(end devices\) → 0\{0=boiler-1 1=boiler1 .*1\{0=pump-2 1=pump2 .*2\{0=pump-3 1=pump3/,
  );
  expect(text).toMatch(/read \/pump2\/3305\/0\/5800 → -?\d+(\.\d+)?/);
  expect(text).toMatch(/Send from adapter-host-demo: .*\/boiler1\/3303\/0\/5700=-?\d/);
  expect(text.trimEnd()).toMatch(/adapter-host-demo de-registered$/);
}, 30_000);
