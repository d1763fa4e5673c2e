import type { CodedError } from '@lwm2m-adapters/errors';
import type { AdapterLogger, PointReading, Subscription, SubscriptionOptions } from '@lwm2m-adapters/sdk';
import type { HostClock } from '../host-clock.js';
import type { SubscriptionGroup } from './subscription-plan.js';

export interface DeviceSubscriptionsOptions {
  readonly deviceId: string;
  /** The session's subscribe (SessionSupervisor.subscribe): rejects with a CodedError. */
  readonly subscribe: (
    pointIds: readonly string[],
    options: SubscriptionOptions,
    listener: (readings: readonly PointReading[]) => void,
  ) => Promise<Subscription>;
  /** What a subscription delivers (PointReader.record). */
  readonly deliver: (readings: readonly PointReading[]) => void;
  /** A group that could not be subscribed: its points get this error until it is. */
  readonly failed: (pointIds: readonly string[], error: CodedError) => void;
  readonly clock: HostClock;
  readonly logger: AdapterLogger;
  /** First retry of a failed subscribe, doubling up to `maxRetryMs`. Default 1000 ms. */
  readonly retryMs?: number;
  /** Default 30 s. */
  readonly maxRetryMs?: number;
}

export interface DeviceSubscriptionsStats {
  /** Live device-side subscriptions. */
  readonly subscriptions: number;
  /** Points they cover. */
  readonly subscribedPoints: number;
  readonly subscribes: number;
  readonly modifies: number;
  readonly closes: number;
  readonly failures: number;
}

interface LiveGroup {
  key: string;
  options: SubscriptionOptions;
  readonly pointIds: readonly string[];
  /** The same, for lookups. */
  readonly ids: ReadonlySet<string>;
  readonly subscription: Subscription;
  /** Cleared on close: a late delivery is dropped. */
  open: boolean;
}

/** Identity of a group's points, to tell an options change from other points. */
function pointsKey(pointIds: readonly string[]): string {
  return pointIds.join('\n');
}

/**
 * The device-side subscriptions of one device: made to match the groups the runner wants (see
 * `subscriptionGroups`), updated as observations come and go: a group whose points stay but whose
 * options change is modified (closed and made again when the adapter has no `modify`), a group no
 * longer wanted closed, a new one subscribed; each in few calls, one change at a time. What they
 * deliver goes to `deliver`. A subscribe that fails marks its points with the error and is tried
 * again with capped backoff. The session itself keeps live subscriptions across reconnections.
 */
export class DeviceSubscriptions {
  readonly #options: DeviceSubscriptionsOptions;
  readonly #live = new Map<string, LiveGroup>();
  #wanted: readonly SubscriptionGroup[] = [];
  #work: Promise<void> = Promise.resolve();
  #retryMs: number;
  #cancelRetry: (() => void) | undefined;
  #closed = false;
  readonly #counters = { subscribes: 0, modifies: 0, closes: 0, failures: 0 };

  constructor(options: DeviceSubscriptionsOptions) {
    this.#options = options;
    this.#retryMs = options.retryMs ?? 1000;
  }

