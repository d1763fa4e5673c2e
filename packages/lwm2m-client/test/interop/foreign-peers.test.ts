/**
 * Raw CoAP from peers that are not the registered server, against the client engine on a real
 * UDP socket (registered with a scripted server: a CoapEndpoint on another socket): libcoap's
 * coap-client-notls for block-wise Writes and Observes, a scripted UDP flooder for volume. The
 * source is checked before anything else: a foreign peer gets 4.01 (or RST, or nothing beyond the
 * reply budget) and leaves no Block1 transfer, observation or de-duplication entry behind, while
 * the server's own block-wise Write goes through. Bounds are asserted on counted state, not time.
 */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoapEndpoint } from '@lwm2m-adapters/coap';
import type { LogEntry } from '@lwm2m-adapters/kit';
import { UdpTransport } from '@lwm2m-adapters/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileAsync, requireExecutable } from '../../../../test/peers/peer-process.js';
import { type LoopbackClient, openLoopbackClient } from './support/loopback-client.js';

const INSTALL = 'apt-get install -y libcoap3-bin';

let coapClient: string;
let serverTransport: UdpTransport;
let server: CoapEndpoint;
let loopback: LoopbackClient;
let base: string;
const logged: LogEntry[] = [];

async function coap(...args: string[]): Promise<{ code: string | undefined; output: string }> {
  const { stdout, stderr } = await execFileAsync(coapClient, ['-B', '3', '-v', '6', ...args], {
    timeout: 15_000,
  });
  const output = `${stdout}\n${stderr}`;
  return { code: /v:1 t:(?:ACK|CON|NON) c:(\d\.\d\d)/.exec(output)?.[1], output };
}

