import type { PointReading } from '@lwm2m-adapters/sdk';
import type { HostClock } from '../host-clock.js';
import type { DeviceHealthTracker } from './device-health.js';
import { PointReadPass, type ReadPassTarget } from './point-read-pass.js';
import { deliverReadings, type SupervisedReadingSink } from './supervised-reading-sink.js';

/**
 * Why points are read: a poll, a server's request, or the re-read of a point a server just wrote
 * (a background read too, but the engine has told the point's observers of the write already);
 * or what a device-side subscription delivered.
 */
export type ReadKind = 'poll' | 'on-demand' | 'after-write' | 'subscription';

/** One adapter read, for metrics. */
export interface ReadOutcome {
  readonly durationMs: number;
  readonly points: number;
  readonly failed: number;
  /** A poll (or a write's re-read), not a server's request. */
  readonly background: boolean;
}

export interface PointReaderOptions extends ReadPassTarget {
  /** The adapter read into a sink, never a rejection (SessionSupervisor.readInto). */
  readonly read: (pointIds: readonly string[], sink: SupervisedReadingSink) => Promise<void>;
  /** Told every read's outcome: whether the device answers. */
  readonly health?: DeviceHealthTracker | undefined;
  readonly clock: HostClock;
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
 * Turns adapter reads into the points' records (their cache entries), one `PointReadPass` per
 * read: the adapter gives each point's outcome to the pass as it has it, with no reading object
 * when its session has `readInto`. Each read tells the device's health and the metrics.
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
    const pass = new PointReadPass(this.#options, pointIds, kind === 'after-write');
    await this.#options.read(pointIds, pass);
    this.#finish(pass, pointIds.length);
    try {
      this.#options.onRead?.({
        durationMs: clock.monotonicNow() - started,
        points: pointIds.length,
        failed: pass.failed,
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
    if (kind === 'subscription') this.#counters.deliveries++;
    const pointIds = readings.map((reading) => reading.pointId);
    const pass = new PointReadPass(this.#options, pointIds, kind === 'after-write');
    deliverReadings(pointIds, readings, pass);
    this.#finish(pass, pointIds.length);
    return pass.failed;
  }

  #finish(pass: PointReadPass, points: number): void {
    pass.finish();
    if (points > 0) this.#options.health?.recordVerdict(pass, pass.readAt);
    const counters = this.#counters;
    counters.pointReads += pass.pointReads;
    counters.readErrors += pass.failed;
    counters.changes += pass.changes;
  }
}
