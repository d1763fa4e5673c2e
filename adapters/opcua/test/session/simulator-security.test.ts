/**
 * The adapter's session against our simulator with security: Basic256Sha256 and
 * Aes128_Sha256_RsaOaep with SignAndEncrypt and a user name (the same modes the asyncua tests
 * cover on a server we did not write), and a wrong password refused with one clear error.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodedError } from '@lwm2m-adapters/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpcuaSimulator } from '../../src/simulator/index.js';
import { memoryLogger, openSession } from '../support/session-harness.js';

let simulator: OpcuaSimulator;
let pki: string;

beforeAll(async () => {
  pki = await mkdtemp(join(tmpdir(), 'opcua-session-pki-'));
  simulator = new OpcuaSimulator({
    variables: [
      { node: 'ns=2;s=Secret', type: 'String', value: 'shh' },
      { node: 'ns=2;s=Setpoint', type: 'Double', value: 20.5, writable: true },
    ],
    security: { allowAnonymous: false, users: [{ username: 'operator', password: 'pw-1' }] },
  });
  await simulator.start();
}, 60_000);

afterAll(async () => {
  await simulator?.close();
  if (pki !== undefined) await rm(pki, { recursive: true, force: true });
});

const points = [
  {
    id: 'secret',
    source: { node: 'ns=2;s=Secret', type: 'String' },
    access: { read: true, write: false, execute: false },
  },
  {
    id: 'setpoint',
    source: { node: 'ns=2;s=Setpoint', type: 'Double' },
    access: { read: true, write: true, execute: false },
  },
];

describe('the OPC UA session against the simulator, secured', () => {
  it.each(['Basic256Sha256', 'Aes128_Sha256_RsaOaep'] as const)(
    '%s SignAndEncrypt with a user name: reads and writes',
    async (policy) => {
      await using session = openSession(simulator.endpointUrl, points, {
        securityPolicy: policy,
        securityMode: 'SignAndEncrypt',
        user: { type: 'username', username: 'operator', password: 'pw-1' },
        pkiFolder: join(pki, policy),
        trustUnknownServerCertificate: true,
      });
      await session.start();
      const [secret] = await session.read(['secret']);
      expect(secret).toMatchObject({ ok: true, value: 'shh' });
      await session.write('setpoint', 21.25);
      const [setpoint] = await session.read(['setpoint']);
      expect(setpoint).toMatchObject({ ok: true, value: 21.25 });
    },
    60_000,
  );

  it('a wrong password: one clear error naming the user, the password nowhere', async () => {
    const logger = memoryLogger();
    await using session = openSession(
      simulator.endpointUrl,
      points,
      {
        securityPolicy: 'Basic256Sha256',
        securityMode: 'SignAndEncrypt',
        user: { type: 'username', username: 'operator', password: 'not-the-password' },
        pkiFolder: join(pki, 'wrong'),
        trustUnknownServerCertificate: true,
      },
      logger,
    );
    let error: CodedError | undefined;
    session.onStateChange((_state, e) => {
      error ??= e;
    });
    await session.start();
    expect(session.state).toBe('reconnecting');
    expect(error).toMatchObject({ code: 'DEVICE_ACCESS_DENIED' });
    expect(error?.message).toContain('refused user "operator"');
    const errors = logger.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(`${JSON.stringify(logger.lines)}${error?.message}${JSON.stringify(error?.details)}`).not.toContain(
      'not-the-password',
    );
  }, 60_000);
});
