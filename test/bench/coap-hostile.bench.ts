/**
 * Memory under hostile traffic (issue 15):
 *  - flood: a target process (hostile/flood-target.ts) with a client-side CoAP endpoint is sent
 *    1 KiB Block1 PUT blocks from 61 foreign source ports as fast as this process can for 5 s;
 *    its RSS before and after, with the admission policy (only the server) and without (before);
 *  - observations: heap bytes per observation of 4,000 (Observe on /3303/i/5700 of an LwM2M client
 *    engine over a real CoapEndpoint), and what stays after they are cancelled.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CoapEndpoint, type PeerAddress } from '@lwm2m-adapters/coap';
import { endpointLink, LwM2mClient } from '@lwm2m-adapters/lwm2m-client';
import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';

const MiB = 1024 * 1024;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A CON PUT carrying Block1 block `num` (more, 1024 bytes) to /3303/0/5750, hand-encoded. */
function block1Datagram(messageId: number, num: number): Buffer {
  const header = Buffer.from([0x40, 0x03, messageId >> 8, messageId & 0xff]);
  const path = Buffer.from([0xb4, ...Buffer.from('3303'), 0x01, 0x30, 0x04, ...Buffer.from('5750')]);
  // Block1 (27): delta 27 - 11 = 16 -> 13 + 3; value num<<4 | M | szx 6
  const value = (num << 4) | 0x08 | 6;
  const block = Buffer.from([0xd3, 3, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff]);
  return Buffer.concat([header, path, block, Buffer.from([0xff]), Buffer.alloc(1024, 0x5a)]);
}

async function flood(admission: 'server' | 'any', seconds: number) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=source',
      new URL('./hostile/flood-target.ts', import.meta.url).pathname,
    ],
    { env: { ...process.env, ADMISSION: admission } },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = JSON.parse((await lines.next()).value as string) as { port: number; rss: number };
  const sockets: Socket[] = [];
  // 61 ports against 4,096 datagrams: every port sends every message id (no duplicates for a while)
  for (let i = 0; i < 61; i++) {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    sockets.push(socket);
  }
  const datagrams = Array.from({ length: 4096 }, (_, i) => block1Datagram(i, i % 4 === 0 ? 0 : i % 200));
  let sent = 0;
  let bytes = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    for (let i = 0; i < 512; i++) {
      const d = datagrams[(sent + i) % datagrams.length]!;
      sockets[(sent + i) % sockets.length]!.send(d, first.port, '127.0.0.1');
      bytes += d.length;
    }
    sent += 512;
    await new Promise((r) => setImmediate(r));
  }
  child.stdin.write('report\n');
  const report = JSON.parse((await lines.next()).value as string) as {
    rss: number;
    received: { CON: number };
    dropped: Record<string, number>;
    block1: { transfers: number; bytes: number };
    dedup: number;
  };
  for (const s of sockets) s.close();
  await once(child, 'exit');
  return { admission, seconds, sent, bytes, before: first.rss, after: report.rss, report };
}

async function observationCost() {
  const SERVER: PeerAddress = { address: '127.0.0.1', port: 5683 };
  let register: Uint8Array | undefined;
  const endpoint = new CoapEndpoint({
    sink: {
      send: (bytes) => {
        register ??= Uint8Array.from(bytes);
      },
    },
  });
  const N = 4000;
  const client = new LwM2mClient({
    endpointName: 'bench',
    server: { peer: SERVER, shortServerId: 1 },
    registry: ObjectRegistry.withOmaObjects(),
    link: endpointLink(endpoint),
    limits: { maxObservations: N + 1 },
  });
  client.objects.defineObject(3303, {
    instances: Object.fromEntries(Array.from({ length: N }, (_, i) => [i, { 5700: 21.5 }])),
  });
  client.start();
  await new Promise((r) => setTimeout(r, 10));
  const reg = register!;
  const tkl = reg[0]! & 15;
  // ACK 2.01 Location-Path rd/1
  endpoint.receive(
    Buffer.concat([
      Buffer.from([0x60 | tkl, 0x41, reg[2]!, reg[3]!]),
      reg.subarray(4, 4 + tkl),
      Buffer.from([0x82, 0x72, 0x64, 0x01, 0x31]),
    ]),
    SERVER,
  );
  await new Promise((r) => setTimeout(r, 10));
  const gc = collector();
  const observe = async (deregister: boolean, firstId: number) => {
    for (let i = 0; i < N; i++) {
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
      const token = Buffer.from([i >> 8, i & 255, 7, 7]);
      const id = firstId + i;
      const instance = Buffer.from(String(i));
      endpoint.receive(
        Buffer.concat([
          Buffer.from([0x44, 0x01, id >> 8, id & 0xff]),
          token,
          deregister ? Buffer.from([0x61, 0x01]) : Buffer.from([0x60]), // Observe
          Buffer.from([
            0x54,
            ...Buffer.from('3303'),
            instance.length,
            ...instance,
            0x04,
            ...Buffer.from('5700'),
          ]),
        ]),
        SERVER,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  };
  gc();
  gc();
  const before = process.memoryUsage();
  await observe(false, 1000);
  gc();
  gc();
  const observing = process.memoryUsage();
  const active = client.observations().length;
  await observe(true, 20000);
  gc();
  gc();
  const cancelled = process.memoryUsage();
  const dedup = endpoint.stats().caches.deduplication.entries;
  endpoint.close();
  await client.close().catch(() => undefined);
  return {
    active,
    heapPerObservation: (observing.heapUsed - before.heapUsed) / N,
    rssPerObservation: (observing.rss - before.rss) / N,
    heapKeptAfterCancel: (cancelled.heapUsed - before.heapUsed) / N,
    dedup,
  };
}

/** `gc` from --expose-gc, or switched on now (npm run bench starts without the flag). */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export async function runCoapHostileBench(): Promise<void> {
  console.log('\n## CoAP under hostile traffic\n');
  console.log(
    '| flood (5 s, 1 KiB Block1 blocks, 61 foreign ports) | sent | MB/s | RSS before | RSS after | Block1 transfers | dedup entries | refused | reply budget drops |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const admission of ['any', 'server'] as const) {
    const r = await flood(admission, 5);
    console.log(
      `| ${admission === 'any' ? 'every peer admitted (before)' : 'only the server admitted'} | ${fmt(r.sent)} | ${fmt(r.bytes / MiB / r.seconds, 1)} | ${fmt(r.before / MiB, 1)} MiB | ${fmt(r.after / MiB, 1)} MiB | ${r.report.block1.transfers} (${fmt(r.report.block1.bytes / 1024)} KiB) | ${fmt(r.report.dedup)} | ${fmt(r.report.dropped.peerRefused ?? 0)} | ${fmt(r.report.dropped.refusalRateLimited ?? 0)} |`,
    );
  }
  const o = await observationCost();
  console.log(
    '\n| 4,000 observations | active | heap B/observation | RSS B/observation | heap B/observation kept after cancel | dedup entries then |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(
    `| Observe + cancel, LwM2M client over CoapEndpoint | ${fmt(o.active)} | ${fmt(o.heapPerObservation)} | ${fmt(o.rssPerObservation)} | ${fmt(o.heapKeptAfterCancel)} | ${fmt(o.dedup)} |`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await runCoapHostileBench();
