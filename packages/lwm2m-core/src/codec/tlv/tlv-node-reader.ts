import { CodedError } from '@lwm2m-adapters/errors';
import type { ObjectInstanceNode, ResourceInstanceNode, ResourceNode } from '../../model/node.js';
import type { ResourceType } from '../../model/resource-type.js';
import type { ObjectModel } from '../../registry/object-definition.js';
import type { TlvSpan } from './tlv-spans.js';
import { readTlvValue } from './tlv-value.js';

/**
 * Turns TLV spans of one payload into typed nodes of one object, typing values by the object
 * model. Resources the model does not know are decoded as Opaque.
 */
export class TlvNodeReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #model: ObjectModel;
  readonly #objectId: number;

  /** `bytes` must be the (plain Uint8Array) buffer the spans were read from. */
  constructor(bytes: Uint8Array, model: ObjectModel, objectId: number) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#model = model;
    this.#objectId = objectId;
  }

  #multiplicityMismatch(id: number, multiple: boolean): CodedError {
    return new CodedError(
      'CODEC_TYPE_MISMATCH',
      `resource /${this.#objectId}/x/${id} is ${multiple ? 'multiple' : 'single'}-instance in the object model but the TLV is a ${multiple ? 'Resource' : 'Multiple Resource'}`,
      { details: { objectId: this.#objectId, resourceId: id } },
    );
  }

  /** Type of resource `resourceId` (Opaque when the model does not know it). */
  typeOf(resourceId: number): ResourceType {
    return this.#model.getResource(this.#objectId, resourceId)?.type ?? 'opaque';
  }

  resourceInstance(span: TlvSpan, type: ResourceType): ResourceInstanceNode {
    if (span.kind !== 'resource-instance') {
      throw new CodedError('CODEC_MALFORMED', `expected a TLV Resource Instance, got a ${span.kind}`);
    }
    return {
      kind: 'resource-instance',
      id: span.id,
      value: readTlvValue(this.#bytes, this.#view, span.start, span.end, type),
    };
  }

  resource(span: TlvSpan): ResourceNode {
    const def = this.#model.getResource(this.#objectId, span.id);
    const type = def?.type ?? 'opaque';
    switch (span.kind) {
      case 'resource':
        if (def?.multiple === true) throw this.#multiplicityMismatch(span.id, true);
        return {
          kind: 'resource',
          id: span.id,
          value: readTlvValue(this.#bytes, this.#view, span.start, span.end, type),
        };
      case 'multiple-resource': {
        if (def?.multiple === false) throw this.#multiplicityMismatch(span.id, false);
        const instances = (span.children ?? []).map((c) => this.resourceInstance(c, type));
        return { kind: 'multiple-resource', id: span.id, type, instances };
      }
      default:
        throw new CodedError(
          'CODEC_MALFORMED',
          `expected a TLV Resource or Multiple Resource, got a ${span.kind}`,
          {
            details: { id: span.id },
          },
        );
    }
  }

  resources(spans: readonly TlvSpan[]): ResourceNode[] {
    return spans.map((s) => this.resource(s));
  }

  instance(span: TlvSpan): ObjectInstanceNode {
    if (span.kind !== 'object-instance') {
      throw new CodedError('CODEC_MALFORMED', `expected a TLV Object Instance, got a ${span.kind}`, {
        details: { id: span.id },
      });
    }
    return { kind: 'instance', id: span.id, resources: this.resources(span.children ?? []) };
  }
}
