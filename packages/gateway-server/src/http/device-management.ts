import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import {
  type LwM2mNode,
  LwM2mPath,
  type ObjectLinkEntry,
  type PathNode,
  type ResourceNode,
} from '@lwm2m-adapters/lwm2m-core';
import type {
  Lwm2mServer,
  ServerCompositeObservation,
  ServerObservation,
} from '@lwm2m-adapters/lwm2m-server';
import type { z } from 'zod';
import { entriesToNode, nodeToEntries, type ValueEntryInput } from '../json/node-entries.js';
import type { ApiResult } from './api-result.js';
import { errorResult, lwm2mResult, targetJson } from './api-result.js';
import type {
  attributesSchema,
  compositeReadBodySchema,
  compositeWriteBodySchema,
  createBodySchema,
  executeBodySchema,
  observeBodySchema,
  writeBodySchema,
} from './api-schemas.js';
import type { DmTarget } from './dm-target.js';

type WriteBody = z.output<typeof writeBodySchema>;
type ExecuteBody = z.output<typeof executeBodySchema>;
type AttributesBody = z.output<typeof attributesSchema>;
type ObserveBody = z.output<typeof observeBodySchema>;
type CreateBody = z.output<typeof createBodySchema>;
type CompositeReadBody = z.output<typeof compositeReadBodySchema>;
type CompositeWriteBody = z.output<typeof compositeWriteBodySchema>;

/** Runs a request at a client; an error thrown by the server call is answered as coming from the client. */
async function atClient<T>(call: () => Promise<T>, fromClient: boolean): Promise<T | ApiResult> {
  try {
    return await call();
  } catch (error) {
    if (!isCodedError(error)) throw error;
    return errorResult(error, fromClient);
  }
}

const isResult = (value: unknown): value is ApiResult =>
  typeof value === 'object' && value !== null && 'status' in value && 'body' in value;

const valuesOf = (node: LwM2mNode | undefined, target: DmTarget) =>
  node === undefined ? [] : nodeToEntries(node, target.path);

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * The device-management operations of the API over an Lwm2mServer: each takes a resolved target
 * and validated input and answers with the client's response code and the values in the JSON
 * form. Observations the API makes are remembered per (registration, path): observing a path again
 * replaces the API's earlier observation of it, and only those can be cancelled through the API
 * (the server's own, such as a gateway's /25, are left alone).
 */
export class DeviceManagement {
  readonly #server: Lwm2mServer;
  /** `<registration id> <sent path>` -> the API's observation. */
  readonly #observations = new Map<string, ServerObservation>();
  /** `<registration id> <sent paths, sorted, comma-separated>` -> the API's Observe-Composite. */
  readonly #composites = new Map<string, ServerCompositeObservation>();

  constructor(server: Lwm2mServer) {
    this.#server = server;
  }

  /** Whether the API made an observation. */
  madeByApi(observation: ServerObservation | ServerCompositeObservation): boolean {
    if ('paths' in observation)
      return (
        this.#composites.get(compositeKey(observation.registrationId, observation.paths)) === observation
      );
    return this.#observations.get(`${observation.registrationId} ${observation.path}`) === observation;
  }

  /** Discover: the links with their attributes, paths in the request's namespace. */
  async discover(target: DmTarget, timeoutMs: number): Promise<ApiResult> {
    requireLevel(target, ['object', 'instance', 'resource'], 'Discover');
    const response = await atClient(
      () => this.#server.discover(target.registration, target.sentPath, { timeoutMs }),
      true,
    );
    if (isResult(response)) return response;
    const prefix = target.path.prefix;
    return lwm2mResult(target, response, {
      links: (response.links ?? []).map((link) => linkJson(link, prefix)),
    });
  }

