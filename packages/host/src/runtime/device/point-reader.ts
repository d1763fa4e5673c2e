import type { CodedError } from '@lwm2m-adapters/errors';
import { type PointValue, pointValuesEqual, toPointValue } from '@lwm2m-adapters/mapping';
import type { AdapterLogger, PointReading } from '@lwm2m-adapters/sdk';
import type { HostClock } from '../host-clock.js';
import type { DeviceHealthTracker } from './device-health.js';
import { recordFailedReading, recordGoodReading } from './point-cache.js';
import type { ChangedPoint, PointRecord } from './point-record.js';
import { codedDeviceError } from './session-supervisor.js';

/**
 * Why points are read: a poll, a server's request, or the re-read of a point a server just wrote
 * (a background read too, but the engine has told the point's observers of the write already);
 * or what a device-side subscription delivered.
 */
export type ReadKind = 'poll' | 'on-demand' | 'after-write' | 'subscription';

/**
 * A point's LwM2M value changed, or came back after a failure: its path (with the runner's report
 * prefix, if any: a gateway's end device), the value, and whether it was found by the re-read
 * after a server write. The engine reports a write to the observers itself when it applies it,
 * and their read of the value waits for that re-read: such a change is for Send batches only, or
 * every observer would be notified twice.
 */
export type ValueChangeListener = (point: ChangedPoint, value: PointValue, afterWrite: boolean) => void;

/** One adapter read, for metrics. */
export interface ReadOutcome {
  readonly durationMs: number;
  readonly points: number;
  readonly failed: number;
  /** A poll (or a write's re-read), not a server's request. */
  readonly background: boolean;
}

export interface PointReaderOptions {
  readonly deviceId: string;
  /** The device's bound points by id. */
  readonly points: ReadonlyMap<string, PointRecord>;
  /** The adapter read: a reading per point asked, never a rejection (SessionSupervisor.read). */
  readonly read: (pointIds: readonly string[]) => Promise<PointReading[]>;
  /** Told every read's readings: whether the device answers. */
  readonly health?: DeviceHealthTracker | undefined;
  readonly clock: HostClock;
  readonly logger: AdapterLogger;
  readonly onValueChanged?: ValueChangeListener | undefined;
  readonly onRead?: ((outcome: ReadOutcome) => void) | undefined;
}

export interface PointReaderCounters {
  readonly adapterReads: number;
  readonly pointReads: number;
  readonly readErrors: number;
  readonly changes: number;
  /** Deliveries of device-side subscriptions (their readings count in pointReads). */
  readonly deliveries: number;
}

/**
 * Turns adapter readings into the points' records (their cache entries): each reading is
 * converted to its LwM2M value (a conversion that fails is a failed reading), recorded with the
 * host's time, and reported when the value changed or came back after a failure. A point's first
 * failure is logged, repeats are not.
 */
export class PointReader {
  readonly #options: PointReaderOptions;
  readonly #counters = { adapterReads: 0, pointReads: 0, readErrors: 0, changes: 0, deliveries: 0 };

  constructor(options: PointReaderOptions) {
    this.#options = options;
  }

  get counters(): PointReaderCounters {
    return { ...this.#counters };
  }

  /** One adapter read; every outcome lands in the points' records. Never rejects. */
  async read(pointIds: readonly string[], kind: ReadKind): Promise<void> {
    const { clock } = this.#options;
    const started = clock.monotonicNow();
    this.#counters.adapterReads++;
    const readings = await this.#options.read(pointIds);
    const failed = this.record(readings, kind);
    try {
      this.#options.onRead?.({
        durationMs: clock.monotonicNow() - started,
        points: readings.length,
        failed,
        background: kind !== 'on-demand',
      });
    } catch {
      // metrics must not break reads
    }
  }

  /**
   * Readings into the records, as `read` records its own: what a device-side subscription delivered
   * goes the same way (conversion, quality, change reports), so a subscribed point notifies as a
   * polled one does. Returns how many failed.
   */
  record(readings: readonly PointReading[], kind: ReadKind): number {
    const readAt = this.#options.clock.now();
    if (kind === 'subscription') this.#counters.deliveries++;
    this.#options.health?.record(readings, readAt);
    let failed = 0;
    // indexed, not for-of: no iterator allocated per read (this is the per-value path)
    for (let i = 0; i < readings.length; i++) {
      const reading = readings[i]!;
      const record = this.#options.points.get(reading.pointId);
      if (record === undefined) continue;
      this.#counters.pointReads++;
      if (!reading.ok) {
        failed++;
        this.#recordError(record, reading.error, readAt);
        continue;
      }
      let value: PointValue;
      try {
        value = toPointValue(record.point, reading.value);
      } catch (error) {
        failed++;
        this.#recordError(record, codedDeviceError(error, this.#options.deviceId, reading.pointId), readAt);
        continue;
      }
      this.#recordValue(record, value, reading.timestamp, readAt, kind === 'after-write');
    }
    this.#counters.readErrors += failed;
    return failed;
  }

  #recordValue(
    record: PointRecord,
    value: PointValue,
    at: number,
    readAt: number,
    afterWrite: boolean,
  ): void {
    if (!recordGoodReading(record, value, at, readAt, pointValuesEqual)) return;
    this.#counters.changes++;
    const listener = this.#options.onValueChanged;
    if (listener === undefined) return;
    try {
      listener(record, value, afterWrite);
    } catch (error) {
      this.#options.logger.warn(
        { deviceId: this.#options.deviceId, point: record.point.id, err: error },
        'change listener failed',
      );
    }
  }

  #recordError(record: PointRecord, error: CodedError, readAt: number): void {
    if (recordFailedReading(record, error, readAt)) {
      this.#options.logger.warn(
        {
          deviceId: this.#options.deviceId,
          point: record.point.id,
          code: error.code,
          message: error.message,
        },
        'point read failed',
      );
    }
  }
}
