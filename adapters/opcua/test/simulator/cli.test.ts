/** The opcua-simulator CLI: announces its endpoint, serves asyncua's client, exits cleanly. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PeerProcess, startPeer } from '../../../../test/peers/peer-process.js';
import { runAsyncuaClient } from './asyncua-client.js';

const cli = fileURLToPath(new URL('../../src/simulator/cli.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

const config = `variables:
  - node: ns=2;s=Level
    type: UInt64
    value: "18446744073709551615"
  - node: /2:Tank/2:Temperature
    type: Double
    value: 12.5
`;

function startCli(args: readonly string[]): PeerProcess {
  return startPeer(process.execPath, ['--import', 'tsx', '--conditions=source', cli, ...args], {
    cwd: repoRoot,
  });
}

describe('opcua-simulator CLI', () => {
  let dir: string;
  let configFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opcua-sim-cli-'));
    configFile = join(dir, 'sim.yml');
    await writeFile(configFile, config);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('announces its endpoint, serves reads, and exits 0 on SIGTERM', async () => {
    const peer = startCli([configFile, '--port', '0']);
    try {
      const [, endpoint] = await peer.waitFor(/listening (opc\.tcp:\/\/127\.0\.0\.1:\d+)/, 60_000);
      await peer.waitFor(/variable \/2:Tank\/2:Temperature: Double/);
      const results = await runAsyncuaClient({
        endpoint: endpoint as string,
        ops: [
          { op: 'read', node: 'ns=2;s=Level' },
          { op: 'browse_path', path: ['2:Tank', '2:Temperature'] },
        ],
      });
      expect(results[0]).toEqual({ status: 'Good', type: 'UInt64', value: { int: '18446744073709551615' } });
      expect(results[1]?.status).toBe('Good');
    } finally {
      await peer.stop();
    }
    expect(peer.child.exitCode).toBe(0);
  }, 90_000);

  it('exits 2 with file:line:column for an invalid configuration, and for a bad command line', async () => {
    const bad = join(dir, 'bad.yml');
    await writeFile(bad, 'variables:\n  - node: ns=2;s=A\n    type: Real\n');
    const peer = startCli([bad]);
    await new Promise((resolve) => peer.child.once('exit', resolve));
    expect(peer.child.exitCode).toBe(2);
    expect(peer.output()).toContain(`${bad}:3:11: variables[0].type:`);
    await peer.stop();
    const usage = startCli([configFile, '--port', 'x']);
    await new Promise((resolve) => usage.child.once('exit', resolve));
    expect(usage.child.exitCode).toBe(2);
    expect(usage.output()).toMatch(/--port needs a number/);
    await usage.stop();
  }, 90_000);
});
