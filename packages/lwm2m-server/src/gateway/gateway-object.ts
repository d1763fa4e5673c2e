import { isCodedError } from '@lwm2m-adapters/errors';
import {
  assertValidPrefix,
  type CoreLink,
  decodeLinks,
  type LwM2mNode,
  type ObjectInstanceNode,
  parseRegistrationLinks,
  type RegistrationObject,
} from '@lwm2m-adapters/lwm2m-core';

/** The LwM2M Gateway object (Gateway TS 1.1) and its resources. */
export const GATEWAY_OBJECT_ID = 25;
const DEVICE_ID = 0;
const PREFIX = 1;
const IOT_DEVICE_OBJECTS = 3;
const utf8 = new TextEncoder();

/** One /25 instance as the gateway reported it: an end device behind the gateway. */
export interface GatewayObjectEntry {
  /** The /25 instance id. */
  readonly instanceId: number;
  /** /25/x/0. */
  readonly deviceId: string;
  /** /25/x/1: the first Uri-Path segment of requests to the device. */
  readonly prefix: string;
  /** /25/x/3 as sent (empty for a /25 v1.0 instance, which has no RID 3). */
  readonly linksText: string;
  readonly links: readonly CoreLink[];
  /** The device's objects and instances, with versions, from /25/x/3. */
  readonly objects: readonly RegistrationObject[];
}

/** A /25 instance that was left out, and why (a gateway bug worth showing to an operator). */
export interface GatewayObjectProblem {
  readonly instanceId: number;
  readonly reason: string;
}

export interface GatewayObjectContent {
  readonly entries: readonly GatewayObjectEntry[];
  readonly problems: readonly GatewayObjectProblem[];
}

function text(instance: ObjectInstanceNode, resourceId: number): string | undefined {
  const resource = instance.resources.find((r) => r.id === resourceId);
  if (resource === undefined || resource.kind !== 'resource') return undefined;
  const { value } = resource;
  return value.type === 'string' || value.type === 'corelnk' ? value.value : undefined;
}

function entryOf(instance: ObjectInstanceNode): GatewayObjectEntry | string {
  const deviceId = text(instance, DEVICE_ID);
  if (deviceId === undefined || deviceId.length === 0) return 'it has no Device ID (/25/x/0)';
  const prefix = text(instance, PREFIX);
  if (prefix === undefined) return 'it has no Prefix (/25/x/1)';
  try {
    assertValidPrefix(prefix);
  } catch (error) {
    return isCodedError(error) ? error.message : `its prefix ${JSON.stringify(prefix)} is invalid`;
  }
  const linksText = text(instance, IOT_DEVICE_OBJECTS) ?? '';
  if (linksText.trim().length === 0) {
    return { instanceId: instance.id, deviceId, prefix, linksText, links: [], objects: [] };
  }
  try {
    const { objects } = parseRegistrationLinks(linksText);
    return {
      instanceId: instance.id,
      deviceId,
      prefix,
      linksText,
      links: decodeLinks(utf8.encode(linksText)),
      objects,
    };
  } catch (error) {
    const why = isCodedError(error) ? error.message : 'they cannot be parsed';
    return `its IoT Device Objects (/25/x/3) are not valid links: ${why}`;
  }
}

/**
 * The end devices a gateway reports in its /25 object (read or notified): one entry per valid
 * instance. Instances without a Device ID or a valid prefix, with unparsable links, or repeating a
 * prefix or Device ID already seen, are left out and listed as problems.
 */
export function readGatewayObject(node: LwM2mNode): GatewayObjectContent {
  const instances: readonly ObjectInstanceNode[] =
    node.kind === 'object' ? node.instances : node.kind === 'instance' ? [node] : [];
  const entries: GatewayObjectEntry[] = [];
  const problems: GatewayObjectProblem[] = [];
  const prefixes = new Set<string>();
  const deviceIds = new Set<string>();
  for (const instance of instances) {
    const entry = entryOf(instance);
    if (typeof entry === 'string') {
      problems.push({ instanceId: instance.id, reason: entry });
    } else if (prefixes.has(entry.prefix)) {
      problems.push({
        instanceId: instance.id,
        reason: `its prefix ${entry.prefix} is used by another instance`,
      });
    } else if (deviceIds.has(entry.deviceId)) {
      problems.push({
        instanceId: instance.id,
        reason: `its Device ID ${entry.deviceId} is used by another instance`,
      });
    } else {
      prefixes.add(entry.prefix);
      deviceIds.add(entry.deviceId);
      entries.push(entry);
    }
  }
  return { entries, problems };
}
