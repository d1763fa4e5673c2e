/**
 * The DTLS server's protocol guarantees seen from the wire: the stateless cookie exchange, the
 * hello flight and its retransmission, refusals, limits, replayed and forged records (through a
 * UDP proxy between node-dtls-client and the server), a client restart from the same address,
 * idle sessions and close().
 */

import { isCodedError } from '@lwm2m-adapters/errors';
import { ManualClock } from '@lwm2m-adapters/kit';
import { afterEach, describe, expect, it } from 'vitest';
import { DtlsServerTransport } from '../src/dtls-server/dtls-server-transport.js';
import { parseHandshakeFragments } from '../src/dtls-server/handshake-messages.js';
import { parseRecords } from '../src/dtls-server/record-layer.js';
import {
  clientHelloRecord,
  cookieOf,
  type RawSocket,
  rawSocket,
  startUdpProxy,
  type UdpProxy,
} from './dtls-server-raw-peers.js';
import {
  dtlsClient,
  IDENTITY,
  startTestServer,
  type TestClient,
  type TestServer,
} from './dtls-server-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const started = await startTestServer(options);
  cleanups.push(() => started.close());
  return started;
}

async function raw(): Promise<RawSocket> {
  const socket = await rawSocket();
  cleanups.push(() => socket.close());
  return socket;
}

async function proxy(port: number): Promise<UdpProxy> {
  const started = await startUdpProxy(port);
  cleanups.push(() => started.close());
  return started;
}

function client(port: number, options: Parameters<typeof dtlsClient>[1] = {}): TestClient {
  const c = dtlsClient(port, options);
  cleanups.push(() => c.close());
  return c;
}

/** Cookie exchange by hand: returns the ClientHello (with cookie) that starts a handshake. */
async function helloWithCookie(socket: RawSocket, port: number, suites?: number[]): Promise<Buffer> {
  socket.send(clientHelloRecord({ recordSeq: 0, messageSeq: 0, ...(suites ? { suites } : {}) }), port);
  const cookie = cookieOf(await socket.next());
  return clientHelloRecord({ recordSeq: 1, messageSeq: 1, cookie, ...(suites ? { suites } : {}) });
}

describe('stateless cookie exchange', () => {
  it('a ClientHello without a cookie gets a HelloVerifyRequest and leaves no state', async () => {
    const s = await server();
    const socket = await raw();
    socket.send(clientHelloRecord({ recordSeq: 7, messageSeq: 0 }), s.port);
    const hvr = await socket.next();
    // record: handshake, DTLS 1.0, epoch 0, the ClientHello's sequence number (RFC 6347 §4.2.1)
    expect(hvr.subarray(0, 11).toString('hex')).toBe('16feff0000000000000007');
    // HelloVerifyRequest (3), message_seq 0, server_version DTLS 1.0, 32-byte cookie
    const [message] = parseHandshakeFragments(hvr.subarray(13));
    expect(message).toMatchObject({ msgType: 3, messageSeq: 0, fragmentOffset: 0, length: 35 });
    expect(hvr.subarray(25, 28).toString('hex')).toBe('feff20');
    for (let i = 0; i < 50; i++) socket.send(clientHelloRecord({ recordSeq: 8 + i, messageSeq: 0 }), s.port);
    for (let i = 0; i < 50; i++)
      expect(cookieOf(await socket.next()).toString('hex')).toBe(cookieOf(hvr).toString('hex'));
    expect(s.transport.stats()).toMatchObject({
      helloVerifyRequestsSent: 51,
      sessions: 0,
      handshakesInProgress: 0,
      handshakes: 0,
    });
    expect(s.events).toEqual([]);
  });

  it('a cookie made for another port is answered with a new HelloVerifyRequest, not a handshake', async () => {
    const s = await server();
    const a = await raw();
    const b = await raw();
    a.send(clientHelloRecord({ recordSeq: 0, messageSeq: 0 }), s.port);
    const stolen = cookieOf(await a.next());
    b.send(clientHelloRecord({ recordSeq: 1, messageSeq: 1, cookie: stolen }), s.port);
    const answer = await b.next();
    expect(answer[13]).toBe(3); // HelloVerifyRequest again
    expect(s.transport.stats()).toMatchObject({ helloVerifyRequestsSent: 2, handshakesInProgress: 0 });
  });
});

