import { AttributeIds, type ClientSession, coerceNodeId, type DataValue } from 'node-opcua-client';

/** Nodes per request the server accepts (ServerCapabilities.OperationLimits), capped for bounded requests. */
export interface OperationLimits {
  readonly read: number;
  readonly write: number;
  readonly translate: number;
  readonly monitor: number;
}

/** Chunk size when the server states no limit (0) or cannot say: keeps one request bounded. */
export const DEFAULT_CHUNK = 1000;

const LIMIT_NODES = {
  read: 'i=11705', // MaxNodesPerRead
  write: 'i=11707', // MaxNodesPerWrite
  translate: 'i=11712', // MaxNodesPerTranslateBrowsePathsToNodeIds
  monitor: 'i=11714', // MaxMonitoredItemsPerCall
} as const;

export async function readOperationLimits(session: ClientSession): Promise<OperationLimits> {
  const keys = Object.keys(LIMIT_NODES) as (keyof typeof LIMIT_NODES)[];
  const values = await session.read(
    keys.map((k) => ({ nodeId: coerceNodeId(LIMIT_NODES[k]), attributeId: AttributeIds.Value })),
  );
  const limit = (dv: DataValue | undefined) => {
    const n = dv?.statusCode.isGood() ? Number(dv.value.value) : 0;
    return n > 0 ? Math.min(n, DEFAULT_CHUNK) : DEFAULT_CHUNK;
  };
  return {
    read: limit(values[0]),
    write: limit(values[1]),
    translate: limit(values[2]),
    monitor: limit(values[3]),
  };
}

/** `items` in slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
