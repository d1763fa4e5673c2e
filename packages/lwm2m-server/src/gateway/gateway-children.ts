import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { CappedBackoff, type Clock, ListenerSet, RestartableTimer, systemClock } from '@lwm2m-adapters/kit';
import { ContentFormat, type LwM2mNode, LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import type { Lwm2mServer } from '../lwm2m-server.js';
import type { Registration } from '../registration/registration.js';
import type { ServerObservation } from '../server-types.js';
import {
  diffEndDevices,
  type EndDeviceChanges,
  type EndDeviceRegistration,
  type EndDeviceRemovalReason,
} from './end-device-registration.js';
import { GATEWAY_OBJECT_ID, type GatewayObjectProblem, readGatewayObject } from './gateway-object.js';

/**
 * Who a request is for: a client by endpoint name (the path may carry a gateway prefix), a gateway
 * and one of its prefixes, or an end device by its Device ID.
 */
export type DeviceTarget =
  | string
  | { readonly endpoint: string; readonly prefix?: string | undefined }
  | { readonly deviceId: string };

/** Where a request for a DeviceTarget goes. */
export interface ResolvedTarget {
  /** The registration the request is sent to (the gateway, for an end device). */
  readonly registration: Registration;
  /** The path to send, with the end device's prefix when it is for one. */
  readonly path: LwM2mPath;
  /** The end device addressed, if any. */
  readonly child: EndDeviceRegistration | undefined;
}

/** What caused a look at a gateway's /25. */
export type GatewaySyncCause = 'register' | 'update' | 'notification' | 'retry' | 'request';

export interface ChildrenChangedEvent extends EndDeviceChanges {
  readonly gateway: Registration;
  /**
   * What made the server look: a sync cause (then `removed` children left /25), or why the
   * gateway's registration ended (then every child is in `removed`, for that reason).
   */
  readonly cause: GatewaySyncCause | EndDeviceRemovalReason;
  /** /25 instances that were left out (no Device ID, bad prefix, duplicates, bad links). */
  readonly problems: readonly GatewayObjectProblem[];
}

export interface GatewaySyncFailedEvent {
  readonly gateway: Registration;
  readonly cause: GatewaySyncCause;
  readonly error: CodedError;
  /** When the next attempt runs (clock ms), or undefined when none is planned before the next Update. */
  readonly retryAt: number | undefined;
}

export interface GatewayChildrenEvents {
  /** A gateway's children changed (also emitted with everything removed when the gateway ends). */
  readonly childrenChanged: ChildrenChangedEvent;
  /** Reading or decoding a gateway's /25 failed; the children held stay as they were. */
  readonly syncFailed: GatewaySyncFailedEvent;
}

/** The server's view of one gateway. */
export interface GatewayState {
  readonly registrationId: string;
  readonly endpoint: string;
  /** The children known (possibly stale when `lastError` is set). */
  readonly children: number;
  /** Clock ms of the last successful look at /25, or undefined before the first. */
  readonly syncedAt: number | undefined;
  /** Whether the server holds an observation of /25 at the gateway. */
  readonly observing: boolean;
  readonly lastError: CodedError | undefined;
  readonly problems: readonly GatewayObjectProblem[];
}

export interface GatewayChildrenOptions {
  readonly server: Lwm2mServer;
  /** Default: the system clock (use the server's). */
  readonly clock?: Clock;
  /** Observe /25 at each gateway, so devices that come and go between Updates are seen. Default true. */
  readonly observe?: boolean;
  /** Retries of a failed /25 read: capped exponential. Default 2 s .. 5 min. */
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
  /**
   * Wait between a gateway's Register and the first look at its /25, so the 2.01 reaches the
   * client first. Default 200 ms.
   */
  readonly firstLookDelayMs?: number;
  /** Deadline of each /25 read or observe. Default: the server's. */
  readonly requestTimeoutMs?: number;
  readonly onListenerError?: (error: unknown) => void;
}

interface Gateway {
  registration: Registration;
  children: Map<string, EndDeviceRegistration>;
  syncedAt: number | undefined;
  lastError: CodedError | undefined;
  problems: readonly GatewayObjectProblem[];
  observation: ServerObservation | undefined;
  /** A sync is running; `again` asks for another when it ends. */
  running: boolean;
  again: GatewaySyncCause | undefined;
  readonly retry: RestartableTimer;
  readonly backoff: CappedBackoff;
  ended: boolean;
}

const GATEWAY_PATH = new LwM2mPath({ objectId: GATEWAY_OBJECT_ID });
/** Formats a /25 is read in, by preference, among those the gateway advertised. */
const READ_FORMATS = [ContentFormat.SENML_CBOR, ContentFormat.SENML_JSON, ContentFormat.LWM2M_CBOR];

const isGatewayRegistration = (registration: Registration) =>
  registration.objects.some((object) => object.id === GATEWAY_OBJECT_ID);

function asCodedError(error: unknown, what: string): CodedError {
  if (isCodedError(error)) return error;
  return new CodedError(
    'SERVER_ERROR',
    `${what}: ${error instanceof Error ? error.message : String(error)}`,
    {
      cause: error,
    },
  );
}

/**
 * The end devices behind every registered LwM2M gateway (Gateway TS 1.1). A registration that
 * lists /25 makes it read /25 and observe it; each valid /25 instance becomes an
 * EndDeviceRegistration (Device ID, prefix, objects and versions). Every Update that carries links
 * and every /25 notification is diffed into added, removed and changed children; children end with
 * their gateway. A child that is removed takes the observations under its prefix with it; children
 * that stay keep theirs. `resolve` turns (endpoint, path), (endpoint, prefix, path) or
 * (Device ID, path) into the registration and prefixed path a request goes to, refusing an unknown
 * prefix or Device ID at once (END_DEVICE_UNKNOWN) instead of sending a request that cannot work.
 */
export class GatewayChildren {
  readonly #server: Lwm2mServer;
  readonly #clock: Clock;
  readonly #observe: boolean;
  readonly #retry: { readonly initialMs: number; readonly maxMs: number };
  readonly #timeout: { timeoutMs?: number };
  readonly #firstLookDelayMs: number;
  readonly #gateways = new Map<string, Gateway>();
  /** Device ID -> children with it (normally one; several gateways may claim one id). */
  readonly #byDeviceId = new Map<string, EndDeviceRegistration[]>();
  readonly #events: { readonly [K in keyof GatewayChildrenEvents]: ListenerSet<GatewayChildrenEvents[K]> };
  readonly #unsubscribe: (() => void)[];
  #closed = false;

  constructor(options: GatewayChildrenOptions) {
    this.#server = options.server;
    this.#clock = options.clock ?? systemClock;
    this.#observe = options.observe ?? true;
    this.#retry = options.retry ?? { initialMs: 2_000, maxMs: 300_000 };
    this.#firstLookDelayMs = options.firstLookDelayMs ?? 200;
    this.#timeout = options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs };
    const onListenerError = options.onListenerError ?? (() => {});
    this.#events = {
      childrenChanged: new ListenerSet(onListenerError),
      syncFailed: new ListenerSet(onListenerError),
    };
    this.#unsubscribe = [
      this.#server.on('registered', ({ registration, replaced }) => {
        if (replaced !== undefined) this.#end(replaced.id, 'replaced');
        if (isGatewayRegistration(registration)) this.#track(registration, 'register');
      }),
      this.#server.on('updated', ({ registration, previous }) => this.#updated(registration, previous)),
      this.#server.on('deregistered', ({ registration, reason }) => this.#end(registration.id, reason)),
    ];
    // gateways registered before this view existed
    for (const registration of this.#server.registrations()) {
      if (isGatewayRegistration(registration)) this.#track(registration, 'register');
    }
  }

  on<K extends keyof GatewayChildrenEvents>(
    event: K,
    listener: (payload: GatewayChildrenEvents[K]) => void,
  ): () => void {
    return (this.#events[event] as ListenerSet<GatewayChildrenEvents[K]>).add(listener);
  }

  /** Whether a registration is a gateway the view follows. */
  isGateway(target: string | Pick<Registration, 'id'>): boolean {
    return this.#gateway(target) !== undefined;
  }

  /** The children of one gateway, or of every gateway; ordered by gateway, then /25 instance. */
  children(gateway?: string | Pick<Registration, 'id'>): EndDeviceRegistration[] {
    const gateways = gateway === undefined ? [...this.#gateways.values()] : [this.#gateway(gateway)];
    const out: EndDeviceRegistration[] = [];
    for (const g of gateways) {
      if (g === undefined) continue;
      const children = [...g.children.values()].sort((a, b) => a.gatewayInstanceId - b.gatewayInstanceId);
      out.push(...children);
    }
    return out;
  }

  /** Number of children held over all gateways. */
  get size(): number {
    let n = 0;
    for (const g of this.#gateways.values()) n += g.children.size;
    return n;
  }

  /** The child with a Device ID (the first gateway's, if several claim it). */
  childByDeviceId(deviceId: string): EndDeviceRegistration | undefined {
    return this.#byDeviceId.get(deviceId)?.[0];
  }

  /** The child under a prefix of a gateway. */
  child(gateway: string | Pick<Registration, 'id'>, prefix: string): EndDeviceRegistration | undefined {
    return this.#gateway(gateway)?.children.get(prefix);
  }

  /** The child a (possibly prefixed) path of a registration belongs to: how Sends and notifications are attributed. */
  childOf(registration: Pick<Registration, 'id'>, path: LwM2mPath): EndDeviceRegistration | undefined {
    return path.prefix === undefined
      ? undefined
      : this.#gateways.get(registration.id)?.children.get(path.prefix);
  }

  /** How the view sees a gateway. */
  state(gateway: string | Pick<Registration, 'id'>): GatewayState | undefined {
    const g = this.#gateway(gateway);
    if (g === undefined) return undefined;
    return {
      registrationId: g.registration.id,
      endpoint: g.registration.endpoint,
      children: g.children.size,
      syncedAt: g.syncedAt,
      observing: g.observation !== undefined,
      lastError: g.lastError,
      problems: g.problems,
    };
  }

  /**
   * Where a request for `target` and `path` goes. Throws CLIENT_NOT_REGISTERED for an endpoint
   * that is not registered, END_DEVICE_UNKNOWN for a prefix the gateway does not have (or a prefix
   * on a client that is no gateway) and for an unknown or ambiguous Device ID, PATH_INVALID when a
   * target's prefix and the path's prefix disagree.
   */
  resolve(target: DeviceTarget, path: string | LwM2mPath): ResolvedTarget {
    const parsed = typeof path === 'string' ? LwM2mPath.parse(path) : path;
    if (typeof target !== 'string' && 'deviceId' in target) {
      const claims = this.#byDeviceId.get(target.deviceId) ?? [];
      if (claims.length !== 1) {
        const why =
          claims.length === 0
            ? 'no registered gateway lists it in /25'
            : `${claims.length} gateways list it (${claims.map((c) => c.gatewayEndpoint).join(', ')}); address it by gateway endpoint and prefix`;
        throw new CodedError('END_DEVICE_UNKNOWN', `end device ${target.deviceId}: ${why}`, {
          details: { deviceId: target.deviceId },
        });
      }
      const child = claims[0] as EndDeviceRegistration;
      return this.#toChild(child, parsed);
    }
    const endpoint = typeof target === 'string' ? target : target.endpoint;
    const registration = this.#server.registration(endpoint);
    if (registration === undefined) {
      throw new CodedError('CLIENT_NOT_REGISTERED', `no client is registered as ${endpoint}`, {
        details: { endpoint },
      });
    }
    const prefix = typeof target === 'string' ? parsed.prefix : (target.prefix ?? parsed.prefix);
    if (prefix === undefined) return { registration, path: parsed, child: undefined };
    const gateway = this.#gateways.get(registration.id);
    if (gateway === undefined) {
      throw new CodedError(
        'END_DEVICE_UNKNOWN',
        `${endpoint} is not an LwM2M gateway (it registered no /25): the path cannot carry the prefix ${prefix}`,
        { details: { endpoint, prefix } },
      );
    }
    const child = gateway.children.get(prefix);
    if (child === undefined) {
      const known = [...gateway.children.keys()].slice(0, 10).join(', ');
      const hint =
        gateway.syncedAt === undefined ? 'its /25 has not been read yet' : `known: ${known || 'none'}`;
      throw new CodedError(
        'END_DEVICE_UNKNOWN',
        `gateway ${endpoint} has no end device with prefix ${prefix} (${hint})`,
        {
          details: { endpoint, prefix },
        },
      );
    }
    return this.#toChild(child, parsed);
  }

  /** Reads /25 of a gateway now (the API's "refresh"); resolves with the changes, rejects on failure. */
  async sync(gateway: string | Pick<Registration, 'id'>): Promise<void> {
    const g = this.#gateway(gateway);
    if (g === undefined) {
      throw new CodedError('CLIENT_NOT_REGISTERED', 'no registered gateway by that name', {
        details: { gateway: typeof gateway === 'string' ? gateway : gateway.id },
      });
    }
    const error = await this.#look(g, 'request');
    if (error !== undefined) throw error;
  }

  /** Stops following the gateways (observations of /25 are cancelled passively). No events. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const u of this.#unsubscribe) u();
    for (const g of this.#gateways.values()) {
      g.ended = true;
      g.retry.cancel();
      void g.observation?.cancel();
    }
    this.#gateways.clear();
    this.#byDeviceId.clear();
  }

  // -------------------------------------------------------------------------------------------

  #gateway(target: string | Pick<Registration, 'id'>): Gateway | undefined {
    if (typeof target !== 'string') return this.#gateways.get(target.id);
    const registration = this.#server.registration(target);
    return registration === undefined ? undefined : this.#gateways.get(registration.id);
  }

  #toChild(child: EndDeviceRegistration, path: LwM2mPath): ResolvedTarget {
    if (path.prefix !== undefined && path.prefix !== child.prefix) {
      throw new CodedError(
        'PATH_INVALID',
        `the path ${path} names the prefix ${path.prefix}, but the end device ${child.deviceId} has the prefix ${child.prefix}`,
        { details: { path: path.toString(), prefix: child.prefix } },
      );
    }
    const gateway = this.#gateways.get(child.gatewayRegistrationId) as Gateway;
    return { registration: gateway.registration, path: path.withPrefix(child.prefix), child };
  }

  #track(registration: Registration, cause: GatewaySyncCause): void {
    if (this.#closed || this.#gateways.has(registration.id)) return;
    const gateway: Gateway = {
      registration,
      children: new Map(),
      syncedAt: undefined,
      lastError: undefined,
      problems: [],
      observation: undefined,
      running: false,
      again: undefined,
      retry: new RestartableTimer(this.#clock),
      backoff: new CappedBackoff({ ...this.#retry, multiplier: 2, jitter: 0.2 }),
      ended: false,
    };
    this.#gateways.set(registration.id, gateway);
    // Not at once: the 2.01 must reach the client first. A client forgets observations that
    // arrived before its registration completed (ours does), and some refuse requests then.
    gateway.retry.set(this.#firstLookDelayMs, () => void this.#look(gateway, cause));
  }

  #updated(registration: Registration, previous: Registration): void {
    const gateway = this.#gateways.get(registration.id);
    if (gateway === undefined) {
      if (isGatewayRegistration(registration)) this.#track(registration, 'update');
      return;
    }
    gateway.registration = registration;
    if (!isGatewayRegistration(registration)) {
      // the client stopped being a gateway: its children went with /25
      this.#end(registration.id, 'removed');
      return;
    }
    // an Update with links may bring or take end devices; one without (a lifetime refresh) does not
    if (registration.links !== previous.links) void this.#look(gateway, 'update');
  }

  /** The gateway's registration ended (or it is no gateway any more): every child goes. */
  #end(registrationId: string, reason: EndDeviceRemovalReason): void {
    const gateway = this.#gateways.get(registrationId);
    if (gateway === undefined) return;
    this.#gateways.delete(registrationId);
    gateway.ended = true;
    gateway.retry.cancel();
    if (reason === 'removed') void gateway.observation?.cancel();
    const removed = [...gateway.children.values()];
    for (const child of removed) this.#unindex(child);
    gateway.children.clear();
    if (removed.length === 0) return;
    this.#events.childrenChanged.emit({
      gateway: gateway.registration,
      cause: reason,
      added: [],
      removed,
      changed: [],
      unchanged: 0,
      problems: [],
    });
  }

  /**
   * Looks at /25 once (observing it when the view observes and does not yet), applies the diff,
   * and plans a retry on failure. Concurrent looks at one gateway are serialised: a look asked for
   * while one runs runs once after it. Resolves with the error of a failed look.
   */
  async #look(gateway: Gateway, cause: GatewaySyncCause): Promise<CodedError | undefined> {
    if (gateway.running) {
      gateway.again = cause;
      return undefined;
    }
    gateway.running = true;
    gateway.retry.cancel();
    let error: CodedError | undefined;
    try {
      const node = await this.#fetch(gateway);
      if (!gateway.ended && node !== undefined) this.#apply(gateway, node, cause);
    } catch (caught) {
      error = asCodedError(caught, `reading /25 of ${gateway.registration.endpoint} failed`);
    } finally {
      gateway.running = false;
    }
    if (gateway.ended) return error;
    if (error !== undefined) {
      gateway.lastError = error;
      const retryAt = this.#planRetry(gateway, error);
      this.#events.syncFailed.emit({ gateway: gateway.registration, cause, error, retryAt });
    }
    const again = gateway.again;
    gateway.again = undefined;
    if (again !== undefined) void this.#look(gateway, again);
    return error;
  }

  /** The current /25: from a new observation's first response, else a Read. */
  async #fetch(gateway: Gateway): Promise<LwM2mNode | undefined> {
    const registration = gateway.registration;
    const format = READ_FORMATS.find((f) => registration.contentFormats.includes(f));
    const options = { ...this.#timeout, ...(format === undefined ? {} : { format }) };
    if (this.#observe && gateway.observation === undefined) {
      const observed = await this.#server.observe(registration, GATEWAY_PATH, {
        ...options,
        onNotification: (notification) => {
          if (gateway.ended || notification.observation !== gateway.observation) return;
          if (notification.node !== undefined) this.#apply(gateway, notification.node, 'notification');
        },
      });
      if (observed.observation !== undefined) {
        if (gateway.ended) {
          void observed.observation.cancel();
        } else {
          gateway.observation = observed.observation;
          void observed.observation.ended.then(() => {
            if (gateway.observation === observed.observation) gateway.observation = undefined;
          });
        }
      }
      if (observed.success) return observed.node;
      // the gateway refuses to be observed: fall back to reading
    }
    const read = await this.#server.read(registration, GATEWAY_PATH, options);
    if (!read.success) {
      throw new CodedError(
        read.code === '4.04' || read.code === '4.05' || read.code === '4.01'
          ? 'OPERATION_NOT_ALLOWED'
          : 'SERVER_ERROR',
        `${registration.endpoint} answered ${read.code} to a Read of /25${read.diagnostic ? `: ${read.diagnostic}` : ''}`,
        { details: { endpoint: registration.endpoint, code: read.code } },
      );
    }
    return read.node;
  }

  #planRetry(gateway: Gateway, error: CodedError): number | undefined {
    // a gateway that refuses /25 is not retried until its next Update
    if (error.code === 'OPERATION_NOT_ALLOWED' || error.code === 'CLIENT_NOT_REGISTERED') return undefined;
    if (error.code === 'SESSION_CLOSED' || error.code === 'TRANSPORT_CLOSED') return undefined;
    const delay = gateway.backoff.next();
    gateway.retry.set(delay, () => void this.#look(gateway, 'retry'));
    return this.#clock.now() + delay;
  }

  #apply(gateway: Gateway, node: LwM2mNode, cause: GatewaySyncCause): void {
    const { entries, problems } = readGatewayObject(node);
    const now = this.#clock.now();
    const { next, changes } = diffEndDevices(gateway.children, entries, gateway.registration, now);
    gateway.children = next;
    gateway.syncedAt = now;
    gateway.lastError = undefined;
    gateway.problems = problems;
    gateway.backoff.reset();
    for (const child of changes.removed) this.#unindex(child);
    for (const child of changes.added) this.#index(child);
    for (const { child, previous } of changes.changed) {
      this.#unindex(previous);
      this.#index(child);
    }
    for (const child of changes.removed) this.#dropObservations(gateway.registration, child.prefix);
    if (
      changes.added.length + changes.removed.length + changes.changed.length === 0 &&
      cause !== 'register'
    ) {
      return;
    }
    this.#events.childrenChanged.emit({
      gateway: gateway.registration,
      cause,
      ...changes,
      problems,
    });
  }

  /** Observations under a removed child's prefix end (passively: the gateway ends them with 4.04). */
  #dropObservations(registration: Registration, prefix: string): void {
    for (const observation of this.#server.observations(registration)) {
      if (observation.path.prefix === prefix) void observation.cancel();
    }
  }

  #index(child: EndDeviceRegistration): void {
    const list = this.#byDeviceId.get(child.deviceId);
    if (list === undefined) this.#byDeviceId.set(child.deviceId, [child]);
    else list.push(child);
  }

  #unindex(child: EndDeviceRegistration): void {
    const list = this.#byDeviceId.get(child.deviceId);
    if (list === undefined) return;
    const rest = list.filter((c) => c.id !== child.id);
    if (rest.length === 0) this.#byDeviceId.delete(child.deviceId);
    else this.#byDeviceId.set(child.deviceId, rest);
  }
}