describe('the hello flight', () => {
  it('ServerHello + ServerHelloDone in one datagram; sent again for a repeated ClientHello and on the timer; a silent client times out', async () => {
    const clock = new ManualClock();
    const s = await server({ clock, retransmitInitialMs: 1_000, handshakeTimeoutMs: 30_000 });
    const socket = await raw();
    const hello = await helloWithCookie(socket, s.port);
    socket.send(hello, s.port);
    const flight = await socket.next();
    const records = parseRecords(flight);
    expect(records.map((r) => [r.type, r.epoch, r.sequenceNumber])).toEqual([
      [22, 0, 1],
      [22, 0, 2],
    ]);
    const messages = records.flatMap((r) => parseHandshakeFragments(r.fragment));
    // ServerHello continues the client's message_seq (1); no hint configured: no ServerKeyExchange
    expect(messages.map((m) => [m.msgType, m.messageSeq])).toEqual([
      [2, 1],
      [14, 2],
    ]);
    const serverHello = messages[0]!.body;
    expect(serverHello.subarray(0, 2)).toEqual(Buffer.from('fefd', 'hex'));
    expect(serverHello[34]).toBe(0); // empty session_id: no resumption
    expect(Buffer.from(serverHello.subarray(35, 38)).toString('hex')).toBe('c0a800'); // CCM_8, null compression
    expect(s.transport.stats()).toMatchObject({ handshakesInProgress: 1, sessions: 0 });

    socket.send(hello, s.port); // the client missed the flight
    const again = parseRecords(await socket.next());
    expect(again.map((r) => r.sequenceNumber)).toEqual([3, 4]); // new record numbers, same messages
    expect(again.map((r) => Buffer.from(r.fragment).toString('hex'))).toEqual(
      records.map((r) => Buffer.from(r.fragment).toString('hex')),
    );

    clock.advance(1_000);
    expect(parseRecords(await socket.next()).map((r) => r.sequenceNumber)).toEqual([5, 6]);
    clock.advance(2_000);
    expect(parseRecords(await socket.next()).map((r) => r.sequenceNumber)).toEqual([7, 8]);

    clock.advance(27_000);
    expect(await s.waitForEvent((e) => e.type === 'handshake-failed')).toMatchObject({
      reason: 'timeout',
      identity: undefined,
    });
    expect(s.transport.stats()).toMatchObject({ handshakesInProgress: 0, handshakeFailures: { timeout: 1 } });
  });

  it('a configured identity hint adds a ServerKeyExchange', async () => {
    const s = await server({ identityHint: 'lwm2m' });
    const socket = await raw();
    socket.send(await helloWithCookie(socket, s.port), s.port);
    const messages = parseRecords(await socket.next()).flatMap((r) => parseHandshakeFragments(r.fragment));
    expect(messages.map((m) => m.msgType)).toEqual([2, 12, 14]);
    expect(Buffer.from(messages[1]!.body).toString('hex')).toBe(
      `0005${Buffer.from('lwm2m').toString('hex')}`,
    );
  });

  it('no shared cipher suite: fatal handshake_failure alert, an event, no state', async () => {
    const s = await server({ cipherSuites: ['TLS_PSK_WITH_AES_128_CCM_8'] });
    const socket = await raw();
    socket.send(await helloWithCookie(socket, s.port, [0x00a8, 0x00ae]), s.port);
    const alert = await socket.next();
    expect(alert.subarray(0, 3).toString('hex')).toBe('15fefd');
    expect(alert.subarray(13).toString('hex')).toBe('0228'); // fatal, handshake_failure (40)
    const failed = await s.waitForEvent((e) => e.type === 'handshake-failed');
    expect(failed).toMatchObject({ reason: 'no-shared-cipher-suite' });
    expect(failed.type === 'handshake-failed' && failed.detail).toContain('0x00a8');
    expect(s.transport.stats()).toMatchObject({ handshakesInProgress: 0, sessions: 0 });
  });

  it('maxHandshakes: a cookie-verified ClientHello beyond the limit is dropped and counted', async () => {
    const s = await server({ maxHandshakes: 1 });
    const first = await raw();
    const second = await raw();
    first.send(await helloWithCookie(first, s.port), s.port);
    await first.next();
    second.send(await helloWithCookie(second, s.port), s.port);
    expect(await second.quiet(300)).toBe(true);
    expect(s.transport.stats()).toMatchObject({ handshakesInProgress: 1, overLimitDropped: 1 });
  });
});

describe('limits and options', () => {
  it('maxSessions: a new peer beyond the limit is dropped and counted after its cookie', async () => {
    const s = await server({ maxSessions: 1 });
    const c = client(s.port);
    await c.transport.connect();
    const socket = await raw();
    socket.send(await helloWithCookie(socket, s.port), s.port);
    expect(await socket.quiet(300)).toBe(true);
    expect(s.transport.stats()).toMatchObject({ sessions: 1, handshakesInProgress: 0, overLimitDropped: 1 });
  });

  it('refuses bad options with CONFIG_INVALID, and a port in use with TRANSPORT_CLOSED', async () => {
    const psk = { keyFor: () => undefined };
    await expect(DtlsServerTransport.open({ psk, cipherSuites: [] })).rejects.toThrow(/no DTLS cipher suite/);
    await expect(
      DtlsServerTransport.open({ psk, cipherSuites: ['TLS_PSK_WITH_AES_128_GCM_SHA256' as never] }),
    ).rejects.toThrow(/unknown cipher suite/);
    await expect(DtlsServerTransport.open({ psk, maxSessions: 0 })).rejects.toSatisfy((e) =>
      isCodedError(e, 'CONFIG_INVALID'),
    );
    const s = await server();
    await expect(DtlsServerTransport.open({ psk, host: '127.0.0.1', port: s.port })).rejects.toSatisfy((e) =>
      isCodedError(e, 'TRANSPORT_CLOSED'),
    );
  });
});

