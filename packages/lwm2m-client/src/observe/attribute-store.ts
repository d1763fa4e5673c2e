import { LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import { mergeAttributes, type ObservationAttributes } from './observation-attributes.js';

/**
 * Attributes attached by Write-Attributes, per path (with gateway prefix). One store per server
 * (the engine serves one). Bounded: at most `maxPaths` paths carry attributes.
 */
export class AttributeStore {
  readonly #byPath = new Map<string, ObservationAttributes>();
  readonly maxPaths: number;

  constructor(maxPaths = 4096) {
    this.maxPaths = maxPaths;
  }

  /** Attributes attached exactly at `path`. */
  attached(path: LwM2mPath): ObservationAttributes {
    return this.#byPath.get(path.toString()) ?? {};
  }

  /** Whether another path can get attributes (false when the store is full). */
  canAttach(path: LwM2mPath): boolean {
    return this.#byPath.has(path.toString()) || this.#byPath.size < this.maxPaths;
  }

  set(path: LwM2mPath, attributes: ObservationAttributes): void {
    const key = path.toString();
    if (Object.keys(attributes).length === 0) this.#byPath.delete(key);
    else this.#byPath.set(key, attributes);
  }

  /**
   * Attributes in effect for an observation of `path`: the defaults, then what is attached at the
   * object, instance, resource and resource instance levels down to `path` (each overriding).
   */
  effective(path: LwM2mPath, defaults: ObservationAttributes): ObservationAttributes {
    return this.#merged(path, defaults, undefined);
  }

  /**
   * Attributes in effect at `path` if `attached` were attached there (what the parents attach,
   * then `attached`), without defaults: what a Write-Attributes is checked against.
   */
  effectiveWith(path: LwM2mPath, attached: ObservationAttributes): ObservationAttributes {
    return this.#merged(path, {}, attached);
  }

  #merged(
    path: LwM2mPath,
    defaults: ObservationAttributes,
    own: ObservationAttributes | undefined,
  ): ObservationAttributes {
    const layers: ObservationAttributes[] = [defaults];
    const ids = [path.objectId, path.instanceId, path.resourceId, path.resourceInstanceId];
    for (let depth = 1; depth <= path.depth; depth++) {
      const level = new LwM2mPath({
        prefix: path.prefix,
        objectId: ids[0],
        instanceId: depth > 1 ? ids[1] : undefined,
        resourceId: depth > 2 ? ids[2] : undefined,
        resourceInstanceId: depth > 3 ? ids[3] : undefined,
      });
      const attached = own !== undefined && depth === path.depth ? own : this.#byPath.get(level.toString());
      if (attached !== undefined) layers.push(attached);
    }
    return mergeAttributes(layers);
  }

  /** Drops attributes at and below `path` (instance deleted, end device removed). */
  removeUnder(path: LwM2mPath): void {
    const key = path.toString();
    const root = key === '/' ? '/' : `${key}/`;
    for (const k of [...this.#byPath.keys()]) {
      if (k === key || k.startsWith(root)) this.#byPath.delete(k);
    }
  }

  clear(): void {
    this.#byPath.clear();
  }

  get size(): number {
    return this.#byPath.size;
  }
}
