/**
 * /healthz tells the truth about devices: a device whose session is connected but whose reads all
 * go unanswered is not healthy. Each device shows its state, its last success and its last error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HostMetrics } from '../src/ops/host-metrics.js';
import type { DeviceStatus, HostStatus } from '../src/ops/host-status.js';
import { OperationsServer } from '../src/ops/operations-server.js';
import type { DeviceRunnerStats } from '../src/runtime/device/device-runner.js';

const stats: DeviceRunnerStats = {
  points: 2,
  polledPoints: 2,
  goodPoints: 0,
  badPoints: 2,
  cycles: 10,
  overruns: 0,
  adapterReads: 10,
  pointReads: 20,
  readErrors: 20,
  cacheHits: 0,
  writes: 0,
  writeErrors: 0,
  executes: 0,
  executeErrors: 0,
  changes: 0,
  pendingReads: 0,
  subscriptions: 0,
  subscribedPoints: 0,
  deliveries: 0,
  session: { requests: 3, timeouts: 3, refused: 7 },
};

const device = (id: string, health: DeviceStatus['health']): DeviceStatus => ({
  id,
  endpoint: 'gw',
  prefix: id,
  adapter: 'modbus',
  connection: 'connected',
  lastError: undefined,
  health,
  stats,
});

const status = (devices: DeviceStatus[]): HostStatus => ({
  mode: 'gateway',
  mapping: { file: 'plant.yml', sha256: 'ab' },
  startedAt: 0,
  endpoints: [
    {
      endpoint: 'gw',
      registration: 'registered',
      lastError: undefined,
      observations: {
        active: 0,
        notificationsSent: 0,
        notificationsSkipped: 0,
        notificationsDropped: 0,
        observationsRefused: 0,
      },
      coapDropped: {},
      coapRetransmissions: 0,
      sendMessages: 0,
      sendValues: 0,
      sendFailures: 0,
    },
  ],
  devices,
  reloads: 0,
  lastReloadError: undefined,
});

const servers: OperationsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function healthz(snapshot: HostStatus) {
  const server = await OperationsServer.listen({
    port: 0,
    status: () => snapshot,
    metrics: new HostMetrics(() => snapshot),
  });
  servers.push(server);
  const response = await fetch(`${server.url}/healthz`);
  return { code: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('/healthz', () => {
  it('is 503 while a connected device answers nothing, and says which, since when and why', async () => {
    const { code, body } = await healthz(
      status([
        device('press', {
          state: 'unresponsive',
          lastSuccessAt: Date.UTC(2026, 0, 1, 12, 0, 0),
          lastError: 'DEVICE_UNREACHABLE: serial:/dev/ttyUSB0: unit 9 is quarantined after timeouts',
          lastErrorAt: Date.UTC(2026, 0, 1, 12, 5, 0),
          unansweredReads: 12,
        }),
        device('pump', {
          state: 'ok',
          lastSuccessAt: Date.UTC(2026, 0, 1, 12, 5, 0),
          lastError: undefined,
          lastErrorAt: undefined,
          unansweredReads: 0,
        }),
      ]),
    );
    expect(code).toBe(503);
    expect(body.status).toBe('degraded');
    expect(body.devices).toEqual([
      {
        id: 'press',
        endpoint: 'gw',
        prefix: 'press',
        state: 'unresponsive',
        connection: 'connected',
        points: 2,
        badPoints: 2,
        lastSuccessAt: '2026-01-01T12:00:00.000Z',
        lastError: 'DEVICE_UNREACHABLE: serial:/dev/ttyUSB0: unit 9 is quarantined after timeouts',
        lastErrorAt: '2026-01-01T12:05:00.000Z',
      },
      {
        id: 'pump',
        endpoint: 'gw',
        prefix: 'pump',
        state: 'ok',
        connection: 'connected',
        points: 2,
        badPoints: 2,
        lastSuccessAt: '2026-01-01T12:05:00.000Z',
      },
    ]);
  });

  it('is 200 "ok" when every device answers', async () => {
    const { code, body } = await healthz(
      status([
        device('pump', {
          state: 'ok',
          lastSuccessAt: Date.UTC(2026, 0, 1),
          lastError: 'DEVICE_TIMEOUT: an old glitch',
          lastErrorAt: Date.UTC(2025, 11, 31),
          unansweredReads: 0,
        }),
      ]),
    );
    expect(code).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.devices).toMatchObject([
      { id: 'pump', state: 'ok', lastError: 'DEVICE_TIMEOUT: an old glitch' },
    ]);
  });
});
