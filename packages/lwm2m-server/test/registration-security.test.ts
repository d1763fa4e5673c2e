/**
 * The security policy of the registration interface: who may register as which endpoint, and
 * that Update, De-register and Send must come over the identity the client registered with.
 */
import type { PeerAddress } from '@lwm2m-adapters/coap';
import { expect, it } from 'vitest';
import type { PeerSecurity, RegistrationRefusedEvent } from '../src/index.js';
import {
  asText,
  CLIENT_PEER,
  harness,
  register,
  SERVER_PEER,
  settle,
  text,
} from './support/server-harness.js';

/** Peers by port: 40001 authenticated as "psk-a", anything else NoSec; "dev1" needs "psk-a". */
function policy(): PeerSecurity {
  return {
    identityOf: (peer: PeerAddress) => (peer.port === CLIENT_PEER.port ? 'psk-a' : undefined),
    authorize: (endpoint, identity) =>
      endpoint !== 'dev1' || identity === 'psk-a' ? true : `${endpoint} must register over DTLS as psk-a`,
  };
}

it('refuses a Register that the policy refuses (4.03, nothing stored) and records the identity', async () => {
  const h = harness({ security: policy() });
  const refused: RegistrationRefusedEvent[] = [];
  h.server.on('registrationRefused', (e) => refused.push(e));
  h.clientPeer = { address: CLIENT_PEER.address, port: 40_002 };
  const denied = await register(h);
  expect(denied.code).toBe('4.03');
  expect(asText(denied.payload)).toBe('dev1 must register over DTLS as psk-a');
  expect(h.server.registrations()).toEqual([]);
  expect(refused).toMatchObject([{ endpoint: 'dev1', identity: undefined }]);

  h.clientPeer = CLIENT_PEER;
  const accepted = await register(h);
  expect(accepted.code).toBe('2.01');
  expect(h.server.registration('dev1')?.identity).toBe('psk-a');
  expect(h.server.stats().registrationsRefused).toBe(1);
});

it('answers 4.03 to an Update, De-register or Send over another identity, and keeps the registration', async () => {
  const h = harness({ security: policy() });
  const created = await register(h);
  const location = created.locationPath;
  h.clientPeer = { address: CLIENT_PEER.address, port: 40_002 };
  const update = h.client.request(SERVER_PEER, { method: 'POST', uriPath: location, uriQuery: ['lt=90'] });
  const remove = h.client.request(SERVER_PEER, { method: 'DELETE', uriPath: location });
  const send = h.client.request(SERVER_PEER, {
    method: 'POST',
    uriPath: ['dp'],
    contentFormat: 110,
    payload: text('[{"n":"/3303/0/5700","v":1}]'),
  });
  await settle(40);
  expect([(await update).code, (await remove).code, (await send).code]).toEqual(['4.03', '4.03', '4.03']);
  expect(h.server.registration('dev1')?.lifetime).toBe(60);

  h.clientPeer = CLIENT_PEER;
  const own = h.client.request(SERVER_PEER, { method: 'DELETE', uriPath: location });
  await settle(40);
  expect((await own).code).toBe('2.02');
});
