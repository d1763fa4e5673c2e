import { CodedError } from '@lwm2m-adapters/errors';
import { assertValidNode, type LwM2mNode, type ResourceNode } from '../../model/node.js';
import type { LwM2mPath } from '../../model/path.js';
import type { ResourceValue } from '../../model/resource-type.js';
import type { ObjectModel } from '../../registry/object-definition.js';
import { assertModelResource, assertNodeAtPath } from '../encode-checks.js';
import { looksValid } from './node-precheck.js';
import type { MutableSenmlRecord } from './senml-record.js';
import { putValue } from './senml-value.js';

/**
 * Expands nodes into SenML records, one per resource or resource instance.
 *
 * Naming: the base name is the object instance path ("/3303/0/", "/dev0/3303/0/"), written once
 * for a run of records that share it; `n` is the rest ("5700", or "7/1" for a resource instance).
 * So an instance node of 60 resources carries one `bn`, and Send batches mixing devices switch
 * `bn` per instance. Times are written as `bt` on the first record of each run with a new time.
 */
export class SenmlRecordWriter {
  readonly records: MutableSenmlRecord[] = [];
  readonly #model: ObjectModel;
  readonly #format: string;
  #baseName: string | undefined;
  #baseTime: number | undefined;
  #time: number | undefined;

  constructor(model: ObjectModel, format: string) {
    this.#model = model;
    this.#format = format;
  }

  /** Time (seconds) of the records added next; undefined ("now") only before any time was set. */
  setTime(seconds: number | undefined): void {
    this.#time = seconds;
  }

  /** Adds the records of `node`, which sits at `path` (its level matches the node kind). */
  addNode(node: LwM2mNode, path: LwM2mPath): void {
    assertNodeAtPath(node, path);
    if (!looksValid(node)) {
      assertValidNode(node); // throws the model's exact error
      throw new CodedError('NODE_INVALID', `${this.#format} cannot encode this ${node.kind} node at ${path}`);
    }
    const prefix = path.prefix === undefined ? '' : `/${path.prefix}`;
    const objectId = path.objectId!;
    switch (node.kind) {
      case 'object':
        for (const instance of node.instances) {
          const base = `${prefix}/${objectId}/${instance.id}/`;
          for (const resource of instance.resources) this.#addResource(base, objectId, resource);
        }
        return;
      case 'instance': {
        const base = `${prefix}/${objectId}/${node.id}/`;
        for (const resource of node.resources) this.#addResource(base, objectId, resource);
        return;
      }
      case 'resource':
      case 'multiple-resource':
        this.#addResource(`${prefix}/${objectId}/${path.instanceId}/`, objectId, node);
        return;
      case 'resource-instance': {
        assertModelResource(this.#model, objectId, path.resourceId!, node.value.type, true);
        const base = `${prefix}/${objectId}/${path.instanceId}/`;
        this.#add(base, `${path.resourceId}/${node.id}`, node.value);
        return;
      }
    }
  }

  #addResource(base: string, objectId: number, resource: ResourceNode): void {
    if (resource.kind === 'resource') {
      assertModelResource(this.#model, objectId, resource.id, resource.value.type, false);
      this.#add(base, String(resource.id), resource.value);
      return;
    }
    assertModelResource(this.#model, objectId, resource.id, resource.type, true);
    for (const instance of resource.instances) {
      this.#add(base, `${resource.id}/${instance.id}`, instance.value);
    }
  }

  #add(base: string, name: string, value: ResourceValue): void {
    const record: MutableSenmlRecord = {};
    if (base !== this.#baseName) {
      record.bn = base;
      this.#baseName = base;
    }
    if (this.#time !== this.#baseTime && this.#time !== undefined) {
      record.bt = this.#time;
      this.#baseTime = this.#time;
    }
    record.n = name;
    putValue(record, value, this.#format);
    this.records.push(record);
  }
}

/** Read-/Observe-Composite request body: one record per path, its full path as `n`. */
export function pathRecords(paths: readonly LwM2mPath[]): MutableSenmlRecord[] {
  return paths.map((p) => ({ n: p.toString() }));
}
