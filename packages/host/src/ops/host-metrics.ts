import { type Clock, systemClock } from '@lwm2m-adapters/kit';
import type { Registry } from 'prom-client';
import { deviceState, type HostStatus } from './host-status.js';
import { ReadDurationHistogram } from './read-duration-histogram.js';

const SESSION_STATES = ['idle', 'connecting', 'connected', 'reconnecting', 'closed'] as const;
const DEVICE_STATES = ['ok', 'unresponsive', 'idle', 'connecting', 'reconnecting', 'closed'] as const;

/** Adapter session counters (SessionCounters in the SDK) exposed per device, when the adapter reports them. */
const SESSION_COUNTERS = [
  ['replies', 'adapter_host_device_replies_total', 'Replies the device sent'],
  ['timeouts', 'adapter_host_device_timeouts_total', 'Requests sent to the device and not answered in time'],
  [
    'refused',
    'adapter_host_device_refused_total',
    'Requests the adapter failed without sending them (device quarantined, link down, queued behind a timeout)',
  ],
  ['quarantines', 'adapter_host_device_quarantines_total', 'Times the device was quarantined after timeouts'],
  [
    'probes',
    'adapter_host_device_probes_total',
    'Requests sent to a quarantined device to see whether it is back',
  ],
  [
    'staleReplies',
    'adapter_host_device_stale_replies_total',
    'Replies from the device that no request was waiting for (late replies), dropped',
  ],
  ['reconnects', 'adapter_host_device_reconnects_total', 'Sessions re-established after a loss'],
  [
    'connectAttempts',
    'adapter_host_device_connect_attempts_total',
    'Connection attempts to the device (the first included)',
  ],
  ['connectFailures', 'adapter_host_device_connect_failures_total', 'Connection attempts that failed'],
] as const;

/** Adapter session gauges exposed per device, when the adapter reports them (OPC UA monitored items). */
const SESSION_GAUGES = [
  [
    'itemsMonitored',
    'adapter_host_device_items_monitored',
    'Device-side subscription items live (OPC UA monitored items)',
  ],
  [
    'itemsFailed',
    'adapter_host_device_items_failed',
    'Device-side subscription items the device or the point resolution refused',
  ],
] as const;

/**
 * Prometheus metrics of one host, in a registry of its own (never prom-client's global one, so
 * hosts in one process do not mix). Counters and gauges are taken from a status snapshot at
 * scrape time; read durations are a histogram fed as reads complete (plain counts, no allocation
 * per read). prom-client, its default process metrics and their event-loop monitor load at the
 * first scrape: a host nobody scrapes (no `--http`) neither loads nor runs them.
 */
export class HostMetrics {
  readonly #status: () => HostStatus;
  readonly #clock: Clock;
  readonly #reads = new ReadDurationHistogram(
    'adapter_host_device_read_duration_seconds',
    'Duration of one adapter read (a poll cycle or an on-demand read), by device',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  #registry: Promise<Registry> | undefined;

  constructor(status: () => HostStatus, clock: Clock = systemClock) {
    this.#status = status;
    this.#clock = clock;
  }

