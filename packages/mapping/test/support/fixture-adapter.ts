// biome-ignore-all lint/suspicious/noTemplateCurlyInString: mapping texts use ${VAR} references
import { CodedError } from '@lwm2m-adapters/errors';
import {
  type AdapterDefinition,
  type AdapterIssue,
  defineAdapter,
  type PointSpec,
  type RawValueKind,
  SDK_VERSION,
} from '@lwm2m-adapters/sdk';
import { z } from 'zod';

/**
 * A small Modbus-like adapter for the mapping tests: connection { host, port, unitId, community? },
 * points { table, address, type?, count? }. `checkPoints` reports overlapping registers, and writable
 * points on the broadcast unit 0 (a connection-level issue).
 */
export const fixtureConnectionSchema = z.strictObject({
  host: z.string().min(1),
  port: z.int().min(1).max(65535).default(502),
  unitId: z.int().min(0).max(247),
  community: z.string().min(4).optional(),
  password: z.string().optional(),
});

export const fixturePointSchema = z.strictObject({
  table: z.enum(['holding', 'input', 'coil', 'discrete']),
  address: z.int().min(0).max(65535),
  type: z.enum(['int16', 'uint16', 'int32', 'uint32', 'float32', 'bool', 'string']).optional(),
  count: z.int().min(1).max(125).optional(),
});

export type FixtureConnection = z.output<typeof fixtureConnectionSchema>;
export type FixturePoint = z.output<typeof fixturePointSchema>;

function typeOf(point: FixturePoint): NonNullable<FixturePoint['type']> {
  return point.type ?? (point.table === 'coil' || point.table === 'discrete' ? 'bool' : 'uint16');
}

function width(point: FixturePoint): number {
  const type = typeOf(point);
  if (type === 'string') return point.count ?? 1;
  return type === 'int32' || type === 'uint32' || type === 'float32' ? 2 : 1;
}

const KINDS: Record<NonNullable<FixturePoint['type']>, RawValueKind> = {
  int16: 'integer',
  uint16: 'integer',
  int32: 'integer',
  uint32: 'integer',
  float32: 'number',
  bool: 'boolean',
  string: 'string',
};

const BITS: Partial<Record<NonNullable<FixturePoint['type']>, number>> = {
  int16: 16,
  uint16: 16,
  int32: 32,
  uint32: 32,
};

function checkPoints(
  connection: FixtureConnection,
  points: readonly PointSpec<FixturePoint>[],
): AdapterIssue[] {
  const issues = checkOverlaps(points);
  if (connection.unitId === 0 && points.some((point) => point.access.write)) {
    issues.push({
      pointId: undefined,
      field: ['unitId'],
      message: 'unit 0 is the broadcast address: writes would get no reply',
    });
  }
  return issues;
}

function checkOverlaps(points: readonly PointSpec<FixturePoint>[]): AdapterIssue[] {
  const spans = points
    .map((point) => ({
      point,
      start: point.source.address,
      end: point.source.address + width(point.source) - 1,
    }))
    .sort((a, b) =>
      a.point.source.table < b.point.source.table
        ? -1
        : a.point.source.table > b.point.source.table
          ? 1
          : a.start - b.start,
    );
  const issues: AdapterIssue[] = [];
  for (let i = 1; i < spans.length; i++) {
    const previous = spans[i - 1];
    const current = spans[i];
    if (previous === undefined || current === undefined) continue;
    if (previous.point.source.table === current.point.source.table && current.start <= previous.end) {
      issues.push({
        pointId: current.point.id,
        field: ['address'],
        message: `${current.point.source.table} registers ${current.start}..${current.end} overlap ${previous.point.id} (${previous.start}..${previous.end})`,
      });
    }
  }
  return issues;
}

function fixture(name: string, write: boolean): AdapterDefinition<FixtureConnection, FixturePoint> {
  return defineAdapter<FixtureConnection, FixturePoint>({
    name,
    version: '1.2.3',
    sdkVersion: `^${SDK_VERSION}`,
    capabilities: { read: true, write, execute: write, subscribe: false },
    connectionSchema: fixtureConnectionSchema,
    pointSchema: fixturePointSchema,
    secretConnectionKeys: ['community'],
    pointValueKind: (point) => KINDS[typeOf(point)],
    pointValueBits: (point) => BITS[typeOf(point)],
    checkPoints,
    validateWrite: () => {},
    createSession: () => {
      throw new CodedError('CONFIG_INVALID', 'the fixture adapter has no sessions');
    },
  });
}

/** Reads, writes and executes. */
export const fixtureAdapter = fixture('fixture', true);
/** Reads only. */
export const readOnlyFixtureAdapter = fixture('readonly', false);
