import { CodedError } from '@lwm2m-adapters/errors';
import {
  type NumberSlot,
  type PointValue,
  plainLwm2mNumber,
  pointValuesEqual,
  toPointValue,
} from '@lwm2m-adapters/mapping';
import type { AdapterLogger, RawValue } from '@lwm2m-adapters/sdk';
import type { HostClock } from '../host-clock.js';
import type { ReadVerdict } from './device-health.js';
import { recordFailedReading, recordGoodNumber, recordGoodReading } from './point-cache.js';
import type { ChangedPoint, PointRecord } from './point-record.js';
import { codedDeviceError } from './session-supervisor.js';
import type { SupervisedReadingSink } from './supervised-reading-sink.js';

/**
 * A point's LwM2M value changed, or came back after a failure: the point (its path, with the
 * runner's report prefix if any: a gateway's end device; its value), and whether it was found by
 * the re-read after a server write. The engine reports a write to the observers itself when it applies it,
 * and their read of the value waits for that re-read: such a change is for Send batches only, or
 * every observer would be notified twice.
 */
export type ValueChangeListener = (point: ChangedPoint, afterWrite: boolean) => void;

/** Where a read pass records: one device's points, and who hears of their changes. */
export interface ReadPassTarget {
  readonly deviceId: string;
  /** The device's bound points by id. */
  readonly points: ReadonlyMap<string, PointRecord>;
  readonly clock: Pick<HostClock, 'now'>;
  readonly logger: AdapterLogger;
  readonly onValueChanged?: ValueChangeListener | undefined;
}

/**
 * A number slot of its own class: its field only ever holds numbers, so V8 keeps it as a double
 * written in place. A `{ value }` literal shares its shape with every such literal in the process
 * (strings and booleans included), whose field is generic: each store was a new heap number.
 */
class ConvertedNumber implements NumberSlot {
  value = Number.NaN;
}

/**
 * One adapter read's readings on their way into the points' records: the sink the adapter (or the
 * supervisor, for an adapter without `readInto`) gives each index's outcome to. A value is
 * converted to its LwM2M value (a conversion that fails is a failed reading), recorded with the
 * host's time, and reported when it changed or came back after a failure; a value the record
 * knows it was converted from already is only stamped (PointRecord.holdsRaw). A point's first
 * failure is logged, repeats are not. Each index counts once; what comes after `finish` is dropped.
 */
export class PointReadPass implements SupervisedReadingSink, ReadVerdict {
  readonly #options: ReadPassTarget;
  readonly #pointIds: readonly string[];
  readonly #afterWrite: boolean;
  readonly #given: Uint8Array;
  #givenCount = 0;
  #finished = false;
  /** When the first outcome came, on the host's clock (NaN before): the records' `readAt`. */
  #readAt = Number.NaN;
  /** A converted number on its way into a record (plainLwm2mNumber): a number field, not a result. */
  readonly #number = new ConvertedNumber();
  pointReads = 0;
  failed = 0;
  changes = 0;
  answered = false;
  succeeded = false;
  firstError: CodedError | undefined = undefined;

  constructor(options: ReadPassTarget, pointIds: readonly string[], afterWrite: boolean) {
    this.#options = options;
    this.#pointIds = pointIds;
    this.#afterWrite = afterWrite;
    this.#given = new Uint8Array(pointIds.length);
  }

  /** When the read's outcomes were recorded, on the host's clock. */
  get readAt(): number {
    this.#stamp();
    return this.#readAt;
  }

  /**
   * Takes the host's time once per read, into a field: the per-value path reads the field, since
   * a double returned from a call is a new heap number each time.
   */
  #stamp(): void {
    if (Number.isNaN(this.#readAt)) this.#readAt = this.#options.clock.now();
  }

  value(index: number, raw: RawValue, timestamp: number): void {
    if (!this.#take(index)) return;
    this.answered = true;
    this.succeeded = true;
    const record = this.#options.points.get(this.#pointIds[index]!);
    if (record === undefined) return;
    this.pointReads++;
    this.#stamp();
    if (record.holdsRaw(raw)) {
      record.valueAt = timestamp;
      record.readAt = this.#readAt;
      return;
    }
    const { point } = record;
    if (typeof raw === 'number' && plainLwm2mNumber(point, raw, this.#number)) {
      const type = point.resourceType as 'float' | 'integer' | 'unsigned';
      const changed = recordGoodNumber(record, type, this.#number, timestamp, this.#readAt);
      record.rememberRaw(raw);
      if (changed) this.#report(record);
      return;
    }
    let value: PointValue;
    try {
      value = toPointValue(point, raw);
    } catch (error) {
      this.#recordError(record, codedDeviceError(error, this.#options.deviceId, point.id), this.#readAt);
      return;
    }
    const changed = recordGoodReading(record, value, timestamp, this.#readAt, pointValuesEqual);
    record.rememberRaw(raw);
    if (changed) this.#report(record);
  }

  error(index: number, error: CodedError, _timestamp: number): void {
    if (!this.#take(index)) return;
    if (!error.retriable) this.answered = true;
    this.firstError ??= error;
    const record = this.#options.points.get(this.#pointIds[index]!);
    if (record === undefined) return;
    this.pointReads++;
    this.#stamp();
    this.#recordError(record, error, this.#readAt);
  }

  failRest(error: CodedError, timestamp: number): void {
    for (let i = 0; i < this.#given.length && this.#givenCount < this.#given.length; i++) {
      if (this.#given[i] === 0) this.error(i, error, timestamp);
    }
  }

  /**
   * The adapter's read settled: an index it gave nothing for fails (DEVICE_FAILURE, a broken
   * adapter), and later outcomes are dropped.
   */
  finish(): void {
    if (this.#finished) return;
    const missing = this.#given.length - this.#givenCount;
    if (missing > 0) {
      const { deviceId } = this.#options;
      this.failRest(
        new CodedError(
          'DEVICE_FAILURE',
          `${deviceId}: the adapter gave no reading for ${missing} of the ${this.#given.length} points read`,
          { details: { deviceId } },
        ),
        this.#options.clock.now(),
      );
    }
    this.#finished = true;
  }

  /** Whether the index is one of the list's and its first outcome. */
  #take(index: number): boolean {
    if (this.#finished || this.#given[index] !== 0) return false; // out of range: undefined
    this.#given[index] = 1;
    this.#givenCount++;
    return true;
  }

  #report(record: PointRecord): void {
    this.changes++;
    const listener = this.#options.onValueChanged;
    if (listener === undefined) return;
    try {
      listener(record, this.#afterWrite);
    } catch (error) {
      this.#options.logger.warn(
        { deviceId: this.#options.deviceId, point: record.point.id, err: error },
        'change listener failed',
      );
    }
  }

  #recordError(record: PointRecord, error: CodedError, readAt: number): void {
    this.failed++;
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
