import { silentLogger } from '@lwm2m-adapters/kit';
import type { PointSpec } from '@lwm2m-adapters/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AsyncuaServer, startAsyncuaServer } from '../../../../test/peers/asyncua.js';
import type { OpcuaPoint } from '../../src/config/point-schema.js';
import { adapter, checkOpcuaPointsOnline } from '../../src/index.js';
import { asyncuaPoints } from '../support/asyncua-points.js';

describe('checkOpcuaPointsOnline (validate --online) against asyncua', () => {
  let server: AsyncuaServer;
  beforeAll(async () => {
    server = await startAsyncuaServer();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  const parsed = (points: PointSpec<unknown>[]): PointSpec<OpcuaPoint>[] =>
    points.map((p) => ({ ...p, source: adapter.pointSchema.parse(p.source) }));

  it('reports each point whose node is missing or whose type does not fit, and only those', async () => {
    const connection = adapter.connectionSchema.parse({ endpoint: server.endpoint });
    const issues = await checkOpcuaPointsOnline(connection, parsed(asyncuaPoints(server.ns)));
    expect(issues.map((i) => [i.pointId, i.field])).toEqual([
      ['Missing', ['node']],
      ['MissingPath', ['node']],
      ['WrongType', ['type']],
      ['WrongShape', ['type']],
    ]);
    expect(issues[0]?.message).toContain('BadNodeIdUnknown');
    expect(issues[2]?.message).toContain("the variable's DataType is Int16, the point says Double");
  }, 30_000);

  it('is the checkPointsOnline of the definition', async () => {
    const connection = adapter.connectionSchema.parse({ endpoint: server.endpoint });
    const issues = await adapter.checkPointsOnline?.(connection, parsed(asyncuaPoints(server.ns)), {
      timeoutMs: 10_000,
      logger: silentLogger,
    });
    expect(issues?.map((i) => i.pointId)).toEqual(['Missing', 'MissingPath', 'WrongType', 'WrongShape']);
  }, 30_000);

  it('throws DEVICE_UNREACHABLE for a server that is not there, without retrying', async () => {
    const connection = adapter.connectionSchema.parse({ endpoint: 'opc.tcp://127.0.0.1:1' });
    const started = Date.now();
    await expect(
      checkOpcuaPointsOnline(connection, parsed(asyncuaPoints(server.ns)), { timeoutMs: 5000 }),
    ).rejects.toMatchObject({ code: 'DEVICE_UNREACHABLE' });
    expect(Date.now() - started).toBeLessThan(5000);
  }, 30_000);
});
