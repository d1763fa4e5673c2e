import { LwM2mPath, type ObjectDefinition, type ResourceDefinition } from '@lwm2m-adapters/lwm2m-core';
import type { DeviceScope } from './compile-scope.js';
import type { LocatedEntry } from './located-node.js';
import { MAX_QUOTED_CHARACTERS, quote } from './safe-text.js';

/** The LwM2M resource a point key names, with its definitions from the registry. */
export interface PointTarget {
  /** Canonical path text without prefix, e.g. `/3303/0/5700`. */
  readonly path: string;
  readonly objectId: number;
  readonly instanceId: number;
  readonly resourceId: number;
  readonly resourceInstanceId: number | undefined;
  readonly object: ObjectDefinition;
  readonly resource: ResourceDefinition;
}

const PATH_EXPECTED = '/object/instance/resource or /object/instance/resource/instance, e.g. /3303/0/5700';
const LISTED_RESOURCES = 40;

/** Canonical form of a point key (`/3303/00/5700` → `/3303/0/5700`), or undefined when it is not a resource path. */
export function canonicalPointPath(key: string): string | undefined {
  if (isCanonicalResourcePath(key)) return key;
  try {
    const path = LwM2mPath.parse(key, { allowPrefix: false });
    return path.level === 'resource' || path.level === 'resource-instance' ? path.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** `/3303/0/5700` or `/3/0/11/0` with ids 0..65534 written without leading zeros (no parse needed). */
const CANONICAL_PATH = /^\/(0|[1-9]\d{0,4})\/(0|[1-9]\d{0,4})\/(0|[1-9]\d{0,4})(?:\/(0|[1-9]\d{0,4}))?$/;

function isCanonicalResourcePath(key: string): boolean {
  const match = CANONICAL_PATH.exec(key);
  return match?.slice(1).every((id) => id === undefined || Number(id) <= 65534) === true;
}

/**
 * Parses a point key and looks its object and resource up; reports what is wrong at the key.
 * `wholeMultiple` (bound points, whose adapter may yield an array) accepts the path of a whole
 * multiple-instance resource: the point's shape is checked against it once its source is known
 * (`checkPointShape`).
 */
export function resolvePointTarget(
  entry: LocatedEntry,
  scope: DeviceScope,
  wholeMultiple = false,
): PointTarget | undefined {
  const report = (message: string, expected: string): undefined => {
    scope.issues.add({ origin: entry.keyOrigin, message, expected, device: scope.device });
    return undefined;
  };
  let path: LwM2mPath;
  try {
    path = LwM2mPath.parse(entry.key, { allowPrefix: false });
  } catch (error) {
    // The reason quotes the key again: only for keys short enough to quote whole.
    const reason =
      error instanceof Error && entry.key.length <= MAX_QUOTED_CHARACTERS ? `: ${error.message}` : '';
    return report(`${quote(entry.key)} is not an LwM2M resource path${reason}`, PATH_EXPECTED);
  }
  const { objectId, instanceId, resourceId, resourceInstanceId } = path;
  if (objectId === undefined || instanceId === undefined || resourceId === undefined) {
    return report(`${quote(entry.key)} is not an LwM2M resource path`, PATH_EXPECTED);
  }
  const text = path.toString();
  const object = scope.registry.getObject(objectId);
  if (object === undefined) {
    return report(
      `${text}: object ${objectId} is not in the object registry`,
      'an OMA/IPSO object id, or a custom object whose DDF file is listed under objects:',
    );
  }
  const objectName = `object ${objectId} "${object.name}"`;
  if (!object.multiple && instanceId !== 0) {
    return report(`${text}: ${objectName} is single-instance`, `instance 0 (/${objectId}/0/${resourceId})`);
  }
  const resource = scope.registry.getResource(objectId, resourceId);
  if (resource === undefined) {
    const ids = object.resources.map((r) => r.id);
    const listed =
      ids.length > LISTED_RESOURCES ? `${ids.slice(0, LISTED_RESOURCES).join(', ')}, ...` : ids.join(', ');
    return report(
      `${text}: ${objectName} version ${object.version} has no resource ${resourceId}`,
      `one of ${listed}`,
    );
  }
  const resourceName = `resource ${resourceId} "${resource.name}"`;
  if (resource.multiple && resourceInstanceId === undefined && !wholeMultiple) {
    return report(
      `${text}: ${resourceName} is multiple-instance`,
      `a path per resource instance, e.g. ${text}/0`,
    );
  }
  if (!resource.multiple && resourceInstanceId !== undefined) {
    return report(
      `${text}: ${resourceName} is single-instance`,
      `the resource path /${objectId}/${instanceId}/${resourceId}`,
    );
  }
  return { path: text, objectId, instanceId, resourceId, resourceInstanceId, object, resource };
}

/**
 * Whether a point of this shape fits its target: an array point binds to a whole multiple-instance
 * resource (`/3303/0/5700` of a multiple resource), a scalar point to a single-instance resource or
 * one resource instance (`/3/0/11/0`). The problem, or undefined when it fits.
 */
export function pointShapeProblem(
  target: PointTarget,
  shape: 'scalar' | 'array',
): { readonly message: string; readonly expected: string } | undefined {
  const { objectId, instanceId, resourceId, resource, path } = target;
  const resourceName = `resource ${resourceId} "${resource.name}"`;
  const resourcePath = `/${objectId}/${instanceId}/${resourceId}`;
  if (shape === 'array') {
    if (!resource.multiple) {
      return {
        message: `${path}: the source yields an array, but ${resourceName} is single-instance`,
        expected: 'a multiple-instance resource for an array source, or a scalar source',
      };
    }
    if (target.resourceInstanceId !== undefined) {
      return {
        message: `${path}: the source yields an array, which maps onto the whole resource, not one instance`,
        expected: `the resource path ${resourcePath}`,
      };
    }
    return undefined;
  }
  if (resource.multiple && target.resourceInstanceId === undefined) {
    return {
      message: `${path}: ${resourceName} is multiple-instance, but the source yields a single value`,
      expected: `a path per resource instance, e.g. ${path}/0, or a source that yields an array`,
    };
  }
  return undefined;
}
