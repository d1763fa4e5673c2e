import type { CoapIncomingResponse, CoapOutgoingRequest } from '@lwm2m-adapters/coap';
import { CodedError } from '@lwm2m-adapters/errors';
import {
  ContentFormat,
  type LwM2mCodecs,
  type LwM2mNode,
  type LwM2mPath,
  MAX_ID,
  node,
} from '@lwm2m-adapters/lwm2m-core';
import type { CreateInstance, CreateOptions, CreateResponse } from '../server-types.js';
import { valueFormats, withFormatFallback } from './content-negotiation.js';
import type { ClientExchange } from './downlink.js';
import { toResponse } from './responses.js';

/**
 * Create (Core §5.4.3, POST to an object) and Delete (§5.4.4, DELETE of an instance or, in 1.1, a
 * resource instance).
 *
 * With an instance id, the payload is the object with that one instance, in the negotiated format;
 * without one it is TLV's bare resources (the one format that can leave the id out; the client
 * assigns it and names it in Location-Path).
 */
export async function create(
  exchange: ClientExchange,
  codecs: LwM2mCodecs,
  objectPath: LwM2mPath,
  instance: CreateInstance,
  options: CreateOptions,
): Promise<CreateResponse> {
  if (objectPath.level !== 'object') {
    throw new CodedError('PATH_INVALID', `Create targets an object (/3303), not ${objectPath}`);
  }
  const { id, resources } = instance;
  let formats: number[];
  let body: { node: LwM2mNode; path: LwM2mPath };
  if (id === undefined) {
    if (options.format !== undefined && options.format !== ContentFormat.TLV) {
      throw new CodedError(
        'CODEC_NOT_ACCEPTABLE',
        `a Create without an instance id goes in TLV (11542); content format ${options.format} needs an id`,
      );
    }
    formats = [ContentFormat.TLV];
    // an instance node at an instance path encodes as its bare resources
    body = { node: node.instance(0, resources), path: objectPath.child(0) };
  } else {
    const object = node.object(objectPath.objectId!, [node.instance(id, resources)]);
    formats =
      options.format === undefined ? valueFormats(exchange.registration, object, codecs) : [options.format];
    body = { node: object, path: objectPath };
  }
  const { response } = await withFormatFallback(
    formats,
    (format): Promise<CoapIncomingResponse> =>
      exchange.request({
        method: 'POST',
        uriPath: exchange.uriPath(objectPath),
        contentFormat: format,
        payload: codecs.encode(body.node, body.path, format),
      }),
    exchange.formatRetried,
  );
  const outcome = toResponse(response);
  return {
    ...outcome,
    instanceId: outcome.code === '2.01' ? (createdInstanceId(response, objectPath) ?? id) : undefined,
  };
}

/**
 * The instance id of a 2.01's Location-Path: its last segment, when it follows the object id
 * (`3303/1`, `dev0/3303/1`, `lwm2m/3303/1`). Undefined when the client sent none.
 */
function createdInstanceId(response: CoapIncomingResponse, objectPath: LwM2mPath): number | undefined {
  const location = response.locationPath;
  if (location.length === 0) return undefined;
  const last = location.at(-1)!;
  const id = /^\d{1,5}$/.test(last) ? Number(last) : Number.NaN;
  if (!(id <= MAX_ID) || location.at(-2) !== String(objectPath.objectId)) {
    throw new CodedError(
      'CODEC_MALFORMED',
      `the Create answer's Location-Path /${location.join('/').slice(0, 80)} names no instance of ${objectPath}`,
    );
  }
  return id;
}

/** Delete: an object instance (/o/i) or a resource instance (/o/i/r/ri). */
export function deleteRequest(exchange: ClientExchange, path: LwM2mPath): CoapOutgoingRequest {
  if (path.level !== 'instance' && path.level !== 'resource-instance') {
    throw new CodedError(
      'PATH_INVALID',
      `Delete targets an object instance or a resource instance, not ${path}`,
    );
  }
  return { method: 'DELETE', uriPath: exchange.uriPath(path) };
}
