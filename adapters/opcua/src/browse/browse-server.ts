/**
 * Walks an OPC UA server's address space with node-opcua's client: hierarchical references from
 * the Objects folder (or a given node) down to a depth, collecting variables (data type, array,
 * writable, EngineeringUnits) and methods. Standard nodes (namespace 0, e.g. the Server object)
 * are not followed. Security None and an anonymous user; a temporary client PKI, removed after.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodedError } from '@lwm2m-adapters/errors';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import {
  AttributeIds,
  BrowseDirection,
  type ClientSession,
  MessageSecurityMode,
  NodeClass,
  NodeId,
  OPCUAClient,
  type ReferenceDescription,
  SecurityPolicy,
  setWarningLogger,
} from 'node-opcua-client';
import { nodeOpcuaLogText } from '../client/node-opcua-logs.js';
import type { OpcuaDataType } from '../config/point-schema.js';
import type { BrowsedMethod, BrowsedVariable, BrowseResult } from './browsed-variable.js';

export interface BrowseServerOptions {
  readonly endpoint: string;
  /** Levels below the starting node to descend (1: its direct children only). */
  readonly depth: number;
  /** The starting node (NodeId text); default the Objects folder `i=85`. */
  readonly from?: string;
  readonly timeoutMs?: number;
  /** Most variables collected (the walk stops there). */
  readonly maxVariables?: number;
}

const BUILT_IN_TYPES: Readonly<Record<number, OpcuaDataType>> = {
  1: 'Boolean',
  2: 'SByte',
  3: 'Byte',
  4: 'Int16',
  5: 'UInt16',
  6: 'Int32',
  7: 'UInt32',
  8: 'Int64',
  9: 'UInt64',
  10: 'Float',
  11: 'Double',
  12: 'String',
  13: 'DateTime',
  15: 'ByteString',
  288: 'UInt32', // IntegerId
  289: 'UInt32', // Counter
  290: 'Double', // Duration
  294: 'DateTime', // UtcTime
  295: 'String', // LocaleId
};

const HAS_PROPERTY = 46;

function dataTypeOf(id: NodeId): OpcuaDataType | undefined {
  return id.namespace === 0 && typeof id.value === 'number' ? BUILT_IN_TYPES[id.value] : undefined;
}

interface Pending {
  readonly nodeId: string;
  readonly path: string;
  readonly level: number;
}

export async function browseServer(options: BrowseServerOptions): Promise<BrowseResult> {
  // node-opcua writes its warnings ("Creating default certificate ...") with console.log; the
  // browse prints a mapping on stdout, so they go to stderr (process-wide, as node-opcua's loggers are).
  setWarningLogger((...args: unknown[]) => process.stderr.write(`node-opcua: ${nodeOpcuaLogText(args)}\n`));
  const pki = await mkdtemp(join(tmpdir(), 'opcua-browse-pki-'));
  const timeoutMs = options.timeoutMs ?? 5000;
  const client = OPCUAClient.create({
    applicationName: 'lwm2m-adapters browse',
    endpointMustExist: false,
    securityPolicy: SecurityPolicy.None,
    securityMode: MessageSecurityMode.None,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    clientCertificateManager: new OPCUACertificateManager({
      rootFolder: pki,
      automaticallyAcceptUnknownCertificate: false,
    }),
    requestedSessionTimeout: 60_000,
    defaultTransactionTimeout: timeoutMs,
    transportTimeout: timeoutMs,
  });
  try {
    try {
      await client.connect(options.endpoint);
    } catch (error) {
      throw new CodedError(
        'DEVICE_UNREACHABLE',
        `cannot connect to ${options.endpoint}: ${(error as Error).message}`,
        {
          cause: error,
          details: { endpoint: options.endpoint },
        },
      );
    }
    const session = await client.createSession();
    try {
      return await walk(session, options);
    } finally {
      await session.close().catch(() => {});
    }
  } finally {
    await client.disconnect().catch(() => {});
    await rm(pki, { recursive: true, force: true });
  }
}

function segment(ref: ReferenceDescription): string {
  const name = ref.browseName.name ?? '';
  return `/${ref.browseName.namespaceIndex}:${name.replace(/[\\/]/g, (c) => `\\${c}`)}`;
}

