import type { CoapIncomingRequest, CoapOutgoingResponse } from '@lwm2m-adapters/coap';
import { isCodedError } from '@lwm2m-adapters/errors';
import {
  type Clock,
  decodeUtf8,
  type EventLogger,
  silentEventLogger,
  systemClock,
} from '@lwm2m-adapters/kit';
import {
  ContentFormat,
  type DecodeLimits,
  type LwM2mNode,
  type LwM2mPath,
  type ResourceNode,
} from '@lwm2m-adapters/lwm2m-core';
import { decodeTlvCreate } from '@lwm2m-adapters/lwm2m-core/codecs';
import type { ClientDataModel } from '../objects/client-data-model.js';
import type { ClientObjectTree } from '../objects/client-object-tree.js';
import type { AttributeStore } from '../observe/attribute-store.js';
import {
  applyAttributeUpdate,
  attributesProblem,
  parseAttributeQuery,
  periodsProblem,
} from '../observe/observation-attributes.js';
import type { ObservationManager } from '../observe/observation-manager.js';
import {
  compositePaths,
  compositeResponseFormat,
  isProtectedPath,
  planWriteComposite,
  readComposite,
} from './composite-operations.js';
import { discoverLinks } from './discover-links.js';
import { parseExecuteArguments } from './execute-arguments.js';
import { RefusalLog, type RequestStats } from './refusal-log.js';
import { fail, RequestFailure, responseCodeOf } from './request-failure.js';
import { requestPath } from './request-path.js';

export interface DeviceManagementHandlerOptions {
  readonly data: ClientDataModel;
  readonly attributes: AttributeStore;
  readonly observations: ObservationManager;
  readonly log?: EventLogger | undefined;
  /** For the refusal log's rate limit. Default: the system clock. */
  readonly clock?: Clock | undefined;
  /** Decoder limits for Create payloads (the codecs carry their own). */
  readonly limits?: Partial<DecodeLimits> | undefined;
  /** Most paths in one composite request. Default 256. */
  readonly maxCompositePaths?: number | undefined;
}

const NUMERIC_TYPES = new Set(['integer', 'unsigned', 'float']);

/**
 * Answers Device Management and Information Reporting requests from the LwM2M server (Core TS
 * §6.3, §6.4; Gateway TS §6): Read, Discover, Write, Write-Attributes, Execute, Create, Delete,
 * Read-/Write-Composite, Observe(-Composite) and their cancellation, on the client's own objects
 * and on end devices under their prefixes. Every request gets a response; nothing throws.
 */
export class DeviceManagementHandler {
  readonly #data: ClientDataModel;
  readonly #attributes: AttributeStore;
  readonly #observations: ObservationManager;
  readonly #log: EventLogger;
  readonly #limits: Partial<DecodeLimits> | undefined;
  readonly #maxCompositePaths: number;
  readonly #refusals: RefusalLog;

  constructor(options: DeviceManagementHandlerOptions) {
    this.#data = options.data;
    this.#attributes = options.attributes;
    this.#observations = options.observations;
    this.#log = options.log ?? silentEventLogger;
    this.#limits = options.limits;
    this.#maxCompositePaths = options.maxCompositePaths ?? 256;
    this.#refusals = new RefusalLog({ clock: options.clock ?? systemClock, log: this.#log });
  }

  /** Requests refused by code, and refusal lines left out of the log. */
  get stats(): RequestStats {
    return this.#refusals.stats;
  }

  async handleRequest(request: CoapIncomingRequest): Promise<CoapOutgoingResponse> {
    try {
      return await this.#dispatch(request);
    } catch (error) {
      const code = responseCodeOf(error);
      this.#report(request, code, error);
      return { code };
    }
  }

