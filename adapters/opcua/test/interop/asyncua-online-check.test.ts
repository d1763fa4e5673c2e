import type { PointSpec } from '@lwm2m-adapters/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpcuaPoint } from '../../src/config/point-schema.js';
import { adapter, checkOpcuaPointsOnline } from '../../src/index.js';
import { asyncuaPoints } from '../support/asyncua-points.js';
import { type AsyncuaServer, startAsyncuaServer } from '../support/asyncua-server.js';

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

  it('reports an unreachable server as one connection issue, without retrying for ever', async () => {
    const connection = adapter.connectionSchema.parse({
      endpoint: 'opc.tcp://127.0.0.1:1',
      connectTimeoutMs: 1000,
    });
    const started = Date.now();
    const issues = await checkOpcuaPointsOnline(connection, parsed(asyncuaPoints(server.ns)));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ pointId: undefined, field: ['endpoint'] });
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);
});
