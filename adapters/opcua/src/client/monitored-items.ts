import { CodedError } from '@lwm2m-adapters/errors';
import type { PointReading, SubscriptionOptions } from '@lwm2m-adapters/sdk';
import {
  AttributeIds,
  type ClientSubscription,
  DataChangeFilter,
  DataChangeTrigger,
  type DataValue,
  DeadbandType,
  type ModifyMonitoredItemsRequestOptions,
  type ModifyMonitoredItemsResponse,
  type MonitoredItemCreateRequestOptions,
  MonitoringMode,
  StatusCodes,
  TimestampsToReturn,
} from 'node-opcua-client';
import { isMethodPoint, type OpcuaPoint, type OpcuaVariablePoint } from '../config/point-schema.js';
import { errorFromException, errorFromStatus } from '../errors/status-errors.js';
import { valueFromVariant } from '../values/variant-values.js';
import type { Resolution } from './node-resolution.js';
import type { OperationLimits } from './operation-limits.js';
import type { RawSession } from './raw-session.js';

/** One monitored item kept alive across reconnections. */
interface Item {
  readonly clientHandle: number;
  readonly pointId: string;
  readonly owner: ItemGroup;
  /** Set while the item exists on the current server session. */
  monitoredItemId: number | undefined;
}

/** The items of one `subscribe` call, with their options and listener. */
export interface ItemGroup {
  options: SubscriptionOptions;
  readonly listener: (readings: readonly PointReading[]) => void;
  readonly items: Item[];
  closed: boolean;
  /** Readings of the notifications being dispatched now, handed to the listener in one call. */
  batch: PointReading[];
}

/** A usable server session as the monitored items see it. */
export interface MonitoringSession {
  readonly session: RawSession;
  readonly limits: OperationLimits;
  /** The session's one subscription, once created. */
  readonly subscription: ClientSubscription | undefined;
}

/** What the items need from the link that owns the connection. */
export interface MonitoringLink {
  readonly points: ReadonlyMap<string, OpcuaPoint>;
  /** The current server session, or undefined while disconnected. */
  current(): MonitoringSession | undefined;
  /** The session's one subscription, created on first need (one creation however many ask). */
  subscriptionOf(live: MonitoringSession): Promise<ClientSubscription>;
  resolved(pointId: string): Resolution | undefined;
  /** Runs one service request, counted and with its failure as a CodedError. */
  service<T>(operation: () => Promise<T>, what: string): Promise<T>;
  /** Why the link is down, for items subscribed meanwhile. */
  lastError(): CodedError | undefined;
  redact(text: string): string;
  /** Counts one data change notification. */
  notified(): void;
}

/**
 * The device's monitored items on its ONE subscription: created in batches (the subscribe calls
 * of one turn become one CreateMonitoredItems per MaxMonitoredItemsPerCall), modified and deleted
 * by group, routed to their group's listener, and re-created on every new server session after a
 * reconnection (`recreateAll`). Values reach listeners converted; failures as error readings.
 *
 * Notifications are routed by client handle through node-opcua's subscription dispatch
 * (`_add_monitored_item`/`_removeMonitoredItem`, not public API: the item requests themselves go
 * out through the raw subscription services so that they can be batched). node-opcua is pinned to
 * an exact version for this; the subscription tests cover the dispatch.
 */
export class MonitoredItems {
  readonly #host: MonitoringLink;
  readonly #items = new Map<number, Item>();
  readonly #pendingCreate = new Set<Item>();
  /** Items the server (or the point's resolution) refused: a gauge, re-evaluated at every reconnection. */
  readonly #failedItems = new Set<Item>();
  #flushScheduled: Promise<void> | undefined;
  #nextHandle = 1;

  constructor(host: MonitoringLink) {
    this.#host = host;
  }

  /** Items kept (live on the server or waiting for it). */
  get size(): number {
    return this.#items.size;
  }

  /** After a new server session: every item is created again on its new subscription. */
  async recreateAll(): Promise<void> {
    for (const item of this.#items.values()) {
      item.monitoredItemId = undefined;
      this.#pendingCreate.add(item);
    }
    await this.#flush();
  }

