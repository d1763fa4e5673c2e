/**
 * Child process of the gateway-server benchmarks: a GatewayServer on the compiled packages
 * (packages/*\/dist, no TypeScript loader), alone in its process, so its CPU time and memory are
 * measured without the load generators. Run with `node --expose-gc gateway-server-child.mjs
 * [engine|api]` through `fork` (IPC): `engine` is GatewayServer without its HTTP side, `api` is
 * GatewayServer with it (the event source, the HTTP API and its SSE stream on 127.0.0.1, any port).
 * It prints nothing; it answers IPC requests
 * `{ id, cmd, args }` with `{ id, ok, result | error }`:
 *  - `address`: the CoAP (and HTTP) address;
 *  - `counters`: CPU time (process.cpuUsage), the engine's stats, children held, values received
 *    in Sends and notifications (every notification is decoded, as a consumer of its values would);
 *  - `sample`: the same after two forced GCs, with memory (RSS, heap, private from smaps_rollup);
 *  - `observeAll { path, format, confirmable? }`: Observe `path` at every registration (16 in
 *    flight); resolves with how many were accepted;
 *  - `observeLatency { endpoint, path }`: Write-Attributes pmin=0 and Observe (text/plain) of one
 *    path; each notification of it is reported as an IPC message `{ event: 'notification', value, at }`
 *    (`at`: epoch ms with sub-ms precision, comparable across processes);
 *  - `traceNotifications { endpoint, path }`: reports each notification of that path (however it
 *    was observed, e.g. through the HTTP API) the same way;
 *  - `cancelAll`: cancels every observation passively;
 *  - `close`: closes the server and exits.
 */
import { readFileSync } from 'node:fs';
import { GatewayServer } from '@lwm2m-adapters/gateway-server';
import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';

const mode = process.argv[2] ?? 'engine';
const IN_FLIGHT = 16;

const model = ObjectRegistry.withOmaObjects();
const gateway = await GatewayServer.start({
  coap: { host: '127.0.0.1', port: 0 },
  ...(mode === 'api' ? { http: { host: '127.0.0.1', port: 0 } } : {}),
  model,
  requestTimeoutMs: 10_000,
});
const server = gateway.server;
const httpUrl = gateway.httpUrl;

let sendValues = 0;
const valueCount = (node) => {
  switch (node.kind) {
    case 'resource':
    case 'resource-instance':
      return 1;
    case 'multiple-resource':
      return node.instances.length;
    case 'instance':
      return node.resources.reduce((n, r) => n + valueCount(r), 0);
    case 'object':
      return node.instances.reduce((n, i) => n + valueCount(i), 0);
  }
};
server.on('send', ({ values }) => {
  for (const entry of values) sendValues += valueCount(entry.node);
});
// a consumer of the values: reading `node` decodes the notification (the engine decodes lazily)
let notificationValues = 0;
let notificationErrors = 0;
server.on('notification', (notification) => {
  const node = notification.node;
  if (node === undefined) notificationErrors++;
  else notificationValues += valueCount(node);
});

const observations = [];

function counters() {
  const status = gateway.status();
  const coap = status.listeners[0]?.coap;
  return {
    cpu: process.cpuUsage(),
    at: performance.timeOrigin + performance.now(),
    server: server.stats(),
    children: gateway.children.size,
    gateways: status.gateways,
    gatewaysOutOfSync: status.gatewaysOutOfSync,
    syncErrors: server
      .registrations()
      .map((r) => gateway.children.state(r)?.lastError)
      .filter((e) => e !== undefined)
      .slice(0, 3)
      .map((e) => `${e.code}: ${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ''}`),
    sendValues,
    notificationValues,
    notificationErrors,
    coap: coap && {
      received: coap.received,
      sent: coap.sent,
      duplicates: coap.duplicates,
      dropped: coap.dropped,
      observing: coap.observing,
      requests: coap.requests,
      deduplication: coap.caches.deduplication.entries,
      evicted: coap.caches.deduplication.evicted,
    },
  };
}

function memory() {
  globalThis.gc();
  globalThis.gc();
  const usage = process.memoryUsage();
  let privateBytes = null;
  try {
    const rollup = readFileSync('/proc/self/smaps_rollup', 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? Number.NaN);
    privateBytes = (kb('Private_Dirty') + kb('Private_Clean')) * 1024;
  } catch {
    privateBytes = null;
  }
  return {
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    private: privateBytes,
  };
}

async function observeAll({ path, format }) {
  const registrations = server.registrations();
  let next = 0;
  let accepted = 0;
  const failures = [];
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < registrations.length) {
        const registration = registrations[next++];
        try {
          const result = await server.observe(registration, path, { format, timeoutMs: 10_000 });
          if (result.observation !== undefined) {
            accepted++;
            observations.push(result.observation);
          } else failures.push(result.code);
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  return { accepted, registrations: registrations.length, failures: failures.slice(0, 5) };
}

async function observeLatency({ endpoint, path }) {
  const attributes = await server.writeAttributes(endpoint, path, { pmin: 0 }, { timeoutMs: 5_000 });
  if (attributes.code !== '2.04') throw new Error(`Write-Attributes ${path} answered ${attributes.code}`);
  const decoder = new TextDecoder();
  const result = await server.observe(endpoint, path, {
    format: 0,
    timeoutMs: 5_000,
    onNotification: (notification) => {
      process.send({
        event: 'notification',
        value: decoder.decode(notification.payload),
        at: performance.timeOrigin + performance.now(),
      });
    },
  });
  if (result.observation === undefined) throw new Error(`Observe ${path} answered ${result.code}`);
  observations.push(result.observation);
  const node = result.node;
  return node?.kind === 'resource' ? String(node.value.value) : '';
}

/** Reports each notification of `path` at `endpoint` (however observed) over IPC with the child's time. */
function traceNotifications({ endpoint, path }) {
  const decoder = new TextDecoder();
  server.on('notification', (notification) => {
    if (notification.registration.endpoint !== endpoint || notification.path.toString() !== path) return;
    const node = notification.node;
    process.send({
      event: 'notification',
      value: node?.kind === 'resource' ? String(node.value.value) : decoder.decode(notification.payload),
      at: performance.timeOrigin + performance.now(),
    });
  });
  return true;
}

const commands = {
  address: () => ({ coap: gateway.address('coap'), http: httpUrl }),
  counters,
  sample: () => ({ ...counters(), memory: memory() }),
  observeAll,
  observeLatency,
  traceNotifications,
  cancelAll: async () => {
    const all = observations.splice(0);
    await Promise.all(all.map((o) => o.cancel()));
    return all.length;
  },
  close: async () => {
    await closeAll();
    setImmediate(() => process.exit(0));
    return true;
  },
};

process.on('message', async ({ id, cmd, args }) => {
  try {
    const command = commands[cmd];
    if (command === undefined) throw new Error(`unknown command ${cmd}`);
    const result = await command(args ?? {});
    process.send({ id, ok: true, result });
  } catch (error) {
    process.send({ id, ok: false, error: error instanceof Error ? error.stack : String(error) });
  }
});
async function closeAll() {
  await gateway.close();
}

process.on('disconnect', () => void closeAll().then(() => process.exit(0)));
process.send({ ready: true });