  /**
   * Create an instance of the target object: with `id` the API names it (values at `/o/id/...` or
   * relative), without it the client picks one (values relative: "5700").
   */
  async create(target: DmTarget, body: CreateBody, timeoutMs: number): Promise<ApiResult> {
    requireLevel(target, ['object'], 'Create');
    const { prefix, objectId } = target.path;
    if (body.id === undefined) {
      const absolute = body.values.find((v) => v.path.startsWith('/'));
      if (absolute !== undefined) {
        throw new CodedError(
          'WRITE_VALUE_INVALID',
          `${absolute.path}: without an "id" the client picks the instance; give resource paths relative to it ("5700")`,
          { details: { path: absolute.path } },
        );
      }
    }
    const at = new LwM2mPath({ prefix, objectId, instanceId: body.id ?? 0 });
    const resources: readonly ResourceNode[] =
      body.values.length === 0
        ? []
        : (entriesToNode(body.values, at, target.typing) as { resources: readonly ResourceNode[] }).resources;
    const response = await atClient(
      () =>
        this.#server.create(
          target.registration,
          target.sentPath,
          { id: body.id, resources },
          { timeoutMs, ...(body.format === undefined ? {} : { format: body.format }) },
        ),
      false,
    );
    if (isResult(response)) return response;
    return lwm2mResult(target, response, { instanceId: response.instanceId ?? null });
  }

  async delete(target: DmTarget, timeoutMs: number): Promise<ApiResult> {
    requireLevel(target, ['instance', 'resource-instance'], 'Delete');
    const response = await atClient(
      () => this.#server.delete(target.registration, target.sentPath, { timeoutMs }),
      false,
    );
    return isResult(response) ? response : lwm2mResult(target, response);
  }

  /** Read-Composite of paths in the request's namespace (an end device's get its prefix). */
  async readComposite(target: DmTarget, body: CompositeReadBody, timeoutMs: number): Promise<ApiResult> {
    const paths = compositePaths(target, body.paths);
    const response = await atClient(
      () =>
        this.#server.readComposite(target.registration, paths, {
          timeoutMs,
          ...(body.format === undefined ? {} : { format: body.format }),
          ...(body.accept === undefined ? {} : { accept: body.accept }),
        }),
      true,
    );
    if (isResult(response)) return response;
    return lwm2mResult(target, response, {
      contentFormat: response.contentFormat ?? null,
      values: compositeValues(response.nodes, target),
    });
  }

  /** Write-Composite: values anywhere below the target (paths in the request's namespace). */
  async writeComposite(target: DmTarget, body: CompositeWriteBody, timeoutMs: number): Promise<ApiResult> {
    const byResource = new Map<string, typeof body.values>();
    for (const entry of body.values) {
      const path = parseAbsolute(entry.path);
      const resource = new LwM2mPath({ ...path.parts(), resourceInstanceId: undefined });
      const key = resource.toString();
      byResource.set(key, [...(byResource.get(key) ?? []), entry]);
    }
    const values: PathNode[] = [...byResource].map(([key, entries]) => {
      const path = LwM2mPath.parse(key);
      return { path: sentPath(target, path), node: entriesToNode(entries, path, target.typing) };
    });
    const response = await atClient(
      () =>
        this.#server.writeComposite(target.registration, values, {
          timeoutMs,
          ...(body.format === undefined ? {} : { format: body.format }),
        }),
      false,
    );
    return isResult(response) ? response : lwm2mResult(target, response);
  }

  /** Observe-Composite: the current values and the observation; notifications go to the event stream. */
  async observeComposite(target: DmTarget, body: CompositeReadBody, timeoutMs: number): Promise<ApiResult> {
    const paths = compositePaths(target, body.paths);
    const response = await atClient(
      () =>
        this.#server.observeComposite(target.registration, paths, {
          timeoutMs,
          ...(body.format === undefined ? {} : { format: body.format }),
          ...(body.accept === undefined ? {} : { accept: body.accept }),
        }),
      true,
    );
    if (isResult(response)) return response;
    const observation = response.observation;
    if (observation !== undefined) {
      const key = compositeKey(observation.registrationId, observation.paths);
      const previous = this.#composites.get(key);
      this.#composites.set(key, observation);
      if (previous !== undefined && previous !== observation) void previous.cancel({ active: false });
      void observation.ended.then(() => {
        if (this.#composites.get(key) === observation) this.#composites.delete(key);
      });
    }
    return lwm2mResult(target, response, {
      contentFormat: response.contentFormat ?? null,
      values: compositeValues(response.nodes, target),
      observation:
        observation === undefined ? null : { token: hex(observation.token), format: observation.format },
    });
  }

  /** Cancels the API's Observe-Composite of exactly these paths. */
  async cancelComposite(
    target: DmTarget,
    paths: readonly string[],
    active: boolean,
    timeoutMs: number,
  ): Promise<ApiResult> {
    const sent = compositePaths(target, paths);
    const key = compositeKey(target.registration.id, sent);
    const observation = this.#composites.get(key);
    if (observation === undefined) {
      throw new CodedError(
        'OBSERVATION_UNKNOWN',
        `no Observe-Composite of ${sent.join(', ')} at ${target.registration.endpoint} was made through the API`,
        { details: { endpoint: target.registration.endpoint, paths: sent.map(String) } },
      );
    }
    this.#composites.delete(key);
    const done = { code: null, success: true, diagnostic: null, ...targetJson(target), active };
    if (!active) {
      await observation.cancel({ active: false });
      return { status: 200, body: done };
    }
    const response = await atClient(() => withTimeout(observation.cancel({ active: true }), timeoutMs), true);
    if (isResult(response)) return response;
    return response === undefined
      ? { status: 200, body: done }
      : lwm2mResult(target, response, { active: true });
  }

  async read(target: DmTarget, format: number | undefined, timeoutMs: number): Promise<ApiResult> {
    const response = await atClient(
      () =>
        this.#server.read(target.registration, target.sentPath, {
          timeoutMs,
          ...(format === undefined ? {} : { format }),
        }),
      true,
    );
    if (isResult(response)) return response;
    return lwm2mResult(target, response, {
      contentFormat: response.contentFormat ?? null,
      values: valuesOf(response.node, target),
    });
  }

  async write(
    target: DmTarget,
    mode: 'replace' | 'update',
    body: WriteBody,
    timeoutMs: number,
  ): Promise<ApiResult> {
    requireLevel(
      target,
      ['instance', 'resource', 'resource-instance'],
      mode === 'replace' ? 'Write' : 'a partial Write',
    );
    const entries: readonly ValueEntryInput[] =
      'values' in body ? body.values : [{ path: target.path.toString(), type: body.type, value: body.value }];
    const node = entriesToNode(entries, target.path, target.typing);
    const response = await atClient(
      () =>
        this.#server.write(target.registration, target.sentPath, node, {
          mode,
          timeoutMs,
          ...(body.format === undefined ? {} : { format: body.format }),
        }),
      false,
    );
    return isResult(response) ? response : lwm2mResult(target, response);
  }

  async writeAttributes(target: DmTarget, attributes: AttributesBody, timeoutMs: number): Promise<ApiResult> {
    requireLevel(target, ['object', 'instance', 'resource', 'resource-instance'], 'Write-Attributes');
    const response = await atClient(
      () =>
        this.#server.writeAttributes(target.registration, target.sentPath, stripUndefined(attributes), {
          timeoutMs,
        }),
      false,
    );
    return isResult(response) ? response : lwm2mResult(target, response);
  }

  async execute(target: DmTarget, body: ExecuteBody, timeoutMs: number): Promise<ApiResult> {
    requireLevel(target, ['resource'], 'Execute');
    const args = body?.arguments;
    const response = await atClient(
      () =>
        this.#server.execute(target.registration, target.sentPath, {
          timeoutMs,
          ...(args === undefined ? {} : { arguments: args }),
        }),
      false,
    );
    return isResult(response) ? response : lwm2mResult(target, response);
  }

  /**
   * Observe: Write-Attributes first when attributes are given (an error answer stops there), then
   * the Observe; the answer carries the current value and the observation. Notifications go to
   * the event stream.
   */
  async observe(target: DmTarget, body: ObserveBody, timeoutMs: number): Promise<ApiResult> {
    requireLevel(target, ['object', 'instance', 'resource', 'resource-instance'], 'Observe');
    if (body?.attributes !== undefined && Object.keys(stripUndefined(body.attributes)).length > 0) {
      const written = await this.writeAttributes(target, body.attributes, timeoutMs);
      if (written.status >= 300) return written;
    }
    const format = body?.format;
    const response = await atClient(
      () =>
        this.#server.observe(target.registration, target.sentPath, {
          timeoutMs,
          ...(format === undefined ? {} : { format }),
        }),
      true,
    );
    if (isResult(response)) return response;
    const observation = response.observation;
    if (observation !== undefined) this.#remember(observation);
    return lwm2mResult(target, response, {
      contentFormat: response.contentFormat ?? null,
      values: valuesOf(response.node, target),
      observation:
        observation === undefined
          ? null
          : { token: hex(observation.token), format: observation.format ?? null },
    });
  }

  /** Cancels the API's observation of the target path: actively (GET with Observe=1) or passively. */
  async cancel(target: DmTarget, active: boolean, timeoutMs: number): Promise<ApiResult> {
    const key = `${target.registration.id} ${target.sentPath}`;
    const observation = this.#observations.get(key);
    if (observation === undefined) {
      const held = this.#server.observations(target.registration).some((o) => o.path.equals(target.sentPath));
      if (held) {
        throw new CodedError(
          'OPERATION_NOT_ALLOWED',
          `the observation of ${target.sentPath} at ${target.registration.endpoint} is the server's own (not made through the API)`,
          { details: { endpoint: target.registration.endpoint, path: target.sentPath.toString() } },
        );
      }
      throw new CodedError(
        'OBSERVATION_UNKNOWN',
        `no observation of ${target.sentPath} at ${target.registration.endpoint} was made through the API`,
        { details: { endpoint: target.registration.endpoint, path: target.sentPath.toString() } },
      );
    }
    this.#observations.delete(key);
    if (!active) {
      await observation.cancel({ active: false });
      return {
        status: 200,
        body: { code: null, success: true, diagnostic: null, ...targetJson(target), active: false },
      };
    }
    const response = await atClient(() => withTimeout(observation.cancel({ active: true }), timeoutMs), true);
    if (isResult(response)) return response;
    if (response === undefined) {
      return {
        status: 200,
        body: { code: null, success: true, diagnostic: null, ...targetJson(target), active: true },
      };
    }
    return lwm2mResult(target, response, { active: true });
  }

  #remember(observation: ServerObservation): void {
    const key = `${observation.registrationId} ${observation.path}`;
    const previous = this.#observations.get(key);
    this.#observations.set(key, observation);
    if (previous !== undefined && previous !== observation) void previous.cancel({ active: false });
    void observation.ended.then(() => {
      if (this.#observations.get(key) === observation) this.#observations.delete(key);
    });
  }
}

