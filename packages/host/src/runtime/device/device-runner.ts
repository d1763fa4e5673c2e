import { CodedError } from '@lwm2m-adapters/errors';
import type { Clock } from '@lwm2m-adapters/kit';
import type { ExecuteArguments, ObjectDeclaration } from '@lwm2m-adapters/lwm2m-client';
import type { CompiledBoundPoint, CompiledDevice, PointValue } from '@lwm2m-adapters/mapping';
import type { AdapterDefinition, AdapterLogger, SessionState } from '@lwm2m-adapters/sdk';
import { type HostClock, hostClock } from '../host-clock.js';
import { type DeviceHealth, DeviceHealthTracker } from './device-health.js';
import { deviceObjectDeclarations } from './device-objects.js';
import { DeviceSubscriptions } from './device-subscriptions.js';
import { isFresh, valueSnapshot } from './point-cache.js';
import type { ValueChangeListener } from './point-read-pass.js';
import { PointReader, type ReadOutcome } from './point-reader.js';
import { PointRecord } from './point-record.js';
import { PointSpecTable } from './point-spec-table.js';
import { type ObservedRange, pointPollIntervals } from './poll-intervals.js';
import { PollScheduler } from './poll-scheduler.js';
import { ReadBatcher } from './read-batcher.js';
import { SessionSupervisor } from './session-supervisor.js';
import { pollsDespiteSubscribe, subscriptionGroups } from './subscription-plan.js';
import { planWrite, type WritePlan } from './write-plan.js';

export interface DeviceRunnerOptions {
  readonly device: CompiledDevice;
  readonly adapter: AdapterDefinition;
  readonly logger: AdapterLogger;
  /** A server Read of a point not polled is answered from a reading at most this old. Default 1000 ms. */
  readonly cacheMaxAgeMs?: number;
  /** How often an observed point is read when neither mapping nor attributes say. Default 1000 ms. */
  readonly observedPollMs?: number;
  /** Floor for any background read interval. Default 50 ms. */
  readonly minPollMs?: number;
  /**
   * A point's LwM2M value changed (or came back after a failure): the point (its path, with
   * `reportPrefix`, made when first asked for), the value read (so that what reports it, a Send,
   * need not read it back), and whether the re-read after a server write found it (the engine
   * told the observers of that write already).
   */
  readonly onValueChanged?: ValueChangeListener;
  /**
   * The prefix of the paths `onValueChanged` reports (a gateway's end-device prefix): each point's
   * prefixed path is made once, when first asked for, and kept with the point. None: the points'
   * own paths.
   */
  readonly reportPrefix?: string;
  /** Every adapter read, for metrics. */
  readonly onRead?: (outcome: ReadOutcome) => void;
  /**
   * Time, timers, durations and the turn that batches reads. Default: the system's. A plain kit
   * Clock (a test's fake one) drives all of them (see `hostClock`).
   */
  readonly clock?: Clock;
  /** Where the adapter session's point specs come from: one table per host shares them across devices. */
  readonly pointSpecs?: PointSpecTable;
}

export interface DeviceRunnerStats {
  readonly points: number;
  readonly polledPoints: number;
  readonly goodPoints: number;
  readonly badPoints: number;
  readonly cycles: number;
  readonly overruns: number;
  readonly adapterReads: number;
  readonly pointReads: number;
  readonly readErrors: number;
  readonly cacheHits: number;
  readonly writes: number;
  readonly writeErrors: number;
  readonly executes: number;
  readonly executeErrors: number;
  readonly changes: number;
  /** Reads waiting to be batched. */
  readonly pendingReads: number;
  /** Live device-side subscriptions (adapters that subscribe) and the points they cover. */
  readonly subscriptions: number;
  readonly subscribedPoints: number;
  /** Deliveries those subscriptions made. */
  readonly deliveries: number;
  /** The adapter session's own counters. */
  readonly session: Readonly<Record<string, number>>;
}

