/**
 * HostMetrics: the Prometheus exposition of a status snapshot, every per-device and per-endpoint
 * series with its value, plus the read-duration histogram; two hosts never share series.
 */
import { describe, expect, it } from 'vitest';
import { HostMetrics } from '../../src/ops/host-metrics.js';
import type { HostStatus } from '../../src/ops/host-status.js';
import type { DeviceRunnerStats } from '../../src/runtime/device/device-runner.js';

const stats: DeviceRunnerStats = {
  points: 12,
  polledPoints: 5,
  goodPoints: 11,
  badPoints: 1,
  cycles: 40,
  overruns: 2,
  adapterReads: 41,
  pointReads: 300,
  readErrors: 3,
  cacheHits: 7,
  writes: 4,
  writeErrors: 1,
  executes: 2,
  executeErrors: 0,
  changes: 90,
  pendingReads: 6,
  subscriptions: 0,
  subscribedPoints: 0,
  deliveries: 0,
  session: {
    requests: 120,
    replies: 100,
    timeouts: 20,
    refused: 55,
    quarantines: 4,
    probes: 3,
    staleReplies: 2,
    'link.queueDepth': 3,
  },
};

const status: HostStatus = {
  mode: 'gateway',
  mapping: { file: 'plc.yml', sha256: 'ab' },
  startedAt: 0,
  endpoints: [
    {
      endpoint: 'gw-1',
      registration: 'registered',
      lastError: undefined,
      observations: {
        active: 8,
        notificationsSent: 50,
        notificationsSkipped: 5,
        notificationsDropped: 1,
        observationsRefused: 0,
      },
      coapDropped: { 'queue-full': 2 },
      coapRetransmissions: 0,
      sendMessages: 9,
      sendValues: 400,
      sendFailures: 0,
    },
  ],
  devices: [
    {
      id: 'press-1',
      endpoint: 'gw-1',
      prefix: 'p1',
      adapter: 'modbus',
      connection: 'connected',
      lastError: undefined,
      // connected, but nothing answered lately (a frozen PLC, a quarantined unit)
      health: {
        state: 'unresponsive',
        lastSuccessAt: 1_700_000_000_000,
        lastError: 'DEVICE_TIMEOUT: no reply within 1000 ms',
        lastErrorAt: 1_700_000_060_000,
        unansweredReads: 7,
      },
      stats,
    },
    {
      id: 'press-3',
      endpoint: 'gw-1',
      prefix: 'p3',
      adapter: 'modbus',
      connection: 'connected',
      lastError: undefined,
      health: {
        state: 'ok',
        lastSuccessAt: 1_700_000_070_000,
        lastError: undefined,
        lastErrorAt: undefined,
        unansweredReads: 0,
      },
      stats,
    },
    {
      id: 'press-2',
      endpoint: 'gw-1',
      prefix: 'p2',
      adapter: 'modbus',
      connection: 'reconnecting',
      lastError: 'DEVICE_TIMEOUT',
      health: {
        state: 'ok',
        lastSuccessAt: undefined,
        lastError: undefined,
        lastErrorAt: undefined,
        unansweredReads: 0,
      },
      stats: { ...stats, session: {} },
    },
  ],
  reloads: 3,
  lastReloadError: undefined,
};

/** The exposition's samples as "name{labels} value" lines, without comments. */
async function samples(metrics: HostMetrics): Promise<string[]> {
  return (await metrics.text()).split('\n').filter((line) => line.startsWith('adapter_host_'));
}

