import { describe, expect, it } from 'vitest';
import { adapter } from '../../src/index.js';

const connection = adapter.connectionSchema.parse({ endpoint: 'opc.tcp://127.0.0.1:4840' });
const spec = (id: string, source: unknown, access = { read: true, write: false, execute: false }) => ({
  id,
  source: adapter.pointSchema.parse(source),
  access,
});

describe('opcua adapter definition', () => {
  it('declares its capabilities, secrets, value kinds and shapes', () => {
    expect(adapter.name).toBe('opcua');
    expect(adapter.capabilities).toEqual({ read: true, write: true, execute: true, subscribe: true });
    expect(adapter.secretConnectionKeys).toEqual(['password']);
    const p = (type: string, array = false) => adapter.pointSchema.parse({ node: 'ns=2;i=1', type, array });
    expect(adapter.pointValueKind(p('DateTime'))).toBe('time');
    expect(adapter.pointValueKind(p('Int64'))).toBe('integer');
    expect(adapter.pointValueShape?.(p('Double', true))).toBe('array');
    expect(adapter.pointValueBits?.(p('UInt16'))).toBe(16);
  });

  it('checkPoints: a node bound twice with different types, methods read, variables executed', () => {
    const issues = adapter.checkPoints?.(connection, [
      spec('a', { node: 'ns=2;s=X', type: 'Int32' }),
      spec('b', { node: 'ns=2;s=X', type: 'Int32' }),
      spec('c', { node: 'ns=2;s=X', type: 'Double' }),
      spec('d', { node: 'ns=2;s=Y', type: 'Double' }, { read: true, write: false, execute: true }),
      spec('e', { object: 'ns=2;s=O', method: 'ns=2;s=M' }, { read: true, write: false, execute: true }),
    ]);
    expect(issues?.map((i) => [i.pointId, i.field])).toEqual([
      ['c', ['type']],
      ['d', ['node']],
      ['e', ['method']],
    ]);
    expect(issues?.[0]?.message).toContain('also bound by point a as Int32, here as Double');
  });

  it('does not load node-opcua until a session starts', async () => {
    const session = adapter.createSession({
      deviceId: 'd',
      connection,
      points: [spec('a', { node: 'ns=2;s=X', type: 'Int32' })],
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    expect(session.state).toBe('idle');
    await session.close();
    expect(session.state).toBe('closed');
    await expect(session.read(['a'])).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
  });
});
