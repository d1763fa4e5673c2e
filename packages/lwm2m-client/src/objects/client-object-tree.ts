import { CodedError } from '@lwm2m-adapters/errors';
import { ListenerSet } from '@lwm2m-adapters/kit';
import {
  assertValidPrefix,
  LwM2mCodecs,
  type LwM2mCodecsOptions,
  type LwM2mNode,
  LwM2mPath,
  type ObjectDefinition,
  type ObjectInstanceNode,
  type ObjectModel,
  type ResourceDefinition,
  type ResourceInstanceNode,
  type ResourceNode,
  type ResourceValue,
} from '@lwm2m-adapters/lwm2m-core';
import type { ExecuteArguments } from '../operations/execute-arguments.js';
import { fail } from '../operations/request-failure.js';
import { type PlannedWrite, WritePlan } from '../operations/write-plan.js';
import { type InstanceResources, instanceResources, resourceSlotOf } from './instance-resources.js';
import {
  type InstanceDeclaration,
  idEntries,
  type ObjectDeclaration,
  type ResourceContent,
  type ResourceDeclaration,
  type WrittenValue,
} from './resource-declaration.js';
import {
  currentInstances,
  isExecutable,
  isReadable,
  isWritable,
  type ResourceSlot,
  readSlot,
  resourceSlot,
  slotValue,
} from './resource-slot.js';
import { rangeViolation, toResourceValue } from './resource-value-input.js';
import { TreeObjectModel } from './tree-object-model.js';

export type TreeStructureChange = {
  readonly kind: 'object-added' | 'object-removed' | 'instance-added' | 'instance-removed';
  /** Object or instance path, with the tree's prefix. */
  readonly path: LwM2mPath;
};

export interface ClientObjectTreeOptions {
  /** Object definitions (an ObjectRegistry). */
  readonly model: ObjectModel;
  /** Gateway prefix of an end device's tree (`dev0`); none for the client's own objects. */
  readonly prefix?: string | undefined;
  readonly codecOptions?: LwM2mCodecsOptions | undefined;
  /** Where listener errors go (they never break the tree). */
  readonly onListenerError?: ((error: unknown) => void) | undefined;
}

/** Write (Replace) replaces what it names; Partial Update merges resource instances. */
export type WriteMode = 'replace' | 'update';

interface InstanceSlot {
  readonly id: number;
  readonly resources: InstanceResources;
}

interface ObjectSlot {
  readonly definition: ObjectDefinition;
  /**
   * What Create and Delete call (`this` of those handlers): the declaration when it has one of
   * them, else nothing, so a declared object does not keep its declared instances (their resource
   * maps) alive once the slots are built.
   */
  readonly declaration: ObjectDeclaration;
  readonly instances: Map<number, InstanceSlot>;
}

type PathInput = LwM2mPath | string;

/** The declaration an object slot keeps when its declaration handles no Create or Delete. */
const NO_INSTANCE_HANDLERS: ObjectDeclaration = Object.freeze({});

