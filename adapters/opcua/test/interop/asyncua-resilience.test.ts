import type { AdapterSession, PointReading } from '@lwm2m-adapters/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AsyncuaServer, startAsyncuaServer } from '../../../../test/peers/asyncua.js';
import { asyncuaPoints } from '../support/asyncua-points.js';
import { openSession, until } from '../support/session-harness.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/** Subscribes to Counter (asyncua increments it every 100 ms) and keeps every reading. */
async function watchCounter(session: AdapterSession) {
  const seen: { at: number; reading: PointReading }[] = [];
  await session.subscribe!(['Counter'], { samplingIntervalMs: 50 }, (rs) => {
    for (const reading of rs) seen.push({ at: Date.now(), reading });
  });
  const okAfter = (t: number) => seen.filter((s) => s.at >= t && s.reading.ok).length;
  await until(() => (okAfter(0) >= 3 ? true : undefined), 5000, 'Counter notifications');
  return { seen, okAfter };
}

describe('opcua subscriptions survive against asyncua', () => {
  let server: AsyncuaServer;
  let proxy: TcpProxy | undefined;
  let session: AdapterSession | undefined;

  beforeAll(async () => {
    server = await startAsyncuaServer();
  }, 60_000);
  afterEach(async () => {
    await session?.close();
    await proxy?.close();
    session = undefined;
    proxy = undefined;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a server restart: error readings while it is down, then notifications resume within 5 s without a new subscribe', async () => {
    session = openSession(server.endpoint, asyncuaPoints(server.ns));
    await session.start();
    const { seen, okAfter } = await watchCounter(session);
    await server.stop();
    await until(
      () =>
        seen.some((s) => !s.reading.ok && s.reading.error.code === 'DEVICE_UNREACHABLE') ? true : undefined,
      10_000,
      'an error reading while the server is down',
    );
    expect(session.state).toBe('reconnecting');
    await new Promise((r) => setTimeout(r, 1500));
    await server.start();
    const back = Date.now();
    await until(() => (okAfter(back) >= 2 ? true : undefined), 5000, 'notifications after the restart');
    const resumedMs = (seen.find((s) => s.at >= back && s.reading.ok)?.at ?? 0) - back;
    console.log(`[measure] server restart: first notification ${resumedMs} ms after the server was back`);
    expect(session.state).toBe('connected');
    expect(session.stats().reconnects).toBeGreaterThanOrEqual(1);
    expect(session.stats().itemsMonitored).toBe(1);
  }, 60_000);

  it('a TCP cut with the server up: the same', async () => {
    proxy = await startTcpProxy(server.port);
    session = openSession(`opc.tcp://127.0.0.1:${proxy.port}`, asyncuaPoints(server.ns));
    await session.start();
    const { seen, okAfter } = await watchCounter(session);
    const cut = Date.now();
    proxy.cut();
    await until(
      () => (seen.some((s) => s.at >= cut && !s.reading.ok) ? true : undefined),
      5000,
      'an error reading after the cut',
    );
    await until(() => (okAfter(cut) >= 2 ? true : undefined), 5000, 'notifications after the cut');
    console.log(
      `[measure] TCP cut: notifications back ${(seen.find((s) => s.at >= cut && s.reading.ok)?.at ?? 0) - cut} ms after the cut`,
    );
    expect(proxy.accepted).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('a silent server (connection open, nothing answered) is detected by the keep-alive and reconnected', async () => {
    proxy = await startTcpProxy(server.port);
    session = openSession(`opc.tcp://127.0.0.1:${proxy.port}`, asyncuaPoints(server.ns), {
      keepAliveIntervalMs: 500,
      requestTimeoutMs: 1000,
    });
    await session.start();
    const { seen, okAfter } = await watchCounter(session);
    const frozen = Date.now();
    proxy.freeze();
    await until(
      () => (seen.some((s) => s.at >= frozen && !s.reading.ok) ? true : undefined),
      8000,
      'an error reading once the server went silent',
    );
    await until(() => (okAfter(frozen) >= 2 ? true : undefined), 8000, 'notifications over a new connection');
    expect(session.stats().keepAliveFailures).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('a session the server closes is re-created, with its monitored items', async () => {
    session = openSession(server.endpoint, asyncuaPoints(server.ns));
    await session.start();
    const { seen, okAfter } = await watchCounter(session);
    const closed = Date.now();
    await session.execute('CloseSessions');
    await until(
      () => ((session?.stats().reconnects ?? 0) >= 1 ? true : undefined),
      8000,
      'a reconnection after the server closed the session',
    );
    const reconnected = Date.now();
    await until(
      () => (okAfter(reconnected) >= 2 ? true : undefined),
      5000,
      'notifications on the new session',
    );
    expect(seen.some((s) => s.at >= closed && !s.reading.ok)).toBe(true);
    expect(session.state).toBe('connected');
  }, 30_000);
});
