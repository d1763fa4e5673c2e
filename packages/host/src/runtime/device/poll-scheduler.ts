import { type Clock, type ClockTimer, createClockTimer, systemClock } from '@lwm2m-adapters/kit';

/** Reads a group of points; resolves when the readings are recorded. Never rejects. */
export type GroupReader = (pointIds: readonly string[]) => Promise<void>;

export interface PollSchedulerStats {
  /** Poll cycles started. */
  readonly cycles: number;
  /** Cycles skipped because the previous read of the same group was still running. */
  readonly overruns: number;
  /** Distinct poll intervals (one timer each). */
  readonly groups: number;
  readonly points: number;
}

class PollGroup {
  readonly intervalMs: number;
  pointIds: string[];
  /** When the group's phase started; ticks fall on startedAt + k * interval (no drift). */
  readonly startedAt: number;
  ticks = 0;
  running = false;
  /**
   * The group's tick timer, made once with the group and re-armed by each tick: a timer per tick
   * lived a whole interval and reached the old generation (BENCHMARKS.md, sixth pass).
   */
  readonly timer: ClockTimer;

  constructor(intervalMs: number, pointIds: string[], clock: Clock, onTick: (group: PollGroup) => void) {
    this.intervalMs = intervalMs;
    this.pointIds = pointIds;
    this.startedAt = clock.now();
    this.timer = createClockTimer(clock, () => onTick(this));
  }
}

/**
 * Background reads of one device: points with the same interval form one group, read together
 * (one adapter call, which plans its own batches) on a drift-free timer. A group whose previous
 * read is still running skips the tick (counted) instead of queueing reads behind a slow device.
 * A point is in at most one group; the scheduler keeps no map by point (its caller keeps each
 * point's interval with the point: the device runner's PointRecord).
 */
export class PollScheduler {
  readonly #read: GroupReader;
  readonly #clock: Clock;
  readonly #groups = new Map<number, PollGroup>();
  #cycles = 0;
  #overruns = 0;
  #stopped = false;

  constructor(read: GroupReader, clock: Clock = systemClock) {
    this.#read = read;
    this.#clock = clock;
  }

  /**
   * Sets every point's interval (points absent are not polled). Groups whose interval already ran
   * keep their phase; a new interval starts with an immediate read.
   */
  update(intervals: ReadonlyMap<string, number>): void {
    if (this.#stopped) return;
    const wanted = new Map<number, string[]>();
    for (const [pointId, intervalMs] of intervals) {
      const ids = wanted.get(intervalMs);
      if (ids === undefined) wanted.set(intervalMs, [pointId]);
      else ids.push(pointId);
    }
    for (const [intervalMs, group] of this.#groups) {
      if (!wanted.has(intervalMs)) {
        group.timer.cancel();
        this.#groups.delete(intervalMs);
      }
    }
    for (const [intervalMs, pointIds] of wanted) {
      const group = this.#groups.get(intervalMs);
      if (group !== undefined) {
        const current = new Set(group.pointIds);
        const added = pointIds.some((id) => !current.has(id));
        group.pointIds = pointIds;
        // newly added points are read now rather than up to one interval later
        if (added && !group.running) void this.#run(group, pointIds);
        continue;
      }
      const created = new PollGroup(intervalMs, pointIds, this.#clock, (group) => this.#tick(group));
      this.#groups.set(intervalMs, created);
      this.#tick(created);
    }
  }

  /** Intervals in force, by point id (a copy). */
  intervals(): Map<string, number> {
    const intervals = new Map<string, number>();
    for (const group of this.#groups.values()) {
      for (const pointId of group.pointIds) intervals.set(pointId, group.intervalMs);
    }
    return intervals;
  }

  stats(): PollSchedulerStats {
    return {
      cycles: this.#cycles,
      overruns: this.#overruns,
      groups: this.#groups.size,
      points: this.#pointCount(),
    };
  }

  /** Stops every timer; reads in progress finish. Idempotent. */
  stop(): void {
    this.#stopped = true;
    for (const group of this.#groups.values()) group.timer.cancel();
    this.#groups.clear();
  }

  #pointCount(): number {
    let points = 0;
    for (const group of this.#groups.values()) points += group.pointIds.length;
    return points;
  }

  #tick(group: PollGroup): void {
    if (this.#stopped || this.#groups.get(group.intervalMs) !== group) return;
    if (group.running) this.#overruns++;
    else void this.#run(group, group.pointIds);
    group.ticks++;
    const next = group.startedAt + group.ticks * group.intervalMs;
    const now = this.#clock.now();
    if (next <= now) {
      // fell behind (a blocked event loop): skip the missed ticks rather than burst
      const missed = Math.ceil((now - next) / group.intervalMs);
      group.ticks += missed;
    }
    const delay = Math.max(0, group.startedAt + group.ticks * group.intervalMs - now);
    group.timer.arm(delay);
  }

  async #run(group: PollGroup, pointIds: readonly string[]): Promise<void> {
    group.running = true;
    this.#cycles++;
    try {
      await this.#read(pointIds);
    } finally {
      group.running = false;
    }
  }
}
