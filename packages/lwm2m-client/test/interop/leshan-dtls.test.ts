/**
 * The client engine against the Eclipse Leshan demo server over DTLS 1.2 with a pre-shared key:
 * a PSK entry added through Leshan's security REST API, a DtlsTransport to Leshan's CoAPs port,
 * registration (Leshan marks it secure) and a Read in TLV. Then a client with the wrong key: the
 * handshake fails with DTLS_HANDSHAKE_FAILED and the client never registers.
 *
 * The host calls `transport.connect()` before `client.start()`; afterwards the transport keeps the
 * session up itself: a datagram that finds no session (lost session, failed handshake) starts a new
 * handshake with capped exponential backoff, each failure reported as DTLS_HANDSHAKE_FAILED.
 */
import { randomBytes } from 'node:crypto';
import { CoapEndpoint } from '@lwm2m-adapters/coap';
import { type CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import { DtlsTransport } from '@lwm2m-adapters/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeshanServer, startLeshanServer } from '../../../../test/peers/leshan.js';
import { endpointLink, LwM2mClient, type RegistrationStateChange, SecurityMode } from '../../src/index.js';

const ep = 'lwm2m-adapters-dtls-1';
const badEp = 'lwm2m-adapters-dtls-wrong-key';
const key = randomBytes(16);
const badKey = randomBytes(16);

interface Stack {
  readonly transport: DtlsTransport;
  readonly endpoint: CoapEndpoint;
  readonly client: LwM2mClient;
  readonly states: RegistrationStateChange[];
  readonly transportErrors: Error[];
}

let leshan: LeshanServer;
const stacks: Stack[] = [];

function stack(
  endpointName: string,
  identity: string,
  pskKey: Uint8Array,
  handshakeTimeoutMs: number,
): Stack {
  const transportErrors: Error[] = [];
  const transport = new DtlsTransport({
    host: '127.0.0.1',
    port: leshan.coapsPort,
    pskIdentity: identity,
    pskKey,
    handshakeTimeoutMs,
    onError: (error) => transportErrors.push(error),
  });
  const endpoint = new CoapEndpoint({ sink: transport });
  transport.setReceiver(endpoint);
  const client = new LwM2mClient({
    endpointName,
    server: {
      peer: { address: '127.0.0.1', port: leshan.coapsPort },
      shortServerId: 1,
      lifetime: 30,
      security: { mode: SecurityMode.PSK, identity, secretKey: pskKey },
    },
    registry: ObjectRegistry.withOmaObjects(),
    link: endpointLink(endpoint),
    device: { manufacturer: 'lwm2m-adapters', modelNumber: 'dtls-interop', serialNumber: 'SN-D1' },
  });
  const states: RegistrationStateChange[] = [];
  client.on('state', (change) => states.push(change));
  const created = { transport, endpoint, client, states, transportErrors };
  stacks.push(created);
  return created;
}

beforeAll(async () => {
  leshan = await startLeshanServer();
  await leshan.api.addPsk({ endpoint: ep, identity: `${ep}-id`, key });
  await leshan.api.addPsk({ endpoint: badEp, identity: `${badEp}-id`, key });
}, 60_000);

afterAll(async () => {
  for (const { client, endpoint, transport } of stacks) {
    await client.close();
    endpoint.close();
    await transport.close();
  }
  await leshan?.stop();
}, 60_000);

describe('LwM2M client engine against Leshan over DTLS-PSK', () => {
  it('registers over DTLS with the right key and serves a TLV Read of /3/0', async () => {
    const { transport, client } = stack(ep, `${ep}-id`, key, 10_000);
    const registered = leshan.events.waitForEvent(
      (e) => e.type === 'REGISTRATION' && e.registration.endpoint === ep,
      20_000,
    );
    expect(await transport.connect()).toEqual({ address: '127.0.0.1', port: leshan.coapsPort });
    client.start();
    await registered;
    const registration = await leshan.api.client(ep);
    expect(registration?.secure).toBe(true);
    expect(registration?.objectLinks.map((l) => l.url)).toEqual(expect.arrayContaining(['/3/0']));
    const read = await leshan.api.read(ep, '/3/0', { format: 'TLV' });
    expect(read.code, read.errorMessage).toBe('2.05');
    expect(JSON.stringify(read.content)).toContain('lwm2m-adapters');
    expect(transport.stats()).toMatchObject({ handshakes: 1, handshakeFailures: 0 });
  }, 40_000);

  it('with the wrong key: DTLS_HANDSHAKE_FAILED, no registration, no handshake loop', async () => {
    const { transport, client, states, transportErrors } = stack(badEp, `${badEp}-id`, badKey, 2_000);
    const error = await transport.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCodedError(error)).toBe(true);
    const coded = error as CodedError;
    expect(coded.code).toBe('DTLS_HANDSHAKE_FAILED');
    expect(coded.message).toMatch(/DTLS handshake with 127\.0\.0\.1:\d+ (timed out|failed)/);
    expect(coded.message).toMatch(/wrong PSK identity\/key|alert|decrypt/i);
    expect(transport.connected).toBe(false);

    // The engine's Register finds no session: the transport re-handshakes with capped backoff
    // (1 s, 2 s, 4 s...) and reports every failure; the datagrams themselves are dropped.
    client.start();
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const attempts = transport.stats().handshakes + transport.stats().handshakeFailures;
    expect(Date.now() - started).toBeGreaterThanOrEqual(5_900);
    // Retried, but bounded: no handshake loop.
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThan(6);
    expect(transportErrors.some((e) => isCodedError(e) && e.code === 'DTLS_HANDSHAKE_FAILED')).toBe(true);
    expect(transport.stats().dropped).toBeGreaterThan(0);
    expect(client.state).not.toBe('registered');
    expect(states.map((s) => s.state)).not.toContain('registered');
    expect(await leshan.api.client(badEp)).toBeUndefined();
  }, 30_000);
});