beforeAll(async () => {
  coapClient = await requireExecutable('coap-client-notls', INSTALL);
  serverTransport = await UdpTransport.open({ host: '127.0.0.1' });
  server = new CoapEndpoint({ sink: serverTransport });
  serverTransport.setReceiver(server);
  server.onRequest((request) =>
    request.method === 'POST' && request.uriPath[0] === 'rd'
      ? { code: request.uriPath.length === 1 ? '2.01' : '2.04', locationPath: ['rd', 'f1'] }
      : { code: '2.02' },
  );
  loopback = await openLoopbackClient({
    endpointName: 'foreign-peers-1',
    serverPort: serverTransport.localAddress.port,
    lifetime: 60,
    limits: { maxObservations: 1 },
    log: (entry) => logged.push(entry),
  });
  loopback.client.objects.defineObject(3303, {
    instances: { 0: { 5700: { read: () => 21.5 }, 5750: 'boiler' } },
  });
  loopback.client.start();
  for (let i = 0; i < 100 && loopback.client.state !== 'registered'; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(loopback.client.state).toBe('registered');
  base = `coap://127.0.0.1:${loopback.transport.localAddress.port}`;
}, 60_000);

afterAll(async () => {
  await loopback?.close();
  server?.close();
  await serverTransport?.close();
}, 30_000);

describe('foreign peers against the registered client engine', () => {
  it('a block-wise PUT from coap-client gets 4.01 at its first block and leaves no transfer', async () => {
    const file = join(tmpdir(), `foreign-block1-${process.pid}.txt`);
    await writeFile(file, 'x'.repeat(4000));
    const before = loopback.endpoint.stats();
    const { code, output } = await coap(
      '-m',
      'put',
      '-t',
      '0',
      '-b',
      '64',
      '-f',
      file,
      `${base}/3303/0/5750`,
    );
    expect(code, output).toBe('4.01');
    // one datagram reached the engine: the first block, refused before reassembly
    expect(output.match(/Block1/g)?.length ?? 0, output).toBeLessThanOrEqual(2);
    const after = loopback.endpoint.stats();
    expect(after.caches.block1.transfers).toBe(0);
    expect(after.caches.deduplication.entries).toBe(before.caches.deduplication.entries);
    expect(after.incoming.requests).toBe(before.incoming.requests);
    expect(after.dropped.peerRefused).toBeGreaterThan(before.dropped.peerRefused);
  });

  it('an Observe from coap-client gets 4.01 and registers no observation', async () => {
    const { code, output } = await coap('-m', 'get', '-s', '1', `${base}/3303/0/5700`);
    expect(code, output).toBe('4.01');
    expect(loopback.client.observations()).toHaveLength(0);
    expect(loopback.endpoint.stats().caches.observations.entries).toBe(0);
  });

  it('a flood of 20,000 Block1 blocks from 50 foreign ports keeps no state and gets at most the reply budget', async () => {
    const target = loopback.transport.localAddress.port;
    const sockets = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const socket = createSocket('udp4');
        socket.bind(0, '127.0.0.1');
        await once(socket, 'listening');
        return socket;
      }),
    );
    let replies = 0;
    for (const socket of sockets) socket.on('message', () => replies++);
    const beforeStats = loopback.endpoint.stats();
    const before = beforeStats.dropped;
    const started = Date.now();
    for (let i = 0; i < 20_000; i++) {
      const block = ((i % 8) << 4) | 0x08 | 6; // num, more, 1024-byte blocks
      const datagram = Buffer.concat([
        Buffer.from([0x40, 0x03, (i >> 8) & 0xff, i & 0xff]),
        Buffer.from([0xb4, ...Buffer.from('3303'), 0x01, 0x30, 0x04, ...Buffer.from('5750')]),
        Buffer.from([0xd1, 3, block]),
        Buffer.from([0xff]),
        Buffer.alloc(1024, 0x41),
      ]);
      sockets[i % sockets.length]!.send(datagram, target, '127.0.0.1');
      if (i % 500 === 0) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 300));
    const seconds = (Date.now() - started) / 1000;
    const after = loopback.endpoint.stats();
    for (const socket of sockets) socket.close();
    const refused = after.dropped.peerRefused - before.peerRefused;
    expect(refused).toBeGreaterThan(1000); // most arrived (the kernel may drop some)
    expect(after.caches.block1.transfers).toBe(0);
    expect(after.caches.observations.entries).toBe(0);
    expect(after.caches.deduplication.entries).toBe(beforeStats.caches.deduplication.entries);
    expect(after.incoming.requests).toBe(beforeStats.incoming.requests);
    // replies: at most the budget (100 a second, plus the full bucket at the start)
    expect(replies).toBeLessThanOrEqual(100 + Math.ceil(seconds * 100) + 1);
    expect(after.dropped.refusalRateLimited - before.refusalRateLimited).toBe(refused - replies);
  });

  it('meanwhile the server’s own block-wise Write and Read go through', async () => {
    const peer = loopback.transport.localAddress;
    const value = 'y'.repeat(3000);
    const write = await server.request(
      { address: '127.0.0.1', port: peer.port },
      {
        method: 'PUT',
        uriPath: ['3303', '0', '5750'],
        contentFormat: 0,
        payload: new TextEncoder().encode(value),
      },
      { timeoutMs: 10_000 },
    );
    expect(write.code).toBe('2.04');
    const read = await server.request(
      { address: '127.0.0.1', port: peer.port },
      { method: 'GET', uriPath: ['3303', '0', '5750'], accept: 0 },
      { timeoutMs: 10_000 },
    );
    expect(new TextDecoder().decode(read.payload)).toBe(value);
  });

  it('500 Observes the server sends beyond maxObservations log a bounded number of single lines', async () => {
    const peer = { address: '127.0.0.1', port: loopback.transport.localAddress.port };
    const first = await server.observe(peer, { method: 'GET', uriPath: ['3303', '0', '5700'] }, () => {});
    expect(first.observing).toBe(true);
    logged.length = 0;
    for (let i = 0; i < 500; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, () =>
          server.observe(peer, { method: 'GET', uriPath: ['3303', '0', '5700'] }, () => {}),
        ),
      );
      for (const o of batch) expect(o.response.code).toBe('5.03');
    }
    const lines = logged.filter((e) => e.event === 'request-failed' || e.event === 'requests-refused');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(lines.every((e) => e.error === undefined && !e.message.includes('\n'))).toBe(true);
    expect(loopback.client.requestStats.refused['5.03']).toBe(500);
    expect(loopback.client.requestStats.logsSuppressed).toBe(490);
    first.cancel();
  });
});
