import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import type {
  ExecuteArguments,
  InstanceDeclaration,
  ObjectDeclaration,
  ResourceContent,
  ResourceDeclaration,
  WrittenValue,
} from '@lwm2m-adapters/lwm2m-client';
import { LwM2mPath, type ResourceValue, valuesEqual } from '@lwm2m-adapters/lwm2m-core';
import {
  type CompiledBoundPoint,
  type CompiledDevice,
  constantValue,
  devicePointSpecs,
  fromLwm2mValue,
  toLwm2mValue,
} from '@lwm2m-adapters/mapping';
import type {
  AdapterDefinition,
  AdapterLogger,
  AdapterSession,
  PointReading,
  RawValue,
  SessionState,
} from '@lwm2m-adapters/sdk';
import { PointCache } from './point-cache.js';
import { type ObservedRange, type PathedPoint, pointPollIntervals } from './poll-intervals.js';
import { PollScheduler } from './poll-scheduler.js';

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
   * A point's LwM2M value changed (or came back after a failure): path without gateway prefix, and
   * the value read, so that what reports it (a Send) need not read it back.
   */
  readonly onValueChanged?: (path: LwM2mPath, value: ResourceValue) => void;
  /** Every adapter read, for metrics. */
  readonly onRead?: (outcome: {
    durationMs: number;
    points: number;
    failed: number;
    background: boolean;
  }) => void;
  readonly now?: () => number;
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
  /** The adapter session's own counters. */
  readonly session: Readonly<Record<string, number>>;
}

interface PendingRead {
  readonly resolve: (value: ResourceValue) => void;
  readonly reject: (error: unknown) => void;
}

/** Largest number of distinct points waiting for an on-demand read; more get 5.03. */
const MAX_PENDING_READS = 10_000;

/**
 * Runs one mapped device: its adapter session, a point cache with timestamp and quality, and
 * background reads whose pace the mapping and the server's observations set. It declares the
 * device's LwM2M objects with handlers: a Read is answered from a fresh cache entry or from the
 * device (concurrent reads are batched into one adapter call), a Write is converted and checked
 * before the adapter sees it, an Execute goes to the adapter. Device faults are CodedErrors that
 * the engine answers with their LwM2M code (5.03 for transient ones); the runner never throws them
 * anywhere else.
 */
