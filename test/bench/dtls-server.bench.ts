/**
 * The DTLS 1.2 PSK server (DtlsServerTransport) on loopback against node-dtls-client (our
 * DtlsTransport) in the same process, so CPU figures cover both sides:
 *  - full handshakes per second (cookie exchange included), one after the other;
 *  - CoAP GET round trips per second over one session with 16 requests in flight (each round trip
 *    is one record opened and one sealed by the server), per cipher suite.
 * Each case is bounded in time.
 */

import { CoapEndpoint } from '@lwm2m-adapters/coap';
import { type DtlsPskCipherSuite, DtlsServerTransport, DtlsTransport } from '@lwm2m-adapters/transport-node';

const IDENTITY = 'bench-device';
const KEY = Buffer.from('0123456789abcdef');
const SUITES: readonly DtlsPskCipherSuite[] = [
  'TLS_PSK_WITH_AES_128_CCM_8',
  'TLS_PSK_WITH_AES_128_CBC_SHA256',
];
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const cpuMicros = (u: NodeJS.CpuUsage) => u.user + u.system;

async function startServer(suite: DtlsPskCipherSuite) {
  const transport = await DtlsServerTransport.open({
    host: '127.0.0.1',
    psk: { keyFor: (identity) => (identity === IDENTITY ? KEY : undefined) },
    cipherSuites: [suite],
  });
  const endpoint = new CoapEndpoint({ sink: transport });
  transport.setReceiver(endpoint);
  const payload = new Uint8Array(64).fill(0x42);
  endpoint.onRequest(() => ({ code: '2.05', contentFormat: 0, payload }));
  return { transport, endpoint };
}

function client(port: number, suite: DtlsPskCipherSuite) {
  const transport = new DtlsTransport({
    host: '127.0.0.1',
    port,
    pskIdentity: IDENTITY,
    pskKey: KEY,
    cipherSuites: [suite],
  });
  const endpoint = new CoapEndpoint({ sink: transport });
  transport.setReceiver(endpoint);
  return { transport, endpoint };
}

async function handshakesPerSecond(suite: DtlsPskCipherSuite, budgetMs: number) {
  const server = await startServer(suite);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let count = 0;
  while (performance.now() - t0 < budgetMs && count < 5_000) {
    const c = client(server.transport.localAddress.port, suite);
    await c.transport.connect();
    c.endpoint.close();
    await c.transport.close();
    count++;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuMicros(process.cpuUsage(cpu0));
  const completed = server.transport.stats().handshakes;
  server.endpoint.close();
  await server.transport.close();
  return { rate: count / seconds, cpuPerOp: cpu / count, completed, count };
}

async function roundTripsPerSecond(suite: DtlsPskCipherSuite, budgetMs: number, inFlight: number) {
  const server = await startServer(suite);
  const c = client(server.transport.localAddress.port, suite);
  const peer = await c.transport.connect();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let count = 0;
  const worker = async () => {
    while (performance.now() - t0 < budgetMs && count < 1_000_000) {
      await c.endpoint.request(peer, { method: 'GET', uriPath: ['x'] });
      count++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuMicros(process.cpuUsage(cpu0));
  const stats = server.transport.stats();
  c.endpoint.close();
  await c.transport.close();
  server.endpoint.close();
  await server.transport.close();
  return {
    rate: count / seconds,
    cpuPerOp: cpu / count,
    records: stats.applicationRecordsReceived + stats.applicationRecordsSent,
  };
}

export async function runDtlsServerBench(): Promise<void> {
  console.log('\n## DTLS 1.2 PSK server (node-dtls-client in the same process: CPU covers both sides)\n');
  console.log('| case | per second | CPU µs per op (both sides) | note |');
  console.log('|---|---:|---:|---|');
  for (const suite of SUITES) {
    const h = await handshakesPerSecond(suite, 3_000);
    console.log(
      `| full handshake, ${suite} | ${fmt(h.rate)} | ${fmt(h.cpuPerOp)} | ${h.completed} of ${h.count} completed at the server |`,
    );
  }
  for (const suite of SUITES) {
    const r = await roundTripsPerSecond(suite, 3_000, 16);
    console.log(
      `| CoAP GET round trip, 16 in flight, ${suite} | ${fmt(r.rate)} | ${fmt(r.cpuPerOp, 1)} | ${fmt(r.records)} application records through the server |`,
    );
  }
}