/**
 * Runs one mapped device, coordinating its parts: the adapter session (SessionSupervisor), a point
 * cache with timestamp and quality (PointCache, filled by PointReader), background reads whose
 * pace the mapping and the server's observations set (PollScheduler), on-demand reads batched per
 * turn (ReadBatcher), and the LwM2M objects whose handlers call back here (device-objects).
 *
 * With an adapter that subscribes (`capabilities.subscribe` and a session `subscribe`), observed
 * points the mapping does not `poll` become device-side subscriptions (DeviceSubscriptions,
 * options from the observation's attributes: subscription-plan) instead of background reads; what
 * they deliver goes through the same PointReader, so notifications, quality and metrics are those
 * of a polled point, and a Read of such a point is answered from its cache entry. Points with a
 * mapping `poll` are polled, as are all points of adapters that cannot subscribe. A Read
 * is answered from a fresh cache entry or from the device; a Write is planned (converted and
 * checked) once before the adapter sees it; an Execute goes to the adapter. Device faults are
 * CodedErrors that the engine answers with their LwM2M code (5.03 for transient ones); the runner
 * never throws them anywhere else.
 */
export class DeviceRunner implements AsyncDisposable {
  #device: CompiledDevice;
  readonly #adapter: AdapterDefinition;
  readonly #reportPrefix: string | undefined;
  readonly #logger: AdapterLogger;
  readonly #clock: HostClock;
  readonly #session: SessionSupervisor;
  readonly #health = new DeviceHealthTracker();
  readonly #reader: PointReader;
  readonly #reads: ReadBatcher;
  readonly #scheduler: PollScheduler;
  /** Device-side subscriptions, when the adapter can subscribe. */
  readonly #subscriptions: DeviceSubscriptions | undefined;
  /** Each bound point's record (mapping, path, last reading, poll interval), by point id. */
  readonly #points = new Map<string, PointRecord>();
  readonly #cacheMaxAgeMs: number;
  readonly #observedPollMs: number;
  readonly #minPollMs: number;
  /** Re-reads started by a write, by point: reads asked meanwhile wait for them instead of reading again. */
  readonly #refreshing = new Map<string, Promise<void>>();
  #observed: readonly ObservedRange[] = [];
  #started: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  readonly #counters = { cacheHits: 0, writes: 0, writeErrors: 0, executes: 0, executeErrors: 0 };

