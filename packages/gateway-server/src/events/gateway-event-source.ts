import { type Clock, ListenerSet, systemClock } from '@lwm2m-adapters/kit';
import type { RegistrationObject } from '@lwm2m-adapters/lwm2m-core';
import type {
  GatewayChildren,
  Lwm2mServer,
  Registration,
  ServerCompositeNotification,
  ServerNotification,
  SendEvent as ServerSendEvent,
} from '@lwm2m-adapters/lwm2m-server';
import { nodeToEntries } from '../json/node-entries.js';
import {
  childJson,
  clientJson,
  errorJson,
  formatAddress,
  gatewayJson,
  isoTime,
  objectsJson,
} from '../json/registration-json.js';
import { formatTime } from '../json/value-json.js';
import { EventRing, type RingReplay } from './event-ring.js';
import {
  type DeviceValueEntry,
  GATEWAY_EVENT_VERSION,
  type GatewayServerEvent,
  type RegistrationChanges,
  type SendValueEntry,
} from './gateway-server-event.js';

export interface GatewayEventSourceOptions {
  readonly server: Lwm2mServer;
  readonly children: GatewayChildren;
  /** Default: the system clock (use the server's). */
  readonly clock?: Clock;
  /** Recent events kept for SSE resume (`Last-Event-ID`). Default 1,000. */
  readonly capacity?: number;
  /**
   * And at most about this much memory for them (estimated from each event's lists: a big
   * gateway's `childrenChanged` lists every end device); the newest event always stays. Default 4 MiB.
   */
  readonly capacityBytes?: number;
  /** Whether a registration came over DTLS (the composition knows its transports). */
  readonly isSecure?: (registration: Registration) => boolean;
  /** A listener threw (never breaks the source or the other listeners). Default: ignored. */
  readonly onListenerError?: (error: unknown) => void;
}

/**
 * What a consumer of the events needs (the SSE stream, the printers, the Kafka bridge):
 * `GatewayEventSource` is one; tests may pass their own.
 */
export interface GatewayEventFeed {
  on(listener: (event: GatewayServerEvent) => void): () => void;
  since(seq: number): RingReplay<GatewayServerEvent>;
  json(event: GatewayServerEvent): string;
  readonly lastSeq: number;
}

/** The events without `v`, `seq` and `time`, as the source builds them. */
type EventBody = GatewayServerEvent extends infer E
  ? E extends GatewayServerEvent
    ? Omit<E, 'v' | 'seq' | 'time'>
    : never
  : never;

/**
 * The one producer of GatewayServerEvents: it follows an Lwm2mServer and its GatewayChildren,
 * turns registrations, updates, de-registrations, children diffs, /25 sync failures,
 * notifications and Sends into versioned JSON-safe events with a sequence number and the server
 * time, hands them to its listeners (the SSE stream, the terminal and JSONL printers, the Kafka
 * bridge) and keeps the last `capacity` for consumers that reconnect. Each event is serialised
 * once (`json`), however many consumers send it.
 */
export class GatewayEventSource implements GatewayEventFeed {
  readonly #clock: Clock;
  readonly #server: Lwm2mServer;
  readonly #children: GatewayChildren;
  readonly #isSecure: ((registration: Registration) => boolean) | undefined;
  readonly #listeners: ListenerSet<GatewayServerEvent>;
  readonly #ring: EventRing<GatewayServerEvent>;
  readonly #json = new WeakMap<GatewayServerEvent, string>();
  readonly #unsubscribe: (() => void)[];
  #seq = 0;
  #closed = false;

