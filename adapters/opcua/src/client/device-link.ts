import { basename } from 'node:path';
import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { backoffDelay } from '@lwm2m-adapters/kit';
import type {
  AdapterLogger,
  PointReading,
  RawValue,
  SessionState,
  SubscriptionOptions,
} from '@lwm2m-adapters/sdk';
import {
  AttributeIds,
  type ClientSession,
  type ClientSessionRawSubscriptionService,
  ClientSubscription,
  coerceNodeId,
  DataChangeFilter,
  DataChangeTrigger,
  type DataType,
  type DataValue,
  DeadbandType,
  type ModifyMonitoredItemsRequestOptions,
  type ModifyMonitoredItemsResponse,
  type MonitoredItemCreateRequestOptions,
  MonitoringMode,
  OPCUAClient,
  StatusCodes,
  TimestampsToReturn,
  Variant,
} from 'node-opcua-client';
import type { OpcuaConnection } from '../config/connection-schema.js';
import { isMethodPoint, type OpcuaPoint, type OpcuaVariablePoint } from '../config/point-schema.js';
import { errorFromException, errorFromStatus } from '../errors/status-errors.js';
import { DATA_TYPE_IDS } from '../values/data-type-ids.js';
import { methodArguments } from '../values/execute-arguments.js';
import { scalarToOpcua, valueFromVariant, variantFieldsOf } from '../values/variant-values.js';
import { validateOpcuaWrite } from '../values/write-validation.js';
import {
  type ClientPki,
  clientOptionsOf,
  newestRejectedCertificate,
  openClientPki,
  userIdentityOf,
} from './client-options.js';
import { type Resolution, resolvePoints } from './node-resolution.js';
import { type OperationLimits, readOperationLimits } from './operation-limits.js';

const SERVER_STATE = 'i=2259';

export interface DeviceLinkHooks {
  setState(state: SessionState, error?: CodedError): void;
}

export interface LinkPoint {
  readonly id: string;
  readonly source: OpcuaPoint;
}

/** One monitored item the link keeps alive across reconnections. */
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

interface Counters {
  /** Service requests sent for reads, writes, calls and monitored items (not keep-alive reads). */
  requests: number;
  /** Their responses (including Bad results). */
  replies: number;
  /** Requests not answered within requestTimeoutMs. */
  timeouts: number;
  /** Sessions re-established after a loss. */
  reconnects: number;
  /** Connection attempts (the first included). */
  connectAttempts: number;
  connectFailures: number;
  /** Data change notifications received. */
  notifications: number;
  /** Keep-alive reads that failed (each makes the link reconnect). */
  keepAliveFailures: number;
}

const STATE_NUMBER: Readonly<Record<SessionState, number>> = {
  idle: 0,
  connecting: 1,
  connected: 2,
  reconnecting: 3,
  closed: 4,
};

/** node-opcua's session object also implements the raw subscription services. */
type RawSession = ClientSession & ClientSessionRawSubscriptionService;

/** Where a link is: a usable server session, or not. */
interface Live {
  readonly client: OPCUAClient;
  readonly session: RawSession;
  /** Created with the first monitored item (or at connect when items exist). */
  subscription: ClientSubscription | undefined;
  /** The subscription being created (one per session, however many flushes ask for it). */
  creatingSubscription: Promise<ClientSubscription> | undefined;
  readonly limits: OperationLimits;
}

/**
 * One device's connection to its OPC UA server and everything that must survive its loss: the
 * client and session (re-created from scratch with capped backoff after any loss: a closed
 * channel, a session the server closed, a keep-alive read that fails), the resolved points, and
 * ONE subscription whose monitored items are re-created after every reconnection. node-opcua's own
 * reconnection is off (maxRetry 0): this class is the only retry loop.
 */
