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

/**
 * One live subscription: some points of a wanted group (its options key). A group is covered by
 * one or more of them: points that join a group get a subscription of their own, so the points
 * already subscribed are not disturbed (an Observe burst costs one subscribe per burst turn, not a
 * re-subscription of everything observed so far).
 */
interface LiveGroup {
  key: string;
  options: SubscriptionOptions;
  readonly pointIds: readonly string[];
  readonly subscription: Subscription;
  /** Cleared on close: a late delivery is dropped. */
  open: boolean;
}

/**
 * The device-side subscriptions of one device: made to match the groups the runner wants (see
 * `subscriptionGroups`), updated as observations come and go without disturbing what stays:
 * points that join are subscribed on their own, points whose options change are modified (closed
 * and made again when the adapter has no `modify`), points no longer wanted closed; each in few
 * calls, one change at a time. What they
 * deliver goes to `deliver`. A subscribe that fails marks its points with the error and is tried
 * again with capped backoff. The session itself keeps live subscriptions across reconnections.
 */
export class DeviceSubscriptions {
  readonly #options: DeviceSubscriptionsOptions;
  readonly #live = new Set<LiveGroup>();
  /** Point id → the live subscription that covers it. */
  readonly #covering = new Map<string, LiveGroup>();
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
    return this.#covering.has(pointId);
  }

  /** Resolves once every update asked so far is applied (for tests and shutdown). */
  settled(): Promise<void> {
    return this.#work;
  }

  stats(): DeviceSubscriptionsStats {
    return { subscriptions: this.#live.size, subscribedPoints: this.#covering.size, ...this.#counters };
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

  /**
   * Brings the live subscriptions to the wanted groups, disturbing as little as it can: a live
   * subscription whose points all stay in its group stays; one whose points all moved to one other
   * group is modified to that group's options (closed and made again when the adapter cannot
   * modify); one that lost points is closed and its remaining points subscribed again; points not
   * yet covered are subscribed, one subscribe per group.
   */
  async #reconcile(): Promise<void> {
    const wanted = new Map(this.#wanted.map((group) => [group.key, group]));
    const groupOf = new Map<string, SubscriptionGroup>();
    for (const group of wanted.values()) for (const id of group.pointIds) groupOf.set(id, group);
    for (const live of [...this.#live]) {
      if (this.#closed) break;
      const target = groupOf.get(live.pointIds[0] as string);
      const together = target !== undefined && live.pointIds.every((id) => groupOf.get(id) === target);
      if (together && target.key === live.key) continue;
      if (together && live.subscription.modify !== undefined && (await this.#modify(live, target))) continue;
      await this.#close(live);
    }
    let failed = false;
    for (const group of wanted.values()) {
      if (this.#closed) break;
      const missing = group.pointIds.filter((id) => this.#covering.get(id)?.key !== group.key);
      if (missing.length === 0) continue;
      if (!(await this.#subscribe({ ...group, pointIds: missing }))) failed = true;
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
    const live: LiveGroup = {
      key: group.key,
      options: group.options,
      pointIds: group.pointIds,
      subscription,
      open: true,
    };
    holder.live = live;
    if (this.#closed) {
      await this.#close(live);
      return true;
    }
    this.#live.add(live);
    for (const id of live.pointIds) this.#covering.set(id, live);
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
    live.key = group.key;
    live.options = group.options;
    return true;
  }

  async #close(live: LiveGroup): Promise<void> {
    live.open = false;
    this.#live.delete(live);
    for (const id of live.pointIds) if (this.#covering.get(id) === live) this.#covering.delete(id);
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
