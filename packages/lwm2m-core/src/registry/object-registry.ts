import { CodedError } from '@lwm2m-adapters/errors';
import { parseDdf } from './ddf-parser.js';
import { checkObjectDefinition } from './definition-check.js';
import { definitionError } from './definition-error.js';
import type { ObjectDefinition, ObjectModel, ResourceDefinition } from './object-definition.js';
import { compareObjectVersions } from './object-version.js';
import { omaObjectDefinitions } from './oma-objects.js';

export interface AddDefinitionOptions {
  /** Replace an existing, different definition of the same object id and version. Default false. */
  readonly replace?: boolean;
  /** Where the definition comes from (e.g. a file name); shown in error messages. */
  readonly source?: string;
}

interface RegisteredDefinition {
  readonly definition: ObjectDefinition;
  readonly resourcesById: ReadonlyMap<number, ResourceDefinition>;
  readonly source: string | undefined;
}

interface RegisteredObject {
  readonly byVersion: Map<string, RegisteredDefinition>;
  latest: string;
  pinned: string | undefined;
}

function sameDefinition(a: ObjectDefinition, b: ObjectDefinition): boolean {
  // Both went through checkObjectDefinition, so their JSON forms list keys in the same order.
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * LwM2M object definitions by object id and version. `getObject(id)` without a version gives the
 * default version: the latest one, unless another was pinned with `setDefaultVersion`. Asking for
 * a version that is not registered gives undefined (no fallback to another version).
 * All state belongs to the instance; `ObjectRegistry.withOmaObjects()` builds a fresh registry.
 */
export class ObjectRegistry implements ObjectModel {
  readonly #objects = new Map<number, RegisteredObject>();

  /** A registry holding `definitions` (each checked as by `add`). */
  constructor(definitions: Iterable<ObjectDefinition> = []) {
    for (const definition of definitions) this.add(definition);
  }

  /** A new registry holding the vendored OMA objects (core 0-22, gateway 25/26, IPSO 3200-3350). */
  static withOmaObjects(): ObjectRegistry {
    const registry = new ObjectRegistry();
    for (const definition of omaObjectDefinitions()) registry.add(definition, { source: 'OMA registry' });
    return registry;
  }

  /**
   * Registers a definition, checked and frozen, with resources sorted by id. Adding an identical
   * definition again changes nothing; a different one for the same id and version throws
   * DEFINITION_INVALID unless `replace` is set. Returns the stored definition.
   */
  add(definition: ObjectDefinition, options: AddDefinitionOptions = {}): ObjectDefinition {
    const checked = checkObjectDefinition(definition, options.source);
    const existing = this.#objects.get(checked.id)?.byVersion.get(checked.version);
    if (existing !== undefined && sameDefinition(existing.definition, checked)) return existing.definition;
    this.#assertNoConflict(checked, options);
    const entry: RegisteredDefinition = {
      definition: checked,
      resourcesById: new Map(checked.resources.map((resource) => [resource.id, resource])),
      source: options.source,
    };
    const object = this.#objects.get(checked.id);
    if (object === undefined) {
      this.#objects.set(checked.id, {
        byVersion: new Map([[checked.version, entry]]),
        latest: checked.version,
        pinned: undefined,
      });
    } else {
      object.byVersion.set(checked.version, entry);
      if (compareObjectVersions(checked.version, object.latest) > 0) object.latest = checked.version;
    }
    return checked;
  }

  /**
   * Parses a DDF document (e.g. a vendor's object) and registers every object in it. Conflicts are
   * checked for all objects first, so a rejected document registers nothing.
   */
  addDdf(
    xml: string,
    source?: string,
    options: Omit<AddDefinitionOptions, 'source'> = {},
  ): ObjectDefinition[] {
    const withSource: AddDefinitionOptions = source === undefined ? options : { ...options, source };
    const definitions = parseDdf(xml, source);
    for (const definition of definitions) this.#assertNoConflict(definition, withSource);
    return definitions.map((definition) => this.add(definition, withSource));
  }

  has(objectId: number, version?: string): boolean {
    const object = this.#objects.get(objectId);
    return object !== undefined && (version === undefined || object.byVersion.has(version));
  }

  /** Registered versions of an object, oldest first; empty when the object is unknown. */
  versions(objectId: number): string[] {
    return [...(this.#objects.get(objectId)?.byVersion.keys() ?? [])].sort(compareObjectVersions);
  }

  /** The version `getObject(objectId)` returns: the pinned one, else the latest. */
  defaultVersion(objectId: number): string | undefined {
    const object = this.#objects.get(objectId);
    return object === undefined ? undefined : (object.pinned ?? object.latest);
  }

  /**
   * Pins the version used when none is asked for (throws OBJECT_UNKNOWN if it is not registered);
   * `undefined` goes back to the latest.
   */
  setDefaultVersion(objectId: number, version: string | undefined): void {
    const object = this.#objects.get(objectId);
    if (version === undefined) {
      if (object !== undefined) object.pinned = undefined;
      return;
    }
    this.#require(objectId, version);
    if (object !== undefined) object.pinned = version;
  }

  /** The default version of every registered object, by object id. */
  list(): ObjectDefinition[] {
    return this.#sortedIds().flatMap((id) => this.getObject(id) ?? []);
  }

  /** Every registered definition, by object id then version. */
  listAllVersions(): ObjectDefinition[] {
    return this.#sortedIds().flatMap((id) =>
      this.versions(id).flatMap((version) => this.getObject(id, version) ?? []),
    );
  }

  getObject(objectId: number, version?: string): ObjectDefinition | undefined {
    return this.#lookup(objectId, version)?.definition;
  }

  getResource(objectId: number, resourceId: number, version?: string): ResourceDefinition | undefined {
    return this.#lookup(objectId, version)?.resourcesById.get(resourceId);
  }

  /** Like `getObject`, but throws OBJECT_UNKNOWN when the object or the version is not registered. */
  requireObject(objectId: number, version?: string): ObjectDefinition {
    return this.#require(objectId, version).definition;
  }

  /** Like `getResource`, but throws OBJECT_UNKNOWN or RESOURCE_UNKNOWN. */
  requireResource(objectId: number, resourceId: number, version?: string): ResourceDefinition {
    const { definition, resourcesById } = this.#require(objectId, version);
    const resource = resourcesById.get(resourceId);
    if (resource !== undefined) return resource;
    const ids = definition.resources.map((r) => r.id);
    const listed = ids.length > 40 ? `${ids.slice(0, 40).join(', ')}, ...` : ids.join(', ') || 'none';
    throw new CodedError(
      'RESOURCE_UNKNOWN',
      `Object ${objectId} "${definition.name}" version ${definition.version} has no resource ${resourceId} (its resources: ${listed})`,
      { details: { objectId, resourceId, version: definition.version } },
    );
  }

  #sortedIds(): number[] {
    return [...this.#objects.keys()].sort((a, b) => a - b);
  }

  #lookup(objectId: number, version: string | undefined): RegisteredDefinition | undefined {
    const object = this.#objects.get(objectId);
    if (object === undefined) return undefined;
    return object.byVersion.get(version ?? object.pinned ?? object.latest);
  }

  #require(objectId: number, version: string | undefined): RegisteredDefinition {
    const entry = this.#lookup(objectId, version);
    if (entry !== undefined) return entry;
    const known = this.versions(objectId);
    const message =
      known.length === 0
        ? `no definition is registered for object ${objectId}; register its DDF file with addDdf() or loadDdfFile()`
        : `object ${objectId} has no version ${version}; registered versions: ${known.join(', ')}`;
    throw new CodedError('OBJECT_UNKNOWN', message, {
      details: version === undefined ? { objectId } : { objectId, version },
    });
  }

  #assertNoConflict(definition: ObjectDefinition, options: AddDefinitionOptions): void {
    const existing = this.#objects.get(definition.id)?.byVersion.get(definition.version);
    if (
      existing === undefined ||
      options.replace === true ||
      sameDefinition(existing.definition, definition)
    ) {
      return;
    }
    const origin = existing.source === undefined ? '' : ` (from ${existing.source})`;
    throw definitionError(
      { source: options.source, objectId: definition.id },
      `version ${definition.version} is already registered${origin} with a different definition; pass { replace: true } to replace it`,
    );
  }
}
