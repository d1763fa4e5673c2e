import type { CoreLink, RegistrationObject } from '@lwm2m-adapters/lwm2m-core';
import type { GatewayObjectEntry } from './gateway-object.js';

/**
 * An end device behind a registered LwM2M gateway, as the server knows it from the gateway's /25
 * object. Immutable: a change produces a new object with the same `id`. Requests reach it through
 * its gateway, with `prefix` as the first Uri-Path segment.
 */
export interface EndDeviceRegistration {
  /** `<gateway registration id>/<prefix>`: unique among the children the server holds. */
  readonly id: string;
  /** /25/x/0. */
  readonly deviceId: string;
  /** /25/x/1. */
  readonly prefix: string;
  /** The /25 instance that represents it. */
  readonly gatewayInstanceId: number;
  /** The gateway's registration id and endpoint name. */
  readonly gatewayRegistrationId: string;
  readonly gatewayEndpoint: string;
  /** /25/x/3 as the gateway sent it, and parsed. */
  readonly linksText: string;
  readonly links: readonly CoreLink[];
  readonly objects: readonly RegistrationObject[];
  /** Clock ms when the server first saw the device under this gateway registration. */
  readonly since: number;
  /** Clock ms of the last change of its /25 instance (or `since`). */
  readonly updatedAt: number;
}

/** Why a child is no longer held. */
export type EndDeviceRemovalReason =
  /** The gateway's /25 no longer lists it (or lists another Device ID under its prefix). */
  | 'removed'
  /** The gateway de-registered. */
  | 'deregistered'
  /** The gateway's lifetime ran out. */
  | 'expired'
  /** The gateway registered again: its old registration and everything under it ended. */
  | 'replaced';

/** What one look at a gateway's /25 changed. */
export interface EndDeviceChanges {
  readonly added: readonly EndDeviceRegistration[];
  readonly removed: readonly EndDeviceRegistration[];
  /** The device's objects changed (same Device ID and prefix). */
  readonly changed: readonly {
    readonly child: EndDeviceRegistration;
    readonly previous: EndDeviceRegistration;
  }[];
  readonly unchanged: number;
}

function sameObjects(a: readonly RegistrationObject[], b: readonly RegistrationObject[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as RegistrationObject;
    const y = b[i] as RegistrationObject;
    if (x.id !== y.id || x.version !== y.version || x.instances.length !== y.instances.length) return false;
    for (let j = 0; j < x.instances.length; j++) if (x.instances[j] !== y.instances[j]) return false;
  }
  return true;
}

/**
 * Diffs the children held for a gateway (by prefix) against the entries of its latest /25.
 * A prefix now carrying another Device ID is a removal plus an addition: requests under that
 * prefix reach a different device.
 */
export function diffEndDevices(
  held: ReadonlyMap<string, EndDeviceRegistration>,
  entries: readonly GatewayObjectEntry[],
  gateway: { readonly id: string; readonly endpoint: string },
  now: number,
): { readonly next: Map<string, EndDeviceRegistration>; readonly changes: EndDeviceChanges } {
  const next = new Map<string, EndDeviceRegistration>();
  const added: EndDeviceRegistration[] = [];
  const removed: EndDeviceRegistration[] = [];
  const changed: { child: EndDeviceRegistration; previous: EndDeviceRegistration }[] = [];
  let unchanged = 0;
  for (const entry of entries) {
    const previous = held.get(entry.prefix);
    const base = {
      deviceId: entry.deviceId,
      prefix: entry.prefix,
      gatewayInstanceId: entry.instanceId,
      gatewayRegistrationId: gateway.id,
      gatewayEndpoint: gateway.endpoint,
      linksText: entry.linksText,
      links: entry.links,
      objects: entry.objects,
    };
    if (previous === undefined || previous.deviceId !== entry.deviceId) {
      if (previous !== undefined) removed.push(previous);
      const child: EndDeviceRegistration = {
        id: `${gateway.id}/${entry.prefix}`,
        ...base,
        since: now,
        updatedAt: now,
      };
      added.push(child);
      next.set(entry.prefix, child);
    } else if (
      previous.gatewayInstanceId !== entry.instanceId ||
      previous.linksText !== entry.linksText ||
      !sameObjects(previous.objects, entry.objects)
    ) {
      const child: EndDeviceRegistration = { ...previous, ...base, updatedAt: now };
      changed.push({ child, previous });
      next.set(entry.prefix, child);
    } else {
      unchanged++;
      next.set(entry.prefix, previous);
    }
  }
  for (const [prefix, child] of held) if (!next.has(prefix)) removed.push(child);
  return { next, changes: { added, removed, changed, unchanged } };
}
