/**
 * OPC UA ingestion (issue 10): 10,000 monitored items on one device, every value changing every
 * 100 ms (sampling 100 ms, publishing interval 100 ms, queue size 1). The server (the
 * `opcua-simulator` CLI) runs in a child process, so the CPU measured is the client process's
 * only (`process.cpuUsage()` of this process). Measured over 5 s after a 3 s warm-up: value
 * changes ingested per second and CPU µs per change, for the adapter's session (notifications
 * converted to readings and handed to a listener) and, in the same run against the same server,
 * for node-opcua's own client doing nothing but receiving (a ClientMonitoredItemGroup with an
 * empty handler). The two alternate, `rounds` times each.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapter } from '@lwm2m-adapters/opcua';
import { silentLogger } from '@lwm2m-adapters/sdk';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import {
  AttributeIds,
  ClientMonitoredItemGroup,
  ClientSubscription,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
} from 'node-opcua-client';
import { SimulatorProcess } from './simulator-process.js';

const CHANGE_EVERY_MS = 100;
const WARM_UP_MS = 3_000;
const MEASURED_MS = 5_000;
const NAMESPACE = 2;

export interface IngestResult {
  readonly changesPerSecond: number;
  readonly cpuUsPerChange: number;
  /** Client CPU as a share of one core over the window. */
  readonly cpuShare: number;
}

/** CPU µs and changes counted over the measured window, after a warm-up. */
async function window(counter: () => number): Promise<IngestResult> {
  await new Promise((r) => setTimeout(r, WARM_UP_MS));
  const startCount = counter();
  const startCpu = process.cpuUsage();
  const started = performance.now();
  await new Promise((r) => setTimeout(r, MEASURED_MS));
  const cpu = process.cpuUsage(startCpu);
  const seconds = (performance.now() - started) / 1000;
  const changes = counter() - startCount;
  return {
    changesPerSecond: changes / seconds,
    cpuUsPerChange: (cpu.user + cpu.system) / Math.max(1, changes),
    cpuShare: (cpu.user + cpu.system) / 1e6 / seconds,
  };
}

async function adapterRun(endpoint: string, items: number): Promise<IngestResult> {
  const points = Array.from({ length: items }, (_, i) => ({
    id: `v${i}`,
    source: adapter.pointSchema.parse({ node: `ns=${NAMESPACE};s=V${i}`, type: 'Double' }),
    access: { read: true, write: false, execute: false },
  }));
  const session = adapter.createSession({
    deviceId: 'bench',
    connection: adapter.connectionSchema.parse({ endpoint, publishingIntervalMs: CHANGE_EVERY_MS }),
    points,
    logger: silentLogger,
  });
  await session.start();
  let changes = 0;
  await session.subscribe?.(
    points.map((p) => p.id),
    { samplingIntervalMs: CHANGE_EVERY_MS, queueSize: 1 },
    (readings) => {
      changes += readings.length;
    },
  );
  try {
    const result = await window(() => changes);
    if (process.env.OPCUA_BENCH_DEBUG) console.log(session.stats());
    return result;
  } finally {
    await session.close();
  }
}

async function nodeOpcuaRun(endpoint: string, items: number, folder: string): Promise<IngestResult> {
  const clientCertificateManager = new OPCUACertificateManager({ rootFolder: join(folder, 'client-pki') });
  await clientCertificateManager.initialize();
  const client = OPCUAClient.create({
    endpointMustExist: false,
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    clientCertificateManager,
    connectionStrategy: { maxRetry: 0 },
  });
  await client.connect(endpoint);
  const session = await client.createSession();
  const subscription = ClientSubscription.create(session, {
    requestedPublishingInterval: CHANGE_EVERY_MS,
    requestedMaxKeepAliveCount: 50,
    requestedLifetimeCount: 300,
    maxNotificationsPerPublish: 0,
    publishingEnabled: true,
  });
  let changes = 0;
  const group = ClientMonitoredItemGroup.create(
    subscription,
    Array.from({ length: items }, (_, i) => ({
      nodeId: `ns=${NAMESPACE};s=V${i}`,
      attributeId: AttributeIds.Value,
    })),
    { samplingInterval: CHANGE_EVERY_MS, queueSize: 1, discardOldest: true },
    TimestampsToReturn.Both,
  );
  group.on('changed', () => {
    changes++;
  });
  try {
    return await window(() => changes);
  } finally {
    await subscription.terminate();
    await session.close();
    await client.disconnect();
    await clientCertificateManager.dispose();
  }
}

/** `rounds` alternating runs of each client against one simulator process. */
export async function measureIngest(
  items: number,
  rounds: number,
): Promise<{ nodeOpcua: IngestResult[]; adapter: IngestResult[] }> {
  const folder = await mkdtemp(join(tmpdir(), 'opcua-bench-'));
  const server = await SimulatorProcess.start({ items, tickMs: CHANGE_EVERY_MS });
  const results = { nodeOpcua: [] as IngestResult[], adapter: [] as IngestResult[] };
  try {
    for (let round = 0; round < rounds; round++) {
      results.nodeOpcua.push(await nodeOpcuaRun(server.endpoint, items, folder));
      results.adapter.push(await adapterRun(server.endpoint, items));
    }
  } finally {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  }
  return results;
}

export const INGEST_SETUP = { changeEveryMs: CHANGE_EVERY_MS, warmUpMs: WARM_UP_MS, measuredMs: MEASURED_MS };