describe('records of an established session (node-dtls-client through a UDP proxy)', () => {
  it('a replayed application record is dropped and counted; a forged one too; the session goes on', async () => {
    const s = await server();
    const p = await proxy(s.port);
    const c = client(p.port);
    const peer = await c.transport.connect();
    await c.endpoint.request(peer, { method: 'GET', uriPath: ['test'] });
    const request = p.fromClients.at(-1)!;
    expect(request[0]).toBe(23); // application data, epoch 1
    const before = s.transport.stats();
    p.inject(request);
    const forged = Buffer.from(request);
    forged[forged.length - 1]! ^= 1;
    forged.writeUIntBE(forged.readUIntBE(5, 6) + 100, 5, 6); // a fresh sequence number: only the tag is wrong
    p.inject(forged);
    await expect.poll(() => s.transport.stats().badRecordsDropped).toBe(before.badRecordsDropped + 1);
    expect(s.transport.stats()).toMatchObject({
      replayedDropped: before.replayedDropped + 1,
      applicationRecordsReceived: before.applicationRecordsReceived,
      sessions: 1,
    });
    const response = await c.endpoint.request(peer, { method: 'GET', uriPath: ['test'] });
    expect(new TextDecoder().decode(response.payload)).toBe(`hello ${IDENTITY}`);
  });

  it('a client restart from the same address: the old session is replaced when the new handshake completes', async () => {
    const s = await server();
    const p = await proxy(s.port);
    const first = client(p.port);
    const firstPeer = await first.transport.connect();
    await first.endpoint.request(firstPeer, { method: 'GET', uriPath: ['test'] });
    const oldRecord = p.fromClients.at(-1)!;
    const second = client(p.port);
    const peer = await second.transport.connect();
    const replaced = await s.waitForEvent((e) => e.type === 'session-closed');
    expect(replaced).toMatchObject({
      reason: 'replaced',
      identity: IDENTITY,
      peer: { port: p.upstreamPort },
    });
    expect(s.events.filter((e) => e.type === 'handshake-completed')).toHaveLength(2);
    expect(s.transport.stats()).toMatchObject({ sessions: 1, handshakes: 2 });
    expect(s.transport.identityOf({ address: '127.0.0.1', port: p.upstreamPort })).toBe(IDENTITY);
    const response = await second.endpoint.request(peer, { method: 'GET', uriPath: ['test'] });
    expect(response.code).toBe('2.05');
    // the old session's keys are gone: its records no longer authenticate
    const bad = s.transport.stats().badRecordsDropped;
    const stale = Buffer.from(oldRecord);
    stale.writeUIntBE(stale.readUIntBE(5, 6) + 1_000, 5, 6);
    p.inject(stale);
    await expect.poll(() => s.transport.stats().badRecordsDropped).toBe(bad + 1);
  });
});

describe('ending sessions', () => {
  it('an idle session is closed with close_notify after sessionIdleMs', async () => {
    const clock = new ManualClock();
    const s = await server({ clock, sessionIdleMs: 60_000 });
    const disconnected: unknown[] = [];
    const c = client(s.port, { onDisconnect: (error) => disconnected.push(error) });
    const peer = await c.transport.connect();
    await c.endpoint.request(peer, { method: 'GET', uriPath: ['test'] });
    clock.advance(30_000);
    await c.endpoint.request(peer, { method: 'GET', uriPath: ['test'] }); // activity moves the deadline
    clock.advance(59_000);
    expect(s.transport.stats().sessions).toBe(1);
    clock.advance(1_000);
    expect(await s.waitForEvent((e) => e.type === 'session-closed')).toMatchObject({ reason: 'idle' });
    expect(s.transport.stats().sessions).toBe(0);
    await expect.poll(() => disconnected.length).toBe(1);
  });

  it('close() sends close_notify to every session, is idempotent; sends afterwards are dropped', async () => {
    const s = await startTestServer();
    const disconnected: unknown[] = [];
    const a = client(s.port, { onDisconnect: (error) => disconnected.push(error) });
    const b = client(s.port, { onDisconnect: (error) => disconnected.push(error) });
    await a.transport.connect();
    await b.transport.connect();
    const peers = s.events.flatMap((e) => (e.type === 'handshake-completed' ? [e.peer] : []));
    expect(peers).toHaveLength(2);
    await Promise.all([s.close(), s.close()]);
    await expect.poll(() => disconnected.length).toBe(2);
    expect(
      s.events.filter((e) => e.type === 'session-closed').map((e) => e.type === 'session-closed' && e.reason),
    ).toEqual(['transport-closed', 'transport-closed']);
    s.transport.send(Buffer.from('late'), peers[0]!);
    expect(s.transport.stats().dropped).toBe(1);
  });

  it('send() to a peer without a session is dropped and counted', async () => {
    const s = await server();
    s.transport.send(Buffer.from('x'), { address: '127.0.0.1', port: 9 });
    expect(s.transport.stats()).toMatchObject({ dropped: 1, datagramsSent: 0 });
  });
});
