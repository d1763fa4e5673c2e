/** A pair of connected pseudo-terminals made by socat: a serial line for RTU tests without hardware. */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PeerProcess, requireExecutable, startPeer } from './peer-process.js';

export interface PtyPair {
  /** Path of one end (a symlink to /dev/pts/N): give it to the device side. */
  readonly deviceEnd: string;
  /** Path of the other end: give it to the master side. */
  readonly masterEnd: string;
  close(): Promise<void>;
}

export async function openPtyPair(): Promise<PtyPair> {
  const socat = await requireExecutable('socat', 'apt-get install socat');
  const dir = await mkdtemp(join(tmpdir(), 'lwm2m-adapters-pty-'));
  const deviceEnd = join(dir, 'ttyDevice');
  const masterEnd = join(dir, 'ttyMaster');
  const peer: PeerProcess = startPeer(socat, [
    '-d',
    '-d',
    `pty,raw,echo=0,link=${deviceEnd}`,
    `pty,raw,echo=0,link=${masterEnd}`,
  ]);
  await peer.waitFor(/starting data transfer loop/, 10_000);
  await stat(deviceEnd);
  await stat(masterEnd);
  return {
    deviceEnd,
    masterEnd,
    async close() {
      await peer.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
