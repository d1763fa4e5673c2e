import type { AdapterDefinition, PointAccess, RawValueKind, RawValueShape } from '@lwm2m-adapters/sdk';
import type { DeviceScope } from './compile-scope.js';
import type {
  CompiledBoundPoint,
  CompiledConstantPoint,
  CompiledPoint,
  PointReporting,
  SourceLocation,
} from './compiled-mapping.js';
import { encodeConstant } from './constant-value.js';
import { checkConversion } from './conversion-check.js';
import { boundPointSchema, constantPointSchema } from './document-schema.js';
import { durationMs, formatDuration } from './duration.js';
import { toCanonicalJson } from './json-value.js';
import {
  entryOf,
  type LocatedEntry,
  type LocatedMap,
  type LocatedNode,
  type Origin,
  valueAt,
} from './located-node.js';
import {
  type AccessText,
  accessOf,
  accessProblem,
  allowedAccessText,
  capabilityProblem,
  defaultAccessText,
  READ_ONLY,
} from './point-access.js';
import { type PointTarget, pointShapeProblem, resolvePointTarget } from './point-target.js';
import { quote } from './safe-text.js';
import { isNumericKind } from './value-kind.js';
import { parseLocated } from './zod-issues.js';

/** A compiled point, with the adapter's parsed binding for `checkPoints`. */
export interface PointOutcome {
  readonly point: CompiledPoint;
  /** The adapter's parsed point (bound points only). */
  readonly adapterPoint?: unknown;
  readonly entry: LocatedEntry;
}

const READ_WRITE_CONSTANT = Object.freeze({ read: true, write: true, execute: false });

const POINT_EXPECTED = 'a constant value, or a mapping with source (a binding) or value (a constant)';

/** Compiles one `path: ...` entry of a device's points; reports what is wrong and gives undefined. */
export function compilePoint(entry: LocatedEntry, scope: DeviceScope): PointOutcome | undefined {
  const node = entry.value;
  const bound = node.kind === 'map' && !node.entries.has('value');
  const target = resolvePointTarget(entry, scope, bound);
  if (node.kind === 'seq' || (node.kind === 'scalar' && node.value === null)) {
    scope.issues.add({
      origin: node.kind === 'seq' ? entry.keyOrigin : node.origin,
      message: `${target?.path ?? quote(entry.key)}: ${node.kind === 'seq' ? 'a list' : 'an empty value'} is not a point`,
      expected: POINT_EXPECTED,
      device: scope.device,
    });
    return undefined;
  }
  if (node.kind === 'scalar') {
    return target === undefined ? undefined : constantPoint(entry, target, node, undefined, scope);
  }
  if (node.entries.has('value')) {
    const subject = target?.path ?? quote(entry.key);
    const parsed = parseLocated(
      constantPointSchema,
      {
        root: node,
        rootOrigin: entry.keyOrigin,
        fieldPrefix: [],
        subject,
        device: scope.device,
        jsonSchema: scope.jsonSchemas.of(constantPointSchema),
      },
      scope.issues,
    );
    const valueNode = valueAt(node, 'value');
    if (!parsed.ok || target === undefined || valueNode === undefined) return undefined;
    if (valueNode.kind !== 'scalar') {
      scope.issues.add({
        origin: entry.keyOrigin,
        message: `${subject}: value must be a single value`,
        expected: 'text, a number, true or false',
        device: scope.device,
      });
      return undefined;
    }
    return constantPoint(entry, target, valueNode, parsed.data.units, scope, parsed.data.writable === true);
  }
  return boundPoint(entry, target, node, scope);
}

function locationOf(origin: Origin, scope: DeviceScope): SourceLocation {
  return { file: scope.source.file, ...scope.source.position(origin.offset) };
}

function targetFields(target: PointTarget) {
  return {
    id: target.path,
    path: target.path,
    objectId: target.objectId,
    instanceId: target.instanceId,
    resourceId: target.resourceId,
    ...(target.resourceInstanceId === undefined ? {} : { resourceInstanceId: target.resourceInstanceId }),
    resourceType: target.resource.type,
    ...(target.resource.range === undefined ? {} : { range: target.resource.range }),
  };
}