export class DeviceLink {
  readonly #connection: OpcuaConnection;
  readonly #deviceId: string;
  readonly #logger: AdapterLogger;
  readonly #hooks: DeviceLinkHooks;
  readonly #points: ReadonlyMap<string, OpcuaPoint>;
  readonly #random: () => number;
  readonly #counters: Counters = {
    requests: 0,
    replies: 0,
    timeouts: 0,
    reconnects: 0,
    connectAttempts: 0,
    connectFailures: 0,
    notifications: 0,
    keepAliveFailures: 0,
  };
  readonly #items = new Map<number, Item>();
  readonly #pendingCreate = new Set<Item>();
  /** Items the server (or the point's resolution) refused: a gauge, re-evaluated at every reconnection. */
  readonly #failedItems = new Set<Item>();
  /** The last message logged per unresolved point (logged again only when it changes). */
  readonly #loggedResolutions = new Map<string, string>();
  #flushScheduled: Promise<void> | undefined;
  #nextHandle = 1;
  #resolutions = new Map<string, Resolution>();
  #pki: ClientPki | undefined;
  #live: Live | undefined;
  #state: SessionState = 'idle';
  #closed = false;
  #attempt = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #keepAliveTimer: NodeJS.Timeout | undefined;
  #lastLoggedError: string | undefined;
  #connecting: Promise<void> | undefined;
  #everConnected = false;

  constructor(
    connection: OpcuaConnection,
    deviceId: string,
    points: readonly LinkPoint[],
    logger: AdapterLogger,
    hooks: DeviceLinkHooks,
    random: () => number = Math.random,
  ) {
    this.#connection = connection;
    this.#deviceId = deviceId;
    this.#logger = logger;
    this.#hooks = hooks;
    this.#points = new Map(points.map((p) => [p.id, p.source]));
    this.#random = random;
  }

  /** Replaces every secret of the connection in a text (node-opcua messages included). */
  redact = (text: string): string => {
    const user = this.#connection.user;
    if (user.type === 'username' && user.password.length > 0) return text.split(user.password).join('***');
    return text;
  };

  /** First connection attempt; on failure the error is thrown and retries continue in the background. */
  async start(): Promise<void> {
    this.#pki = await openClientPki(this.#connection);
    await this.#connectOnce();
    if (this.#live === undefined)
      throw this.#lastError ?? new CodedError('DEVICE_UNREACHABLE', 'not connected');
  }

  #lastError: CodedError | undefined;

  #setState(state: SessionState, error?: CodedError): void {
    if (this.#closed && state !== 'closed') return;
    this.#state = state;
    this.#hooks.setState(state, error);
  }

  #connectOnce(): Promise<void> {
    this.#connecting ??= this.#attemptConnection().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #attemptConnection(): Promise<void> {
    const pki = this.#pki;
    if (pki === undefined || this.#closed) return;
    this.#counters.connectAttempts++;
    const client = OPCUAClient.create(clientOptionsOf(this.#connection, pki));
    let session: RawSession | undefined;
    try {
      await withTimeout(
        client.connect(this.#connection.endpoint),
        this.#connection.connectTimeoutMs,
        'connecting',
      );
      session = await withTimeout(
        client.createSession(await userIdentityOf(this.#connection)) as Promise<RawSession>,
        this.#connection.connectTimeoutMs,
        'activating the session',
      );
      const limits = await readOperationLimits(session);
      this.#resolutions = await resolvePoints(session, this.#points, limits);
      this.#logResolutions();
      const subscription = this.#items.size > 0 ? await this.#createSubscription(session) : undefined;
      if (this.#closed) throw new CodedError('SESSION_CLOSED', 'closed while connecting');
      const live: Live = { client, session, subscription, creatingSubscription: undefined, limits };
      this.#live = live;
      this.#watch(live);
      this.#attempt = 0;
      if (this.#everConnected) this.#counters.reconnects++;
      this.#everConnected = true;
      this.#lastLoggedError = undefined;
      this.#setState('connected');
      this.#logger.info(
        { deviceId: this.#deviceId, endpoint: this.#connection.endpoint },
        'OPC UA session active',
      );
      if (subscription !== undefined) {
        for (const item of this.#items.values()) {
          item.monitoredItemId = undefined;
          this.#pendingCreate.add(item);
        }
        await this.#flush();
      }
    } catch (err) {
      const error = await this.#connectError(err);
      this.#lastError = error;
      this.#counters.connectFailures++;
      await session?.close().catch(() => undefined);
      await client.disconnect().catch(() => undefined);
      if (this.#live?.client === client) this.#live = undefined;
      if (this.#closed) return;
      if (this.#lastLoggedError !== error.message) {
        this.#lastLoggedError = error.message;
        this.#logger.error(
          { deviceId: this.#deviceId, code: error.code, details: error.details },
          error.message,
        );
      }
      this.#setState('reconnecting', error);
      this.#scheduleRetry();
    }
  }

  /** Warns about each point that does not resolve (once per distinct problem, not at every reconnection). */
  #logResolutions(): void {
    for (const [id, r] of this.#resolutions) {
      if (r.ok) {
        this.#loggedResolutions.delete(id);
        continue;
      }
      if (this.#loggedResolutions.get(id) === r.error.message) continue;
      this.#loggedResolutions.set(id, r.error.message);
      this.#logger.warn(
        { deviceId: this.#deviceId, point: id, code: r.error.code, details: r.error.details },
        `point isolated: ${this.redact(r.error.message)}`,
      );
    }
  }

  async #connectError(err: unknown): Promise<CodedError> {
    const where = `OPC UA ${this.#connection.endpoint}`;
    const text = this.redact(err instanceof Error ? err.message : String(err));
    if (
      /BadCertificateUntrusted|certificate verification failed|BadSecurityChecksFailed.*certificate/i.test(
        text,
      )
    ) {
      const pki = this.#pki;
      const rejected = pki === undefined ? undefined : await newestRejectedCertificate(pki);
      const folder = pki?.folder ?? '<pkiFolder>';
      return new CodedError(
        'DEVICE_ACCESS_DENIED',
        `${where}: the server certificate is not trusted: copy ${rejected === undefined ? 'the server certificate' : basename(rejected)} from ${folder}/rejected to ${folder}/trusted/certs, or set trustUnknownServerCertificate: true (${text})`,
        { retriable: true, details: { opcuaStatus: 'BadCertificateUntrusted', rejected } },
      );
    }
    const error = isCodedError(err) ? err : errorFromException(err, where, this.redact);
    if (error.code === 'DEVICE_ACCESS_DENIED' && this.#connection.user.type === 'username') {
      return new CodedError(
        'DEVICE_ACCESS_DENIED',
        `${where}: the server refused user "${this.#connection.user.username}" (wrong user name or password?): ${error.message}`,
        { retriable: true, details: error.details },
      );
    }
    return error;
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#retryTimer !== undefined) return;
    const delay = backoffDelay(
      { initialMs: this.#connection.reconnect.initialMs, maxMs: this.#connection.reconnect.maxMs },
      this.#attempt++,
      this.#random,
    );
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#connectOnce();
    }, delay);
    this.#retryTimer.unref?.();
  }

  async #createSubscription(session: ClientSession): Promise<ClientSubscription> {
    const interval = this.#connection.publishingIntervalMs;
    // keep-alive from the server at least every keepAliveIntervalMs
    const keepAliveCount = Math.max(1, Math.floor(this.#connection.keepAliveIntervalMs / interval));
    const subscription = ClientSubscription.create(session, {
      requestedPublishingInterval: interval,
      requestedMaxKeepAliveCount: keepAliveCount,
      requestedLifetimeCount: keepAliveCount * 6,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 1,
    });
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        subscription.once('started', () => resolve());
        subscription.once('internal_error', (e: Error) => reject(e));
      }),
      this.#connection.requestTimeoutMs,
      'creating the subscription',
    );
    return subscription;
  }

  /** Reacts to every sign of a lost session: channel closed, session closed, subscription ended. */
  #watch(live: Live): void {
    const lost = (why: string) => () =>
      this.#lost(live, new CodedError('DEVICE_UNREACHABLE', `OPC UA ${this.#connection.endpoint}: ${why}`));
    live.client.on('connection_lost', lost('connection lost'));
    live.client.on('close', lost('connection closed'));
    live.session.on('session_closed', lost('the server closed the session'));
    if (live.subscription !== undefined) this.#watchSubscription(live, live.subscription);
    const tick = async () => {
      this.#keepAliveTimer = undefined;
      if (this.#live !== live) return;
      try {
        const [dv] = await live.session.read([
          { nodeId: coerceNodeId(SERVER_STATE), attributeId: AttributeIds.Value },
        ]);
        if (dv !== undefined && !dv.statusCode.isGood() && /Session|Channel/.test(dv.statusCode.name))
          throw new Error(dv.statusCode.name);
      } catch (err) {
        this.#counters.keepAliveFailures++;
        this.#lost(
          live,
          errorFromException(err, `OPC UA ${this.#connection.endpoint}: keep-alive read failed`, this.redact),
        );
        return;
      }
      if (this.#live === live) this.#keepAliveTimer = setTimeout(tick, this.#connection.keepAliveIntervalMs);
    };
    this.#keepAliveTimer = setTimeout(tick, this.#connection.keepAliveIntervalMs);
  }

  #watchSubscription(live: Live, subscription: ClientSubscription): void {
    const lost = (why: string) =>
      this.#lost(live, new CodedError('DEVICE_UNREACHABLE', `OPC UA ${this.#connection.endpoint}: ${why}`));
    subscription.on('terminated', () => lost('the subscription ended'));
    subscription.on('status_changed', (status: { name: string }) => {
      if (status.name === 'BadTimeout') lost('the subscription timed out on the server');
    });
  }

  #lost(live: Live, error: CodedError): void {
    if (this.#live !== live || this.#closed) return;
    this.#live = undefined;
    clearTimeout(this.#keepAliveTimer);
    this.#keepAliveTimer = undefined;
    this.#logger.warn({ deviceId: this.#deviceId, code: error.code }, error.message);
    this.#lastError = error;
    this.#setState('reconnecting', error);
    for (const item of this.#items.values()) item.monitoredItemId = undefined;
    this.#deliverErrors([...this.#items.values()], error);
    void (async () => {
      await live.session.close(false).catch(() => undefined);
      await live.client.disconnect().catch(() => undefined);
    })();
    this.#scheduleRetry();
  }

  get state(): SessionState {
    return this.#state;
  }

  #requireLive(): Live {
    const live = this.#live;
    if (live === undefined)
      throw new CodedError(
        'DEVICE_UNREACHABLE',
        `OPC UA ${this.#connection.endpoint} is not connected${this.#lastError === undefined ? '' : `: ${this.#lastError.message}`}`,
      );
    return live;
  }

  async #service<T>(operation: () => Promise<T>, what: string): Promise<T> {
    this.#counters.requests++;
    try {
      const result = await operation();
      this.#counters.replies++;
      return result;
    } catch (err) {
      const error = isCodedError(err) ? err : errorFromException(err, what, this.redact);
      if (error.code === 'DEVICE_TIMEOUT') this.#counters.timeouts++;
      throw error;
    }
  }

  #resolved(pointId: string): Resolution | undefined {
    return this.#resolutions.get(pointId);
  }

  /** One Read call per chunk of the server's MaxNodesPerRead for all readable variables asked. */
  async read(
    pointIds: readonly string[],
  ): Promise<Map<string, { ok: true; value: RawValue } | { ok: false; error: CodedError }>> {
    const out = new Map<string, { ok: true; value: RawValue } | { ok: false; error: CodedError }>();
    let live: Live;
    try {
      live = this.#requireLive();
    } catch (err) {
      for (const id of pointIds) out.set(id, { ok: false, error: err as CodedError });
      return out;
    }
    const wanted: { id: string; point: OpcuaVariablePoint; nodeId: unknown; typeId: number }[] = [];
    for (const id of new Set(pointIds)) {
      const point = this.#points.get(id);
      const r = this.#resolved(id);
      if (point === undefined || isMethodPoint(point)) continue;
      if (r === undefined)
        out.set(id, { ok: false, error: new CodedError('DEVICE_UNREACHABLE', `${id} is not resolved yet`) });
      else if (!r.ok) out.set(id, { ok: false, error: r.error });
      else if (r.point.kind === 'variable')
        wanted.push({ id, point, nodeId: r.point.nodeId, typeId: r.point.typeId });
    }
    for (let i = 0; i < wanted.length; i += live.limits.read) {
      const chunk = wanted.slice(i, i + live.limits.read);
      try {
        const values = await this.#service(
          () =>
            live.session.read(
              chunk.map((w) => ({ nodeId: w.nodeId as never, attributeId: AttributeIds.Value })),
            ),
          `reading ${chunk.length} variables of ${this.#deviceId}`,
        );
        chunk.forEach((w, k) => {
          const dv = values[k];
          if (dv === undefined || dv.statusCode.isBad()) {
            const status = dv?.statusCode ?? StatusCodes.BadNoData;
            out.set(w.id, { ok: false, error: errorFromStatus(status, `reading ${w.point.node}`) });
            return;
          }
          const converted = valueFromVariant(w.point, dv.value, w.typeId);
          out.set(
            w.id,
            converted.ok
              ? { ok: true, value: converted.value }
              : {
                  ok: false,
                  error: new CodedError(
                    'DEVICE_RESPONSE_INVALID',
                    `reading ${w.point.node}: ${converted.reason}`,
                    { retriable: false },
                  ),
                },
          );
        });
      } catch (err) {
        for (const w of chunk) out.set(w.id, { ok: false, error: err as CodedError });
      }
    }
    return out;
  }

  async write(pointId: string, point: OpcuaVariablePoint, value: RawValue): Promise<void> {
    validateOpcuaWrite(point, value);
    const live = this.#requireLive();
    const r = this.#resolved(pointId);
    if (r === undefined || !r.ok)
      throw r?.error ?? new CodedError('DEVICE_UNREACHABLE', `${pointId} is not resolved yet`);
    if (r.point.kind !== 'variable') throw new CodedError('WRITE_VALUE_INVALID', `${pointId} is a method`);
    const fields = variantFieldsOf(point, value);
    const variant = new Variant({
      dataType: DATA_TYPE_IDS[point.type] as DataType,
      arrayType: fields.arrayType,
      value: fields.value,
    });
    const nodeId = r.point.nodeId;
    const status = await this.#service(
      () => live.session.write({ nodeId, attributeId: AttributeIds.Value, value: { value: variant } }),
      `writing ${point.node}`,
    );
    if (!status.isGood()) throw errorFromStatus(status, `writing ${point.node}`);
  }

  async execute(pointId: string, args: string | undefined): Promise<void> {
    const point = this.#points.get(pointId);
    if (point === undefined || !isMethodPoint(point))
      throw new CodedError(
        'DEVICE_OPERATION_UNSUPPORTED',
        `${pointId} is a variable; execute needs a method point (object and method)`,
      );
    const live = this.#requireLive();
    const r = this.#resolved(pointId);
    if (r === undefined || !r.ok)
      throw r?.error ?? new CodedError('DEVICE_UNREACHABLE', `${pointId} is not resolved yet`);
    if (r.point.kind !== 'method')
      throw new CodedError('DEVICE_OPERATION_UNSUPPORTED', `${pointId} is not a method`);
    const { objectId, methodId, inputs } = r.point;
    const values = methodArguments(args, inputs, point.method);
    const inputArguments = values.map(
      (v) =>
        new Variant({ dataType: DATA_TYPE_IDS[v.type] as DataType, value: scalarToOpcua(v.type, v.value) }),
    );
    const result = await this.#service(
      () => live.session.call({ objectId, methodId, inputArguments }),
      `calling ${point.method}`,
    );
    if (!result.statusCode.isGood()) {
      const bad = (result.inputArgumentResults ?? []).findIndex((s) => s.isBad());
      throw errorFromStatus(
        result.statusCode,
        `calling ${point.method}${bad >= 0 ? ` (argument ${bad}: ${result.inputArgumentResults?.[bad]?.name})` : ''}`,
      );
    }
  }

  // ---- monitored items ----

  /** Adds a group of items; they are created in the next batch (one CreateMonitoredItems per turn). */
  async subscribe(
    pointIds: readonly string[],
    options: SubscriptionOptions,
    listener: ItemGroup['listener'],
  ): Promise<ItemGroup> {
    const group: ItemGroup = { options, listener, items: [], closed: false, batch: [] };
    const unmonitorable: PointReading[] = [];
    for (const id of pointIds) {
      const point = this.#points.get(id);
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
    if (this.#live === undefined) {
      if (this.#lastError !== undefined) this.#deliverErrors(group.items, this.#lastError);
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
    const live = this.#live;
    if (live === undefined || this.#pendingCreate.size === 0) return;
    if (live.subscription === undefined) {
      try {
        let creating = live.creatingSubscription;
        if (creating === undefined) {
          creating = this.#createSubscription(live.session).then((subscription) => {
            live.subscription = subscription;
            this.#watchSubscription(live, subscription);
            return subscription;
          });
          live.creatingSubscription = creating;
          creating.catch(() => {
            live.creatingSubscription = undefined;
          });
        }
        await creating;
        if (this.#live !== live) return;
      } catch (err) {
        const error = errorFromException(err, 'creating the subscription', this.redact);
        this.#deliverErrors([...this.#pendingCreate], error);
        return;
      }
    }
    const subscription = live.subscription as ClientSubscription;
    const pending = [...this.#pendingCreate].filter((i) => !i.owner.closed);
    this.#pendingCreate.clear();
    for (const item of pending) this.#failedItems.delete(item);
    const creatable: Item[] = [];
    for (const item of pending) {
      const r = this.#resolved(item.pointId);
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
        const response = await this.#service(
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
    const r = this.#resolved(item.pointId) as { ok: true; point: { kind: 'variable'; nodeId: unknown } };
    return {
      itemToMonitor: { nodeId: r.point.nodeId as never, attributeId: AttributeIds.Value },
      monitoringMode: MonitoringMode.Reporting,
      requestedParameters: this.#parameters(item),
    };
  }

  #parameters(item: Item) {
    const point = this.#points.get(item.pointId) as OpcuaVariablePoint;
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
    const point = this.#points.get(item.pointId) as OpcuaVariablePoint;
    const r = this.#resolved(item.pointId) as { ok: true; point: { kind: 'variable'; typeId: number } };
    const sink = {
      monitoringParameters: { clientHandle: item.clientHandle },
      itemToMonitor: { attributeId: AttributeIds.Value },
      _notify_value_change: (dv: DataValue) => {
        if (item.owner.closed || this.#items.get(item.clientHandle) !== item) return;
        this.#counters.notifications++;
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
    const live = this.#live;
    const subscription = live?.subscription;
    if (live === undefined || subscription === undefined) return;
    const items = group.items.filter((i) => i.monitoredItemId !== undefined);
    for (let i = 0; i < items.length; i += live.limits.monitor) {
      const chunk = items.slice(i, i + live.limits.monitor);
      const modifyMonitoredItems = live.session.modifyMonitoredItems.bind(live.session) as (
        request: ModifyMonitoredItemsRequestOptions,
      ) => Promise<ModifyMonitoredItemsResponse>;
      const response = await this.#service(
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
    const live = this.#live;
    const subscription = live?.subscription;
    const ids = group.items.flatMap((i) => (i.monitoredItemId === undefined ? [] : [i.monitoredItemId]));
    for (const item of group.items)
      (
        subscription as unknown as { _removeMonitoredItem?(h: number): void } | undefined
      )?._removeMonitoredItem?.(item.clientHandle);
    if (live === undefined || subscription === undefined || ids.length === 0) return;
    await this.#deleteItems(live, subscription, ids);
  }

  async #deleteItems(live: Live, subscription: ClientSubscription, ids: readonly number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += live.limits.monitor) {
      const chunk = ids.slice(i, i + live.limits.monitor);
      await this.#service(
        () =>
          live.session.deleteMonitoredItems({
            subscriptionId: subscription.subscriptionId,
            monitoredItemIds: chunk,
          }),
        'deleting monitored items',
      ).catch(() => undefined);
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

  /** Per-point resolution outcome (for validate --online). */
  resolutions(): ReadonlyMap<string, Resolution> {
    return this.#resolutions;
  }

  /**
   * The counters above, plus gauges: `itemsMonitored` (items live on the server), `itemsFailed`
   * (items the server or the resolution refused), `pointsUnresolved`, and `connectionState`
   * (0 idle, 1 connecting, 2 connected, 3 reconnecting, 4 closed).
   */
  stats(): Record<string, number> {
    let monitored = 0;
    for (const item of this.#items.values()) if (item.monitoredItemId !== undefined) monitored++;
    return {
      ...this.#counters,
      itemsMonitored: monitored,
      itemsFailed: this.#failedItems.size,
      pointsUnresolved: [...this.#resolutions.values()].filter((r) => !r.ok).length,
      connectionState: STATE_NUMBER[this.#state],
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#keepAliveTimer);
    await this.#connecting?.catch(() => undefined);
    const live = this.#live;
    this.#live = undefined;
    for (const item of this.#items.values()) item.owner.closed = true;
    this.#items.clear();
    if (live !== undefined) {
      await withTimeout(live.session.close(true), this.#connection.requestTimeoutMs, 'closing').catch(
        () => undefined,
      );
      await live.client.disconnect().catch(() => undefined);
    }
    await this.#pki?.dispose().catch(() => undefined);
  }
}

/** Rejects with DEVICE_TIMEOUT when `promise` takes longer than `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new CodedError('DEVICE_TIMEOUT', `${what} took longer than ${ms} ms`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}
