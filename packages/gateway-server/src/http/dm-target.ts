import { CodedError } from '@lwm2m-adapters/errors';
import { LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import type { EndDeviceRegistration, GatewayChildren, Registration } from '@lwm2m-adapters/lwm2m-server';
import type { ValueTyping } from '../json/node-entries.js';

/** Who a device-management request names in its URL: a client by endpoint, or an end device by Device ID. */
export type TargetKind = 'client' | 'device';

/** `<lwm2m path>[:<operation>]` from the URL segments after the endpoint or Device ID. */
export interface DmLocation {
  /** The path in the request's namespace: the client's (prefix allowed) or the end device's. */
  readonly path: LwM2mPath;
  /** The operation after the colon ("execute", "observe", ...), if any. */
  readonly operation: string | undefined;
}

/** Parses the LwM2M path and operation of a DM URL (`3303/0/5700:observe`, `:read-composite`). */
export function parseDmLocation(segments: readonly string[], kind: TargetKind): DmLocation {
  let operation: string | undefined;
  const parts = [...segments];
  const last = parts.at(-1);
  if (last !== undefined) {
    const colon = last.indexOf(':');
    if (colon >= 0) {
      operation = last.slice(colon + 1);
      const head = last.slice(0, colon);
      if (head === '') parts.pop();
      else parts[parts.length - 1] = head;
    }
  }
  try {
    const path =
      parts.length === 0 ? LwM2mPath.ROOT : LwM2mPath.fromSegments(parts, { allowPrefix: kind === 'client' });
    return { path, operation };
  } catch (error) {
    if (error instanceof CodedError) {
      const hint = kind === 'device' ? ' (an end device is addressed without its prefix)' : '';
      throw new CodedError('PATH_INVALID', `${error.message}${hint}`, { details: error.details });
    }
    throw error;
  }
}

/** A resolved DM target: where the request goes and how the answer is shown. */
export interface DmTarget {
  readonly registration: Registration;
  readonly child: EndDeviceRegistration | undefined;
  /** The path sent to the client (with the end device's prefix). */
  readonly sentPath: LwM2mPath;
  /** The path in the request's namespace: answers use it. */
  readonly path: LwM2mPath;
  /** Types values by the object versions this client or end device registered. */
  readonly typing: ValueTyping;
}

export function resolveDmTarget(
  children: GatewayChildren,
  kind: TargetKind,
  name: string,
  path: LwM2mPath,
  model: ValueTyping['model'],
): DmTarget {
  const resolved = children.resolve(kind === 'client' ? name : { deviceId: name }, path);
  const objects = resolved.child?.objects ?? resolved.registration.objects;
  return {
    registration: resolved.registration,
    child: resolved.child,
    sentPath: resolved.path,
    path,
    typing: { model, versionOf: (objectId) => objects.find((o) => o.id === objectId)?.version },
  };
}
