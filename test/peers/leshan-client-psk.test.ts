/**
 * The PSK path of the Leshan client harness, checked against the Leshan demo server (our server
 * has no DTLS role yet): with the identity and key the server holds for its endpoint, the client
 * registers over coaps:// and the server marks the registration secure; with a wrong key the
 * handshake fails and the harness reports a failed registration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeshanEvent, type LeshanServer, startLeshanServer } from './leshan.js';
import { startLeshanClient } from './leshan-client.js';

const PSK = {
  endpoint: 'leshan-client-psk',
  identity: 'leshan-client-psk-id',
  key: '000102030405060708090a0b0c0d0e0f',
};
const WRONG = { endpoint: 'leshan-client-bad-psk', identity: 'leshan-client-bad-psk-id', key: 'a1a2a3a4' };

let leshan: LeshanServer;

const isEvent =
  <T extends LeshanEvent['type']>(type: T, ep: string) =>
  (e: LeshanEvent): e is Extract<LeshanEvent, { type: T }> =>
    e.type === type && 'registration' in e && e.registration.endpoint === ep;

beforeAll(async () => {
  leshan = await startLeshanServer({ psk: [PSK, { ...WRONG, key: 'b1b2b3b4' }] });
}, 60_000);

afterAll(async () => {
  await leshan?.stop();
});

describe('Leshan client harness over DTLS-PSK (against the Leshan demo server)', () => {
  it('registers with its PSK identity and de-registers', async () => {
    const from = leshan.events.cursor();
    await using client = await startLeshanClient({
      serverUri: `coaps://127.0.0.1:${leshan.coapsPort}`,
      endpoint: PSK.endpoint,
      psk: { identity: PSK.identity, key: PSK.key },
    });
    const registered = await leshan.events.waitForEvent(isEvent('REGISTRATION', PSK.endpoint), 20_000, {
      after: from,
    });
    expect(registered.registration.secure).toBe(true);
    await client.events.waitFor((e) => e.event === 'registered', 5000);

    const read = await leshan.api.read(PSK.endpoint, '/3/0/0');
    expect(read).toMatchObject({ success: true });

    await client.stop();
    await leshan.events.waitForEvent(isEvent('DEREGISTRATION', PSK.endpoint), 5000, { after: from });
  });

  it('reports a failed registration when the key is wrong', async () => {
    await using client = await startLeshanClient({
      serverUri: `coaps://127.0.0.1:${leshan.coapsPort}`,
      endpoint: WRONG.endpoint,
      psk: { identity: WRONG.identity, key: WRONG.key },
      requestTimeoutMs: 3000,
    });
    const failed = await client.events.waitFor((e) => e.event === 'registrationFailed', 15_000);
    // Californium gives up the handshake silently: Leshan sees the Register time out
    expect(failed).toMatchObject({ operation: 'register', code: null, message: 'timeout' });
    expect(client.events.events.some((e) => e.event === 'registered')).toBe(false);
  });
});