function constantPoint(
  entry: LocatedEntry,
  target: PointTarget,
  node: LocatedNode & { kind: 'scalar' },
  units: string | undefined,
  scope: DeviceScope,
  writable = false,
): PointOutcome | undefined {
  const { resource } = target;
  if (node.substitution?.unresolved === true) return undefined;
  if (writable && !resource.operations.includes('W')) {
    scope.issues.add({
      origin: entry.keyOrigin,
      message: `${target.path}: resource ${resource.id} "${resource.name}" is read-only (${resource.operations}), so the constant cannot be writable`,
      expected: 'writable: false, or no writable',
      device: scope.device,
    });
    return undefined;
  }
  if (resource.operations === 'W') {
    scope.issues.add({
      origin: node.origin,
      message: `${target.path}: resource ${resource.id} "${resource.name}" is write-only, so a constant cannot be read`,
      expected: 'a binding with access: w',
      device: scope.device,
    });
    return undefined;
  }
  const encoded = encodeConstant(resource, node);
  if (!encoded.ok) {
    scope.issues.add({
      origin: node.origin,
      message: `${target.path}: ${encoded.problem}`,
      expected: encoded.expected,
      device: scope.device,
    });
    return undefined;
  }
  const point: CompiledConstantPoint = {
    ...targetFields(target),
    kind: 'constant',
    constant: encoded.value,
    // read-only to the server unless the mapping says writable: true
    access: writable ? READ_WRITE_CONSTANT : READ_ONLY,
    ...(units === undefined ? {} : { units }),
    location: locationOf(entry.keyOrigin, scope),
  };
  return { point, entry };
}

function boundPoint(
  entry: LocatedEntry,
  target: PointTarget | undefined,
  node: LocatedMap,
  scope: DeviceScope,
): PointOutcome | undefined {
  const subject = target?.path ?? quote(entry.key);
  const fields = parseLocated(
    boundPointSchema,
    {
      root: node,
      rootOrigin: entry.keyOrigin,
      fieldPrefix: [],
      subject,
      device: scope.device,
      jsonSchema: scope.jsonSchemas.of(boundPointSchema),
    },
    scope.issues,
  );
  const adapter = scope.adapter;
  const sourceEntry = entryOf(node, 'source');
  let adapterPoint: unknown;
  let sourceOk = false;
  if (adapter !== undefined && sourceEntry !== undefined) {
    const parsed = parseLocated(
      adapter.pointSchema,
      {
        root: sourceEntry.value,
        rootOrigin: sourceEntry.keyOrigin,
        fieldPrefix: ['source'],
        subject,
        device: scope.device,
        jsonSchema: scope.jsonSchemas.of(adapter.pointSchema),
      },
      scope.issues,
    );
    if (parsed.ok) {
      adapterPoint = parsed.data;
      sourceOk = true;
    }
  }
  if (!fields.ok || !sourceOk || target === undefined || adapter === undefined || sourceEntry === undefined) {
    return undefined;
  }
  const report = (origin: Origin, message: string, expected: string): undefined => {
    scope.issues.add({ origin, message: `${subject}: ${message}`, expected, device: scope.device });
    return undefined;
  };
  const { resource } = target;
  const rawKind = classify(adapter, adapterPoint);
  if (typeof rawKind !== 'string') {
    return report(
      sourceEntry.keyOrigin,
      `adapter ${adapter.name} cannot classify this source: ${rawKind.error}`,
      'a source the adapter accepts',
    );
  }
  const shape = shapeOf(adapter, adapterPoint);
  if (typeof shape !== 'string') {
    return report(
      sourceEntry.keyOrigin,
      `adapter ${adapter.name} cannot tell whether this source yields an array: ${shape.error}`,
      'a source the adapter accepts',
    );
  }
  const shapeWrong = pointShapeProblem(target, shape);
  if (shapeWrong !== undefined) {
    scope.issues.add({
      origin: shape === 'array' ? sourceEntry.keyOrigin : entry.keyOrigin,
      message: shapeWrong.message,
      expected: shapeWrong.expected,
      device: scope.device,
    });
    return undefined;
  }
  const accessText: AccessText = fields.data.access ?? defaultAccessText(resource.operations);
  const access = accessOf(accessText);
  const accessOrigin = originOfField(node, 'access') ?? entry.keyOrigin;
  const accessWrong = accessProblem(access, resource);
  if (accessWrong !== undefined) {
    return report(
      accessOrigin,
      `access ${accessText} is not allowed: ${accessWrong}`,
      allowedAccessText(resource.operations),
    );
  }
  const missing = capabilityProblem(access, adapter.capabilities);
  if (missing !== undefined) {
    return report(
      accessOrigin,
      `access ${accessText} needs an adapter that can ${missing}, and adapter ${adapter.name} cannot`,
      'an access the adapter supports',
    );
  }
  if (access.execute) {
    const extra = ['scale', 'offset', 'bit', 'enum', 'units', 'poll', 'pmin', 'pmax', 'deadband'].filter(
      (field) => node.entries.has(field),
    );
    for (const field of extra) {
      report(
        originOfField(node, field) ?? entry.keyOrigin,
        `${field} has no meaning for an executable point`,
        'only source, access and description',
      );
    }
    if (extra.length > 0) return undefined;
  }
  const rawBits = integerBits(adapter, adapterPoint);
  const checked = checkConversion(fields.data, rawKind, rawBits, { subject, node, resource, scope });
  if (checked === undefined) return undefined;
  const reporting = access.execute
    ? {}
    : resolveReporting(fields.data, access, checked.kind, node, entry, subject, scope);
  if (reporting === undefined) return undefined;
  const source = toCanonicalJson(adapterPoint);
  if (source === undefined) {
    return report(
      sourceEntry.keyOrigin,
      `adapter ${adapter.name} turned this source into something that is not plain JSON`,
      'an adapter whose point schema returns JSON data',
    );
  }
  const point: CompiledBoundPoint = {
    ...targetFields(target),
    kind: 'bound',
    source,
    rawKind,
    ...(shape === 'array' ? { shape } : {}),
    access,
    conversion: checked.conversion,
    reporting,
    location: locationOf(entry.keyOrigin, scope),
  };
  return { point, adapterPoint, entry };
}

