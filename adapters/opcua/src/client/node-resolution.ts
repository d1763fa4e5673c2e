import { CodedError } from '@lwm2m-adapters/errors';
import {
  AttributeIds,
  type BrowsePathResult,
  type ClientSession,
  coerceNodeId,
  type DataValue,
  type NodeId,
  StatusCodes,
} from 'node-opcua-client';
import { formatNodeId, parseBrowsePathText, parseNodeIdText } from '../config/node-id-text.js';
import type { OpcuaDataType, OpcuaPoint, OpcuaVariablePoint } from '../config/point-schema.js';
import { isMethodPoint } from '../config/point-schema.js';
import { errorFromStatus } from '../errors/status-errors.js';
import { DATA_TYPE_ALIASES, DATA_TYPE_IDS, dataTypeOfId, valueRankFits } from '../values/data-type-ids.js';
import { chunks, type OperationLimits } from './operation-limits.js';

/** A method's declared input argument. */
export interface InputArgument {
  readonly name: string;
  /** The built-in type it is carried as, or undefined for a type the adapter cannot build. */
  readonly type: OpcuaDataType | undefined;
  readonly dataTypeText: string;
  readonly array: boolean;
}

export type ResolvedPoint =
  | { readonly kind: 'variable'; readonly nodeId: NodeId; readonly typeId: number }
  | {
      readonly kind: 'method';
      readonly objectId: NodeId;
      readonly methodId: NodeId;
      readonly inputs: readonly InputArgument[];
    };

export type Resolution =
  | { readonly ok: true; readonly point: ResolvedPoint }
  | { readonly ok: false; readonly error: CodedError };

/** node-opcua's NodeIdType.NUMERIC. */
const NUMERIC_IDENTIFIER = 1;
const OBJECTS_FOLDER = 'i=85';
const HIERARCHICAL_REFERENCES = 'i=33';

function unknownAddress(text: string, why: string, details: Record<string, unknown> = {}): CodedError {
  return new CodedError('DEVICE_ADDRESS_UNKNOWN', `${text}: ${why}`, { details: { node: text, ...details } });
}

/**
 * Turns the mapping's node references into NodeIds against one server: `nsu=` namespace URIs via
 * the NamespaceArray, browse paths via one TranslateBrowsePathsToNodeIds call; then checks each
 * variable's DataType and ValueRank (one Read) and reads each method's InputArguments. A failure
 * resolves that one point to a coded error (DEVICE_ADDRESS_UNKNOWN with node-opcua's status in
 * details, or DEVICE_VALUE_REJECTED for a type that does not fit); it never fails the others.
 */
export async function resolvePoints(
  session: ClientSession,
  points: ReadonlyMap<string, OpcuaPoint>,
  limits: OperationLimits,
): Promise<Map<string, Resolution>> {
  const namespaces = await session.readNamespaceArray();
  const references = new Map<string, NodeId | CodedError>();
  const browsePaths: string[] = [];
  for (const point of points.values()) {
    for (const text of isMethodPoint(point) ? [point.object, point.method] : [point.node]) {
      if (references.has(text)) continue;
      if (text.startsWith('/')) {
        browsePaths.push(text);
        references.set(text, unknownAddress(text, 'not resolved'));
        continue;
      }
      references.set(text, nodeIdOf(text, namespaces));
    }
  }
  if (browsePaths.length > 0) {
    const requests = browsePaths.map((text) => {
      const parsed = parseBrowsePathText(text);
      if ('error' in parsed) throw new CodedError('CONFIG_INVALID', parsed.error);
      return {
        startingNode: coerceNodeId(OBJECTS_FOLDER),
        relativePath: {
          elements: parsed.segments.map((s) => ({
            referenceTypeId: coerceNodeId(HIERARCHICAL_REFERENCES),
            isInverse: false,
            includeSubtypes: true,
            targetName: { namespaceIndex: s.namespaceIndex, name: s.name },
          })),
        },
      };
    });
    const results: BrowsePathResult[] = [];
    for (const chunk of chunks(requests, limits.translate))
      results.push(...(await session.translateBrowsePath(chunk)));
    browsePaths.forEach((text, i) => {
      const result = results[i];
      const target = result?.targets?.[0];
      if (result === undefined || !result.statusCode.isGood() || target === undefined) {
        const status = result?.statusCode ?? StatusCodes.BadNoMatch;
        references.set(
          text,
          unknownAddress(text, `the browse path leads nowhere (${status.name})`, {
            opcuaStatus: status.name,
          }),
        );
      } else references.set(text, target.targetId as unknown as NodeId);
    });
  }

  const out = new Map<string, Resolution>();
  const variables: { id: string; point: OpcuaVariablePoint; nodeId: NodeId }[] = [];
  for (const [id, point] of points) {
    if (isMethodPoint(point)) continue;
    const ref = references.get(point.node);
    if (ref instanceof CodedError) out.set(id, { ok: false, error: ref });
    else variables.push({ id, point, nodeId: ref as NodeId });
  }
  if (variables.length > 0) {
    const values: DataValue[] = [];
    const reads = variables.flatMap((v) => [
      { nodeId: v.nodeId, attributeId: AttributeIds.DataType },
      { nodeId: v.nodeId, attributeId: AttributeIds.ValueRank },
    ]);
    for (const chunk of chunks(reads, limits.read)) values.push(...(await session.read(chunk)));
    variables.forEach((v, i) => {
      const dataType = values[2 * i];
      const valueRank = values[2 * i + 1];
      out.set(v.id, checkVariable(v.point, v.nodeId, dataType, valueRank));
    });
  }
  for (const [id, point] of points) {
    if (!isMethodPoint(point)) continue;
    const objectId = references.get(point.object);
    const methodId = references.get(point.method);
    if (objectId instanceof CodedError) {
      out.set(id, { ok: false, error: objectId });
      continue;
    }
    if (methodId instanceof CodedError) {
      out.set(id, { ok: false, error: methodId });
      continue;
    }
    try {
      const definition = await session.getArgumentDefinition(methodId as NodeId);
      const inputs = (definition.inputArguments ?? []).map((arg): InputArgument => {
        const dt = arg.dataType as NodeId;
        const numeric =
          dt.namespace === 0 && dt.identifierType === NUMERIC_IDENTIFIER ? Number(dt.value) : -1;
        return {
          name: arg.name ?? '',
          type: dataTypeOfId(numeric) ?? DATA_TYPE_ALIASES.get(numeric),
          dataTypeText: dt.toString(),
          array: arg.valueRank !== -1 && arg.valueRank !== undefined,
        };
      });
      out.set(id, {
        ok: true,
        point: { kind: 'method', objectId: objectId as NodeId, methodId: methodId as NodeId, inputs },
      });
    } catch (err) {
      out.set(id, {
        ok: false,
        error: unknownAddress(point.method, `its input arguments cannot be read (${(err as Error).message})`),
      });
    }
  }
  return out;
}

