import { isValidPrefix, type ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import type { AdapterDefinition, AdapterIssue, PointSpec } from '@lwm2m-adapters/sdk';
import type { AdapterCache } from './adapter-cache.js';
import { compilePoint, type PointOutcome } from './compile-point.js';
import type { DeviceScope, ReportingDefaults } from './compile-scope.js';
import type { CompiledDevice, CompiledObject, CompiledPoint } from './compiled-mapping.js';
import {
  deviceEntrySchema,
  deviceWithoutItsTemplateSchema,
  effectiveDeviceSchema,
  reportingDefaultsSchema,
} from './document-schema.js';
import { durationMs } from './duration.js';
import type { IssueCollector } from './issue-collector.js';
import type { JsonSchemaCache } from './json-schema-cache.js';
import { type JsonValue, toCanonicalJson } from './json-value.js';
import {
  entryOf,
  followPath,
  type LocatedEntry,
  type LocatedMap,
  makeMap,
  type Origin,
  originOfTarget,
  stringOf,
  valueAt,
} from './located-node.js';
import { checkMandatoryResources } from './mandatory-check.js';
import type { PointOutcomeCache } from './point-outcome-cache.js';
import { MAX_QUOTED_CHARACTERS, quote } from './safe-text.js';
import { isSecretConnectionKey } from './secret-keys.js';
import { findConnectionSecrets, secretInputValues } from './secret-paths.js';
import type { SourceText } from './source-text.js';
import type { ValueInterner } from './value-interner.js';
import { formatFieldPath, parseLocated } from './zod-issues.js';

/** What compiling devices shares across the whole mapping. */
export interface MappingScope {
  readonly source: SourceText;
  readonly registry: ObjectRegistry;
  readonly issues: IssueCollector;
  readonly jsonSchemas: JsonSchemaCache;
  readonly adapters: AdapterCache;
  readonly defaults: ReportingDefaults;
  /** Secret values seen so far, kept out of every message. */
  readonly secrets: Set<string>;
  /** Compiled template points, shared by the devices that inherit them. */
  readonly points: PointOutcomeCache;
  /** Small values many devices have alike, held once. */
  readonly shared: ValueInterner;
  /** Point paths (joined) of devices found to have every mandatory resource. */
  readonly completePointSets: Set<string>;
}

/** A device's identity as compiled, with where each part is written (for uniqueness checks). */
export interface DeviceIdentity {
  readonly id: string;
  readonly idOrigin: Origin;
  readonly prefix: string;
  readonly prefixOrigin: Origin;
  /** False when the prefix was reported as invalid. */
  readonly prefixValid: boolean;
  readonly endpoint: string;
  readonly endpointOrigin: Origin;
}

export interface DeviceOutcome {
  readonly device: CompiledDevice | undefined;
  readonly identity: DeviceIdentity | undefined;
}

/**
 * Compiles one device (a device entry merged over its template, variables substituted): its own
 * fields, the adapter's connection and point schemas, every point against the object registry,
 * the adapter's `checkPoints`, and mandatory resources. Problems are reported; the device is
 * undefined when there were any.
 */
export async function compileDevice(
  tree: LocatedMap,
  label: string,
  scope: MappingScope,
  options: {
    /**
     * The device names a template that is not defined (reported): what the template would give is
     * not required, and checks of the whole device (connection, mandatory resources) are left out.
     */
    readonly templateMissing?: boolean;
  } = {},
): Promise<DeviceOutcome> {
  const { issues } = scope;
  const before = issues.size;
  const templateMissing = options.templateMissing === true;
  const shell = parseLocated(
    templateMissing ? deviceWithoutItsTemplateSchema : effectiveDeviceSchema,
    {
      root: withoutNestedEntries(tree, ['points', 'connection']),
      rootOrigin: tree.origin,
      fieldPrefix: [],
      device: label,
      jsonSchema: scope.jsonSchemas.of(deviceEntrySchema),
    },
    issues,
  );
  const defaults = deviceDefaults(tree, label, scope);
  const adapter = await resolveAdapter(tree, label, scope);
  const connectionEntry = entryOf(tree, 'connection');
  const secretKeys = adapter?.secretConnectionKeys ?? [];
  for (const value of secretInputValues(connectionEntry?.value, secretKeys)) scope.secrets.add(value);
  let connection: JsonValue | undefined;
  if (adapter !== undefined && !templateMissing)
    connection = validateConnection(adapter, connectionEntry, tree, label, scope);

  const deviceScope: DeviceScope = {
    source: scope.source,
    registry: scope.registry,
    issues,
    jsonSchemas: scope.jsonSchemas,
    device: label,
    adapter,
    defaults,
  };
  const pointsNode = valueAt(tree, 'points');
  const pointEntries = pointsNode?.kind === 'map' ? [...pointsNode.entries.values()] : [];
  const outcomes: PointOutcome[] = [];
  for (const entry of pointEntries) {
    const outcome = compileSharedPoint(entry, deviceScope, scope.points);
    if (outcome !== undefined) outcomes.push(outcome);
  }
  checkArrayOverlaps(outcomes, deviceScope);
  if (!templateMissing) checkMandatoryResourcesOnce(pointEntries, label, scope);
  if (adapter !== undefined && connection !== undefined) {
    runCheckPoints(adapter, connection, outcomes, tree, label, scope);
  }
  const identity = shell.ok
    ? deviceIdentity(tree, shell.data.id, shell.data.prefix, shell.data.endpoint, label, scope)
    : undefined;
  if (
    issues.size > before ||
    !shell.ok ||
    adapter === undefined ||
    connection === undefined ||
    identity === undefined ||
    shell.data.adapter === undefined
  ) {
    return { device: undefined, identity };
  }
  const secrets = findConnectionSecrets(connection, connectionEntry?.value, secretKeys);
  for (const value of secrets.values) scope.secrets.add(value);
  const points = outcomes.map((outcome) => outcome.point).sort(comparePoints);
  const device: CompiledDevice = {
    id: identity.id,
    prefix: identity.prefix,
    endpoint: identity.endpoint,
    adapter: scope.shared.intern({ name: shell.data.adapter, version: adapter.version }),
    connection: withSharedParts(connection, scope.shared),
    secretPaths: secrets.paths.length === 0 ? scope.shared.intern(secrets.paths) : secrets.paths,
    objects: scope.shared.intern(objectsOf(points, scope.registry)),
    points,
    location: { file: scope.source.file, ...scope.source.position(tree.origin.offset) },
  };
  return { device, identity };
}

/**
 * An array point is the whole multiple-instance resource: another point on one of its instances
 * would be a second source of the same value.
 */
function checkArrayOverlaps(outcomes: readonly PointOutcome[], scope: DeviceScope): void {
  const arrays = new Map<string, string>();
  for (const { point } of outcomes) {
    if (point.kind === 'bound' && point.shape === 'array') arrays.set(point.path, point.path);
  }
  if (arrays.size === 0) return;
  for (const { point, entry } of outcomes) {
    if (point.resourceInstanceId === undefined) continue;
    const whole = arrays.get(`/${point.objectId}/${point.instanceId}/${point.resourceId}`);
    if (whole === undefined) continue;
    scope.issues.add({
      origin: entry.keyOrigin,
      message: `${point.path}: ${whole} is mapped as a whole (an array source), so its instances cannot be mapped one by one`,
      expected: `either ${whole} with an array source, or one point per resource instance`,
      device: scope.device,
    });
  }
}

/** The mandatory-resource check, skipped for a set of paths already found complete. */
function checkMandatoryResourcesOnce(
  entries: readonly LocatedEntry[],
  label: string,
  scope: MappingScope,
): void {
  const paths = entries.map((entry) => entry.key).join(' ');
  if (scope.completePointSets.has(paths)) return;
  const before = scope.issues.added;
  checkMandatoryResources(entries, scope.registry, scope.issues, label);
  if (scope.issues.added === before) scope.completePointSets.add(paths);
}

/** A point compiled once for all devices that inherit it unchanged from their template. */
function compileSharedPoint(
  entry: LocatedEntry,
  scope: DeviceScope,
  cache: PointOutcomeCache,
): PointOutcome | undefined {
  const cached = cache.get(entry, scope.adapter, scope.defaults);
  if (cached !== undefined) return cached;
  const before = scope.issues.added;
  const outcome = compilePoint(entry, scope);
  if (outcome === undefined || scope.issues.added > before) return outcome;
  return cache.set(entry, scope.adapter, scope.defaults, outcome);
}

/**
 * The device with the entries of some maps left out: the device's own schema only checks they are
 * maps (their contents are checked on their own), and there is no need to copy them for it.
 */
function withoutNestedEntries(tree: LocatedMap, keys: readonly string[]): LocatedMap {
  const entries = new Map(tree.entries);
  for (const key of keys) {
    const entry = entries.get(key);
    if (entry?.value.kind === 'map')
      entries.set(key, { ...entry, value: makeMap(entry.value.origin, new Map()) });
  }
  return makeMap(tree.origin, entries);
}

function deviceDefaults(tree: LocatedMap, label: string, scope: MappingScope): ReportingDefaults {
  const entry = entryOf(tree, 'defaults');
  if (entry === undefined) return scope.defaults;
  const parsed = parseLocated(
    reportingDefaultsSchema,
    {
      root: entry.value,
      rootOrigin: entry.keyOrigin,
      fieldPrefix: ['defaults'],
      device: label,
      jsonSchema: scope.jsonSchemas.of(reportingDefaultsSchema),
    },
    scope.issues,
  );
  if (!parsed.ok) return scope.defaults;
  const own = parsed.data;
  return {
    pollMs: own.poll === undefined ? scope.defaults.pollMs : durationMs(own.poll),
    pminMs: own.pmin === undefined ? scope.defaults.pminMs : durationMs(own.pmin),
    pmaxMs: own.pmax === undefined ? scope.defaults.pmaxMs : durationMs(own.pmax),
    deadband: own.deadband ?? scope.defaults.deadband,
    pollOnDevice: own.poll !== undefined,
  };
}

async function resolveAdapter(
  tree: LocatedMap,
  label: string,
  scope: MappingScope,
): Promise<AdapterDefinition | undefined> {
  const entry = entryOf(tree, 'adapter');
  const name = stringOf(entry?.value);
  if (entry === undefined || name === undefined || name === '') return undefined;
  const resolution = await scope.adapters.resolve(name);
  if (resolution.ok) return resolution.adapter;
  scope.issues.add({
    origin: entry.value.origin,
    message:
      resolution.message.startsWith(`adapter "${name}"`) && name.length <= MAX_QUOTED_CHARACTERS
        ? resolution.message
        : `adapter ${quote(name)} cannot be used: ${resolution.message}`,
    expected: 'an installed adapter short name (e.g. modbus) or npm package name',
    device: label,
  });
  return undefined;
}

function validateConnection(
  adapter: AdapterDefinition,
  entry: LocatedEntry | undefined,
  tree: LocatedMap,
  label: string,
  scope: MappingScope,
): JsonValue | undefined {
  const secretKeys = adapter.secretConnectionKeys ?? [];
  const parsed = parseLocated(
    adapter.connectionSchema,
    {
      root: entry?.value,
      rootOrigin: entry?.keyOrigin ?? tree.origin,
      fieldPrefix: ['connection'],
      device: label,
      isSecret: (path) =>
        path.some((segment) => typeof segment === 'string' && isSecretConnectionKey(segment, secretKeys)),
      jsonSchema: scope.jsonSchemas.of(adapter.connectionSchema),
    },
    scope.issues,
  );
  if (!parsed.ok) return undefined;
  const problemPath: (string | number)[] = [];
  const json = toCanonicalJson(parsed.data, problemPath);
  if (json === undefined) {
    scope.issues.add({
      origin: entry?.keyOrigin ?? tree.origin,
      message: `adapter ${adapter.name} turned ${formatFieldPath(['connection', ...problemPath])} into something that is not plain JSON`,
      expected: 'an adapter whose connection schema returns JSON data',
      device: label,
    });
  }
  return json;
}

function runCheckPoints(
  adapter: AdapterDefinition,
  connection: JsonValue,
  outcomes: readonly PointOutcome[],
  tree: LocatedMap,
  label: string,
  scope: MappingScope,
): void {
  if (adapter.checkPoints === undefined) return;
  const bound = outcomes.filter((outcome) => outcome.point.kind === 'bound');
  const specs: PointSpec<unknown>[] = bound.map((outcome) => ({
    id: outcome.point.id,
    source: outcome.adapterPoint,
    access: outcome.point.access,
  }));
  let found: AdapterIssue[];
  try {
    found = adapter.checkPoints(connection, specs);
  } catch (error) {
    scope.issues.add({
      origin: tree.origin,
      message: `adapter ${adapter.name} failed to check the points: ${error instanceof Error ? error.message : String(error)}`,
      device: label,
    });
    return;
  }
  const byId = new Map(bound.map((outcome) => [outcome.point.id, outcome]));
  for (const issue of found) {
    scope.issues.add({ ...locateAdapterIssue(issue, byId, tree), device: label });
  }
}

function locateAdapterIssue(
  issue: AdapterIssue,
  byId: ReadonlyMap<string, PointOutcome>,
  tree: LocatedMap,
): { origin: Origin; message: string } {
  if (issue.pointId === undefined) {
    const connection = entryOf(tree, 'connection');
    const origin =
      connection === undefined ? tree.origin : originOfTarget(followPath(connection.value, issue.field));
    const field = formatFieldPath(['connection', ...issue.field]);
    return { origin, message: `${field}: ${issue.message}` };
  }
  const outcome = byId.get(issue.pointId);
  const source = outcome === undefined ? undefined : entryOf(outcome.entry.value, 'source');
  if (outcome === undefined || source === undefined) {
    return { origin: tree.origin, message: `${issue.pointId}: ${issue.message}` };
  }
  const target = followPath(source.value, issue.field);
  const origin = issue.field.length === 0 ? source.keyOrigin : originOfTarget(target);
  return { origin, message: `${issue.pointId}: ${issue.message}` };
}

const PREFIX_EXPECTED = '1-64 characters A-Z a-z 0-9 _ . ~ - with at least one non-digit (e.g. dev0)';

function deviceIdentity(
  tree: LocatedMap,
  id: string,
  prefix: string | undefined,
  endpoint: string | undefined,
  label: string,
  scope: MappingScope,
): DeviceIdentity {
  const idOrigin = originFor(tree, 'id');
  const prefixOrigin = originFor(tree, 'prefix');
  const resolvedPrefix = prefix ?? (isValidPrefix(id) ? id : `dev${id}`);
  const prefixValid = isValidPrefix(resolvedPrefix);
  if (!prefixValid) {
    scope.issues.add({
      origin: prefixOrigin,
      message: `prefix ${quote(resolvedPrefix)} is not a valid gateway prefix`,
      expected: PREFIX_EXPECTED,
      device: label,
    });
  }
  return {
    id,
    idOrigin,
    prefix: resolvedPrefix,
    prefixOrigin,
    prefixValid,
    endpoint: endpoint ?? id,
    endpointOrigin: entryOf(tree, 'endpoint') === undefined ? idOrigin : originFor(tree, 'endpoint'),
  };
}

function originFor(tree: LocatedMap, key: string): Origin {
  const entry = entryOf(tree, key);
  if (entry === undefined) return entryOf(tree, 'id')?.value.origin ?? tree.origin;
  return entry.value.kind === 'scalar' ? entry.value.origin : entry.keyOrigin;
}

/** The connection with its nested settings (reconnect, quarantine, ...) shared with other devices. */
function withSharedParts(connection: JsonValue, shared: ValueInterner): JsonValue {
  if (typeof connection !== 'object' || connection === null || Array.isArray(connection)) return connection;
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(connection)) {
    out[key] = typeof value === 'object' && value !== null ? shared.intern(value) : value;
  }
  return out;
}

function comparePoints(a: CompiledPoint, b: CompiledPoint): number {
  return (
    a.objectId - b.objectId ||
    a.instanceId - b.instanceId ||
    a.resourceId - b.resourceId ||
    (a.resourceInstanceId ?? -1) - (b.resourceInstanceId ?? -1)
  );
}

function objectsOf(points: readonly CompiledPoint[], registry: ObjectRegistry): CompiledObject[] {
  const instances = new Map<number, Set<number>>();
  for (const point of points) {
    let set = instances.get(point.objectId);
    if (set === undefined) {
      set = new Set();
      instances.set(point.objectId, set);
    }
    set.add(point.instanceId);
  }
  return [...instances.entries()]
    .sort(([a], [b]) => a - b)
    .map(([objectId, ids]) => ({
      objectId,
      version: registry.getObject(objectId)?.version ?? '1.0',
      instances: [...ids].sort((a, b) => a - b),
    }));
}