  /** The session is gone: no item exists on the server any more; every listener hears why. */
  sessionLost(error: CodedError): void {
    for (const item of this.#items.values()) item.monitoredItemId = undefined;
    this.#deliverErrors([...this.#items.values()], error);
  }

  /** Gauges: items live on the server, items refused. */
  stats(): { itemsMonitored: number; itemsFailed: number } {
    let monitored = 0;
    for (const item of this.#items.values()) if (item.monitoredItemId !== undefined) monitored++;
    return { itemsMonitored: monitored, itemsFailed: this.#failedItems.size };
  }

  /** Ends every group: no listener is called again. */
  closeAll(): void {
    for (const item of this.#items.values()) item.owner.closed = true;
    this.#items.clear();
    this.#pendingCreate.clear();
    this.#failedItems.clear();
  }

  /** Adds a group of items; they are created in the next batch (one CreateMonitoredItems per turn). */
  async subscribe(
    pointIds: readonly string[],
    options: SubscriptionOptions,
    listener: ItemGroup['listener'],
  ): Promise<ItemGroup> {
    const group: ItemGroup = { options, listener, items: [], closed: false, batch: [] };
    const unmonitorable: PointReading[] = [];
    for (const id of pointIds) {
      const point = this.#host.points.get(id);
      if (point === undefined || isMethodPoint(point)) {
        unmonitorable.push({
          pointId: id,
          ok: false,
          timestamp: Date.now(),
          error: new CodedError('DEVICE_OPERATION_UNSUPPORTED', `${id} is not a variable`),
        });
        continue;
      }
      const item: Item = {
        clientHandle: this.#nextHandle++,
        pointId: id,
        owner: group,
        monitoredItemId: undefined,
      };
      group.items.push(item);
      this.#items.set(item.clientHandle, item);
      this.#pendingCreate.add(item);
    }
    if (unmonitorable.length > 0) listener(unmonitorable);
    if (this.#host.current() === undefined) {
      const error = this.#host.lastError();
      if (error !== undefined) this.#deliverErrors(group.items, error);
      return group;
    }
    await this.#scheduleFlush();
    return group;
  }

  #scheduleFlush(): Promise<void> {
    this.#flushScheduled ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      this.#flushScheduled = undefined;
      await this.#flush();
    });
    return this.#flushScheduled;
  }

  /** Creates every pending item: the subscription first if there is none yet, then batches. */
  async #flush(): Promise<void> {
    const live = this.#host.current();
    if (live === undefined || this.#pendingCreate.size === 0) return;
    let subscription: ClientSubscription;
    try {
      subscription = await this.#host.subscriptionOf(live);
      if (this.#host.current() !== live) return;
    } catch (err) {
      const error = errorFromException(err, 'creating the subscription', this.#host.redact);
      this.#deliverErrors([...this.#pendingCreate], error);
      return;
    }
    const pending = [...this.#pendingCreate].filter((i) => !i.owner.closed);
    this.#pendingCreate.clear();
    for (const item of pending) this.#failedItems.delete(item);
    const creatable: Item[] = [];
    for (const item of pending) {
      const r = this.#host.resolved(item.pointId);
      if (r === undefined || !r.ok || r.point.kind !== 'variable') {
        this.#failedItems.add(item);
        this.#deliverErrors(
          [item],
          r !== undefined && !r.ok
            ? r.error
            : new CodedError('DEVICE_ADDRESS_UNKNOWN', `${item.pointId} is not a variable`),
        );
      } else creatable.push(item);
    }
    for (let i = 0; i < creatable.length; i += live.limits.monitor) {
      const chunk = creatable.slice(i, i + live.limits.monitor);
      let results: {
        statusCode: { isGood(): boolean; name: string; value: number };
        monitoredItemId: number;
      }[];
      try {
        const response = await this.#host.service(
          () =>
            live.session.createMonitoredItems({
              subscriptionId: subscription.subscriptionId,
              timestampsToReturn: TimestampsToReturn.Both,
              itemsToCreate: chunk.map((item) => this.#createRequest(item)),
            }),
          `monitoring ${chunk.length} variables`,
        );
        results = (response.results ?? []) as typeof results;
      } catch (err) {
        this.#deliverErrors(chunk, err as CodedError);
        for (const item of chunk) this.#pendingCreate.add(item);
        return;
      }
      chunk.forEach((item, k) => {
        const result = results[k];
        if (result === undefined || !result.statusCode.isGood()) {
          this.#failedItems.add(item);
          this.#deliverErrors(
            [item],
            errorFromStatus(
              result?.statusCode ?? StatusCodes.BadUnexpectedError,
              `monitoring ${item.pointId}`,
            ),
          );
          return;
        }
        item.monitoredItemId = result.monitoredItemId;
        if (item.owner.closed) {
          // unsubscribed while being created: delete it again
          void this.#deleteItems(live, subscription, [result.monitoredItemId]);
          return;
        }
        this.#attachSink(subscription, item);
      });
    }
  }

  #createRequest(item: Item): MonitoredItemCreateRequestOptions {
    const r = this.#host.resolved(item.pointId) as { ok: true; point: { kind: 'variable'; nodeId: unknown } };
    return {
      itemToMonitor: { nodeId: r.point.nodeId as never, attributeId: AttributeIds.Value },
      monitoringMode: MonitoringMode.Reporting,
      requestedParameters: this.#parameters(item),
    };
  }

  #parameters(item: Item) {
    const point = this.#host.points.get(item.pointId) as OpcuaVariablePoint;
    const options = item.owner.options;
    const deadband = options.deadband;
    return {
      clientHandle: item.clientHandle,
      samplingInterval: point.samplingIntervalMs ?? options.samplingIntervalMs,
      queueSize: options.queueSize ?? point.queueSize,
      discardOldest: true,
      filter:
        deadband !== undefined && deadband > 0
          ? new DataChangeFilter({
              trigger: DataChangeTrigger.StatusValue,
              deadbandType: DeadbandType.Absolute,
              deadbandValue: deadband,
            })
          : null,
    };
  }

