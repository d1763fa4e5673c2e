/**
 * An LwM2M server that refuses the Register is not silent: every failed Register logs a warning
 * with the server URI, the cause and when the next attempt goes out, once (not also the engine's
 * own line).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startHostCli } from './support/host-cli-run.js';
import { isRequest, RawCoapPeer } from './support/raw-coap-peer.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adapter-host-refused-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('warns per refused Register with the server URI, the cause and the next retry time', async () => {
  await using peer = await RawCoapPeer.open();
  const mapping = join(dir, 'one.yml');
  await writeFile(
    mapping,
    [
      'version: 1',
      'devices:',
      '  - id: boiler',
      '    adapter: modbus',
      '    connection: { transport: tcp, host: 127.0.0.1, port: 1, unitId: 1 }',
      '    points:',
      '      /3303/0/5700: { source: { table: holding, address: 0, type: int16 } }',
      '',
    ].join('\n'),
  );
  const host = await startHostCli(mapping, peer.uri);
  try {
    const register = await peer.nextMessage(isRequest('POST', ['rd']), 10_000, 'the Register');
    const before = Date.now();
    peer.reply(register, { code: '4.03' });
    const message = `registration at ${peer.uri} failed`;
    const [warning] = await eventually(
      async () => {
        const entries = host.logs
          .flatMap((t) => t.split('\n'))
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .filter((e) => typeof e.msg === 'string' && e.msg.startsWith(message));
        return entries.length > 0 ? entries : undefined;
      },
      10_000,
      'the registration warning',
    );
    expect(warning).toMatchObject({ level: 40, server: peer.uri, endpoint: 'boiler' });
    expect(String(warning!.cause)).toMatch(/4\.03|forbidden|rejected/i);
    const retryAt = Date.parse(String(warning!.retryAt));
    expect(retryAt).toBeGreaterThan(before);
    expect(String(warning!.msg)).toContain(`next attempt at ${String(warning!.retryAt)}`);
    // one line per failed Register: the engine's own `registration-failed` line is not repeated
    const engineLines = host.logs
      .flatMap((t) => t.split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.event === 'registration-failed');
    expect(engineLines).toEqual([]);
  } finally {
    host.stop();
    await host.exited;
  }
});
