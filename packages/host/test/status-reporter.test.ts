/**
 * The periodic status lines: the first after min(interval, 5 s), then one per interval (never two
 * at once), points/s from the reads between two reports, figures under `report` in JSON, and a
 * pretty terminal line without the repeated figures.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHostLogger } from '../src/cli/host-logger.js';
import type { HostStatus } from '../src/ops/host-status.js';
import { startStatusReporter } from '../src/ops/status-reporter.js';
import type { DeviceRunnerStats } from '../src/runtime/device/device-runner.js';

const deviceStats = (pointReads: number, badPoints = 0): DeviceRunnerStats => ({
  points: 7,
  polledPoints: 7,
  goodPoints: 7 - badPoints,
  badPoints,
  cycles: 0,
  overruns: 0,
  adapterReads: 0,
  pointReads,
  readErrors: 0,
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
  session: {},
});

function hostStatus(pointReads: number, badPoints = 0): HostStatus {
  return {
    mode: 'gateway',
    mapping: { file: 'plc.yml', sha256: '00' },
    startedAt: 0,
    endpoints: [
      {
        endpoint: 'gw',
        registration: 'registered',
        lastError: undefined,
        observations: {
          active: 2,
          notificationsSent: 10,
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
    devices: [
      {
        id: 'boiler-1',
        endpoint: 'gw',
        prefix: 'boiler1',
        adapter: 'modbus',
        connection: 'connected',
        lastError: undefined,
        health: {
          state: 'ok',
          lastSuccessAt: undefined,
          lastError: undefined,
          lastErrorAt: undefined,
          unansweredReads: 0,
        },
        stats: deviceStats(pointReads, badPoints),
      },
    ],
    reloads: 0,
    lastReloadError: undefined,
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('startStatusReporter', () => {
  it('reports once per interval, the first within 5 s, with points/s between reports', async () => {
    const lines: string[] = [];
    const logger = createHostLogger(
      'info',
      'json',
      { stdout: (t) => lines.push(t), stderr: () => {} },
      false,
    );
    let reads = 0;
    const stop = startStatusReporter(
      () => hostStatus(reads),
      logger,
      2_000,
      () => Date.now(),
    );
    reads = 20;
    await vi.advanceTimersByTimeAsync(1_999);
    expect(lines).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(lines).toHaveLength(2); // one endpoint line, one device line
    reads = 30;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(lines).toHaveLength(4);
    const entries = lines.map((line) => JSON.parse(line) as { msg: string; report: Record<string, unknown> });
    expect(entries[0]).toMatchObject({
      msg: 'gw: registered, 2 observation(s), 10 notification(s) sent',
      report: { endpoint: 'gw', registration: 'registered', observations: 2, notifications: 10 },
    });
    expect(entries[1]).toMatchObject({
      msg: 'boiler-1 (/boiler1): connected, 7 point(s), 10.0 points/s',
      report: { device: 'boiler-1', connection: 'connected', points: 7, badPoints: 0, pointsPerSecond: 10 },
    });
    expect(entries[3]?.report).toMatchObject({ pointsPerSecond: 5 });
    stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(lines).toHaveLength(4);
  });

  it('never reports a negative rate when a reload restarted the device (its counter starts again)', async () => {
    const lines: string[] = [];
    const logger = createHostLogger(
      'info',
      'json',
      { stdout: (t) => lines.push(t), stderr: () => {} },
      false,
    );
    let reads = 0;
    const stop = startStatusReporter(
      () => hostStatus(reads),
      logger,
      2_000,
      () => Date.now(),
    );
    reads = 400;
    await vi.advanceTimersByTimeAsync(2_000);
    reads = 6; // a new runner after the reload has read 6 points
    await vi.advanceTimersByTimeAsync(2_000);
    const rates = lines
      .map((line) => JSON.parse(line) as { report: { pointsPerSecond?: number } })
      .flatMap((entry) => (entry.report.pointsPerSecond === undefined ? [] : [entry.report.pointsPerSecond]));
    expect(rates).toEqual([200, 3]);
    stop();
  });

  it('caps the first report at 5 s for long intervals', async () => {
    const lines: string[] = [];
    const logger = createHostLogger(
      'info',
      'json',
      { stdout: (t) => lines.push(t), stderr: () => {} },
      false,
    );
    const stop = startStatusReporter(() => hostStatus(0), logger, 60_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(lines).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(lines).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(lines).toHaveLength(4);
    stop();
  });

  it('prints one readable line per device on a terminal, failing points included', async () => {
    const lines: string[] = [];
    const logger = createHostLogger(
      'info',
      'pretty',
      { stdout: (t) => lines.push(t), stderr: () => {} },
      false,
    );
    const stop = startStatusReporter(() => hostStatus(0, 2), logger, 1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    stop();
    const text = lines.join('');
    expect(text).toContain('INFO: boiler-1 (/boiler1): connected, 7 point(s), 0.0 points/s, 2 failing\n');
    expect(text).not.toContain('pointsPerSecond');
    expect(text.trimEnd().split('\n')).toHaveLength(2);
  });
});
