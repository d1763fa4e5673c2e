/** Security policies, modes and user tokens of the simulator, with node-opcua's client. */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { AttributeIds } from 'node-opcua-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpcuaSimulator } from '../../src/simulator/index.js';
import { connectTestClient } from './opcua-test-client.js';

let simulator: OpcuaSimulator;

beforeAll(async () => {
  simulator = new OpcuaSimulator({
    variables: [{ node: 'ns=2;s=Secret', type: 'String', value: 'shh' }],
    security: { allowAnonymous: false, users: [{ username: 'operator', password: 'pw-1' }] },
  });
  await simulator.start();
}, 60_000);

afterAll(async () => {
  await simulator?.close();
});

describe('OpcuaSimulator security', () => {
  it.each([
    ['None', 'None'],
    ['Basic256Sha256', 'Sign'],
    ['Basic256Sha256', 'SignAndEncrypt'],
    ['Aes128_Sha256_RsaOaep', 'Sign'],
    ['Aes128_Sha256_RsaOaep', 'SignAndEncrypt'],
  ] as const)(
    '%s / %s with a username reads',
    async (policy, mode) => {
      await using test = await connectTestClient(simulator.endpointUrl, {
        policy,
        mode,
        username: 'operator',
        password: 'pw-1',
      });
      const dv = await test.session.read({ nodeId: 'ns=2;s=Secret', attributeId: AttributeIds.Value });
      expect(dv.value.value).toBe('shh');
    },
    30_000,
  );

  it('refuses a wrong password and anonymous users', async () => {
    await expect(
      connectTestClient(simulator.endpointUrl, { username: 'operator', password: 'wrong' }),
    ).rejects.toThrow(/BadUserAccessDenied|BadIdentityTokenRejected|BadIdentityTokenInvalid/);
    await expect(connectTestClient(simulator.endpointUrl)).rejects.toThrow(
      /ANONYMOUS|BadIdentityTokenInvalid|BadUserAccessDenied/,
    );
  }, 30_000);

  it('keeps its PKI in a temporary folder and removes it at close', async () => {
    const other = new OpcuaSimulator({ variables: [] });
    await other.start();
    const folder = other.pkiFolder as string;
    expect(folder.startsWith(tmpdir())).toBe(true);
    await other.close();
    expect(existsSync(folder)).toBe(false);
  });
});
