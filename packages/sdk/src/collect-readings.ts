import { CodedError } from '@lwm2m-adapters/errors';
import type { PointReading, ReadingSink } from './adapter-session.js';
import type { RawValue } from './raw-value.js';

/** A sink that keeps each outcome as a reading at its index (the first outcome of an index wins). */
class ReadingCollector implements ReadingSink {
  readonly #pointIds: readonly string[];
  readonly readings: (PointReading | undefined)[];

  constructor(pointIds: readonly string[]) {
    this.#pointIds = pointIds;
    this.readings = new Array<PointReading | undefined>(pointIds.length).fill(undefined);
  }

  value(index: number, value: RawValue, timestamp: number): void {
    if (this.#open(index))
      this.readings[index] = { pointId: this.#pointIds[index]!, ok: true, value, timestamp };
  }

  error(index: number, error: CodedError, timestamp: number): void {
    if (this.#open(index))
      this.readings[index] = { pointId: this.#pointIds[index]!, ok: false, error, timestamp };
  }

  #open(index: number): boolean {
    return (
      Number.isInteger(index) &&
      index >= 0 &&
      index < this.readings.length &&
      this.readings[index] === undefined
    );
  }
}

/**
 * `read` for a session that implements `readInto`: what it gives the sink, as one reading per id
 * asked, in order. An index it gave nothing for gets a DEVICE_FAILURE reading; a rejection is
 * passed on.
 *
 *     read(pointIds) {
 *       return collectReadings(pointIds, (sink) => this.readInto(pointIds, sink));
 *     }
 */
export async function collectReadings(
  pointIds: readonly string[],
  readInto: (sink: ReadingSink) => Promise<void>,
): Promise<PointReading[]> {
  const collector = new ReadingCollector(pointIds);
  await readInto(collector);
  const now = Date.now();
  return collector.readings.map(
    (reading, index) =>
      reading ?? {
        pointId: pointIds[index]!,
        ok: false,
        error: new CodedError('DEVICE_FAILURE', `the session gave no reading for point ${pointIds[index]}`),
        timestamp: now,
      },
  );
}
