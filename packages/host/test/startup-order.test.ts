/**
 * Start-up order: the --http port and the CoAP sockets are bound before the host contacts any
 * device or LwM2M server. An address that cannot be bound ends `adapter-host` at once with exit 2
 * and the errno explained, and neither the Modbus device nor the server has seen a byte.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, runAdapterHostCli } from '../src/index.js';

let dir: string;
let mapping: string;
let device: Server;
let deviceConnections = 0;
let server: UdpSocket;
let serverDatagrams = 0;
let blocker: Server;

const portOf = (s: Server): number => {
  const address = s.address();
  if (address === null || typeof address === 'string') throw new Error('not listening');
  return address.port;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adapter-host-startup-'));
  device = createServer((socket) => {
    deviceConnections++;
    socket.destroy();
  });
  await new Promise<void>((r) => device.listen(0, '127.0.0.1', () => r()));
  server = createSocket('udp4');
  server.on('message', () => serverDatagrams++);
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
  blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  mapping = join(dir, 'plc.yml');
  await writeFile(
    mapping,
    [
      'version: 1',
      'devices:',
      '  - id: boiler',
      '    adapter: modbus',
      `    connection: { transport: tcp, host: 127.0.0.1, port: ${portOf(device)}, unitId: 1 }`,
      '    points:',
      '      /3303/0/5700: { source: { table: holding, address: 0, type: int16 }, poll: 100ms }',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await new Promise<void>((r) => device.close(() => r()));
  await new Promise<void>((r) => blocker.close(() => r()));
  server.close();
  await rm(dir, { recursive: true, force: true });
});

async function runUntilExit(extra: string[]): Promise<{ code: number; stderr: string; all: string }> {
  const lines: string[] = [];
  const stderr: string[] = [];
  const code = await runAdapterHostCli(
    [
      '--mapping',
      mapping,
      '--server',
      `coap://127.0.0.1:${server.address().port}`,
      '--mode',
      'per-device',
      '--log-format',
      'json',
      ...extra,
    ],
    {
      out: {
        stdout: (t) => lines.push(t),
        stderr: (t) => {
          lines.push(t);
          stderr.push(t);
        },
      },
      env: {},
      // never stops on its own: only a start-up failure ends this run
      stopSignal: new Promise(() => {}),
    },
  );
  // anything the host had sent would have arrived by now (loopback)
  await new Promise((r) => setTimeout(r, 200));
  return { code, stderr: stderr.join('\n'), all: lines.join('\n') };
}

describe('adapter-host start-up order', () => {
  it('an --http port in use: exit 2 with EADDRINUSE explained, no device or server traffic', async () => {
    const { code, stderr, all } = await runUntilExit(['--http', `127.0.0.1:${portOf(blocker)}`]);
    expect(code, all).toBe(ExitCode.USAGE);
    expect(stderr).toContain(
      `cannot bind the --http port (/healthz, /metrics) on 127.0.0.1:${portOf(blocker)}`,
    );
    expect(stderr).toContain('EADDRINUSE: the address is already in use');
    expect(deviceConnections).toBe(0);
    expect(serverDatagrams).toBe(0);
  });

  it('a CoAP bind address not on this machine: exit 2 with EADDRNOTAVAIL explained, no traffic', async () => {
    // 192.0.2.1 (TEST-NET-1) is never a local address
    const { code, stderr, all } = await runUntilExit(['--http', '127.0.0.1:0', '--bind', '192.0.2.1']);
    expect(code, all).toBe(ExitCode.USAGE);
    expect(stderr).toContain('cannot bind the CoAP socket on 192.0.2.1: EADDRNOTAVAIL');
    expect(deviceConnections).toBe(0);
    expect(serverDatagrams).toBe(0);
  });
});