async function walk(session: ClientSession, options: BrowseServerOptions): Promise<BrowseResult> {
  const maxVariables = options.maxVariables ?? 5000;
  const found: { ref: ReferenceDescription; path: string }[] = [];
  const methods: BrowsedMethod[] = [];
  const visited = new Set<string>();
  let truncated = 0;
  let queue: Pending[] = [{ nodeId: options.from ?? 'i=85', path: '', level: 0 }];
  while (queue.length > 0 && found.length < maxVariables) {
    const batch = queue.slice(0, 100);
    queue = queue.slice(100);
    const results = await session.browse(
      batch.map((p) => ({
        nodeId: p.nodeId,
        referenceTypeId: 'HierarchicalReferences',
        includeSubtypes: true,
        browseDirection: BrowseDirection.Forward,
        nodeClassMask: NodeClass.Object | NodeClass.Variable | NodeClass.Method,
        resultMask: 63,
      })),
    );
    results.forEach((result, index) => {
      const parent = batch[index] as Pending;
      for (const ref of result.references ?? []) {
        const id = ref.nodeId.toString();
        if (ref.nodeId.namespace === 0 || visited.has(id)) continue;
        if (ref.referenceTypeId.namespace === 0 && ref.referenceTypeId.value === HAS_PROPERTY) continue;
        visited.add(id);
        const path = parent.path + segment(ref);
        if (ref.nodeClass === NodeClass.Variable) {
          if (found.length < maxVariables) found.push({ ref, path });
        } else if (ref.nodeClass === NodeClass.Method) {
          methods.push({ objectId: parent.nodeId, methodId: id, path, inputCount: 0 });
        }
        // Objects (and variables with components) are followed down to the depth limit.
        if (ref.nodeClass !== NodeClass.Method) {
          if (parent.level + 1 < options.depth) queue.push({ nodeId: id, path, level: parent.level + 1 });
          else if (ref.nodeClass === NodeClass.Object) truncated++;
        }
      }
    });
  }
  const variables = await describeVariables(session, found);
  const counted = await countInputs(session, methods);
  return { variables, methods: counted, truncated };
}

async function describeVariables(
  session: ClientSession,
  found: readonly { ref: ReferenceDescription; path: string }[],
): Promise<BrowsedVariable[]> {
  if (found.length === 0) return [];
  const attributes = [AttributeIds.DataType, AttributeIds.ValueRank, AttributeIds.UserAccessLevel];
  const values = await session.read(
    found.flatMap(({ ref }) => attributes.map((attributeId) => ({ nodeId: ref.nodeId, attributeId }))),
  );
  const units = await session.translateBrowsePath(
    found.map(({ ref }) => ({
      startingNode: ref.nodeId,
      relativePath: {
        elements: [
          {
            referenceTypeId: new NodeId(NodeId.NodeIdType.NUMERIC, HAS_PROPERTY, 0),
            isInverse: false,
            includeSubtypes: true,
            targetName: { namespaceIndex: 0, name: 'EngineeringUnits' },
          },
        ],
      },
    })),
  );
  const unitTargets = units.map((u) => (u.statusCode.isGood() ? u.targets?.[0]?.targetId : undefined));
  const present = unitTargets.filter((t) => t !== undefined);
  const unitValues =
    present.length === 0
      ? []
      : await session.read(present.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })));
  let unitIndex = 0;
  return found.map(({ ref, path }, i) => {
    const [dataType, valueRank, access] = values.slice(i * 3, i * 3 + 3);
    const typeId = dataType?.value.value instanceof NodeId ? dataType.value.value : new NodeId();
    let unitText: string | undefined;
    if (unitTargets[i] !== undefined) {
      const eu = unitValues[unitIndex++]?.value.value as
        | { displayName?: { text?: string | null } }
        | null
        | undefined;
      unitText = eu?.displayName?.text ?? undefined;
    }
    return {
      nodeId: ref.nodeId.toString(),
      path,
      browseName: ref.browseName.name ?? '',
      type: dataTypeOf(typeId),
      dataTypeId: typeId.toString(),
      array: valueRank?.value.value === 1,
      writable: (((access?.value.value as number | undefined) ?? 0) & 0x02) !== 0,
      ...(unitText === undefined || unitText === '' ? {} : { units: unitText }),
    };
  });
}

async function countInputs(
  session: ClientSession,
  methods: readonly BrowsedMethod[],
): Promise<BrowsedMethod[]> {
  if (methods.length === 0) return [];
  const paths = await session.translateBrowsePath(
    methods.map((m) => ({
      startingNode: m.methodId,
      relativePath: {
        elements: [
          {
            referenceTypeId: new NodeId(NodeId.NodeIdType.NUMERIC, HAS_PROPERTY, 0),
            isInverse: false,
            includeSubtypes: true,
            targetName: { namespaceIndex: 0, name: 'InputArguments' },
          },
        ],
      },
    })),
  );
  const targets = paths.map((p) => (p.statusCode.isGood() ? p.targets?.[0]?.targetId : undefined));
  const present = targets.filter((t) => t !== undefined);
  const read =
    present.length === 0
      ? []
      : await session.read(present.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })));
  let next = 0;
  return methods.map((m, i) => {
    if (targets[i] === undefined) return m;
    const value = read[next++]?.value.value as unknown;
    return { ...m, inputCount: Array.isArray(value) ? value.length : 0 };
  });
}
