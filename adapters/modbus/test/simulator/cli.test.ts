import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mbpollValues, requireMbpoll, runMbpoll } from '../../../../test/peers/mbpoll.js';
import { type PeerProcess, startPeer } from '../../../../test/peers/peer-process.js';
import { openPtyPair } from '../../../../test/peers/socat-pty.js';

const cli = fileURLToPath(new URL('../../src/simulator/cli.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

const config = `units:
  - unitId: 1
    holdingRegisters:
      - start: 0
        count: 10
        values: [11, 22]
        points:
          - { address: 5, type: float32, wordOrder: CDAB, value: 1.5 }
`;

function startCli(args: readonly string[]): PeerProcess {
  return startPeer(process.execPath, ['--import', 'tsx', '--conditions=source', cli, ...args], {
    cwd: repoRoot,
  });
}

describe('modbus-simulator CLI', () => {
  let dir: string;
  let configFile: string;

  beforeAll(async () => {
    await requireMbpoll();
    dir = await mkdtemp(join(tmpdir(), 'modbus-sim-cli-'));
    configFile = join(dir, 'sim.yml');
    await writeFile(configFile, config);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('announces its TCP port, serves mbpoll, and exits 0 on SIGTERM', async () => {
    const peer = startCli(['--config', configFile, '--tcp-port', '0']);
    try {
      const [, port] = await peer.waitFor(/listening tcp 127\.0\.0\.1:(\d+)/);
      const result = await runMbpoll(
        { mode: 'tcp', port: Number(port) },
        { unitId: 1, address: 0, count: 2 },
      );
      expect(result.exitCode, result.stderr).toBe(0);
      expect([...mbpollValues(result.stdout).values()]).toEqual(['11', '22']);
      const float = await runMbpoll(
        { mode: 'tcp', port: Number(port) },
        { unitId: 1, address: 5, dataType: '4:float' },
      );
      expect(mbpollValues(float.stdout).get(5)).toBe('1.5');
    } finally {
      await peer.stop();
    }
    expect(peer.child.exitCode).toBe(0);
  });

  it('serves RTU on a pty given with --rtu-path, and exits 0 on SIGINT', async () => {
    const pty = await openPtyPair();
    const peer = startCli(['--config', configFile, '--rtu-path', pty.deviceEnd, '--baud', '19200']);
    try {
      await peer.waitFor(/listening rtu \S+ttyDevice/);
      const result = await runMbpoll({ mode: 'rtu', device: pty.masterEnd }, { unitId: 1, address: 1 });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(mbpollValues(result.stdout).get(1)).toBe('22');
      peer.child.kill('SIGINT');
      await new Promise((resolve) => peer.child.once('exit', resolve));
      expect(peer.child.exitCode).toBe(0);
    } finally {
      await peer.stop();
      await pty.close();
    }
  });

  it('exits 2 with file:line:column for an invalid configuration', async () => {
    const bad = join(dir, 'bad.yml');
    await writeFile(bad, 'units:\n  - unitId: 1\n    coils: [{ start: 0, count: 0 }]\n');
    const peer = startCli(['--config', bad]);
    await new Promise((resolve) => peer.child.once('exit', resolve));
    expect(peer.child.exitCode).toBe(2);
    expect(peer.output()).toContain(`${bad}:3:32: units[0].coils[0].count: Too small`);
    await peer.stop();
  });

  it('exits 2 on a bad command line', async () => {
    const peer = startCli(['--tcp-port', 'x', '--config', configFile]);
    await new Promise((resolve) => peer.child.once('exit', resolve));
    expect(peer.child.exitCode).toBe(2);
    expect(peer.output()).toMatch(/--tcp-port needs a number/);
    await peer.stop();
  });
});
