import type { PeerAddress } from '@lwm2m-adapters/coap';
import type { RegistrationObject } from '@lwm2m-adapters/lwm2m-core';
import type { EndDeviceRegistration, GatewayState, Registration } from '@lwm2m-adapters/lwm2m-server';

/** An object a client (or end device) registered: id, version if named, instances. */
export interface ObjectJson {
  readonly id: number;
  readonly version: string | null;
  readonly instances: readonly number[];
}

/** A registered client as the API shows it. Times are ISO-8601 UTC. */
export interface ClientJson {
  readonly endpoint: string;
  readonly registrationId: string;
  /** Seconds. */
  readonly lifetime: number;
  readonly lwm2mVersion: string;
  readonly binding: string;
  readonly queueMode: boolean;
  readonly smsNumber: string | null;
  /** Where its requests go: "host:port" ("[v6]:port" for IPv6). */
  readonly address: string;
  /** Whether it came over DTLS; null when the server was not told. */
  readonly secure: boolean | null;
  readonly rootPath: string;
  /** Content formats it advertised (`ct`). */
  readonly contentFormats: readonly number[];
  readonly objects: readonly ObjectJson[];
  readonly registeredAt: string;
  readonly updatedAt: string;
  readonly expiresAt: string;
  /** A queue-mode client is 'asleep' between its awake times (requests wait); others are always 'awake'. */
  readonly presence: 'awake' | 'asleep';
  /** Requests waiting for it to wake up. */
  readonly queuedRequests: number;
  /** Set for a client that registered /25 (an LwM2M gateway). */
  readonly gateway: GatewayJson | null;
}

export interface GatewayJson {
  readonly children: readonly ChildJson[];
  /** The last successful look at its /25, or null before the first. */
  readonly syncedAt: string | null;
  readonly observing: boolean;
  readonly lastError: ErrorJson | null;
  readonly problems: readonly { readonly instanceId: number; readonly reason: string }[];
}

/** An end device behind a gateway. */
export interface ChildJson {
  readonly deviceId: string;
  readonly prefix: string;
  readonly gatewayEndpoint: string;
  readonly gatewayRegistrationId: string;
  /** Its /25 instance. */
  readonly gatewayInstanceId: number;
  readonly objects: readonly ObjectJson[];
  readonly since: string;
  readonly updatedAt: string;
}

/** A coded error as JSON. */
export interface ErrorJson {
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export const isoTime = (ms: number): string => new Date(ms).toISOString();

export function formatAddress(peer: PeerAddress): string {
  return peer.address.includes(':') ? `[${peer.address}]:${peer.port}` : `${peer.address}:${peer.port}`;
}

export function objectsJson(objects: readonly RegistrationObject[]): ObjectJson[] {
  return objects.map((o) => ({ id: o.id, version: o.version ?? null, instances: [...o.instances] }));
}

export function childJson(child: EndDeviceRegistration): ChildJson {
  return {
    deviceId: child.deviceId,
    prefix: child.prefix,
    gatewayEndpoint: child.gatewayEndpoint,
    gatewayRegistrationId: child.gatewayRegistrationId,
    gatewayInstanceId: child.gatewayInstanceId,
    objects: objectsJson(child.objects),
    since: isoTime(child.since),
    updatedAt: isoTime(child.updatedAt),
  };
}

export function errorJson(error: {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}): ErrorJson {
  return { code: error.code, message: error.message, details: error.details ?? {} };
}

export function gatewayJson(state: GatewayState, children: readonly EndDeviceRegistration[]): GatewayJson {
  return {
    children: children.map(childJson),
    syncedAt: state.syncedAt === undefined ? null : isoTime(state.syncedAt),
    observing: state.observing,
    lastError: state.lastError === undefined ? null : errorJson(state.lastError),
    problems: state.problems.map((p) => ({ instanceId: p.instanceId, reason: p.reason })),
  };
}

/** A registration as JSON; `gateway` is the gateway view of it, when it is one. */
export function clientJson(
  registration: Registration,
  secure: boolean | undefined,
  gateway: GatewayJson | null,
  queue: { readonly presence: 'awake' | 'asleep'; readonly queuedRequests: number },
): ClientJson {
  return {
    endpoint: registration.endpoint,
    registrationId: registration.id,
    lifetime: registration.lifetime,
    lwm2mVersion: registration.lwm2mVersion,
    binding: registration.binding,
    queueMode: registration.queueMode,
    smsNumber: registration.smsNumber ?? null,
    address: formatAddress(registration.peer),
    secure: secure ?? null,
    rootPath: registration.rootPath,
    contentFormats: [...registration.contentFormats],
    objects: objectsJson(registration.objects),
    registeredAt: isoTime(registration.registeredAt),
    updatedAt: isoTime(registration.updatedAt),
    expiresAt: isoTime(registration.expiresAt),
    presence: queue.presence,
    queuedRequests: queue.queuedRequests,
    gateway,
  };
}