  constructor(options: GatewayEventSourceOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#server = options.server;
    this.#children = options.children;
    this.#isSecure = options.isSecure;
    this.#listeners = new ListenerSet(options.onListenerError);
    this.#ring = new EventRing(options.capacity ?? 1_000, options.capacityBytes ?? 4 * 1024 * 1024);
    const { server, children } = options;
    this.#unsubscribe = [
      server.on('registered', ({ registration, replaced }) => {
        if (replaced !== undefined) {
          this.#emit({
            type: 'deregistered',
            endpoint: replaced.endpoint,
            registrationId: replaced.id,
            reason: 'replaced',
          });
        }
        this.#emit({
          type: 'registered',
          endpoint: registration.endpoint,
          registrationId: registration.id,
          client: this.#client(registration),
          replacedRegistrationId: replaced?.id ?? null,
        });
      }),
      server.on('updated', ({ registration, previous }) =>
        this.#emit({
          type: 'updated',
          endpoint: registration.endpoint,
          registrationId: registration.id,
          client: this.#client(registration),
          changes: registrationChanges(previous, registration),
        }),
      ),
      server.on('deregistered', ({ registration, reason }) =>
        this.#emit({
          type: 'deregistered',
          endpoint: registration.endpoint,
          registrationId: registration.id,
          reason,
        }),
      ),
      server.on('notification', (notification) => this.#emit(this.#notification(notification))),
      server.on('compositeNotification', (notification) =>
        this.#emit(this.#compositeNotification(notification)),
      ),
      server.on('awake', ({ registration }) =>
        this.#emit({ type: 'awake', endpoint: registration.endpoint, registrationId: registration.id }),
      ),
      server.on('asleep', ({ registration }) =>
        this.#emit({ type: 'asleep', endpoint: registration.endpoint, registrationId: registration.id }),
      ),
      server.on('send', (send) => this.#emit(this.#send(send))),
      server.on('sendRejected', ({ registration, peer, code, reason }) =>
        this.#emit({
          type: 'sendRejected',
          endpoint: registration?.endpoint ?? null,
          registrationId: registration?.id ?? null,
          address: formatAddress(peer),
          code,
          reason,
        }),
      ),
      children.on('childrenChanged', (event) =>
        this.#emit({
          type: 'childrenChanged',
          endpoint: event.gateway.endpoint,
          registrationId: event.gateway.id,
          cause: event.cause,
          added: event.added.map(childJson),
          removed: event.removed.map(childJson),
          changed: event.changed.map(({ child }) => childJson(child)),
          unchanged: event.unchanged,
          problems: event.problems.map((p) => ({ instanceId: p.instanceId, reason: p.reason })),
        }),
      ),
      children.on('syncFailed', (event) =>
        this.#emit({
          type: 'syncFailed',
          endpoint: event.gateway.endpoint,
          registrationId: event.gateway.id,
          cause: event.cause,
          error: errorJson(event.error),
          retryAt: event.retryAt === undefined ? null : isoTime(event.retryAt),
        }),
      ),
    ];
  }

  /** Every event from now on. Returns the unsubscribe function. */
  on(listener: (event: GatewayServerEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  /** The sequence number of the latest event (0 before the first). */
  get lastSeq(): number {
    return this.#seq;
  }

  /** The events kept, oldest first. */
  recent(): GatewayServerEvent[] {
    return this.#ring.all();
  }

  /** The kept events after `seq`, and whether that is all of them (see RingReplay). */
  since(seq: number): RingReplay<GatewayServerEvent> {
    return this.#ring.since(seq);
  }

  /** The JSON text of an event (serialised once). */
  json(event: GatewayServerEvent): string {
    let text = this.#json.get(event);
    if (text === undefined) {
      text = JSON.stringify(event);
      this.#json.set(event, text);
    }
    return text;
  }

  /** Stops following the server and the children; listeners stay but get nothing more. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }

  // -------------------------------------------------------------------------------------------

  #emit(body: EventBody): void {
    if (this.#closed) return;
    const event = {
      v: GATEWAY_EVENT_VERSION,
      seq: ++this.#seq,
      time: new Date(this.#clock.now()).toISOString(),
      ...body,
    } as GatewayServerEvent;
    this.#ring.push(event, approximateBytes(event));
    this.#listeners.emit(event);
  }

  #client(registration: Registration) {
    const state = this.#children.state(registration);
    const gateway = state === undefined ? null : gatewayJson(state, this.#children.children(registration));
    return clientJson(registration, this.#isSecure?.(registration), gateway, {
      presence: this.#server.presence(registration) ?? 'awake',
      queuedRequests: this.#server.queuedRequests(registration),
    });
  }

  #notification(n: ServerNotification): EventBody {
    const child = this.#children.childOf(n.registration, n.path);
    const decoded = n.node;
    const error = n.error;
    return {
      type: 'notification',
      endpoint: n.registration.endpoint,
      registrationId: n.registration.id,
      deviceId: child?.deviceId ?? null,
      prefix: child?.prefix ?? n.path.prefix ?? null,
      path: n.path.toString(),
      code: n.code,
      observe: n.observe ?? null,
      confirmable: n.confirmable,
      contentFormat: n.contentFormat ?? null,
      values: decoded === undefined ? [] : nodeToEntries(decoded, n.path),
      error: error === undefined ? null : errorJson(error),
    };
  }

  #compositeNotification(n: ServerCompositeNotification): EventBody {
    const values: DeviceValueEntry[] = [];
    for (const { path, node } of n.nodes ?? []) {
      const deviceId = this.#children.childOf(n.registration, path)?.deviceId ?? null;
      for (const entry of nodeToEntries(node, path)) values.push({ ...entry, deviceId });
    }
    const error = n.error;
    return {
      type: 'compositeNotification',
      endpoint: n.registration.endpoint,
      registrationId: n.registration.id,
      paths: n.paths.map(String),
      code: n.code,
      observe: n.observe ?? null,
      confirmable: n.confirmable,
      contentFormat: n.contentFormat ?? null,
      values,
      error: error === undefined ? null : errorJson(error),
    };
  }

  #send(send: ServerSendEvent): EventBody {
    const values: SendValueEntry[] = [];
    for (const { path, node, timestamp } of send.values) {
      const deviceId = this.#children.childOf(send.registration, path)?.deviceId ?? null;
      const stamp = timestamp === undefined ? null : formatTime(timestamp);
      for (const entry of nodeToEntries(node, path)) values.push({ ...entry, timestamp: stamp, deviceId });
    }
    return {
      type: 'send',
      endpoint: send.registration.endpoint,
      registrationId: send.registration.id,
      contentFormat: send.contentFormat,
      values,
    };
  }
}

const sameObject = (a: RegistrationObject, b: RegistrationObject) =>
  a.version === b.version &&
  a.instances.length === b.instances.length &&
  a.instances.every((id, i) => id === b.instances[i]);

/** What an Update changed between two registrations. */
export function registrationChanges(previous: Registration, next: Registration): RegistrationChanges {
  const changes: { -readonly [K in keyof RegistrationChanges]: RegistrationChanges[K] } = {};
  if (previous.lifetime !== next.lifetime) changes.lifetime = { from: previous.lifetime, to: next.lifetime };
  if (previous.binding !== next.binding) changes.binding = { from: previous.binding, to: next.binding };
  const [from, to] = [formatAddress(previous.peer), formatAddress(next.peer)];
  if (from !== to) changes.address = { from, to };
  if (previous.smsNumber !== next.smsNumber)
    changes.smsNumber = { from: previous.smsNumber ?? null, to: next.smsNumber ?? null };
  if (previous.queueMode !== next.queueMode)
    changes.queueMode = { from: previous.queueMode, to: next.queueMode };
  if (previous.objects !== next.objects) {
    const before = new Map(previous.objects.map((o) => [o.id, o]));
    const after = new Map(next.objects.map((o) => [o.id, o]));
    const added = next.objects.filter((o) => !before.has(o.id));
    const removed = previous.objects.filter((o) => !after.has(o.id));
    const changed = next.objects.filter((o) => {
      const old = before.get(o.id);
      return old !== undefined && !sameObject(old, o);
    });
    if (added.length + removed.length + changed.length > 0) {
      changes.objects = {
        added: objectsJson(added),
        removed: objectsJson(removed),
        changed: objectsJson(changed),
      };
    }
  }
  return changes;
}

/**
 * A cheap estimate of what an event holds in memory (no serialisation): what its lists make it
 * weigh (an end device with its objects ~1 KB, measured with 6 object instances each).
 */
function approximateBytes(event: GatewayServerEvent): number {
  const BASE = 512;
  const CHILD = 1_000;
  const VALUE = 150;
  const OBJECT = 100;
  switch (event.type) {
    case 'registered':
    case 'updated': {
      const c = event.client;
      return BASE + c.objects.length * OBJECT + (c.gateway?.children.length ?? 0) * CHILD;
    }
    case 'childrenChanged':
      return BASE + (event.added.length + event.removed.length + event.changed.length) * CHILD;
    case 'notification':
    case 'compositeNotification':
    case 'send':
      return BASE + event.values.length * VALUE;
    default:
      return BASE;
  }
}
