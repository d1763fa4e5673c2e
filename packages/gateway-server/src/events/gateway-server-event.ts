import type { ChildJson, ClientJson, ErrorJson, ObjectJson } from '../json/registration-json.js';
import type { ValueEntry } from '../json/value-json.js';

/** The version of the event shapes below; a consumer checks `v` and ignores what it does not know. */
export const GATEWAY_EVENT_VERSION = 1;

/** What every event carries. */
export interface GatewayEventBase<T extends string> {
  readonly v: typeof GATEWAY_EVENT_VERSION;
  /** Increases by one per event of this server run (starts at 1); the SSE `id:`. */
  readonly seq: number;
  /** When the server saw it, ISO-8601 UTC with milliseconds. */
  readonly time: string;
  readonly type: T;
}

/** A field of a registration that an Update changed: before and after. */
export interface Change<T> {
  readonly from: T;
  readonly to: T;
}

/** What an Update changed; empty for a plain lifetime refresh. */
export interface RegistrationChanges {
  readonly lifetime?: Change<number>;
  readonly binding?: Change<string>;
  readonly address?: Change<string>;
  readonly smsNumber?: Change<string | null>;
  readonly queueMode?: Change<boolean>;
  /** The Update carried links that differ: objects added, removed, or with other instances/version. */
  readonly objects?: {
    readonly added: readonly ObjectJson[];
    readonly removed: readonly ObjectJson[];
    readonly changed: readonly ObjectJson[];
  };
}

/** A client registered (a second Register of an endpoint follows a `deregistered` with reason "replaced"). */
export interface RegisteredEvent extends GatewayEventBase<'registered'> {
  readonly endpoint: string;
  readonly registrationId: string;
  readonly client: ClientJson;
  readonly replacedRegistrationId: string | null;
}

/**
 * A client sent an Update. For a gateway the children diff this Update brings follows as a
 * `childrenChanged` with cause "update" once the server has read its /25.
 */
export interface UpdatedEvent extends GatewayEventBase<'updated'> {
  readonly endpoint: string;
  readonly registrationId: string;
  readonly client: ClientJson;
  readonly changes: RegistrationChanges;
}

export interface DeregisteredEvent extends GatewayEventBase<'deregistered'> {
  readonly endpoint: string;
  readonly registrationId: string;
  /** "deregistered" (De-register), "expired" (lifetime ran out), "replaced" (registered again). */
  readonly reason: 'deregistered' | 'expired' | 'replaced';
}

/** A gateway's end devices changed; `endpoint` is the gateway's. */
export interface ChildrenChangedEvent extends GatewayEventBase<'childrenChanged'> {
  readonly endpoint: string;
  readonly registrationId: string;
  /**
   * What made the server look at /25 (register, update, notification, retry, request), or why the
   * gateway ended (deregistered, expired, replaced, removed): then every child is in `removed`.
   */
  readonly cause: string;
  readonly added: readonly ChildJson[];
  readonly removed: readonly ChildJson[];
  /** Children whose objects changed, as they are now. */
  readonly changed: readonly ChildJson[];
  readonly unchanged: number;
  /** /25 instances left out, and why. */
  readonly problems: readonly { readonly instanceId: number; readonly reason: string }[];
}

/** Reading a gateway's /25 failed; its children stay as they were. */
export interface SyncFailedEvent extends GatewayEventBase<'syncFailed'> {
  readonly endpoint: string;
  readonly registrationId: string;
  readonly cause: string;
  readonly error: ErrorJson;
  /** When the server tries again, or null when it waits for the next Update. */
  readonly retryAt: string | null;
}

/**
 * A notification of an observation. `path` and the values' paths are in the client's namespace
 * (with the end device's prefix); `deviceId`/`prefix` name the end device when under one.
 */
export interface NotificationEvent extends GatewayEventBase<'notification'> {
  readonly endpoint: string;
  readonly registrationId: string;
  readonly deviceId: string | null;
  readonly prefix: string | null;
  readonly path: string;
  /** "2.05", or the error code of a final notification. */
  readonly code: string;
  /** The Observe number; null on the final response that ended the observation. */
  readonly observe: number | null;
  readonly confirmable: boolean;
  readonly contentFormat: number | null;
  readonly values: readonly ValueEntry[];
  /** Set when a 2.05 could not be decoded. */
  readonly error: ErrorJson | null;
}

/** A value with the end device it belongs to (null: the client itself). */
export interface DeviceValueEntry extends ValueEntry {
  readonly deviceId: string | null;
}

/** One value of a Send: with the client's timestamp (null: "now") and the end device it belongs to. */
export interface SendValueEntry extends DeviceValueEntry {
  readonly timestamp: string | null;
}

/** A notification of an Observe-Composite: values by path, each with its end device. */
export interface CompositeNotificationEvent extends GatewayEventBase<'compositeNotification'> {
  readonly endpoint: string;
  readonly registrationId: string;
  /** The observed paths, in the client's namespace. */
  readonly paths: readonly string[];
  readonly code: string;
  readonly observe: number | null;
  readonly confirmable: boolean;
  readonly contentFormat: number | null;
  readonly values: readonly DeviceValueEntry[];
  readonly error: ErrorJson | null;
}

/** A queue-mode client became reachable: requests waiting for it go out. */
export interface AwakeEvent extends GatewayEventBase<'awake'> {
  readonly endpoint: string;
  readonly registrationId: string;
}

/** A queue-mode client's awake time passed: requests wait until it wakes up. */
export interface AsleepEvent extends GatewayEventBase<'asleep'> {
  readonly endpoint: string;
  readonly registrationId: string;
}

export interface SendEvent extends GatewayEventBase<'send'> {
  readonly endpoint: string;
  readonly registrationId: string;
  readonly contentFormat: number;
  readonly values: readonly SendValueEntry[];
}

export interface SendRejectedEvent extends GatewayEventBase<'sendRejected'> {
  /** Null when no client is registered from the Send's address. */
  readonly endpoint: string | null;
  readonly registrationId: string | null;
  readonly address: string;
  readonly code: string;
  readonly reason: string;
}

/** Every event the gateway server reports: to the SSE stream, the terminal, JSONL and Kafka. */
export type GatewayServerEvent =
  | RegisteredEvent
  | UpdatedEvent
  | DeregisteredEvent
  | ChildrenChangedEvent
  | SyncFailedEvent
  | NotificationEvent
  | CompositeNotificationEvent
  | AwakeEvent
  | AsleepEvent
  | SendEvent
  | SendRejectedEvent;

export type GatewayServerEventType = GatewayServerEvent['type'];

export const GATEWAY_EVENT_TYPES: readonly GatewayServerEventType[] = [
  'registered',
  'updated',
  'deregistered',
  'childrenChanged',
  'syncFailed',
  'notification',
  'compositeNotification',
  'awake',
  'asleep',
  'send',
  'sendRejected',
];

/** Whether an event concerns an end device (notification, Send value, or a child in a diff). */
export function concernsDevice(event: GatewayServerEvent, deviceId: string): boolean {
  switch (event.type) {
    case 'notification':
      return event.deviceId === deviceId;
    case 'send':
    case 'compositeNotification':
      return event.values.some((v) => v.deviceId === deviceId);
    case 'childrenChanged':
      return [...event.added, ...event.removed, ...event.changed].some((c) => c.deviceId === deviceId);
    default:
      return false;
  }
}