/** A NodeId text (no browse path) as a node-opcua NodeId, `nsu=` resolved against the server's NamespaceArray. */
function nodeIdOf(text: string, namespaces: readonly string[]): NodeId | CodedError {
  const parsed = parseNodeIdText(text);
  if ('error' in parsed) return new CodedError('CONFIG_INVALID', parsed.error);
  let namespaceIndex = parsed.namespaceIndex;
  if (parsed.namespaceUri !== undefined) {
    namespaceIndex = namespaces.indexOf(parsed.namespaceUri);
    if (namespaceIndex < 0)
      return unknownAddress(text, `the server has no namespace "${parsed.namespaceUri}"`, {
        namespaces: [...namespaces],
      });
  }
  return coerceNodeId(formatNodeId({ namespaceIndex, identifier: parsed.identifier }));
}

interface AttributeValue {
  readonly statusCode: { isGood(): boolean; readonly name: string; readonly value: number };
  readonly value: { readonly value: unknown };
}

function checkVariable(
  point: OpcuaVariablePoint,
  nodeId: NodeId,
  dataType: AttributeValue | undefined,
  valueRank: AttributeValue | undefined,
): Resolution {
  const text = point.node;
  if (dataType === undefined || !dataType.statusCode.isGood()) {
    const status = dataType?.statusCode ?? StatusCodes.BadNodeIdUnknown;
    const error =
      status.name === 'BadAttributeIdInvalid'
        ? unknownAddress(text, `${nodeId.toString()} is not a variable (BadAttributeIdInvalid)`, {
            opcuaStatus: status.name,
          })
        : errorFromStatus(status, nodeId.toString() === text ? text : `${text} (${nodeId.toString()})`);
    return {
      ok: false,
      error:
        error.code === 'DEVICE_ADDRESS_UNKNOWN'
          ? error
          : new CodedError('DEVICE_ADDRESS_UNKNOWN', error.message, { details: error.details }),
    };
  }
  const dt = dataType.value.value as NodeId;
  const numeric = dt.namespace === 0 && dt.identifierType === NUMERIC_IDENTIFIER ? Number(dt.value) : -1;
  const actual = dataTypeOfId(numeric) ?? DATA_TYPE_ALIASES.get(numeric);
  if (actual !== point.type) {
    return {
      ok: false,
      error: new CodedError(
        'DEVICE_VALUE_REJECTED',
        `${text}: the variable's DataType is ${actual ?? dt.toString()}, the point says ${point.type}`,
        { details: { node: text, dataType: dt.toString(), expected: point.type } },
      ),
    };
  }
  const rank = Number(valueRank?.value.value ?? -1);
  if (!valueRankFits(rank, point.array)) {
    return {
      ok: false,
      error: new CodedError(
        'DEVICE_VALUE_REJECTED',
        `${text}: the variable's ValueRank is ${rank} (${rank === -1 ? 'a scalar' : 'an array'}), the point says ${point.array ? 'array: true' : 'a scalar'}`,
        { details: { node: text, valueRank: rank } },
      ),
    };
  }
  return { ok: true, point: { kind: 'variable', nodeId, typeId: DATA_TYPE_IDS[point.type] } };
}