  /** Makes the device's subscriptions these groups (asynchronously, in order of calls). */
  update(groups: readonly SubscriptionGroup[]): void {
    if (this.#closed) return;
    this.#wanted = groups;
    this.#enqueue();
  }

  /** Whether a live subscription delivers this point's changes (its cache entry is then current). */
  covers(pointId: string): boolean {
    for (const group of this.#live.values()) if (group.ids.has(pointId)) return true;
    return false;
  }

  /** Resolves once every update asked so far is applied (for tests and shutdown). */
  settled(): Promise<void> {
    return this.#work;
  }

  stats(): DeviceSubscriptionsStats {
    let points = 0;
    for (const group of this.#live.values()) points += group.pointIds.length;
    return { subscriptions: this.#live.size, subscribedPoints: points, ...this.#counters };
  }

  /** Closes every subscription; later updates are ignored. Idempotent. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#wanted = [];
      this.#cancelRetry?.();
      this.#cancelRetry = undefined;
      this.#enqueue();
    }
    return this.#work;
  }

  #enqueue(): void {
    // one failed update must not stop the next ones
    this.#work = this.#work
      .then(() => this.#reconcile())
      .catch((error: unknown) => {
        this.#options.logger.warn(
          { deviceId: this.#options.deviceId, err: error },
          'subscription update failed',
        );
        this.#scheduleRetry();
      });
  }

  async #reconcile(): Promise<void> {
    const wanted = new Map(this.#wanted.map((group) => [group.key, group]));
    const stale: LiveGroup[] = [];
    for (const [key, live] of this.#live) {
      const group = wanted.get(key);
      if (group !== undefined && pointsKey(group.pointIds) === pointsKey(live.pointIds)) {
        wanted.delete(key);
      } else {
        stale.push(live);
      }
    }
    // the same points with other options: modify when the adapter can
    const byPoints = new Map([...wanted.values()].map((group) => [pointsKey(group.pointIds), group]));
    for (const live of stale.splice(0)) {
      const group = byPoints.get(pointsKey(live.pointIds));
      if (
        group !== undefined &&
        live.subscription.modify !== undefined &&
        (await this.#modify(live, group))
      ) {
        wanted.delete(group.key);
        byPoints.delete(pointsKey(group.pointIds));
      } else {
        stale.push(live);
      }
    }
    for (const live of stale) await this.#close(live);
    let failed = false;
    for (const group of wanted.values()) {
      if (this.#closed) break;
      if (!(await this.#subscribe(group))) failed = true;
    }
    if (failed) this.#scheduleRetry();
    else this.#retryMs = this.#options.retryMs ?? 1000;
  }

  async #subscribe(group: SubscriptionGroup): Promise<boolean> {
    const { deviceId, logger } = this.#options;
    const holder: { live: LiveGroup | undefined; early: (readonly PointReading[])[] } = {
      live: undefined,
      early: [],
    };
    const listener = (readings: readonly PointReading[]): void => {
      // initial values may arrive before subscribe resolves: kept, then delivered in order
      if (holder.live === undefined) holder.early.push(readings);
      else if (holder.live.open) this.#options.deliver(readings);
    };
    this.#counters.subscribes++;
    let subscription: Subscription;
    try {
      subscription = await this.#options.subscribe(group.pointIds, group.options, listener);
    } catch (error) {
      this.#counters.failures++;
      const coded = error as CodedError;
      logger.warn(
        { deviceId, points: group.pointIds.length, code: coded.code, message: coded.message },
        'subscribe failed; points read on demand until it succeeds',
      );
      this.#options.failed(group.pointIds, coded);
      return false;
    }
    const live: LiveGroup = { ...group, ids: new Set(group.pointIds), subscription, open: true };
    holder.live = live;
    if (this.#closed) {
      await this.#close(live);
      return true;
    }
    this.#live.set(group.key, live);
    for (const readings of holder.early.splice(0)) this.#options.deliver(readings);
    return true;
  }

  async #modify(live: LiveGroup, group: SubscriptionGroup): Promise<boolean> {
    try {
      await live.subscription.modify?.(group.options);
    } catch (error) {
      this.#options.logger.warn(
        { deviceId: this.#options.deviceId, err: error },
        'subscription modify failed; subscribing again',
      );
      return false;
    }
    this.#counters.modifies++;
    this.#live.delete(live.key);
    live.key = group.key;
    live.options = group.options;
    this.#live.set(group.key, live);
    return true;
  }

  async #close(live: LiveGroup): Promise<void> {
    live.open = false;
    this.#live.delete(live.key);
    this.#counters.closes++;
    try {
      await live.subscription.close();
    } catch (error) {
      this.#options.logger.warn(
        { deviceId: this.#options.deviceId, err: error },
        'subscription close failed',
      );
    }
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#cancelRetry !== undefined) return;
    const delay = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, this.#options.maxRetryMs ?? 30_000);
    this.#cancelRetry = this.#options.clock.setTimer(delay, () => {
      this.#cancelRetry = undefined;
      if (!this.#closed) this.#enqueue();
    });
  }
}