/** A written resource node's value, checked against the definition (4.00 on mismatch). */
function writtenValue(
  node: ResourceNode | ResourceInstanceNode,
  definition: ResourceDefinition,
  path: LwM2mPath,
): WrittenValue {
  const check = (value: ResourceValue): ResourceValue => {
    let typed: ResourceValue;
    try {
      typed = toResourceValue(value, definition.type);
    } catch (error) {
      throw fail.badRequest(`${path}: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    const violation = rangeViolation(typed, definition);
    if (violation !== undefined) throw fail.badRequest(`${path} (${definition.name}): ${violation}`);
    return typed;
  };
  if (node.kind === 'multiple-resource') {
    if (!definition.multiple) throw fail.badRequest(`${path} is a single resource, got several instances`);
    return new Map(node.instances.map((ri) => [ri.id, check(ri.value)]));
  }
  if (node.kind === 'resource' && definition.multiple) {
    throw fail.badRequest(`${path} is a multiple resource, got a single value`);
  }
  return check(node.value);
}

/**
 * The objects, instances and resources one LwM2M client exposes: the client's own tree, or one
 * end device's tree under its gateway prefix. Resources are typed by the object definitions of the
 * model (the version declared per object). Host code declares objects and instances, updates
 * static values with `setValue` and reports changes of handler-backed values with `changed`; the
 * engine reads, writes, executes, creates and deletes through the other methods.
 */
export class ClientObjectTree {
  readonly prefix: string | undefined;
  /** The model as this tree sees it: objects at their declared versions. */
  readonly model: TreeObjectModel;
  readonly codecs: LwM2mCodecs;
  readonly #objects = new Map<number, ObjectSlot>();
  readonly #changes: ListenerSet<LwM2mPath>;
  readonly #structure: ListenerSet<TreeStructureChange>;

  constructor(options: ClientObjectTreeOptions) {
    if (options.prefix !== undefined) assertValidPrefix(options.prefix);
    this.prefix = options.prefix;
    this.model = new TreeObjectModel(options.model, (id) => this.#objects.get(id)?.definition.version);
    this.codecs = new LwM2mCodecs(this.model, options.codecOptions);
    this.#changes = new ListenerSet(options.onListenerError);
    this.#structure = new ListenerSet(options.onListenerError);
  }

  // ---- declaration API (host) ----

  /**
   * Declares an object (its definition must be in the model at the requested version) with its
   * instances. Throws OBJECT_UNKNOWN, RESOURCE_UNKNOWN or CONFIG_INVALID.
   */
  defineObject(objectId: number, declaration: ObjectDeclaration = {}): ObjectDefinition {
    if (this.#objects.has(objectId)) {
      throw new CodedError('CONFIG_INVALID', `object /${objectId} is already declared${this.#where()}`, {
        details: { objectId },
      });
    }
    const version = declaration.version ?? this.model.versionFor(objectId);
    const definition = version === undefined ? undefined : this.model.getObject(objectId, version);
    if (definition === undefined) {
      throw new CodedError(
        'OBJECT_UNKNOWN',
        `no definition of object /${objectId}${declaration.version === undefined ? '' : ` version ${declaration.version}`}; add its DDF to the registry`,
        { details: { objectId } },
      );
    }
    const handlesInstances = declaration.create !== undefined || declaration.delete !== undefined;
    const slot: ObjectSlot = {
      definition,
      declaration: handlesInstances ? declaration : NO_INSTANCE_HANDLERS,
      instances: new Map(),
    };
    for (const [iid, resources] of idEntries(declaration.instances ?? {}, 'instance')) {
      slot.instances.set(iid, this.#instanceSlot(slot, iid, resources));
    }
    this.#checkSingleInstance(slot);
    this.#objects.set(objectId, slot);
    this.#structure.emit({ kind: 'object-added', path: this.#objectPath(objectId) });
    return definition;
  }

  removeObject(objectId: number): boolean {
    if (!this.#objects.delete(objectId)) return false;
    this.#structure.emit({ kind: 'object-removed', path: this.#objectPath(objectId) });
    return true;
  }

  /** Adds an instance (lowest free id unless given) and returns its id. */
  addInstance(objectId: number, resources: InstanceDeclaration, instanceId?: number): number {
    const object = this.#objects.get(objectId);
    if (object === undefined) {
      throw new CodedError('CONFIG_INVALID', `object /${objectId} is not declared${this.#where()}`, {
        details: { objectId },
      });
    }
    const iid = instanceId ?? this.#freeInstanceId(object);
    if (object.instances.has(iid)) {
      throw new CodedError('CONFIG_INVALID', `instance /${objectId}/${iid} already exists${this.#where()}`, {
        details: { objectId, instanceId: iid },
      });
    }
    const slot = this.#instanceSlot(object, iid, resources);
    object.instances.set(iid, slot);
    try {
      this.#checkSingleInstance(object);
    } catch (error) {
      object.instances.delete(iid);
      throw error;
    }
    this.#structure.emit({ kind: 'instance-added', path: this.#objectPath(objectId).child(iid) });
    return iid;
  }

  removeInstance(objectId: number, instanceId: number): boolean {
    const removed = this.#objects.get(objectId)?.instances.delete(instanceId) ?? false;
    if (removed) {
      this.#structure.emit({ kind: 'instance-removed', path: this.#objectPath(objectId).child(instanceId) });
    }
    return removed;
  }

  /** Replaces a static resource's value (type-checked) and reports the change. */
  setValue(pathInput: PathInput, content: ResourceContent): void {
    const path = this.#path(pathInput);
    const slot = this.#slotAt(path, 'config');
    if (slot.handlers !== undefined) {
      throw new CodedError('CONFIG_INVALID', `${path} is backed by handlers; report changes with changed()`, {
        details: { path: path.toString() },
      });
    }
    slot.stored = resourceSlot(slot.definition, content, path).stored;
    this.#changes.emit(path);
  }

  /** Reports that the value at `path` (any level) changed: drives observations. */
  changed(pathInput: PathInput): void {
    this.#changes.emit(this.#path(pathInput));
  }

  onChange(listener: (path: LwM2mPath) => void): () => void {
    return this.#changes.add(listener);
  }

  onStructureChange(listener: (change: TreeStructureChange) => void): () => void {
    return this.#structure.add(listener);
  }

  // ---- queries ----

  objectIds(): number[] {
    return [...this.#objects.keys()].sort((a, b) => a - b);
  }

  instanceIds(objectId: number): number[] {
    return [...(this.#objects.get(objectId)?.instances.keys() ?? [])].sort((a, b) => a - b);
  }

  /** Declared resource ids of an instance, ascending. */
  resourceIds(objectId: number, instanceId: number): number[] {
    const instance = this.#objects.get(objectId)?.instances.get(instanceId);
    return (instance?.resources ?? []).map((slot) => slot.definition.id);
  }

  objectDefinition(objectId: number): ObjectDefinition | undefined {
    return this.#objects.get(objectId)?.definition;
  }

  resourceDefinition(objectId: number, resourceId: number): ResourceDefinition | undefined {
    return this.#objects.get(objectId)?.definition.resources.find((r) => r.id === resourceId);
  }

  /** Whether `path` names something that exists (for a resource instance, its value is read). */
  has(pathInput: PathInput): boolean {
    const path = this.#path(pathInput);
    try {
      this.#locate(path);
      return true;
    } catch {
      return false;
    }
  }

  /** Throws 4.04 (RequestFailure) when `path` does not exist; resource instances are not checked. */
  assertExists(path: LwM2mPath): void {
    this.#locate(this.#path(path));
  }

  // ---- engine API ----

  /** Reads the node at `path` (object, instance, resource or resource instance). */
  async read(pathInput: PathInput): Promise<LwM2mNode> {
    const path = this.#path(pathInput);
    const { object, instance, slot } = this.#locate(path);
    switch (path.level) {
      case 'root':
        throw fail.notAllowed('the root cannot be read');
      case 'object': {
        const ids = [...object!.instances.keys()].sort((a, b) => a - b);
        const instances = await inOrder(
          ids.map((id) => () => this.#readInstance(object!.instances.get(id)!, path.child(id))),
        );
        return { kind: 'object', id: path.objectId!, instances };
      }
      case 'instance':
        return this.#readInstance(instance!, path);
      case 'resource':
        return readSlot(slot!, path);
      case 'resource-instance': {
        if (!slot!.definition.multiple) throw fail.notFound(`${path}: ${path.parent()} is a single resource`);
        const node = await readSlot(slot!, path.parent());
        const found =
          node.kind === 'multiple-resource'
            ? node.instances.find((ri) => ri.id === path.resourceInstanceId)
            : undefined;
        if (found === undefined) throw fail.notFound(`${path} does not exist`);
        return found;
      }
    }
  }

  /** Whether the resource at a resource path can be read (R and a value or read handler). */
  isReadable(path: LwM2mPath): boolean {
    const slot = this.#locate(this.#path(path)).slot;
    return slot !== undefined && isReadable(slot);
  }

  /** The number of instances of a multiple resource (`dim`), or undefined when it cannot be read. */
  async dimension(path: LwM2mPath): Promise<number | undefined> {
    const slot = this.#locate(this.#path(path)).slot;
    if (slot === undefined || !slot.definition.multiple || !isReadable(slot)) return undefined;
    try {
      const value = await slotValue(slot, path);
      return value instanceof Map ? value.size : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Validates a Write of `node` at `path` (instance, resource or resource instance) and returns the
   * plan: 4.04 for undeclared resources, 4.05 for resources that are not writable, 4.00 for values
   * that do not fit. Replace on a multiple resource replaces all its instances; update merges.
   */
  async planWrite(pathInput: PathInput, node: LwM2mNode, mode: WriteMode): Promise<WritePlan> {
    const path = this.#path(pathInput);
    const { instance, slot } = this.#locate(path);
    switch (path.level) {
      case 'root':
      case 'object':
        throw fail.notAllowed(`${path} cannot be written; address an instance`);
      case 'instance': {
        if (node.kind !== 'instance') throw fail.badRequest(`payload for ${path} is not an object instance`);
        const writes: PlannedWrite[] = [];
        const seen = new Set<number>();
        for (const resource of node.resources) {
          if (seen.has(resource.id)) throw fail.badRequest(`${path}: resource ${resource.id} is given twice`);
          seen.add(resource.id);
          const target = resourceSlotOf(instance!.resources, resource.id);
          const resourcePath = path.child(resource.id);
          if (target === undefined) throw fail.notFound(`${resourcePath} does not exist`);
          writes.push(await this.#plannedResourceWrite(target, resourcePath, resource, mode));
        }
        return new WritePlan(writes);
      }
      case 'resource':
        if (node.kind !== 'resource' && node.kind !== 'multiple-resource') {
          throw fail.badRequest(`payload for ${path} is not a resource`);
        }
        return new WritePlan([await this.#plannedResourceWrite(slot!, path, node, mode)]);
      case 'resource-instance': {
        if (node.kind !== 'resource-instance')
          throw fail.badRequest(`payload for ${path} is not a resource instance`);
        return new WritePlan([await this.#plannedInstanceWrite(slot!, path.parent(), [node])]);
      }
    }
  }

  /**
   * Write-Composite plan for records of one resource: single resource values, or resource
   * instances of one multiple resource (merged into its current instances).
   */
  async planCompositeWrite(resourcePathInput: PathInput, nodes: readonly LwM2mNode[]): Promise<WritePlan> {
    const path = this.#path(resourcePathInput);
    const slot = this.#locate(path).slot!;
    const single = nodes.filter((n) => n.kind === 'resource' || n.kind === 'multiple-resource');
    const instances = nodes.filter((n): n is ResourceInstanceNode => n.kind === 'resource-instance');
    if (single.length > 1 || (single.length === 1 && instances.length > 0)) {
      throw fail.badRequest(`${path} is written twice`);
    }
    const [whole] = single;
    if (whole !== undefined) {
      return new WritePlan([await this.#plannedResourceWrite(slot, path, whole as ResourceNode, 'replace')]);
    }
    return new WritePlan([await this.#plannedInstanceWrite(slot, path, instances)]);
  }

  /** Deletes one instance of a multiple resource (DELETE /o/i/r/ri, LwM2M 1.1). */
  async deleteResourceInstance(pathInput: PathInput): Promise<void> {
    const path = this.#path(pathInput);
    const slot = this.#locate(path).slot!;
    if (path.level !== 'resource-instance' || !slot.definition.multiple) {
      throw fail.notAllowed(`${path} is not a resource instance`);
    }
    if (!isWritable(slot)) throw fail.notAllowed(`${path.parent()} is not writable`);
    const resourcePath = path.parent();
    const current = await currentInstances(slot, resourcePath);
    if (!current.delete(path.resourceInstanceId!)) throw fail.notFound(`${path} does not exist`);
    await (await this.#plan(slot, resourcePath, current)).apply();
  }

  async execute(pathInput: PathInput, args: ExecuteArguments): Promise<void> {
    const path = this.#path(pathInput);
    if (path.level !== 'resource') throw fail.notAllowed(`${path} is not a resource; only resources execute`);
    const slot = this.#locate(path).slot!;
    if (!isExecutable(slot)) throw fail.notAllowed(`${path} (${slot.definition.name}) is not executable`);
    await slot.handlers!.execute!.call(slot.handlers, args, { path });
  }

  /** Whether Create is possible on this object (it has a create handler). */
  canCreate(objectId: number): boolean {
    return this.#objects.get(objectId)?.declaration.create !== undefined;
  }

  /**
   * Server Create: validates the resources (4.00 for unknown ids or bad values, 4.00 for a taken
   * id or a second instance of a single-instance object), calls the object's create handler and
   * adds the instance. Returns the instance id.
   */
  async create(
    objectId: number,
    instanceId: number | undefined,
    resources: readonly ResourceNode[],
  ): Promise<number> {
    const objectPath = this.#objectPath(objectId);
    const object = this.#objects.get(objectId);
    if (object === undefined) throw fail.notFound(`${objectPath} does not exist`);
    const create = object.declaration.create;
    if (create === undefined) throw fail.notAllowed(`${objectPath} does not support Create`);
    if (!object.definition.multiple && object.instances.size > 0) {
      throw fail.badRequest(`${objectPath} is single-instance and already has an instance`);
    }
    if (instanceId !== undefined && object.instances.has(instanceId)) {
      throw fail.badRequest(`${objectPath.child(instanceId)} already exists`);
    }
    const iid = instanceId ?? this.#freeInstanceId(object);
    const path = objectPath.child(iid);
    const values = new Map<number, WrittenValue>();
    for (const resource of resources) {
      const definition = object.definition.resources.find((r) => r.id === resource.id);
      if (definition === undefined || definition.type === 'none') {
        throw fail.badRequest(`${path.child(resource.id)} is not a resource of ${object.definition.name}`);
      }
      if (values.has(resource.id)) throw fail.badRequest(`${path.child(resource.id)} is given twice`);
      values.set(resource.id, writtenValue(resource, definition, path.child(resource.id)));
    }
    const declared = await create.call(object.declaration, { path, instanceId: iid, values });
    if (object.instances.has(iid)) throw fail.badRequest(`${path} already exists`);
    this.addInstance(objectId, declared ?? (values as ReadonlyMap<number, ResourceDeclaration>), iid);
    return iid;
  }

  /** Server Delete of an instance; 4.05 without a delete handler. */
  async delete(pathInput: PathInput): Promise<void> {
    const path = this.#path(pathInput);
    if (path.level !== 'instance') throw fail.notAllowed(`${path} is not an object instance`);
    const { object } = this.#locate(path);
    const remove = object!.declaration.delete;
    if (remove === undefined) throw fail.notAllowed(`${path.parent()} does not support Delete`);
    await remove.call(object!.declaration, path.instanceId!, { path });
    this.removeInstance(path.objectId!, path.instanceId!);
  }

  // ---- internals ----

  async #readInstance(instance: InstanceSlot, path: LwM2mPath): Promise<ObjectInstanceNode> {
    const readable = instance.resources.filter(isReadable);
    const resources: ResourceNode[] = await inOrder(
      readable.map((slot) => () => readSlot(slot, path.child(slot.definition.id))),
    );
    return { kind: 'instance', id: instance.id, resources };
  }

  async #plannedResourceWrite(
    slot: ResourceSlot,
    path: LwM2mPath,
    node: ResourceNode,
    mode: WriteMode,
  ): Promise<PlannedWrite> {
    if (!isWritable(slot)) throw fail.notAllowed(`${path} (${slot.definition.name}) is not writable`);
    const value = writtenValue(node, slot.definition, path);
    if (value instanceof Map && mode === 'update') {
      const merged = await currentInstances(slot, path);
      for (const [id, v] of value) merged.set(id, v);
      return this.#planned(slot, path, merged);
    }
    return this.#planned(slot, path, value);
  }

  /** Writes some instances of the multiple resource at `resourcePath`, keeping the others. */
  async #plannedInstanceWrite(
    slot: ResourceSlot,
    resourcePath: LwM2mPath,
    nodes: readonly ResourceInstanceNode[],
  ): Promise<PlannedWrite> {
    if (!slot.definition.multiple)
      throw fail.notFound(`${resourcePath} is a single resource without instances`);
    if (!isWritable(slot)) throw fail.notAllowed(`${resourcePath} (${slot.definition.name}) is not writable`);
    const updates = new Map<number, ResourceValue>();
    for (const node of nodes) {
      if (updates.has(node.id)) throw fail.badRequest(`${resourcePath.child(node.id)} is given twice`);
      updates.set(node.id, writtenValue(node, slot.definition, resourcePath.child(node.id)) as ResourceValue);
    }
    const merged = await currentInstances(slot, resourcePath);
    for (const [id, v] of updates) merged.set(id, v);
    return this.#planned(slot, resourcePath, merged);
  }

  async #planned(slot: ResourceSlot, path: LwM2mPath, value: WrittenValue): Promise<PlannedWrite> {
    await slot.handlers?.validate?.call(slot.handlers, value, { path });
    return { slot, path, value, changed: (p) => this.#changes.emit(p) };
  }

  async #plan(slot: ResourceSlot, path: LwM2mPath, value: WrittenValue): Promise<WritePlan> {
    return new WritePlan([await this.#planned(slot, path, value)]);
  }

  #instanceSlot(object: ObjectSlot, instanceId: number, resources: InstanceDeclaration): InstanceSlot {
    const path = this.#objectPath(object.definition.id).child(instanceId);
    // mapped, not pushed: an array grown by push keeps room for 17 slots, ~150 bytes per instance
    const slots = idEntries(resources, 'resource').map(([rid, declaration]) => {
      const definition = object.definition.resources.find((r) => r.id === rid);
      if (definition === undefined) {
        throw new CodedError(
          'RESOURCE_UNKNOWN',
          `${path}: object ${object.definition.id} "${object.definition.name}" version ${object.definition.version} has no resource ${rid}`,
          { details: { path: path.toString(), resourceId: rid } },
        );
      }
      return resourceSlot(definition, declaration, path.child(rid));
    });
    return { id: instanceId, resources: instanceResources(slots) };
  }

  #checkSingleInstance(object: ObjectSlot): void {
    if (!object.definition.multiple && object.instances.size > 1) {
      throw new CodedError(
        'CONFIG_INVALID',
        `object /${object.definition.id} "${object.definition.name}" is single-instance${this.#where()}`,
        { details: { objectId: object.definition.id } },
      );
    }
  }

  #freeInstanceId(object: ObjectSlot): number {
    let id = 0;
    while (object.instances.has(id)) id++;
    return id;
  }

  #locate(path: LwM2mPath): { object?: ObjectSlot; instance?: InstanceSlot; slot?: ResourceSlot } {
    if (path.objectId === undefined) return {};
    const object = this.#objects.get(path.objectId);
    if (object === undefined) throw fail.notFound(`${this.#objectPath(path.objectId)} does not exist`);
    if (path.instanceId === undefined) return { object };
    const instance = object.instances.get(path.instanceId);
    if (instance === undefined)
      throw fail.notFound(`${path.withoutPrefix().toString()} does not exist${this.#where()}`);
    if (path.resourceId === undefined) return { object, instance };
    const slot = resourceSlotOf(instance.resources, path.resourceId);
    if (slot === undefined) throw fail.notFound(`${path} does not exist`);
    return { object, instance, slot };
  }

  #slotAt(path: LwM2mPath, purpose: 'config'): ResourceSlot {
    if (path.level !== 'resource') {
      throw new CodedError('CONFIG_INVALID', `${path} is not a resource path`, { details: { purpose } });
    }
    try {
      return this.#locate(path).slot!;
    } catch {
      throw new CodedError('CONFIG_INVALID', `${path} is not declared`, {
        details: { path: path.toString() },
      });
    }
  }

  /** A path in this tree: parsed relative to the tree, carrying the tree's prefix. */
  #path(input: PathInput): LwM2mPath {
    const path = typeof input === 'string' ? LwM2mPath.parse(input, { allowPrefix: true }) : input;
    if (path.prefix === this.prefix) return path;
    if (path.prefix === undefined) return path.withPrefix(this.prefix);
    throw new CodedError('PATH_INVALID', `${path} is not in the tree of ${this.prefix ?? 'the client'}`, {
      details: { path: path.toString() },
    });
  }

  #objectPath(objectId: number): LwM2mPath {
    return new LwM2mPath({ prefix: this.prefix, objectId });
  }

  #where(): string {
    return this.prefix === undefined ? '' : ` (end device ${this.prefix})`;
  }
}

/**
 * Runs reads at once and returns their results in order; fails with the first failure in that
 * order (as reading them one after another would), after all have settled. Handlers asked in the
 * same turn can batch their device reads (the host reads an instance or an object with one
 * adapter call), where reading one after another costs one device round trip each.
 */
async function inOrder<T>(reads: readonly (() => Promise<T>)[]): Promise<T[]> {
  const settled = await Promise.allSettled(reads.map((read) => read()));
  return settled.map((outcome) => {
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  });
}