describe('HostMetrics', () => {
  it('exposes every device and endpoint series from the status snapshot', async () => {
    const metrics = new HostMetrics(() => status);
    const lines = await samples(metrics);
    for (const expected of [
      'adapter_host_device_connected{device="press-1"} 1',
      'adapter_host_device_connected{device="press-2"} 0',
      'adapter_host_device_state{device="press-2",state="reconnecting"} 1',
      'adapter_host_device_state{device="press-2",state="connected"} 0',
      'adapter_host_lwm2m_registered{endpoint="gw-1"} 1',
      'adapter_host_points{device="press-1"} 12',
      'adapter_host_points_polled{device="press-1"} 5',
      'adapter_host_points_bad{device="press-1"} 1',
      'adapter_host_queue_depth{device="press-1",queue="reads"} 6',
      'adapter_host_queue_depth{device="press-1",queue="link"} 3',
      'adapter_host_adapter_reads_total{device="press-1"} 41',
      'adapter_host_device_requests_total{device="press-1"} 120',
      'adapter_host_device_requests_total{device="press-2"} 0',
      // whether the device answers, apart from whether its session is connected
      'adapter_host_device_up{device="press-1"} 0',
      'adapter_host_device_up{device="press-2"} 0',
      'adapter_host_device_up{device="press-3"} 1',
      'adapter_host_device_health{device="press-1",state="unresponsive"} 1',
      'adapter_host_device_health{device="press-1",state="ok"} 0',
      'adapter_host_device_health{device="press-2",state="reconnecting"} 1',
      'adapter_host_device_health{device="press-3",state="ok"} 1',
      'adapter_host_device_last_success_timestamp_seconds{device="press-1"} 1700000000',
      'adapter_host_device_unanswered_reads{device="press-1"} 7',
      'adapter_host_device_replies_total{device="press-1"} 100',
      'adapter_host_device_timeouts_total{device="press-1"} 20',
      'adapter_host_device_refused_total{device="press-1"} 55',
      'adapter_host_device_quarantines_total{device="press-1"} 4',
      'adapter_host_device_probes_total{device="press-1"} 3',
      'adapter_host_device_stale_replies_total{device="press-1"} 2',
      'adapter_host_point_reads_total{device="press-1"} 300',
      'adapter_host_errors_total{device="press-1",operation="read"} 3',
      'adapter_host_errors_total{device="press-1",operation="write"} 1',
      'adapter_host_writes_total{device="press-1"} 4',
      'adapter_host_executes_total{device="press-1"} 2',
      'adapter_host_value_changes_total{device="press-1"} 90',
      'adapter_host_poll_overruns_total{device="press-1"} 2',
      'adapter_host_observations{endpoint="gw-1"} 8',
      'adapter_host_notifications_total{endpoint="gw-1"} 50',
      'adapter_host_notifications_skipped_total{endpoint="gw-1"} 5',
      'adapter_host_drops_total{endpoint="gw-1",reason="notification"} 1',
      'adapter_host_drops_total{endpoint="gw-1",reason="queue-full"} 2',
      'adapter_host_send_messages_total{endpoint="gw-1"} 9',
      'adapter_host_send_values_total{endpoint="gw-1"} 400',
      'adapter_host_reloads_total 3',
    ]) {
      expect(lines).toContain(expected);
    }
    // press-2 never answered: no last-success series; its session reports no timeouts: none either
    expect(lines.some((line) => line.includes('last_success_timestamp_seconds{device="press-2"}'))).toBe(
      false,
    );
    expect(
      lines.some((line) => line.startsWith('adapter_host_device_timeouts_total{device="press-2"}')),
    ).toBe(false);
    // press-2's session reports no link queue: no series rather than a made-up 0
    expect(
      lines.some((line) => line.startsWith('adapter_host_queue_depth{device="press-2",queue="link"}')),
    ).toBe(false);
  });

  it('records read durations in a histogram by device and kind', async () => {
    const metrics = new HostMetrics(() => status);
    metrics.observeRead('press-1', { durationMs: 3, background: true });
    metrics.observeRead('press-1', { durationMs: 30, background: false });
    const lines = await samples(metrics);
    expect(lines).toContain(
      'adapter_host_device_read_duration_seconds_count{device="press-1",kind="poll"} 1',
    );
    expect(lines).toContain(
      'adapter_host_device_read_duration_seconds_bucket{le="0.005",device="press-1",kind="poll"} 1',
    );
    expect(lines).toContain(
      'adapter_host_device_read_duration_seconds_bucket{le="0.025",device="press-1",kind="on-demand"} 0',
    );
    expect(lines).toContain(
      'adapter_host_device_read_duration_seconds_count{device="press-1",kind="on-demand"} 1',
    );
  });

  it('keeps each host in a registry of its own', async () => {
    const a = new HostMetrics(() => status);
    const b = new HostMetrics(() => ({ ...status, reloads: 9 }));
    expect(await samples(a)).toContain('adapter_host_reloads_total 3');
    expect(await samples(b)).toContain('adapter_host_reloads_total 9');
  });
});
