import { basename } from 'node:path';
import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { backoffDelay } from '@lwm2m-adapters/kit';
import type { AdapterLogger, RawValue, SessionState, SubscriptionOptions } from '@lwm2m-adapters/sdk';
import {
  AttributeIds,
  type ClientSession,
  ClientSubscription,
  coerceNodeId,
  type DataType,
  OPCUAClient,
  StatusCodes,
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
import { type ItemGroup, MonitoredItems } from './monitored-items.js';
import { type Resolution, resolvePoints } from './node-resolution.js';
import { type OperationLimits, readOperationLimits } from './operation-limits.js';
import type { RawSession } from './raw-session.js';

const SERVER_STATE = 'i=2259';

export interface DeviceLinkHooks {
  setState(state: SessionState, error?: CodedError): void;
}

export interface LinkPoint {
  readonly id: string;
  readonly source: OpcuaPoint;
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
  readonly #monitored: MonitoredItems;
  /** The last message logged per unresolved point (logged again only when it changes). */
  readonly #loggedResolutions = new Map<string, string>();
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
    this.#monitored = new MonitoredItems({
      points: this.#points,
      current: () => this.#live,
      subscriptionOf: (live) => this.#subscriptionOf(live as Live),
      resolved: (pointId) => this.#resolutions.get(pointId),
      service: (operation, what) => this.#service(operation, what),
      lastError: () => this.#lastError,
      redact: (text) => this.redact(text),
      notified: () => {
        this.#counters.notifications++;
      },
    });
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
      const subscription = this.#monitored.size > 0 ? await this.#createSubscription(session) : undefined;
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
      if (subscription !== undefined) await this.#monitored.recreateAll();
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

  /** The session's one subscription, created on first need (one creation however many ask). */
  async #subscriptionOf(live: Live): Promise<ClientSubscription> {
    if (live.subscription !== undefined) return live.subscription;
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
    return await creating;
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
    this.#monitored.sessionLost(error);
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

  // ---- monitored items (kept by MonitoredItems) ----

  subscribe(
    pointIds: readonly string[],
    options: SubscriptionOptions,
    listener: ItemGroup['listener'],
  ): Promise<ItemGroup> {
    return this.#monitored.subscribe(pointIds, options, listener);
  }

  modify(group: ItemGroup, options: SubscriptionOptions): Promise<void> {
    return this.#monitored.modify(group, options);
  }

  unsubscribe(group: ItemGroup): Promise<void> {
    return this.#monitored.unsubscribe(group);
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
    return {
      ...this.#counters,
      ...this.#monitored.stats(),
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
    this.#monitored.closeAll();
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
