import type { CodedError } from '@lwm2m-adapters/errors';
import type { PointReading, ReadingSink } from '@lwm2m-adapters/sdk';

/**
 * Where a supervised read puts its readings (SessionSupervisor.readInto): the adapter's own
 * `ReadingSink`, which the supervisor can also tell that the adapter failed the rest of a read.
 */
export interface SupervisedReadingSink extends ReadingSink {
  /** The adapter threw: every index not given yet failed with `error`, at `timestamp`. */
  failRest(error: CodedError, timestamp: number): void;
}

/**
 * The readings of `read` (one per id asked, in order) into a sink, each at its index. A reading
 * out of place (an adapter that does not keep the order) goes to the first index asking for its
 * point; one for a point not asked is dropped.
 */
export function deliverReadings(
  pointIds: readonly string[],
  readings: readonly PointReading[],
  sink: ReadingSink,
): void {
  // indexed, not for-of: no iterator per read (this is the per-value path of adapters without readInto)
  for (let i = 0; i < readings.length; i++) {
    const reading = readings[i]!;
    const index = pointIds[i] === reading.pointId ? i : pointIds.indexOf(reading.pointId);
    if (index < 0) continue;
    if (reading.ok) sink.value(index, reading.value, reading.timestamp);
    else sink.error(index, reading.error, reading.timestamp);
  }
}