export class DeviceRunner implements AsyncDisposable {
  readonly device: CompiledDevice;
  readonly #adapter: AdapterDefinition;
  readonly #logger: AdapterLogger;
  readonly #session: AdapterSession;
  readonly #cache = new PointCache();
  readonly #scheduler: PollScheduler;
  readonly #points = new Map<string, PathedPoint>();
  readonly #now: () => number;
  readonly #cacheMaxAgeMs: number;
  readonly #observedPollMs: number;
  readonly #minPollMs: number;
  readonly #onValueChanged: DeviceRunnerOptions['onValueChanged'];
  readonly #onRead: DeviceRunnerOptions['onRead'];
  #pending = new Map<string, PendingRead[]>();
  /** Re-reads started by a write, by point: reads asked meanwhile wait for them instead of reading again. */
  readonly #refreshing = new Map<string, Promise<void>>();
  #flushQueued = false;
  #observed: readonly ObservedRange[] = [];
  #started: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  readonly #counters = {
    adapterReads: 0,
    pointReads: 0,
    readErrors: 0,
    cacheHits: 0,
    writes: 0,
    writeErrors: 0,
    executes: 0,
    executeErrors: 0,
    changes: 0,
  };

  constructor(options: DeviceRunnerOptions) {
    this.device = options.device;
    this.#adapter = options.adapter;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#cacheMaxAgeMs = options.cacheMaxAgeMs ?? 1000;
    this.#observedPollMs = options.observedPollMs ?? 1000;
    this.#minPollMs = options.minPollMs ?? 50;
    this.#onValueChanged = options.onValueChanged;
    this.#onRead = options.onRead;
    for (const point of options.device.points) {
      if (point.kind === 'bound') this.#points.set(point.id, { point, path: LwM2mPath.parse(point.id) });
    }
    this.#session = options.adapter.createSession({
      deviceId: options.device.id,
      connection: options.device.connection,
      points: devicePointSpecs(options.device),
      logger: options.logger,
    });
    this.#scheduler = new PollScheduler((ids) => this.#backgroundRead(ids), this.#now);
  }

  get state(): SessionState {
    return this.#session.state;
  }

  onStateChange(listener: (state: SessionState, error?: CodedError) => void): () => void {
    return this.#session.onStateChange(listener);
  }

  /**
   * Connects the session and starts background reads. A device that cannot be reached yet is not
   * an error: the session keeps reconnecting with capped backoff, reads answer 5.03 meanwhile.
   * Idempotent.
   */
  start(): Promise<void> {
    this.#started ??= (async () => {
      try {
        await this.#session.start();
      } catch (error) {
        this.#logger.warn(
          { deviceId: this.device.id, code: isCodedError(error) ? error.code : undefined, err: error },
          'device not reachable yet; retrying in the background',
        );
      }
      if (this.#closing === undefined) this.#reschedule();
    })();
    return this.#started;
  }

  /** Stops background reads, fails waiting reads with SESSION_CLOSED and closes the session. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#scheduler.stop();
      await this.#started;
      await this.#session.close();
      const closed = new CodedError('SESSION_CLOSED', `device ${this.device.id} is shutting down`);
      for (const waiting of this.#pending.values()) for (const w of waiting) w.reject(closed);
      this.#pending.clear();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Stops background reads (on-demand reads still work until `close`). Idempotent. */
  stopPolling(): void {
    this.#scheduler.stop();
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
    const counts = this.#cache.counts();
    let session: Readonly<Record<string, number>> = {};
    try {
      session = this.#session.stats();
    } catch {
      // an adapter's stats must not break metrics
    }
    return {
      points: this.#points.size,
      polledPoints: scheduler.points,
      goodPoints: counts.good,
      badPoints: counts.bad,
      cycles: scheduler.cycles,
      overruns: scheduler.overruns,
      ...this.#counters,
      pendingReads: this.#pending.size,
      session,
    };
  }

  /** The device's LwM2M objects (mapped points and constants), with handlers bound to this runner. */
  objectDeclarations(): Map<number, ObjectDeclaration> {
    const byObject = new Map<number, Map<number, Map<number, ResourceDeclaration>>>();
    for (const object of this.device.objects) {
      byObject.set(object.objectId, new Map(object.instances.map((id) => [id, new Map()])));
    }
    const multiple = new Map<string, CompiledBoundPoint[]>();
    for (const point of this.device.points) {
      const instances = byObject.get(point.objectId) ?? new Map<number, Map<number, ResourceDeclaration>>();
      byObject.set(point.objectId, instances);
      const resources = instances.get(point.instanceId) ?? new Map<number, ResourceDeclaration>();
      instances.set(point.instanceId, resources);
      if (point.kind === 'constant') {
        if (point.resourceInstanceId === undefined) resources.set(point.resourceId, constantValue(point));
        else {
          const existing = resources.get(point.resourceId);
          const map =
            existing instanceof Map
              ? (existing as Map<number, ResourceValue>)
              : new Map<number, ResourceValue>();
          map.set(point.resourceInstanceId, constantValue(point));
          resources.set(point.resourceId, map);
        }
        continue;
      }
      if (point.resourceInstanceId === undefined) {
        resources.set(point.resourceId, this.#singleResource(point));
      } else {
        const key = `${point.objectId}/${point.instanceId}/${point.resourceId}`;
        const group = multiple.get(key) ?? [];
        group.push(point);
        multiple.set(key, group);
        resources.set(point.resourceId, this.#multipleResource(group));
      }
    }
    const objects = new Map<number, ObjectDeclaration>();
    for (const [objectId, instances] of byObject) {
      const version = this.device.objects.find((o) => o.objectId === objectId)?.version;
      const declared: [number, InstanceDeclaration][] = [...instances].map(([id, resources]) => [
        id,
        resources,
      ]);
      objects.set(objectId, {
        ...(version === undefined ? {} : { version }),
        instances: new Map(declared),
      });
    }
    return objects;
  }

  /** Reads one point for a server request: fresh cache entry, else the device. */
  async readPoint(pointId: string): Promise<ResourceValue> {
    const entry = this.#cache.get(pointId);
    const maxAge = this.#scheduler.intervalOf(pointId) ?? this.#cacheMaxAgeMs;
    if (entry.readAt !== 0 && this.#now() - entry.readAt <= Math.max(maxAge, this.#cacheMaxAgeMs)) {
      this.#counters.cacheHits++;
      if (entry.quality === 'good' && entry.value !== undefined) return entry.value;
      if (entry.error !== undefined) throw entry.error;
    }
    const refreshing = this.#refreshing.get(pointId);
    if (refreshing !== undefined) {
      await refreshing;
      return this.#recorded(pointId);
    }
    return this.#readOnDemand(pointId);
  }

  /** The value the last read recorded for a point; its error when that read failed. */
  #recorded(pointId: string): ResourceValue {
    const entry = this.#cache.get(pointId);
    if (entry.quality === 'good' && entry.value !== undefined) return entry.value;
    throw entry.error ?? new CodedError('DEVICE_FAILURE', `no value for ${pointId}`);
  }

  /**
   * Reads a written point again at once: the engine reports the write to the point's observers
   * right after, and their read must wait for this one rather than ask the device a second time.
   */
  #refresh(pointId: string): void {
    const read: Promise<void> = this.#backgroundRead([pointId]).finally(() => {
      if (this.#refreshing.get(pointId) === read) this.#refreshing.delete(pointId);
    });
    this.#refreshing.set(pointId, read);
  }

  #singleResource(point: CompiledBoundPoint): ResourceDeclaration {
    const handlers: {
      read?: () => Promise<ResourceValue>;
      validate?: (value: WrittenValue) => void;
      write?: (value: WrittenValue) => Promise<void>;
      execute?: (args: ExecuteArguments) => Promise<void>;
    } = {};
    if (point.access.read) handlers.read = () => this.readPoint(point.id);
    if (point.access.write) {
      handlers.validate = (value) => {
        this.#rawForWrite(point, value as ResourceValue);
      };
      handlers.write = (value) => this.#write(point, value as ResourceValue);
    }
    if (point.access.execute) handlers.execute = (args) => this.#execute(point, args);
    return handlers;
  }

  #multipleResource(points: readonly CompiledBoundPoint[]): ResourceDeclaration {
    const readable = points.some((p) => p.access.read);
    const writable = points.some((p) => p.access.write);
    const byInstance = (value: WrittenValue): Map<number, ResourceValue> =>
      value instanceof Map ? (value as Map<number, ResourceValue>) : new Map([[0, value as ResourceValue]]);
    return {
      ...(readable
        ? {
            read: async (): Promise<ResourceContent> => {
              const values = await Promise.all(
                points
                  .filter((p) => p.access.read)
                  .map(async (p) => [p.resourceInstanceId ?? 0, await this.readPoint(p.id)] as const),
              );
              return new Map(values);
            },
          }
        : {}),
      ...(writable
        ? {
            validate: (value: WrittenValue) => {
              for (const [id, v] of byInstance(value)) {
                const point = points.find((p) => p.resourceInstanceId === id);
                if (point === undefined) {
                  throw new CodedError('WRITE_VALUE_INVALID', `resource instance ${id} is not mapped`, {
                    details: { id },
                  });
                }
                this.#rawForWrite(point, v);
              }
            },
            write: async (value: WrittenValue) => {
              for (const [id, v] of byInstance(value)) {
                const point = points.find((p) => p.resourceInstanceId === id);
                if (point !== undefined) await this.#write(point, v);
              }
            },
          }
        : {}),
    };
  }

  /** The raw value the adapter gets for an LwM2M value, checked by mapping and adapter. Throws coded errors. */
  #rawForWrite(point: CompiledBoundPoint, value: ResourceValue): RawValue {
    const raw = fromLwm2mValue(point, value);
    this.#adapter.validateWrite(point.source, raw);
    return raw;
  }

  async #write(point: CompiledBoundPoint, value: ResourceValue): Promise<void> {
    const raw = this.#rawForWrite(point, value);
    this.#counters.writes++;
    try {
      await this.#session.write(point.id, raw);
    } catch (error) {
      this.#counters.writeErrors++;
      throw this.#coded(error, point);
    } finally {
      // the next read asks the device, whatever the write did
      this.#cache.invalidate(point.id);
    }
    this.#logger.info({ deviceId: this.device.id, point: point.id }, 'written');
    if (this.#scheduler.intervalOf(point.id) !== undefined) this.#refresh(point.id);
  }

  async #execute(point: CompiledBoundPoint, args: ExecuteArguments): Promise<void> {
    this.#counters.executes++;
    const text = args.map((a) => (a.value === undefined ? String(a.id) : `${a.id}='${a.value}'`)).join(',');
    try {
      await this.#session.execute(point.id, text.length === 0 ? undefined : text);
    } catch (error) {
      this.#counters.executeErrors++;
      throw this.#coded(error, point);
    }
    this.#logger.info({ deviceId: this.device.id, point: point.id }, 'executed');
  }

  #readOnDemand(pointId: string): Promise<ResourceValue> {
    return new Promise<ResourceValue>((resolve, reject) => {
      if (this.#closing !== undefined) {
        reject(new CodedError('SESSION_CLOSED', `device ${this.device.id} is shutting down`));
        return;
      }
      const waiting = this.#pending.get(pointId);
      if (waiting !== undefined) {
        waiting.push({ resolve, reject });
        return;
      }
      if (this.#pending.size >= MAX_PENDING_READS) {
        reject(new CodedError('DEVICE_BUSY', `device ${this.device.id} has too many reads waiting`));
        return;
      }
      this.#pending.set(pointId, [{ resolve, reject }]);
      if (!this.#flushQueued) {
        this.#flushQueued = true;
        // reads asked in the same turn (an instance, a composite) become one adapter call
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#flushQueued = false;
    const batch = this.#pending;
    this.#pending = new Map();
    if (batch.size === 0) return;
    void this.#readAndRecord([...batch.keys()], false).then(() => {
      for (const [pointId, waiting] of batch) {
        for (const w of waiting) {
          try {
            w.resolve(this.#recorded(pointId));
          } catch (error) {
            w.reject(error);
          }
        }
      }
    });
  }

  #backgroundRead(pointIds: readonly string[]): Promise<void> {
    return this.#readAndRecord(pointIds, true);
  }

  /** One adapter read; every outcome lands in the cache. Never rejects. */
  async #readAndRecord(pointIds: readonly string[], background: boolean): Promise<void> {
    const started = performance.now();
    this.#counters.adapterReads++;
    let readings: PointReading[];
    try {
      readings = await this.#session.read(pointIds);
    } catch (error) {
      const coded = this.#coded(error, undefined);
      const at = this.#now();
      readings = pointIds.map((pointId) => ({ pointId, ok: false, error: coded, timestamp: at }));
    }
    let failed = 0;
    for (const reading of readings) {
      const pathed = this.#points.get(reading.pointId);
      if (pathed === undefined) continue;
      this.#counters.pointReads++;
      if (!reading.ok) {
        failed++;
        this.#recordError(reading.pointId, reading.error, reading.timestamp);
        continue;
      }
      let value: ResourceValue;
      try {
        value = toLwm2mValue(pathed.point, reading.value);
      } catch (error) {
        failed++;
        this.#recordError(reading.pointId, this.#coded(error, pathed.point), reading.timestamp);
        continue;
      }
      this.#recordValue(pathed, value, reading.timestamp);
    }
    this.#counters.readErrors += failed;
    try {
      this.#onRead?.({
        durationMs: performance.now() - started,
        points: readings.length,
        failed,
        background,
      });
    } catch {
      // metrics must not break reads
    }
  }

  #recordValue(pathed: PathedPoint, value: ResourceValue, at: number): void {
    const previous = this.#cache.setValue(pathed.point.id, value, at);
    const changed =
      previous.quality === 'bad' || previous.value === undefined || !valuesEqual(previous.value, value);
    if (!changed) return;
    this.#counters.changes++;
    try {
      this.#onValueChanged?.(pathed.path, value);
    } catch (error) {
      this.#logger.warn(
        { deviceId: this.device.id, point: pathed.point.id, err: error },
        'change listener failed',
      );
    }
  }

  #recordError(pointId: string, error: CodedError, at: number): void {
    const previous = this.#cache.setError(pointId, error, at);
    if (previous.quality === 'good' || previous.readAt === 0) {
      this.#logger.warn(
        { deviceId: this.device.id, point: pointId, code: error.code, message: error.message },
        'point read failed',
      );
    }
  }

  #coded(error: unknown, point: CompiledBoundPoint | undefined): CodedError {
    if (isCodedError(error)) return error;
    return new CodedError(
      'DEVICE_FAILURE',
      `${this.device.id}${point === undefined ? '' : ` ${point.id}`}: the adapter failed`,
      {
        cause: error,
      },
    );
  }

  #reschedule(): void {
    this.#scheduler.update(
      pointPollIntervals([...this.#points.values()], this.#observed, {
        observedPollMs: this.#observedPollMs,
        minPollMs: this.#minPollMs,
      }),
    );
  }
}

function sameRanges(a: readonly ObservedRange[], b: readonly ObservedRange[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.minMs !== y.minMs || x.maxMs !== y.maxMs || !x.path.equals(y.path)) return false;
  }
  return true;
}