  #report(request: CoapIncomingRequest, code: string, error: unknown): void {
    const path = `/${request.uriPath.join('/')}`;
    if (error instanceof RequestFailure) {
      // an expected refusal: one line, no stack, rate-limited, counted
      this.#refusals.refused(code, {
        level: code.startsWith('5.') ? 'warn' : 'debug',
        event: 'request-failed',
        message: `${request.method} ${path.slice(0, 200)} -> ${code}: ${error.message.replace(/[\r\n]+/g, ' ')}`,
        details: { method: request.method, path, code },
      });
      return;
    }
    try {
      this.#log({
        level: code === '5.00' ? 'error' : code.startsWith('5.') ? 'warn' : 'debug',
        event: 'request-failed',
        message: `${request.method} /${request.uriPath.join('/')} -> ${code}: ${error instanceof Error ? error.message : String(error)}`,
        details: { method: request.method, path: `/${request.uriPath.join('/')}`, code },
        error,
      });
    } catch {
      // A logger that throws must not turn an answer into a crash.
    }
  }

  async #dispatch(request: CoapIncomingRequest): Promise<CoapOutgoingResponse> {
    const path = requestPath(request.uriPath, (prefix) => this.#data.endDevice(prefix) !== undefined);
    if (isProtectedPath(path)) throw fail.unauthorized(`${path} is not accessible to a DM server`);
    switch (request.method) {
      case 'GET':
        if (request.accept === ContentFormat.LINK) return this.#discover(path);
        if (request.observe === 0) return this.#observe(request, path);
        if (request.observe === 1) this.#observations.cancel(request.peer, request.token);
        return this.#read(path, request.accept);
      case 'PUT':
        if (request.payload.length === 0 && request.contentFormat === undefined) {
          return this.#writeAttributes(path, request.uriQuery);
        }
        if (request.uriQuery.length > 0) throw fail.badRequest('Write-Attributes carries no payload');
        return this.#write(path, request, 'replace');
      case 'POST':
        return this.#post(path, request);
      case 'DELETE':
        return this.#delete(path);
      case 'FETCH':
        return this.#fetch(path, request);
      case 'IPATCH':
        return this.#writeComposite(path, request);
      default:
        throw fail.notAllowed(`${request.method} is not an LwM2M operation`);
    }
  }

  #tree(path: LwM2mPath): ClientObjectTree {
    const tree = this.#data.treeOf(path);
    tree.assertExists(path);
    return tree;
  }

  /** Encodes a read result: Accept when given (4.06 if impossible), else the default choice. */
  #encode(tree: ClientObjectTree, path: LwM2mPath, node: LwM2mNode, accept: number | undefined) {
    const format = tree.codecs.negotiate(node, accept);
    try {
      return { contentFormat: format, payload: tree.codecs.encode(node, path, format) };
    } catch (error) {
      if (isCodedError(error, 'CODEC_NOT_ACCEPTABLE')) throw error;
      throw fail.internal(
        `${path} could not be encoded: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    }
  }

  #checkAccept(tree: ClientObjectTree, accept: number | undefined): void {
    if (accept !== undefined && !tree.codecs.encodableFormats.some((f) => f === accept)) {
      throw fail.notAcceptable(`content format ${accept} is not supported`);
    }
  }

  async #read(path: LwM2mPath, accept: number | undefined): Promise<CoapOutgoingResponse> {
    if (path.isRoot) throw fail.notAllowed('Read needs an object path');
    const tree = this.#tree(path);
    this.#checkAccept(tree, accept);
    const node = await tree.read(path);
    return { code: '2.05', ...this.#encode(tree, path, node, accept) };
  }

  async #discover(path: LwM2mPath): Promise<CoapOutgoingResponse> {
    if (path.isRoot) throw fail.notAllowed('Discover needs an object path');
    const tree = this.#tree(path);
    const links = await discoverLinks(tree, path, this.#attributes);
    return { code: '2.05', contentFormat: ContentFormat.LINK, payload: new TextEncoder().encode(links) };
  }

  async #observe(request: CoapIncomingRequest, path: LwM2mPath): Promise<CoapOutgoingResponse> {
    if (path.isRoot) throw fail.notAllowed('Observe needs an object path');
    const tree = this.#tree(path);
    this.#checkAccept(tree, request.accept);
    const node = await tree.read(path);
    const encoded = this.#encode(tree, path, node, request.accept);
    const observe = this.#observations.start({
      peer: request.peer,
      token: request.token,
      paths: [path],
      composite: false,
      contentFormat: encoded.contentFormat,
      initial: [{ path, node }],
    });
    return { code: '2.05', ...encoded, observe };
  }

  async #writeAttributes(path: LwM2mPath, query: readonly string[]): Promise<CoapOutgoingResponse> {
    if (path.isRoot) throw fail.notAllowed('attributes attach to an object, instance or resource');
    const tree = this.#tree(path);
    const parsed = parseAttributeQuery(query);
    if (!parsed.ok) throw fail.badRequest(`Write-Attributes: ${parsed.reason}`);
    const definition =
      path.resourceId === undefined ? undefined : tree.resourceDefinition(path.objectId!, path.resourceId);
    if (path.level === 'resource-instance' && definition?.multiple !== true) {
      throw fail.notFound(`${path}: ${path.parent()} has no instances`);
    }
    const numericTarget =
      definition !== undefined &&
      NUMERIC_TYPES.has(definition.type) &&
      (path.level === 'resource-instance' || !definition.multiple);
    const next = applyAttributeUpdate(this.#attributes.attached(path), parsed.update);
    const problem =
      attributesProblem(next, numericTarget) ?? periodsProblem(this.#attributes.effectiveWith(path, next));
    if (problem !== undefined) throw fail.badRequest(`Write-Attributes on ${path}: ${problem}`);
    if (!this.#attributes.canAttach(path)) throw fail.unavailable('too many paths carry attributes');
    this.#attributes.set(path, next);
    this.#observations.attributesChanged();
    return { code: '2.04' };
  }

  #decode(tree: ClientObjectTree, path: LwM2mPath, request: CoapIncomingRequest): LwM2mNode {
    if (request.contentFormat === undefined) throw fail.badRequest('a Write needs a Content-Format');
    if (request.contentFormat === ContentFormat.LINK)
      throw fail.unsupportedFormat('link-format cannot carry values');
    return tree.codecs.decode(request.payload, path, request.contentFormat);
  }

  async #write(
    path: LwM2mPath,
    request: CoapIncomingRequest,
    mode: 'replace' | 'update',
  ): Promise<CoapOutgoingResponse> {
    if (path.level === 'root' || path.level === 'object')
      throw fail.notAllowed('Write needs an instance or resource path');
    const tree = this.#tree(path);
    const node = this.#decode(tree, path, request);
    const plan = await tree.planWrite(path, node, mode);
    await plan.apply();
    return { code: '2.04' };
  }

  async #post(path: LwM2mPath, request: CoapIncomingRequest): Promise<CoapOutgoingResponse> {
    switch (path.level) {
      case 'object':
        return this.#create(path, request);
      case 'instance':
        return this.#write(path, request, 'update');
      case 'resource': {
        const tree = this.#tree(path);
        const definition = tree.resourceDefinition(path.objectId!, path.resourceId!);
        if (definition?.operations.includes('E') === true) return this.#execute(tree, path, request);
        if (definition?.multiple === true && definition.operations.includes('W')) {
          return this.#write(path, request, 'update');
        }
        throw fail.notAllowed(`${path} is not executable`);
      }
      default:
        throw fail.notAllowed('POST targets an object (Create), an instance (Write) or a resource (Execute)');
    }
  }

  async #execute(
    tree: ClientObjectTree,
    path: LwM2mPath,
    request: CoapIncomingRequest,
  ): Promise<CoapOutgoingResponse> {
    if (request.contentFormat !== undefined && request.contentFormat !== ContentFormat.TEXT) {
      throw fail.unsupportedFormat('Execute arguments are text/plain');
    }
    let text: string;
    try {
      text = decodeUtf8(request.payload, 'Execute arguments');
    } catch (error) {
      throw fail.badRequest('Execute arguments are not UTF-8', error);
    }
    const parsed = parseExecuteArguments(text);
    if (!parsed.ok) throw fail.badRequest(`Execute arguments: ${parsed.reason}`);
    await tree.execute(path, parsed.args);
    return { code: '2.04' };
  }

  async #create(path: LwM2mPath, request: CoapIncomingRequest): Promise<CoapOutgoingResponse> {
    const tree = this.#tree(path);
    const objectId = path.objectId!;
    if (!tree.canCreate(objectId)) throw fail.notAllowed(`${path} does not support Create`);
    const format = request.contentFormat;
    if (format === undefined) throw fail.badRequest('Create needs a Content-Format');
    let instanceId: number | undefined;
    let resources: readonly ResourceNode[];
    if (format === ContentFormat.TLV) {
      const decoded = decodeTlvCreate(request.payload, path, { model: tree.model, ...this.#limitsContext() });
      instanceId = decoded.instanceId;
      resources = decoded.resources;
    } else {
      if (format === ContentFormat.TEXT || format === ContentFormat.OPAQUE || format === ContentFormat.LINK) {
        throw fail.unsupportedFormat(`Create cannot use content format ${format}`);
      }
      const node = tree.codecs.decode(request.payload, path, format);
      if (node.kind !== 'object' || node.instances.length !== 1) {
        throw fail.badRequest('a Create payload carries exactly one object instance');
      }
      const instance = node.instances[0]!;
      instanceId = instance.id;
      resources = instance.resources;
    }
    const created = await tree.create(objectId, instanceId, resources);
    return { code: '2.01', locationPath: path.child(created).segments() };
  }

  #limitsContext(): { limits?: Partial<DecodeLimits> } {
    return this.#limits === undefined ? {} : { limits: this.#limits };
  }

  async #delete(path: LwM2mPath): Promise<CoapOutgoingResponse> {
    if (path.level !== 'instance' && path.level !== 'resource-instance') {
      throw fail.notAllowed('Delete targets an object instance or a resource instance');
    }
    const tree = this.#tree(path);
    if (path.level === 'instance') await tree.delete(path);
    else await tree.deleteResourceInstance(path);
    return { code: '2.02' };
  }

  async #fetch(path: LwM2mPath, request: CoapIncomingRequest): Promise<CoapOutgoingResponse> {
    if (!path.isRoot || path.prefix !== undefined)
      throw fail.notAllowed('composite requests target the root path');
    const paths = compositePaths(this.#data, request.payload, request.contentFormat, this.#maxCompositePaths);
    const format = compositeResponseFormat(request.accept, request.contentFormat!);
    if (request.observe === 1) this.#observations.cancel(request.peer, request.token);
    const nodes = await readComposite(this.#data, paths);
    let payload: Uint8Array;
    try {
      payload = this.#data.encodeNodes(nodes, format);
    } catch (error) {
      throw fail.internal(
        `composite answer could not be encoded: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    }
    if (request.observe !== 0) return { code: '2.05', contentFormat: format, payload };
    const observe = this.#observations.start({
      peer: request.peer,
      token: request.token,
      paths,
      composite: true,
      contentFormat: format,
      initial: nodes,
    });
    return { code: '2.05', contentFormat: format, payload, observe };
  }

  async #writeComposite(path: LwM2mPath, request: CoapIncomingRequest): Promise<CoapOutgoingResponse> {
    if (!path.isRoot || path.prefix !== undefined)
      throw fail.notAllowed('Write-Composite targets the root path');
    const plan = await planWriteComposite(
      this.#data,
      request.payload,
      request.contentFormat,
      this.#maxCompositePaths,
    );
    await plan.apply();
    return { code: '2.04' };
  }
}