  async #build(): Promise<Registry> {
    const { Counter, collectDefaultMetrics, Gauge, Registry } = await import('prom-client');
    const status = this.#status;
    const clock = this.#clock;
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    let snapshot: HostStatus | undefined;
    let snapshotAt = 0;
    // one status snapshot per scrape, shared by every collector
    const current = (): HostStatus => {
      const now = clock.now();
      if (snapshot === undefined || now - snapshotAt > 100) {
        snapshot = status();
        snapshotAt = now;
      }
      return snapshot;
    };
    const gauge = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      fill: (set: (labels: Record<L, string>, value: number) => void, s: HostStatus) => void,
    ) =>
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers: [registry],
        collect() {
          this.reset();
          fill((labels, value) => this.set(labels, value), current());
        },
      });
    const counter = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      fill: (add: (labels: Record<L, string>, value: number) => void, s: HostStatus) => void,
    ) =>
      new Counter<L>({
        name,
        help,
        labelNames,
        registers: [registry],
        collect() {
          this.reset();
          fill((labels, value) => this.inc(labels, value), current());
        },
      });

    type DeviceStatus = HostStatus['devices'][number];
    type EndpointStatus = HostStatus['endpoints'][number];
    /** One series per device, valued by `value`. */
    const perDevice = (
      kind: 'gauge' | 'counter',
      name: string,
      help: string,
      value: (d: DeviceStatus) => number,
    ) =>
      (kind === 'gauge' ? gauge : counter)(name, help, ['device'], (put, s) => {
        for (const d of s.devices) put({ device: d.id }, value(d));
      });
    /** One series per LwM2M endpoint, valued by `value`. */
    const perEndpoint = (
      kind: 'gauge' | 'counter',
      name: string,
      help: string,
      value: (e: EndpointStatus) => number,
    ) =>
      (kind === 'gauge' ? gauge : counter)(name, help, ['endpoint'], (put, s) => {
        for (const e of s.endpoints) put({ endpoint: e.endpoint }, value(e));
      });

    perDevice(
      'gauge',
      'adapter_host_device_connected',
      '1 when the device session is connected (its link is up; see adapter_host_device_up for whether the device answers)',
      (d) => (d.connection === 'connected' ? 1 : 0),
    );
    perDevice(
      'gauge',
      'adapter_host_device_up',
      '1 when the device session is connected and the device answers its reads',
      (d) => (deviceState(d) === 'ok' ? 1 : 0),
    );
    gauge(
      'adapter_host_device_health',
      'Device state (1 for the current one): ok, unresponsive (connected, reads unanswered), or the session state while not connected',
      ['device', 'state'],
      (set, s) => {
        for (const d of s.devices) {
          const current = deviceState(d);
          for (const state of DEVICE_STATES) set({ device: d.id, state }, current === state ? 1 : 0);
        }
      },
    );
    gauge(
      'adapter_host_device_last_success_timestamp_seconds',
      'When a read last got a value from the device (Unix seconds)',
      ['device'],
      (set, s) => {
        for (const d of s.devices) {
          const at = d.health.lastSuccessAt;
          if (at !== undefined) set({ device: d.id }, at / 1000);
        }
      },
    );
    perDevice(
      'gauge',
      'adapter_host_device_unanswered_reads',
      'Adapter reads in a row that got no answer from the device',
      (d) => d.health.unansweredReads,
    );
    gauge(
      'adapter_host_device_state',
      'Device session state (1 for the current one)',
      ['device', 'state'],
      (set, s) => {
        for (const d of s.devices)
          for (const state of SESSION_STATES) set({ device: d.id, state }, d.connection === state ? 1 : 0);
      },
    );
    perEndpoint('gauge', 'adapter_host_lwm2m_registered', '1 while the LwM2M endpoint is registered', (e) =>
      e.registration === 'registered' || e.registration === 'updating' ? 1 : 0,
    );
    perDevice('gauge', 'adapter_host_points', 'Mapped points read from the device', (d) => d.stats.points);
    perDevice(
      'gauge',
      'adapter_host_points_polled',
      'Points read in the background now',
      (d) => d.stats.polledPoints,
    );
    perDevice(
      'gauge',
      'adapter_host_points_subscribed',
      'Points the device pushes changes of now (device-side subscriptions)',
      (d) => d.stats.subscribedPoints,
    );
    perDevice('gauge', 'adapter_host_points_bad', 'Points whose last read failed', (d) => d.stats.badPoints);
    gauge(
      'adapter_host_queue_depth',
      'Requests waiting, by device and queue',
      ['device', 'queue'],
      (set, s) => {
        for (const d of s.devices) {
          set({ device: d.id, queue: 'reads' }, d.stats.pendingReads);
          const link = d.stats.session['link.queueDepth'];
          if (link !== undefined) set({ device: d.id, queue: 'link' }, link);
        }
      },
    );
    perDevice(
      'counter',
      'adapter_host_adapter_reads_total',
      'Adapter read calls (each may be several device requests)',
      (d) => d.stats.adapterReads,
    );
    perDevice(
      'counter',
      'adapter_host_device_requests_total',
      'Requests the adapter put on the wire to the device (not those it refused locally)',
      (d) => d.stats.session.requests ?? 0,
    );
    for (const [key, name, help] of SESSION_COUNTERS) {
      counter(name, help, ['device'], (add, s) => {
        for (const d of s.devices) {
          const value = d.stats.session[key];
          if (value !== undefined) add({ device: d.id }, value);
        }
      });
    }
    for (const [key, name, help] of SESSION_GAUGES) {
      gauge(name, help, ['device'], (set, s) => {
        for (const d of s.devices) {
          const value = d.stats.session[key];
          if (value !== undefined) set({ device: d.id }, value);
        }
      });
    }
    perDevice('counter', 'adapter_host_point_reads_total', 'Point readings', (d) => d.stats.pointReads);
    counter(
      'adapter_host_errors_total',
      'Failed point reads, writes and executes',
      ['device', 'operation'],
      (add, s) => {
        for (const d of s.devices) {
          add({ device: d.id, operation: 'read' }, d.stats.readErrors);
          add({ device: d.id, operation: 'write' }, d.stats.writeErrors);
          add({ device: d.id, operation: 'execute' }, d.stats.executeErrors);
        }
      },
    );
    perDevice('counter', 'adapter_host_writes_total', 'Writes sent to the device', (d) => d.stats.writes);
    perDevice(
      'counter',
      'adapter_host_executes_total',
      'Executes sent to the device',
      (d) => d.stats.executes,
    );
    perDevice(
      'counter',
      'adapter_host_value_changes_total',
      'Point value changes seen',
      (d) => d.stats.changes,
    );
    perDevice(
      'counter',
      'adapter_host_subscription_deliveries_total',
      'Deliveries of device-side subscriptions',
      (d) => d.stats.deliveries,
    );
    perDevice(
      'counter',
      'adapter_host_poll_overruns_total',
      'Poll cycles skipped because the previous one was still running',
      (d) => d.stats.overruns,
    );
    perEndpoint('gauge', 'adapter_host_observations', 'Active observations', (e) => e.observations.active);
    perEndpoint(
      'counter',
      'adapter_host_notifications_total',
      'Notifications sent',
      (e) => e.observations.notificationsSent,
    );
    perEndpoint(
      'counter',
      'adapter_host_notifications_skipped_total',
      'Notifications skipped (value unavailable)',
      (e) => e.observations.notificationsSkipped,
    );
    counter(
      'adapter_host_drops_total',
      'Messages dropped, by endpoint and reason',
      ['endpoint', 'reason'],
      (add, s) => {
        for (const e of s.endpoints) {
          add({ endpoint: e.endpoint, reason: 'notification' }, e.observations.notificationsDropped);
          for (const [reason, count] of Object.entries(e.coapDropped))
            add({ endpoint: e.endpoint, reason }, count);
        }
      },
    );
    perEndpoint(
      'counter',
      'adapter_host_send_messages_total',
      'Send (POST /dp) messages acknowledged',
      (e) => e.sendMessages,
    );
    perEndpoint(
      'counter',
      'adapter_host_send_values_total',
      'Values reported with Send',
      (e) => e.sendValues,
    );
    counter('adapter_host_reloads_total', 'Mapping reloads applied', [], (add, s) => add({}, s.reloads));
    return registry;
  }

  /** Records one adapter read. */
  observeRead(deviceId: string, outcome: { durationMs: number; background: boolean }): void {
    this.#reads.observe(deviceId, outcome.background ? 'poll' : 'on-demand', outcome.durationMs / 1000);
  }

  /** The Prometheus text exposition. */
  async text(): Promise<string> {
    this.#registry ??= this.#build();
    const text = await (await this.#registry).metrics();
    return `${text.endsWith('\n') || text === '' ? text : `${text}\n`}${this.#reads.exposition()}`;
  }

  /** The Prometheus text format (what prom-client's Registry announces). */
  get contentType(): string {
    return 'text/plain; version=0.0.4; charset=utf-8';
  }
}
