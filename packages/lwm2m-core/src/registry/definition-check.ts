import { MAX_ID } from '../model/path.js';
import { type ResourceType, resourceTypes } from '../model/resource-type.js';
import { type DefinitionLocation, definitionError } from './definition-error.js';
import type {
  ObjectDefinition,
  ResourceDefinition,
  ResourceOperations,
  ResourceRange,
} from './object-definition.js';
import { isObjectVersion } from './object-version.js';

const OPERATIONS: readonly ResourceOperations[] = ['', 'R', 'W', 'RW', 'E'];

type Fields = Readonly<Record<string, unknown>>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireFields(value: unknown, what: string, location: DefinitionLocation): Fields {
  if (!isFields(value)) throw definitionError(location, `${what} must be an object`);
  return value;
}

function checkId(value: unknown, what: string, location: DefinitionLocation): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_ID) {
    throw definitionError(
      location,
      `${what} ${String(value)} is out of range: ids are integers 0..${MAX_ID}`,
    );
  }
  return value;
}

function checkString(fields: Fields, key: string, location: DefinitionLocation, nonEmpty = false): string {
  const value = fields[key];
  if (typeof value !== 'string') throw definitionError(location, `${key} must be a string`);
  if (nonEmpty && value.trim() === '') throw definitionError(location, `${key} must not be empty`);
  return value;
}

function checkBoolean(fields: Fields, key: string, location: DefinitionLocation): boolean {
  const value = fields[key];
  if (typeof value !== 'boolean') throw definitionError(location, `${key} must be a boolean`);
  return value;
}

function checkVersion(fields: Fields, key: string, location: DefinitionLocation): string {
  const value = checkString(fields, key, location);
  if (!isObjectVersion(value)) {
    throw definitionError(location, `${key} "${value.slice(0, 40)}" is not a version like "1.0"`);
  }
  return value;
}

function checkRange(value: unknown, location: DefinitionLocation): ResourceRange | undefined {
  if (value === undefined) return undefined;
  const fields = requireFields(value, 'range', location);
  if (fields.kind === 'numeric' || fields.kind === 'length') {
    const { min, max } = fields;
    const integersOnly = fields.kind === 'length';
    const valid =
      typeof min === 'number' &&
      typeof max === 'number' &&
      Number.isFinite(min) &&
      Number.isFinite(max) &&
      min <= max &&
      (!integersOnly || (Number.isSafeInteger(min) && Number.isSafeInteger(max) && min >= 0));
    if (!valid) throw definitionError(location, `${fields.kind} range needs finite bounds with min <= max`);
    return Object.freeze({ kind: fields.kind, min, max });
  }
  if (fields.kind === 'enumeration') {
    const values = fields.values;
    if (
      !Array.isArray(values) ||
      values.length === 0 ||
      !values.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
    ) {
      throw definitionError(location, 'enumeration range needs a non-empty list of numbers or strings');
    }
    return Object.freeze({ kind: 'enumeration', values: Object.freeze([...values]) });
  }
  throw definitionError(location, `range kind must be numeric, length or enumeration`);
}

function checkResource(value: unknown, objectLocation: DefinitionLocation): ResourceDefinition {
  const fields = requireFields(value, 'every resource', objectLocation);
  const id = checkId(fields.id, 'resource id', objectLocation);
  const location = { ...objectLocation, resourceId: id };
  const operations = fields.operations;
  if (typeof operations !== 'string' || !(OPERATIONS as readonly string[]).includes(operations)) {
    throw definitionError(
      location,
      `operations must be one of "", R, W, RW, E (got ${JSON.stringify(operations)})`,
    );
  }
  const type = fields.type;
  if (typeof type !== 'string' || !(resourceTypes as readonly string[]).includes(type)) {
    throw definitionError(
      location,
      `type must be one of ${resourceTypes.join(', ')} (got ${JSON.stringify(type)})`,
    );
  }
  if ((type === 'none') !== (operations === 'E')) {
    throw definitionError(
      location,
      type === 'none'
        ? `a resource without a type must be executable (operations "E"), got operations "${operations}"`
        : `an executable resource (operations "E") must not have a type, got ${type}`,
    );
  }
  return Object.freeze({
    id,
    name: checkString(fields, 'name', location, true),
    operations: operations as ResourceOperations,
    multiple: checkBoolean(fields, 'multiple', location),
    mandatory: checkBoolean(fields, 'mandatory', location),
    type: type as ResourceType,
    rangeText: checkString(fields, 'rangeText', location),
    range: checkRange(fields.range, location),
    units: checkString(fields, 'units', location),
    description: checkString(fields, 'description', location),
  });
}

/**
 * Checks a candidate object definition (from a DDF file, JSON or a caller) against the LwM2M
 * rules and returns a frozen copy with resources in id order. Throws DEFINITION_INVALID naming
 * `source`, the object and the resource at fault; duplicate resource ids are rejected.
 */
export function checkObjectDefinition(value: unknown, source?: string): ObjectDefinition {
  const fields = requireFields(value, 'an object definition', { source });
  const id = checkId(fields.id, 'object id', { source });
  const location: DefinitionLocation = { source, objectId: id };
  if (!Array.isArray(fields.resources)) throw definitionError(location, 'resources must be an array');
  const resources = fields.resources.map((resource: unknown) => checkResource(resource, location));
  resources.sort((a, b) => a.id - b.id);
  for (let i = 1; i < resources.length; i++) {
    const resource = resources[i];
    if (resource !== undefined && resource.id === resources[i - 1]?.id) {
      throw definitionError(location, `resource id ${resource.id} is defined more than once`);
    }
  }
  return Object.freeze({
    id,
    name: checkString(fields, 'name', location, true),
    description: checkString(fields, 'description', location),
    version: checkVersion(fields, 'version', location),
    lwm2mVersion: checkVersion(fields, 'lwm2mVersion', location),
    urn: checkString(fields, 'urn', location),
    multiple: checkBoolean(fields, 'multiple', location),
    mandatory: checkBoolean(fields, 'mandatory', location),
    resources: Object.freeze(resources),
  });
}
