/**
 * `adapter-host browse` against asyncua (a server we did not write), through the host's browse
 * command: the adapter is picked by the opc.tcp scheme, and the printed mapping validates as it is.
 */
import type { AdapterDefinition } from '@lwm2m-adapters/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browseCommand } from '../../../../packages/host/src/commands/browse-command.js';
import { type AsyncuaServer, startAsyncuaServer } from '../../../../test/peers/asyncua.js';
import { adapter } from '../../src/index.js';
import { validates } from './validate-browsed.js';

let server: AsyncuaServer;

beforeAll(async () => {
  server = await startAsyncuaServer({ objects: ['Plant'] });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

const opcua: AdapterDefinition = adapter as AdapterDefinition;

describe('adapter-host browse against asyncua', () => {
  it('prints a mapping with IPSO objects where obvious that validates as it is', async () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await browseCommand(
      [server.endpoint, '--depth', '2', '--device-id', 'asyncua-plant'],
      { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) },
      async () => opcua,
      ['opcua'],
    );
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    const text = stdout.join('');
    const result = await validates(text);
    if (!result.ok) throw new Error(`${text}\n${JSON.stringify(result.issues, null, 2)}`);
    expect(text).toContain('id: asyncua-plant');
    expect(text).toMatch(
      /# \/2:Plant\/\d:Temperature \(Double, °C\): a temperature\n\s+\/3303\/0\/5700:\n\s+source:\n\s+node: ns=2;s=Plant.Temperature\n\s+type: Double/,
    );
    expect(text).toMatch(/\/3303\/0\/5701: Cel/);
    expect(text).toMatch(/\/3308\/0\/5900:\n\s+source:\n\s+node: ns=2;i=\d+\n\s+type: Double\n\s+access: rw/);
    expect(text).toMatch(/\/3300\/0\/5700:\n\s+source:\n\s+node: ns=2;i=\d+\n\s+type: Int64/);
    expect(text).toMatch(/\/3342\/0\/5500:[\s\S]*\/3342\/0\/5750: Pump Running/);
    expect(text).toMatch(/\/3341\/0\/5527:/);
    expect(text).toMatch(/# {3}\/2:Plant\/2:Started \(DateTime\)/);
    expect(text).toMatch(/# {3}\/2:Plant\/2:Reset \(method, 0 input argument\(s\)\)/);
  }, 60_000);
});