function compositeKey(registrationId: string, paths: readonly LwM2mPath[]): string {
  return `${registrationId} ${paths.map(String).sort().join(',')}`;
}

function parseAbsolute(text: string): LwM2mPath {
  try {
    return LwM2mPath.parse(text);
  } catch (error) {
    throw new CodedError(
      'PATH_INVALID',
      `${text}: ${error instanceof Error ? error.message : 'not an LwM2M path'}`,
      {
        details: { path: text },
      },
    );
  }
}

/** A path of the request's namespace as sent: with the end device's prefix for a device target. */
function sentPath(target: DmTarget, path: LwM2mPath): LwM2mPath {
  const prefix = target.child?.prefix;
  if (target.path.prefix !== undefined || prefix === undefined) return path;
  if (path.prefix !== undefined) {
    throw new CodedError('PATH_INVALID', `${path}: an end device's paths carry no prefix`, {
      details: { path: path.toString() },
    });
  }
  return path.withPrefix(prefix);
}

function compositePaths(target: DmTarget, texts: readonly string[]): LwM2mPath[] {
  return texts.map((text) => sentPath(target, parseAbsolute(text)));
}

/** Values of a composite answer, in the request's namespace (an end device's without its prefix). */
function compositeValues(nodes: readonly PathNode[] | undefined, target: DmTarget) {
  const strip = target.child !== undefined && target.path.prefix === undefined;
  return (nodes ?? []).flatMap(({ path, node }) => nodeToEntries(node, strip ? path.withoutPrefix() : path));
}

function linkJson(link: ObjectLinkEntry, prefix: string | undefined) {
  const attributes: Record<string, number | string | null> = {};
  for (const [name, value] of Object.entries(link.attributes))
    if (value !== undefined) attributes[name] = value;
  for (const { name, value } of link.otherAttributes ?? [])
    attributes[name] = value.kind === 'flag' ? null : value.value;
  return {
    path: link.path.withPrefix(prefix).toString(),
    version: link.version ?? null,
    dim: link.dim ?? null,
    attributes,
  };
}

function requireLevel(target: DmTarget, levels: readonly string[], what: string): void {
  if (!levels.includes(target.path.level)) {
    throw new CodedError(
      'API_METHOD_NOT_ALLOWED',
      `${what} is not done at ${target.path.level === 'root' ? 'the root' : `the ${target.path.level} level`} (${target.path}); it takes a path at the ${levels.join(', ')} level`,
      { details: { path: target.path.toString(), level: target.path.level } },
    );
  }
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** An active cancel is a CoAP request with its own deadline; this bounds it for the API too. */
function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new CodedError('COAP_TIMEOUT', `the client did not answer the cancel within ${timeoutMs} ms`)),
      timeoutMs,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
