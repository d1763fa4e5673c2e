import type { ObjectDefinition, ObjectModel, ResourceDefinition } from '@lwm2m-adapters/lwm2m-core';
import { defaultClientVersion } from '../registration/object-versions.js';

/**
 * An ObjectModel view that answers, for an object asked without a version, with the version one
 * object tree uses (declared, else the 1.1 core default, else the model's default). Codecs built on
 * it decode and type-check a tree's values by the definitions the tree was declared with.
 */
export class TreeObjectModel implements ObjectModel {
  readonly #base: ObjectModel;
  readonly #versionOf: (objectId: number) => string | undefined;

  constructor(base: ObjectModel, versionOf: (objectId: number) => string | undefined) {
    this.#base = base;
    this.#versionOf = versionOf;
  }

  /** The version used for `objectId` when none is asked for. */
  versionFor(objectId: number): string | undefined {
    return this.#versionOf(objectId) ?? defaultClientVersion(this.#base, objectId);
  }

  getObject(objectId: number, version?: string): ObjectDefinition | undefined {
    return this.#base.getObject(objectId, version ?? this.versionFor(objectId));
  }

  getResource(objectId: number, resourceId: number, version?: string): ResourceDefinition | undefined {
    return this.#base.getResource(objectId, resourceId, version ?? this.versionFor(objectId));
  }
}