  constructor(options: DeviceRunnerOptions) {
    this.#device = options.device;
    this.#reportPrefix = options.reportPrefix;
    this.#adapter = options.adapter;
    this.#logger = options.logger;
    this.#clock = hostClock(options.clock);
    this.#cacheMaxAgeMs = options.cacheMaxAgeMs ?? 1000;
    this.#observedPollMs = options.observedPollMs ?? 1000;
    this.#minPollMs = options.minPollMs ?? 50;
    this.#track(options.device);
    this.#session = new SessionSupervisor({
      device: options.device,
      points: (options.pointSpecs ?? new PointSpecTable()).specsOf(options.device),
      adapter: options.adapter,
      logger: options.logger,
      clock: this.#clock,
    });
    this.#reader = new PointReader({
      deviceId: options.device.id,
      points: this.#points,
      read: (pointIds, sink) => this.#session.readInto(pointIds, sink),
      health: this.#health,
      clock: this.#clock,
      logger: options.logger,
      onValueChanged: options.onValueChanged,
      onRead: options.onRead,
    });
    this.#reads = new ReadBatcher({
      deviceId: options.device.id,
      clock: this.#clock,
      read: (pointIds) => this.#reader.read(pointIds, 'on-demand'),
      recorded: (pointId) => this.#recorded(pointId),
    });
    this.#scheduler = new PollScheduler((ids) => this.#reader.read(ids, 'poll'), this.#clock);
    this.#subscriptions =
      options.adapter.capabilities.subscribe && this.#session.canSubscribe
        ? new DeviceSubscriptions({
            deviceId: options.device.id,
            subscribe: (ids, subscriptionOptions, listener) =>
              this.#session.subscribe(ids, subscriptionOptions, listener),
            deliver: (readings) => this.#reader.record(readings, 'subscription'),
            failed: (ids, error) => {
              const timestamp = this.#clock.now();
              this.#reader.record(
                ids.map((pointId) => ({ pointId, ok: false, error, timestamp })),
                'poll',
              );
            },
            clock: this.#clock,
            logger: options.logger,
          })
        : undefined;
  }

  get state(): SessionState {
    return this.#session.state;
  }

  /** Why the device is not connected, while it is not (for status). */
  get lastError(): string | undefined {
    return this.#session.lastError;
  }

  onStateChange(listener: (state: SessionState, error?: CodedError) => void): () => void {
    return this.#session.onStateChange(listener);
  }

  /**
   * Whether the device answers, from its reads: a connected session whose last reads all failed
   * with retriable errors (a frozen PLC, a quarantined unit) is unresponsive. See DeviceHealthTracker.
   */
  health(): DeviceHealth {
    return this.#health.snapshot();
  }

  /**
   * Connects the session and starts background reads. A device that cannot be reached yet is not
   * an error: the session keeps reconnecting with capped backoff, reads answer 5.03 meanwhile.
   * Idempotent.
   */
  start(): Promise<void> {
    this.#started ??= (async () => {
      await this.#session.start();
      if (this.#closing === undefined) this.#reschedule();
    })();
    return this.#started;
  }

  /** Stops background reads, fails waiting reads with SESSION_CLOSED and closes the session. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#stopScheduler();
      this.#reads.close();
      await this.#started;
      await this.#subscriptions?.close();
      await this.#session.close();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Stops background reads and subscriptions (on-demand reads still work until `close`). Idempotent. */
  stopPolling(): void {
    this.#stopScheduler();
    void this.#subscriptions?.close();
  }

  /** Resolves once the subscriptions asked for so far are made, changed or closed (for tests). */
  subscriptionsSettled(): Promise<void> {
    return this.#subscriptions?.settled() ?? Promise.resolve();
  }

  /** The device as the mapping describes it now (`retune` replaces it). */
  get device(): CompiledDevice {
    return this.#device;
  }

  /**
   * Takes a new description of the same device that differs only in how its points are reported
   * (poll, pmin, pmax, deadband: `MappingDiff.retuned`): background reads follow the new poll
   * intervals at once; the session, the cache and the LwM2M objects stay as they are.
   */
  retune(device: CompiledDevice): void {
    this.#device = device;
    this.#track(device);
    if (this.#started !== undefined && this.#closing === undefined) this.#reschedule();
  }

  /** Observed paths of this device (no prefix) with their sampling bounds: background reads adapt. */
  setObserved(ranges: readonly ObservedRange[]): void {
    if (sameRanges(this.#observed, ranges)) return;
    this.#observed = ranges;
    if (this.#started !== undefined && this.#closing === undefined) this.#reschedule();
  }

  /** Background read interval of each polled point. */
  pollIntervals(): Map<string, number> {
    return this.#scheduler.intervals();
  }

  stats(): DeviceRunnerStats {
    const scheduler = this.#scheduler.stats();
    const counts = this.#qualityCounts();
    const reader = this.#reader.counters;
    const subscriptions = this.#subscriptions?.stats();
    return {
      points: this.#points.size,
      polledPoints: scheduler.points,
      goodPoints: counts.good,
      badPoints: counts.bad,
      cycles: scheduler.cycles,
      overruns: scheduler.overruns,
      adapterReads: reader.adapterReads,
      pointReads: reader.pointReads,
      readErrors: reader.readErrors,
      cacheHits: this.#counters.cacheHits,
      writes: this.#counters.writes,
      writeErrors: this.#counters.writeErrors,
      executes: this.#counters.executes,
      executeErrors: this.#counters.executeErrors,
      changes: reader.changes,
      pendingReads: this.#reads.pending,
      subscriptions: subscriptions?.subscriptions ?? 0,
      subscribedPoints: subscriptions?.subscribedPoints ?? 0,
      deliveries: reader.deliveries,
      session: this.#session.stats(),
    };
  }

  /** The device's LwM2M objects (mapped points and constants), with handlers bound to this runner. */
  objectDeclarations(): Map<number, ObjectDeclaration> {
    return deviceObjectDeclarations(this.device, {
      read: (pointId) => this.readPoint(pointId),
      plan: (point, value) => planWrite(this.#adapter, point, value),
      write: (plan) => this.#write(plan),
      execute: (point, args) => this.#execute(point, args),
    });
  }

  /**
   * Reads one point for a server request: a subscribed point's last delivery (a subscription
   * delivers every change, so its entry is current), or a fresh cache entry (read within the
   * point's poll interval or the cache bound, whichever is longer), else the re-read a write
   * started, else the device, batched with the other reads of this turn.
   */
  async readPoint(pointId: string): Promise<PointValue> {
    const record = this.#points.get(pointId);
    // not a bound point of this device: the adapter session refuses it with its own error
    if (record === undefined) return this.#reads.read(pointId);
    if (this.#subscriptions?.covers(pointId) === true && record.readAt !== 0) {
      this.#counters.cacheHits++;
      return recordedValue(record);
    }
    const maxAge = Math.max(record.pollMs === 0 ? this.#cacheMaxAgeMs : record.pollMs, this.#cacheMaxAgeMs);
    if (isFresh(record, this.#clock.now(), maxAge)) {
      this.#counters.cacheHits++;
      if (record.quality === 'good' && record.value !== undefined) return valueSnapshot(record)!;
      if (record.error !== undefined) throw record.error;
    }
    const refreshing = this.#refreshing.get(pointId);
    if (refreshing !== undefined) {
      await refreshing;
      return recordedValue(record);
    }
    return this.#reads.read(pointId);
  }

  /** The value the last read recorded for a point; its error when that read failed. */
  #recorded(pointId: string): PointValue {
    const record = this.#points.get(pointId);
    if (record === undefined) throw new CodedError('DEVICE_FAILURE', `no value for ${pointId}`);
    return recordedValue(record);
  }

  /** Keeps a record for each bound point of `device`: new points get one, known ones their new mapping. */
  #track(device: CompiledDevice): void {
    for (const point of device.points) {
      if (point.kind !== 'bound') continue;
      const record = this.#points.get(point.id);
      if (record === undefined) this.#points.set(point.id, new PointRecord(point, this.#reportPrefix));
      else record.point = point;
    }
  }

  /** Points with a good reading / with a failed one (points never read are neither). */
  #qualityCounts(): { good: number; bad: number } {
    let good = 0;
    let bad = 0;
    for (const record of this.#points.values()) {
      if (record.quality === 'good') good++;
      else if (record.error !== undefined) bad++;
    }
    return { good, bad };
  }

  async #write(plan: WritePlan): Promise<void> {
    const pointId = plan.point.id;
    const record = this.#points.get(pointId);
    this.#counters.writes++;
    try {
      await this.#session.write(plan);
    } catch (error) {
      this.#counters.writeErrors++;
      throw error;
    } finally {
      // the next read asks the device, whatever the write did
      if (record !== undefined) record.readAt = 0;
    }
    this.#logger.info({ deviceId: this.device.id, point: pointId }, 'written');
    if (record !== undefined && record.pollMs !== 0) this.#refresh(pointId);
  }

  /**
   * Reads a written, polled point again at once: the engine reports the write to the point's
   * observers right after, and their read waits for this one rather than asking the device twice
   * (nor is a change it finds reported to them a second time).
   */
  #refresh(pointId: string): void {
    const read: Promise<void> = this.#reader.read([pointId], 'after-write').finally(() => {
      if (this.#refreshing.get(pointId) === read) this.#refreshing.delete(pointId);
    });
    this.#refreshing.set(pointId, read);
  }

  async #execute(point: CompiledBoundPoint, args: ExecuteArguments): Promise<void> {
    this.#counters.executes++;
    const text = args.map((a) => (a.value === undefined ? String(a.id) : `${a.id}='${a.value}'`)).join(',');
    try {
      await this.#session.execute(point.id, text.length === 0 ? undefined : text);
    } catch (error) {
      this.#counters.executeErrors++;
      throw error;
    }
    this.#logger.info({ deviceId: this.device.id, point: point.id }, 'executed');
  }

  /** No more background reads: the points' intervals go with them (reads are answered as for unpolled points). */
  #stopScheduler(): void {
    this.#scheduler.stop();
    for (const record of this.#points.values()) record.pollMs = 0;
  }

  #reschedule(): void {
    const defaults = { observedPollMs: this.#observedPollMs, minPollMs: this.#minPollMs };
    const points = [...this.#points.values()];
    // a subscribing adapter's points are polled only where the mapping asks (`poll`)
    const polled = this.#subscriptions === undefined ? points : points.filter(pollsDespiteSubscribe);
    const intervals = pointPollIntervals(polled, this.#observed, defaults);
    for (const record of points) record.pollMs = intervals.get(record.point.id) ?? 0;
    this.#scheduler.update(intervals);
    this.#subscriptions?.update(subscriptionGroups(points, this.#observed, defaults));
  }
}

/** A record's last good value (a snapshot); its error when the last read failed. */
function recordedValue(record: PointRecord): PointValue {
  if (record.quality === 'good' && record.value !== undefined) return valueSnapshot(record)!;
  throw record.error ?? new CodedError('DEVICE_FAILURE', `no value for ${record.point.id}`);
}

function sameRanges(a: readonly ObservedRange[], b: readonly ObservedRange[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (
      x.minMs !== y.minMs ||
      x.maxMs !== y.maxMs ||
      x.pminMs !== y.pminMs ||
      x.step !== y.step ||
      !x.path.equals(y.path)
    ) {
      return false;
    }
  }
  return true;
}
