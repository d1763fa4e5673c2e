/**
 * Child process of the client-compare benchmark: the LwM2M server side and the read load, alone in
 * their process (plain JavaScript on the compiled packages, no TypeScript loader), so the parent's
 * work (the Leshan harness's stdout events, /proc sampling) never slows the load down. The
 * lwm2m-server engine on a CoapEndpoint + UdpTransport on 127.0.0.1 answers Register / Update /
 * De-register; the reads go out through the endpoint's `request()` (CON GET, Accept text/plain).
 * Run through `fork` (IPC). Every Register is reported as `{ event: 'registered', endpoint, at }`
 * (`at`: epoch ms, sub-ms precision, comparable across processes). Requests `{ id, cmd, args }` are
 * answered `{ id, ok, result | error }`:
 *  - `address`: the CoAP port;
 *  - `read { endpoint }`: one read, the payload as text and the response code;
 *  - `load { endpoint, inFlight, ms, maxReads, perSecond? }`: keeps `inFlight` reads outstanding
 *    until `ms` passed or `maxReads` were sent, whichever first (with `perSecond`, read n leaves no
 *    earlier than n / perSecond s after the start: a paced warm-up); never more than MESSAGE_BUDGET CON requests to
 *    one peer in the child's life (the 65,536 message IDs of one EXCHANGE_LIFETIME, 247 s);
 *    resolves with reads, seconds, latency percentiles, failures and the child's CPU time;
 *  - `close`: closes the server and exits.
 */
import { CoapEndpoint } from '@lwm2m-adapters/coap';
import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import { Lwm2mServer } from '@lwm2m-adapters/lwm2m-server';
import { UdpTransport } from '@lwm2m-adapters/transport-node';

const MESSAGE_BUDGET = 60_000;
const READ_TIMEOUT_MS = 5_000;
const GET = { method: 'GET', uriPath: ['3303', '0', '5700'], accept: 0 };

const transport = await UdpTransport.open({ host: '127.0.0.1' });
const endpoint = new CoapEndpoint({ sink: transport, limits: { maxOutstandingRequests: 64 } });
transport.setReceiver(endpoint);
const server = new Lwm2mServer({ endpoint, model: ObjectRegistry.withOmaObjects() });
const epochNow = () => performance.timeOrigin + performance.now();
/** CON requests sent per peer ("address:port"). */
const sentTo = new Map();
const decoder = new TextDecoder();

server.on('registered', ({ registration }) => {
  process.send?.({ event: 'registered', endpoint: registration.endpoint, at: epochNow() });
});

function peerOf(name) {
  const registration = server.registration(name);
  if (registration === undefined) throw new Error(`no client is registered as ${name}`);
  return registration.peer;
}

/** Reserves up to `count` message IDs towards `peer`; returns how many it may send. */
function reserve(peer, count) {
  const key = `${peer.address}:${peer.port}`;
  const used = sentTo.get(key) ?? 0;
  const granted = Math.max(0, Math.min(count, MESSAGE_BUDGET - used));
  sentTo.set(key, used + granted);
  return granted;
}

async function readOnce({ endpoint: name }) {
  const peer = peerOf(name);
  if (reserve(peer, 1) === 0) throw new Error('message-ID budget of this peer used up');
  const response = await endpoint.request(peer, GET, { timeoutMs: READ_TIMEOUT_MS });
  return { code: response.code, payload: decoder.decode(response.payload) };
}

const percentile = (sorted, p) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function load({ endpoint: name, inFlight, ms, maxReads, perSecond }) {
  const peer = peerOf(name);
  const allowed = reserve(peer, maxReads);
  const latencies = new Float64Array(allowed);
  let sent = 0;
  let done = 0;
  let failures = 0;
  let firstError;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + ms;
  const worker = async () => {
    while (sent < allowed && performance.now() < end) {
      if (perSecond !== undefined) {
        const due = t0 + (1000 * sent) / perSecond;
        if (due > performance.now()) {
          await sleep(due - performance.now());
          continue;
        }
      }
      sent++;
      const started = performance.now();
      try {
        const response = await endpoint.request(peer, GET, { timeoutMs: READ_TIMEOUT_MS });
        if (response.code !== '2.05') {
          failures++;
          firstError ??= `answered ${response.code}`;
        } else latencies[done++] = (performance.now() - started) * 1000;
      } catch (error) {
        failures++;
        firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sorted = latencies.subarray(0, done).sort();
  return {
    reads: done,
    sent,
    failures,
    firstError: firstError ?? null,
    seconds,
    p50Us: percentile(sorted, 0.5),
    p99Us: percentile(sorted, 0.99),
    cpuMicros: cpu.user + cpu.system,
    budgetLeft: MESSAGE_BUDGET - (sentTo.get(`${peer.address}:${peer.port}`) ?? 0),
  };
}

let closing;
function close() {
  closing ??= (async () => {
    server.close();
    endpoint.close();
    await transport.close();
  })();
  return closing;
}

const commands = {
  address: async () => ({ port: transport.localAddress.port }),
  read: readOnce,
  load,
  close,
};

process.on('message', async ({ id, cmd, args }) => {
  try {
    const command = commands[cmd];
    if (command === undefined) throw new Error(`unknown command ${cmd}`);
    const result = await command(args ?? {});
    process.send?.({ id, ok: true, result: result ?? null });
    if (cmd === 'close') process.disconnect();
  } catch (error) {
    process.send?.({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
process.on('disconnect', () => {
  void close().finally(() => process.exit(0));
});
process.send?.({ event: 'ready' });