function classify(adapter: AdapterDefinition, point: unknown): RawValueKind | { error: string } {
  try {
    return adapter.pointValueKind(point);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function shapeOf(adapter: AdapterDefinition, point: unknown): RawValueShape | { error: string } {
  try {
    const shape = adapter.pointValueShape?.(point) ?? 'scalar';
    return shape === 'array' ? 'array' : 'scalar';
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The adapter's width of an integer source; undefined when it does not tell (or fails to). */
function integerBits(adapter: AdapterDefinition, point: unknown): number | undefined {
  try {
    const bits = adapter.pointValueBits?.(point);
    return typeof bits === 'number' && Number.isInteger(bits) && bits > 0 ? bits : undefined;
  } catch {
    return undefined;
  }
}

function originOfField(node: LocatedMap, field: string): Origin | undefined {
  const entry = entryOf(node, field);
  if (entry === undefined) return undefined;
  return entry.value.kind === 'scalar' ? entry.value.origin : entry.keyOrigin;
}

interface ReportingFields {
  readonly poll?: string | number | undefined;
  readonly pmin?: string | number | undefined;
  readonly pmax?: string | number | undefined;
  readonly deadband?: number | undefined;
}

function resolveReporting(
  fields: ReportingFields,
  access: PointAccess,
  kind: RawValueKind,
  node: LocatedMap,
  entry: LocatedEntry,
  subject: string,
  scope: DeviceScope,
): PointReporting | undefined {
  const report = (field: string, message: string, expected: string): undefined => {
    scope.issues.add({
      origin: originOfField(node, field) ?? entry.keyOrigin,
      message: `${subject}: ${message}`,
      expected,
      device: scope.device,
    });
    return undefined;
  };
  if (!access.read) {
    const extra = (['poll', 'pmin', 'pmax', 'deadband'] as const).find(
      (field) => fields[field] !== undefined,
    );
    return extra === undefined
      ? {}
      : report(
          extra,
          `${extra} has no meaning for a point that is not readable`,
          'no reporting settings on write-only points',
        );
  }
  if (fields.deadband !== undefined && !isNumericKind(kind)) {
    return report(
      'deadband',
      `deadband needs a numeric value, but the point yields ${kind} values`,
      'no deadband',
    );
  }
  const defaults = scope.defaults;
  const pollMs = fields.poll === undefined ? defaults.pollMs : durationMs(fields.poll);
  // a `poll` on the point or its device asks for polling; the mapping-wide default only paces reads
  const pollRequested = pollMs !== undefined && (fields.poll !== undefined || defaults.pollOnDevice === true);
  const pminMs = fields.pmin === undefined ? defaults.pminMs : durationMs(fields.pmin);
  const pmaxMs = fields.pmax === undefined ? defaults.pmaxMs : durationMs(fields.pmax);
  const deadband = fields.deadband ?? (isNumericKind(kind) ? defaults.deadband : undefined);
  if (pminMs !== undefined && pmaxMs !== undefined && pminMs > pmaxMs) {
    return report(
      fields.pmin !== undefined ? 'pmin' : 'pmax',
      `pmin ${formatDuration(pminMs)} is longer than pmax ${formatDuration(pmaxMs)}`,
      'pmin <= pmax',
    );
  }
  return {
    ...(pollMs === undefined ? {} : { pollMs }),
    ...(pollRequested ? { pollRequested: true as const } : {}),
    ...(pminMs === undefined ? {} : { pminMs }),
    ...(pmaxMs === undefined ? {} : { pmaxMs }),
    ...(deadband === undefined ? {} : { deadband }),
  };
}
