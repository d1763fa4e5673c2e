import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import type { LwM2mPath, ResourceDefinition, ResourceNode, ResourceValue } from '@lwm2m-adapters/lwm2m-core';
import { fail } from '../operations/request-failure.js';
import {
  isResourceHandlers,
  type ResourceDeclaration,
  type ResourceHandlers,
  type WrittenValue,
} from './resource-declaration.js';
import { toInstanceValues, toSingleValue } from './resource-value-input.js';

/**
 * One declared resource of one instance: either handlers, or a value the engine keeps (a server
 * Write to a writable static resource replaces it).
 * @internal engine state, exported for the write plan's signature only.
 */
export interface ResourceSlot {
  readonly definition: ResourceDefinition;
  readonly handlers: ResourceHandlers | undefined;
  stored: WrittenValue | undefined;
}

function hasOperation(definition: ResourceDefinition, op: 'R' | 'W' | 'E'): boolean {
  return definition.operations.includes(op);
}

/** Builds a slot from a declaration; static values are converted now (CONFIG_INVALID on mismatch). */
export function resourceSlot(
  definition: ResourceDefinition,
  declaration: ResourceDeclaration,
  path: LwM2mPath,
): ResourceSlot {
  if (isResourceHandlers(declaration)) return { definition, handlers: declaration, stored: undefined };
  try {
    const stored = definition.multiple
      ? toInstanceValues(declaration, definition.type)
      : toSingleValue(declaration, definition.type);
    return { definition, handlers: undefined, stored };
  } catch (error) {
    if (!isCodedError(error)) throw error;
    throw new CodedError('CONFIG_INVALID', `${path} (${definition.name}): ${error.message}`, {
      cause: error,
      details: { path: path.toString() },
    });
  }
}

export function isReadable(slot: ResourceSlot): boolean {
  return (
    hasOperation(slot.definition, 'R') &&
    (slot.handlers === undefined ? slot.stored !== undefined : slot.handlers.read !== undefined)
  );
}

export function isWritable(slot: ResourceSlot): boolean {
  return (
    hasOperation(slot.definition, 'W') && (slot.handlers === undefined || slot.handlers.write !== undefined)
  );
}

export function isExecutable(slot: ResourceSlot): boolean {
  return hasOperation(slot.definition, 'E') && slot.handlers?.execute !== undefined;
}

/** A handler's result that does not fit the definition: 5.00, with a message naming path and types. */
function badHandlerValue(path: LwM2mPath, slot: ResourceSlot, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return fail.internal(
    `${path} (${slot.definition.name}, ${slot.definition.multiple ? 'multiple ' : ''}${slot.definition.type}): read handler returned ${reason}`,
    error,
  );
}

/** The current value: a ResourceValue, or the instances of a multiple resource. */
export async function slotValue(slot: ResourceSlot, path: LwM2mPath): Promise<WrittenValue> {
  if (slot.handlers === undefined) {
    if (slot.stored === undefined) throw fail.notAllowed(`${path} has no value`);
    return slot.stored;
  }
  const read = slot.handlers.read;
  if (read === undefined) throw fail.notAllowed(`${path} is not readable`);
  const content = await read.call(slot.handlers, { path });
  try {
    return slot.definition.multiple
      ? toInstanceValues(content, slot.definition.type)
      : toSingleValue(content, slot.definition.type);
  } catch (error) {
    if (isCodedError(error, 'NODE_INVALID')) throw badHandlerValue(path, slot, error);
    throw error;
  }
}

/** The node of a slot's value at `path` (a resource path). */
export async function readSlot(slot: ResourceSlot, path: LwM2mPath): Promise<ResourceNode> {
  if (!isReadable(slot)) throw fail.notAllowed(`${path} is not readable`);
  const value = await slotValue(slot, path);
  const id = slot.definition.id;
  if (value instanceof Map) {
    return {
      kind: 'multiple-resource',
      id,
      type: slot.definition.type,
      instances: [...value].map(([riid, v]) => ({ kind: 'resource-instance', id: riid, value: v })),
    };
  }
  return { kind: 'resource', id, value: value as ResourceValue };
}

/** Current instances of a multiple resource for a merge; a write-only resource counts as empty. */
export async function currentInstances(
  slot: ResourceSlot,
  path: LwM2mPath,
): Promise<Map<number, ResourceValue>> {
  if (slot.handlers !== undefined && slot.handlers.read === undefined) return new Map();
  const value = await slotValue(slot, path);
  return value instanceof Map ? new Map(value) : new Map();
}
