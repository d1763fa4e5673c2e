/**
 * OPC UA subscription ingestion (issue 10): 10,000 monitored items on one device, every value
 * changing every 100 ms, publishing interval 100 ms. Measured over 5 s: value changes ingested
 * per second and process CPU µs per change, for the adapter's session (notifications converted to
 * readings and handed to a listener) and, in the same run and set-up, for node-opcua's own client
 * doing nothing but receiving (a ClientMonitoredItemGroup with an empty handler). The server
 * (node-opcua-server) runs in this process, so both figures include its CPU; the difference is
 * the adapter's cost per change.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapter } from '@lwm2m-adapters/opcua';
import { silentLogger } from '@lwm2m-adapters/sdk';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import {
  AttributeIds,
  ClientMonitoredItemGroup,
  ClientSubscription,
  DataType,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
  Variant,
} from 'node-opcua-client';
import { OPCUAServer } from 'node-opcua-server';

const ITEMS = Number(process.env.OPCUA_BENCH_ITEMS ?? 10_000);
const CHANGE_EVERY_MS = 100;
const WARM_UP_MS = 3_000;
const MEASURED_MS = 5_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function startServer(folder: string) {
  const serverCertificateManager = new OPCUACertificateManager({
    rootFolder: join(folder, 'server-pki'),
    automaticallyAcceptUnknownCertificate: true,
  });
  await serverCertificateManager.initialize();
  const port = await freePort();
  const server = new OPCUAServer({
    port,
    hostname: '127.0.0.1',
    alternateHostname: ['127.0.0.1'],
    serverCertificateManager,
    userCertificateManager: serverCertificateManager,
    maxConnectionsPerEndpoint: 10,
    serverCapabilities: {
      maxSessions: 10,
      operationLimits: { maxMonitoredItemsPerCall: 100_000, maxNodesPerRead: 1000 },
    },
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace;
  if (addressSpace === null) throw new Error('no address space');
  const ns = addressSpace.getOwnNamespace();
  const folderNode = ns.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: 'Bench' });
  const variables = Array.from({ length: ITEMS }, (_, i) =>
    ns.addVariable({
      componentOf: folderNode,
      browseName: `V${i}`,
      nodeId: `s=V${i}`,
      dataType: 'Double',
      value: new Variant({ dataType: DataType.Double, value: 0 }),
    }),
  );
  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    for (let i = 0; i < variables.length; i++)
      variables[i]?.setValueFromSource(new Variant({ dataType: DataType.Double, value: tick + i / ITEMS }));
  }, CHANGE_EVERY_MS);
  await server.start();
  return {
    endpoint: `opc.tcp://127.0.0.1:${port}`,
    namespaceIndex: ns.index,
    async stop() {
      clearInterval(timer);
      await server.shutdown(0);
      await serverCertificateManager.dispose();
    },
  };
}

/** CPU µs and changes counted over the measured window, after a warm-up. */
async function window(counter: () => number) {
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
  };
}

async function adapterRun(endpoint: string, ns: number) {
  const points = Array.from({ length: ITEMS }, (_, i) => ({
    id: `v${i}`,
    source: adapter.pointSchema.parse({ node: `ns=${ns};s=V${i}`, type: 'Double' }),
    access: { read: true, write: false, execute: false },
  }));
  const session = adapter.createSession({
    deviceId: 'bench',
    connection: adapter.connectionSchema.parse({ endpoint, publishingIntervalMs: 100 }),
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

async function nodeOpcuaRun(endpoint: string, ns: number, folder: string) {
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
    requestedPublishingInterval: 100,
    requestedMaxKeepAliveCount: 50,
    requestedLifetimeCount: 300,
    maxNotificationsPerPublish: 0,
    publishingEnabled: true,
  });
  let changes = 0;
  const group = ClientMonitoredItemGroup.create(
    subscription,
    Array.from({ length: ITEMS }, (_, i) => ({
      nodeId: `ns=${ns};s=V${i}`,
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

export async function runOpcuaSubscriptionBench(): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'opcua-bench-'));
  const server = await startServer(folder);
  try {
    const raw = await nodeOpcuaRun(server.endpoint, server.namespaceIndex, folder);
    const ours = await adapterRun(server.endpoint, server.namespaceIndex);
    console.log(
      `\n## OPC UA subscription ingestion (${ITEMS} items, each changing every ${CHANGE_EVERY_MS} ms, server in process)\n`,
    );
    console.log('| client | changes/s | CPU µs per change (incl. server) |');
    console.log('|---|---:|---:|');
    console.log(
      `| node-opcua ClientMonitoredItemGroup, empty handler | ${raw.changesPerSecond.toFixed(0)} | ${raw.cpuUsPerChange.toFixed(1)} |`,
    );
    console.log(
      `| @lwm2m-adapters/opcua session → readings | ${ours.changesPerSecond.toFixed(0)} | ${ours.cpuUsPerChange.toFixed(1)} |`,
    );
    console.log(`\nadapter cost per change: ${(ours.cpuUsPerChange - raw.cpuUsPerChange).toFixed(1)} µs`);
  } finally {
    await server.stop();
    await rm(folder, { recursive: true, force: true });
  }
}
