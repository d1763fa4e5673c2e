import type { CoapCode, PeerAddress } from '@lwm2m-adapters/coap';
import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import {
  ContentFormat,
  type LwM2mNode,
  LwM2mPath,
  type TimestampedPathNode,
} from '@lwm2m-adapters/lwm2m-core';
import type { LwM2mCoapLink } from '../link/coap-link.js';
import type { ClientDataModel } from '../objects/client-data-model.js';
import type { ResourceContent } from '../objects/resource-declaration.js';
import { toInstanceValues, toSingleValue } from '../objects/resource-value-input.js';
import { RequestFailure } from '../operations/request-failure.js';
import type { ServerAccount } from '../registration/server-account.js';

/** One value to Send: given, or read from the data model when `value` is absent. */
export interface SendEntry {
  /** Resource or resource instance path (any level when reading), with prefix for end devices. */
  readonly path: LwM2mPath | string;
  readonly value?: ResourceContent;
  /** When the value was taken; absent means "now". */
  readonly timestamp?: Date;
}

export interface SendOptions {
  /** SenML CBOR (112, default) or SenML JSON (110). */
  readonly contentFormat?: 110 | 112;
}

export type SendStatus = 'sent' | 'muted' | 'not-registered' | 'rejected' | 'failed';

export interface SendResult {
  readonly status: SendStatus;
  /** Messages the server acknowledged with 2.04. */
  readonly messages: number;
  /** Response code of the message that failed ('rejected'). */
  readonly code?: CoapCode;
  readonly error?: CodedError;
}

export interface SendReporterOptions {
  readonly data: ClientDataModel;
  readonly link: Pick<LwM2mCoapLink, 'request'>;
  readonly peer: PeerAddress;
  readonly account: ServerAccount;
  readonly isRegistered: () => boolean;
  /** Entries per POST /dp message; larger batches are split. Default 256. */
  readonly maxEntriesPerMessage?: number | undefined;
}

const SEND_FORMATS = new Set<number>([ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR]);

/**
 * The Send operation (Core TS 1.1 §6.4.5): `POST /dp` with timestamped values in SenML, mixing the
 * gateway's and end devices' paths. Allowed only while registered and Mute Send (/1/x/23) is false.
 */
export class SendReporter {
  readonly #options: SendReporterOptions;

  constructor(options: SendReporterOptions) {
    this.#options = options;
  }

  /** Builds the nodes (throws CodedError for unknown paths or values of the wrong type) and sends them. */
  async send(entries: readonly SendEntry[], options: SendOptions = {}): Promise<SendResult> {
    const format = options.contentFormat ?? ContentFormat.SENML_CBOR;
    if (!SEND_FORMATS.has(format)) {
      throw new CodedError('CONFIG_INVALID', `Send uses SenML JSON (110) or SenML CBOR (112), not ${format}`);
    }
    if (this.#options.account.muteSend) return { status: 'muted', messages: 0 };
    if (!this.#options.isRegistered()) return { status: 'not-registered', messages: 0 };
    const nodes: TimestampedPathNode[] = [];
    for (const entry of entries) {
      try {
        nodes.push(await this.#node(entry));
      } catch (error) {
        if (error instanceof RequestFailure) {
          throw new CodedError('RESOURCE_UNKNOWN', `Send: ${error.message}`, {
            details: { code: error.code },
          });
        }
        throw error;
      }
    }
    if (nodes.length === 0) return { status: 'sent', messages: 0 };
    const size = Math.max(1, this.#options.maxEntriesPerMessage ?? 256);
    let messages = 0;
    for (let i = 0; i < nodes.length; i += size) {
      const payload = this.#options.data.root.codecs.encodeTimestampedNodes(nodes.slice(i, i + size), format);
      try {
        const response = await this.#options.link.request(this.#options.peer, {
          method: 'POST',
          uriPath: ['dp'],
          contentFormat: format,
          payload,
        });
        if (!response.code.startsWith('2.')) return { status: 'rejected', messages, code: response.code };
        messages++;
      } catch (error) {
        const coded = isCodedError(error)
          ? error
          : new CodedError('COAP_TIMEOUT', error instanceof Error ? error.message : String(error), {
              cause: error,
            });
        return { status: 'failed', messages, error: coded };
      }
    }
    return { status: 'sent', messages };
  }

  async #node(entry: SendEntry): Promise<TimestampedPathNode> {
    const path = typeof entry.path === 'string' ? LwM2mPath.parse(entry.path) : entry.path;
    if (path.objectId === 0 || path.objectId === 21 || path.isRoot) {
      throw new CodedError('CONFIG_INVALID', `${path} cannot be sent`, {
        details: { path: path.toString() },
      });
    }
    const tree = this.#options.data.treeOf(path);
    let node: LwM2mNode;
    if (entry.value === undefined) {
      node = await tree.read(path);
    } else {
      tree.assertExists(path.level === 'resource-instance' ? path.parent() : path);
      const definition =
        path.resourceId === undefined ? undefined : tree.resourceDefinition(path.objectId!, path.resourceId);
      if (definition === undefined || (path.level !== 'resource' && path.level !== 'resource-instance')) {
        throw new CodedError('RESOURCE_UNKNOWN', `${path} is not a declared resource`, {
          details: { path: path.toString() },
        });
      }
      if (path.level === 'resource-instance') {
        node = {
          kind: 'resource-instance',
          id: path.resourceInstanceId!,
          value: toSingleValue(entry.value, definition.type),
        };
      } else if (definition.multiple) {
        const instances = toInstanceValues(entry.value, definition.type);
        node = {
          kind: 'multiple-resource',
          id: definition.id,
          type: definition.type,
          instances: [...instances].map(([id, value]) => ({ kind: 'resource-instance', id, value })),
        };
      } else {
        node = { kind: 'resource', id: definition.id, value: toSingleValue(entry.value, definition.type) };
      }
    }
    return { path, node, timestamp: entry.timestamp };
  }
}