  /** Routes the subscription's notifications for this item's client handle to the group's listener. */
  #attachSink(subscription: ClientSubscription, item: Item): void {
    const point = this.#host.points.get(item.pointId) as OpcuaVariablePoint;
    const r = this.#host.resolved(item.pointId) as { ok: true; point: { kind: 'variable'; typeId: number } };
    const sink = {
      monitoringParameters: { clientHandle: item.clientHandle },
      itemToMonitor: { attributeId: AttributeIds.Value },
      _notify_value_change: (dv: DataValue) => {
        if (item.owner.closed || this.#items.get(item.clientHandle) !== item) return;
        this.#host.notified();
        const timestamp = dv.sourceTimestamp?.getTime() ?? dv.serverTimestamp?.getTime() ?? Date.now();
        if (dv.statusCode.isBad()) {
          this.#deliver(item.owner, {
            pointId: item.pointId,
            ok: false,
            timestamp,
            error: errorFromStatus(dv.statusCode, `monitoring ${point.node}`),
          });
          return;
        }
        const converted = valueFromVariant(point, dv.value, r.point.typeId);
        this.#deliver(
          item.owner,
          converted.ok
            ? { pointId: item.pointId, ok: true, timestamp, value: converted.value }
            : {
                pointId: item.pointId,
                ok: false,
                timestamp,
                error: new CodedError('DEVICE_RESPONSE_INVALID', converted.reason, { retriable: false }),
              },
        );
      },
      _terminate_and_emit: () => {},
    };
    (
      subscription as unknown as { _add_monitored_item(handle: number, sink: unknown): void }
    )._add_monitored_item(item.clientHandle, sink);
  }

  /**
   * Queues a notification's reading for its group: the readings of one publish response (node-opcua
   * dispatches them synchronously) reach the listener in one call, in a microtask.
   */
  #deliver(group: ItemGroup, reading: PointReading): void {
    group.batch.push(reading);
    if (group.batch.length > 1) return;
    queueMicrotask(() => {
      const readings = group.batch;
      group.batch = [];
      if (!group.closed) group.listener(readings);
    });
  }

  async modify(group: ItemGroup, options: SubscriptionOptions): Promise<void> {
    group.options = options;
    const live = this.#host.current();
    const subscription = live?.subscription;
    if (live === undefined || subscription === undefined) return;
    const items = group.items.filter((i) => i.monitoredItemId !== undefined);
    for (let i = 0; i < items.length; i += live.limits.monitor) {
      const chunk = items.slice(i, i + live.limits.monitor);
      const modifyMonitoredItems = live.session.modifyMonitoredItems.bind(live.session) as (
        request: ModifyMonitoredItemsRequestOptions,
      ) => Promise<ModifyMonitoredItemsResponse>;
      const response = await this.#host.service(
        () =>
          modifyMonitoredItems({
            subscriptionId: subscription.subscriptionId,
            timestampsToReturn: TimestampsToReturn.Both,
            itemsToModify: chunk.map((item) => ({
              monitoredItemId: item.monitoredItemId as number,
              requestedParameters: this.#parameters(item),
            })),
          }),
        'modifying monitored items',
      );
      const bad = (response.results ?? []).find((r) => r.statusCode.isBad());
      if (bad !== undefined) throw errorFromStatus(bad.statusCode, 'modifying monitored items');
    }
  }

  async unsubscribe(group: ItemGroup): Promise<void> {
    if (group.closed) return;
    group.closed = true;
    for (const item of group.items) {
      this.#items.delete(item.clientHandle);
      this.#pendingCreate.delete(item);
      this.#failedItems.delete(item);
    }
    const live = this.#host.current();
    const subscription = live?.subscription;
    const ids = group.items.flatMap((i) => (i.monitoredItemId === undefined ? [] : [i.monitoredItemId]));
    for (const item of group.items)
      (
        subscription as unknown as { _removeMonitoredItem?(h: number): void } | undefined
      )?._removeMonitoredItem?.(item.clientHandle);
    if (live === undefined || subscription === undefined || ids.length === 0) return;
    await this.#deleteItems(live, subscription, ids);
  }

  async #deleteItems(
    live: MonitoringSession,
    subscription: ClientSubscription,
    ids: readonly number[],
  ): Promise<void> {
    for (let i = 0; i < ids.length; i += live.limits.monitor) {
      const chunk = ids.slice(i, i + live.limits.monitor);
      await this.#host
        .service(
          () =>
            live.session.deleteMonitoredItems({
              subscriptionId: subscription.subscriptionId,
              monitoredItemIds: chunk,
            }),
          'deleting monitored items',
        )
        .catch(() => undefined);
    }
  }

  #deliverErrors(items: readonly Item[], error: CodedError): void {
    const byGroup = new Map<ItemGroup, PointReading[]>();
    const timestamp = Date.now();
    for (const item of items) {
      if (item.owner.closed) continue;
      const list = byGroup.get(item.owner) ?? [];
      list.push({ pointId: item.pointId, ok: false, timestamp, error });
      byGroup.set(item.owner, list);
    }
    for (const [group, readings] of byGroup) group.listener(readings);
  }
}
