import { CodedError } from '@lwm2m-adapters/errors';
import type { LwM2mNode, ObjectInstanceNode, ResourceInstanceNode, ResourceNode } from '../../model/node.js';
import type { LwM2mPath } from '../../model/path.js';
import type { ObjectModel } from '../../registry/object-definition.js';
import { assertModelResource, assertNodeAtPath } from '../encode-checks.js';
import {
  MAX_TLV_ID,
  TLV_MULTIPLE_RESOURCE,
  TLV_OBJECT_INSTANCE,
  TLV_RESOURCE,
  TLV_RESOURCE_INSTANCE,
  tlvHeaderSize,
  writeTlvHeader,
} from './tlv-header.js';
import { tlvValueSize, writeTlvValue } from './tlv-value.js';

function checkId(id: number, kind: string): void {
  if (!Number.isInteger(id) || id < 0 || id > MAX_TLV_ID) {
    throw new CodedError('NODE_INVALID', `${kind} id ${id} is out of range 0..${MAX_TLV_ID}`);
  }
}

/**
 * Two passes over the tree: `measure*` validates and records every TLV's content size in
 * pre-order; `write*` replays them into one exactly-sized buffer. No intermediate buffers.
 */
class TlvNodeWriter {
  readonly #model: ObjectModel;
  readonly #objectId: number;
  readonly #sizes: number[] = [];
  #cursor = 0;
  #out = new Uint8Array(0);
  #view = new DataView(this.#out.buffer);
  #pos = 0;

  constructor(model: ObjectModel, objectId: number) {
    this.#model = model;
    this.#objectId = objectId;
  }

  measureResourceInstance(ri: ResourceInstanceNode): number {
    checkId(ri.id, 'resource instance');
    const size = tlvValueSize(ri.value);
    this.#sizes.push(size);
    return tlvHeaderSize(ri.id, size) + size;
  }

  measureResource(r: ResourceNode): number {
    checkId(r.id, 'resource');
    if (r.kind === 'resource') {
      assertModelResource(this.#model, this.#objectId, r.id, r.value.type, false);
      const size = tlvValueSize(r.value);
      this.#sizes.push(size);
      return tlvHeaderSize(r.id, size) + size;
    }
    assertModelResource(this.#model, this.#objectId, r.id, r.type, true);
    const slot = this.#sizes.push(0) - 1;
    let size = 0;
    for (const ri of r.instances) {
      if (ri.value.type !== r.type) {
        throw new CodedError(
          'NODE_INVALID',
          `resource ${r.id} instance ${ri.id} is ${ri.value.type}, expected ${r.type}`,
        );
      }
      size += this.measureResourceInstance(ri);
    }
    this.#sizes[slot] = size;
    return tlvHeaderSize(r.id, size) + size;
  }

  measureInstance(instance: ObjectInstanceNode, wrapped: boolean): number {
    checkId(instance.id, 'object instance');
    const slot = wrapped ? this.#sizes.push(0) - 1 : -1;
    let size = 0;
    for (const r of instance.resources) size += this.measureResource(r);
    if (!wrapped) return size;
    this.#sizes[slot] = size;
    return tlvHeaderSize(instance.id, size) + size;
  }

  allocate(total: number): void {
    this.#out = new Uint8Array(total);
    this.#view = new DataView(this.#out.buffer);
  }

  #nextSize(): number {
    return this.#sizes[this.#cursor++] ?? 0;
  }

  writeResourceInstance(ri: ResourceInstanceNode): void {
    const size = this.#nextSize();
    this.#pos = writeTlvHeader(this.#out, this.#pos, TLV_RESOURCE_INSTANCE, ri.id, size);
    writeTlvValue(this.#out, this.#view, this.#pos, ri.value, size);
    this.#pos += size;
  }

  writeResource(r: ResourceNode): void {
    const size = this.#nextSize();
    if (r.kind === 'resource') {
      this.#pos = writeTlvHeader(this.#out, this.#pos, TLV_RESOURCE, r.id, size);
      writeTlvValue(this.#out, this.#view, this.#pos, r.value, size);
      this.#pos += size;
      return;
    }
    this.#pos = writeTlvHeader(this.#out, this.#pos, TLV_MULTIPLE_RESOURCE, r.id, size);
    for (const ri of r.instances) this.writeResourceInstance(ri);
  }

  writeInstance(instance: ObjectInstanceNode, wrapped: boolean): void {
    if (wrapped) {
      this.#pos = writeTlvHeader(this.#out, this.#pos, TLV_OBJECT_INSTANCE, instance.id, this.#nextSize());
    }
    for (const r of instance.resources) this.writeResource(r);
  }

  finish(): Uint8Array {
    return this.#out;
  }
}

/**
 * Encodes `node` at `path` as OMA TLV: an object path wraps each instance in an Object Instance
 * TLV; an instance path writes its resources directly; a multiple resource always becomes a
 * Multiple Resource TLV (even with 0 or 1 instances); a resource-instance path writes one
 * Resource Instance TLV. Throws NODE_INVALID / VALUE_OUT_OF_RANGE for invalid nodes.
 */
export function encodeTlvNode(node: LwM2mNode, path: LwM2mPath, model: ObjectModel): Uint8Array {
  assertNodeAtPath(node, path);
  const w = new TlvNodeWriter(model, path.objectId ?? 0);
  let total = 0;
  switch (node.kind) {
    case 'object':
      for (const instance of node.instances) total += w.measureInstance(instance, true);
      w.allocate(total);
      for (const instance of node.instances) w.writeInstance(instance, true);
      break;
    case 'instance':
      total = w.measureInstance(node, false);
      w.allocate(total);
      w.writeInstance(node, false);
      break;
    case 'resource':
    case 'multiple-resource':
      total = w.measureResource(node);
      w.allocate(total);
      w.writeResource(node);
      break;
    case 'resource-instance':
      if (path.objectId !== undefined && path.resourceId !== undefined) {
        assertModelResource(model, path.objectId, path.resourceId, node.value.type, undefined);
      }
      total = w.measureResourceInstance(node);
      w.allocate(total);
      w.writeResourceInstance(node);
      break;
  }
  return w.finish();
}
