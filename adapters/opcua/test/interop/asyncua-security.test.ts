import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodedError } from '@lwm2m-adapters/errors';
import type { AdapterSession } from '@lwm2m-adapters/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AsyncuaServer, startAsyncuaServer } from '../../../../test/peers/asyncua.js';
import { asyncuaPoints, INITIAL_VALUES } from '../support/asyncua-points.js';
import { memoryLogger, openSession, readValue, until } from '../support/session-harness.js';

const PASSWORD = 's3cret-Pa55!';

describe('opcua security against asyncua: Basic256Sha256 SignAndEncrypt with a user name', () => {
  let server: AsyncuaServer;
  let folder: string;
  let session: AdapterSession | undefined;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'opcua-security-'));
    server = await startAsyncuaServer({
      certDir: join(folder, 'server'),
      users: { operator: PASSWORD },
      policies: [
        'Basic256Sha256_SignAndEncrypt',
        'Basic256Sha256_Sign',
        'Aes128Sha256RsaOaep_SignAndEncrypt',
      ],
    });
  }, 60_000);
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });
  afterAll(async () => {
    await server?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  const secure = (extra: Record<string, unknown>) => ({
    securityPolicy: 'Basic256Sha256',
    securityMode: 'SignAndEncrypt',
    pkiFolder: join(folder, 'client-pki'),
    user: { type: 'username', username: 'operator', password: PASSWORD },
    ...extra,
  });

  it('refuses an unknown server certificate with how to trust it, then connects with the opt-in', async () => {
    let error: CodedError | undefined;
    session = openSession(server.endpoint, asyncuaPoints(server.ns), secure({}));
    session.onStateChange((_s, e) => {
      error ??= e;
    });
    await session.start();
    expect(session.state).toBe('reconnecting');
    expect(error?.code).toBe('DEVICE_ACCESS_DENIED');
    const pki = join(folder, 'client-pki');
    expect(error?.message).toContain(`from ${pki}/rejected to ${pki}/trusted`);
    expect(error?.message).toContain('trustUnknownServerCertificate');
    expect(error?.message).not.toContain(PASSWORD);
    await session.close();

    session = openSession(
      server.endpoint,
      asyncuaPoints(server.ns),
      secure({ trustUnknownServerCertificate: true }),
    );
    await session.start();
    expect(session.state).toBe('connected');
    expect(readValue((await session.read(['Int64']))[0])).toBe(INITIAL_VALUES.Int64);
    await session.close();

    // trusted now: without the opt-in too
    session = openSession(server.endpoint, asyncuaPoints(server.ns), secure({}));
    await session.start();
    expect(session.state).toBe('connected');
  }, 60_000);

  it('a wrong password: one clear error, a bounded retry schedule, the password nowhere', async () => {
    const logger = memoryLogger();
    const wrong = 'not-the-Pa55word';
    let error: CodedError | undefined;
    session = openSession(
      server.endpoint,
      asyncuaPoints(server.ns),
      secure({
        trustUnknownServerCertificate: true,
        user: { type: 'username', username: 'operator', password: wrong },
        reconnect: { initialMs: 200, maxMs: 1000 },
      }),
      logger,
    );
    session.onStateChange((_s, e) => {
      error ??= e;
    });
    await session.start();
    expect(session.state).toBe('reconnecting');
    expect(error).toMatchObject({ code: 'DEVICE_ACCESS_DENIED' });
    expect(error?.message).toMatch(/refused user "operator"/);
    const started = Date.now();
    await until(() => ((session?.stats().connectAttempts ?? 0) >= 3 ? true : undefined), 10_000, 'retries');
    await new Promise((r) => setTimeout(r, Math.max(0, 4000 - (Date.now() - started))));
    const attempts = session.stats().connectAttempts ?? 0;
    // delays 100-200, 200-400, 400-800, then 500-1000 ms: at most ~10 attempts in 4 s, at least 4
    console.log(`[measure] wrong password: ${attempts} connection attempts in 4 s`);
    expect(attempts).toBeGreaterThanOrEqual(4);
    expect(attempts).toBeLessThanOrEqual(11);
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    const everything = JSON.stringify(logger.lines) + (error?.message ?? '') + JSON.stringify(error?.details);
    expect(everything).not.toContain(wrong);
  }, 60_000);

  it.each([
    ['Basic256Sha256', 'Sign'],
    ['Aes128_Sha256_RsaOaep', 'SignAndEncrypt'],
  ])(
    '%s %s with a user name reads and writes',
    async (securityPolicy, securityMode) => {
      session = openSession(
        server.endpoint,
        asyncuaPoints(server.ns),
        secure({ securityPolicy, securityMode, trustUnknownServerCertificate: true }),
      );
      await session.start();
      expect(session.state).toBe('connected');
      await session.write('Setpoint', 12.5);
      expect(readValue((await session.read(['Setpoint']))[0])).toBe(12.5);
    },
    30_000,
  );

  it('an X.509 user certificate is accepted as the identity', async () => {
    session = openSession(
      server.endpoint,
      asyncuaPoints(server.ns),
      secure({
        trustUnknownServerCertificate: true,
        user: {
          type: 'certificate',
          certificateFile: join(folder, 'server', 'user-cert.pem'),
          privateKeyFile: join(folder, 'server', 'user-key.pem'),
        },
      }),
    );
    await session.start();
    expect(session.state).toBe('connected');
    expect(readValue((await session.read(['String']))[0])).toBe('idle');
  }, 30_000);
});
