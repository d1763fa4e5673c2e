/**
 * Smoke test of the Leshan harness: libcoap's coap-client acts as a raw LwM2M client (Register,
 * Update, De-register over CoAP, Register over DTLS-PSK) against the real Leshan demo server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeshanEvent, type LeshanServer, startLeshanServer } from './leshan.js';
import { execFileAsync, requireExecutable } from './peer-process.js';

const EP = 'harness-probe';
const PSK = { endpoint: 'harness-psk', identity: 'harness-psk-id', key: Buffer.from('harness-psk-key1') };

let leshan: LeshanServer;
let coapClient: string;

/** Runs a coap-client (which exits 0 even on errors) and returns its `-v 6` trace. */
async function coap(binary: string, args: readonly string[]): Promise<string> {
  const { stdout, stderr } = await execFileAsync(binary, ['-B', '5', '-v', '6', ...args], {
    timeout: 10_000,
  });
  return `${stdout}${stderr}`;
}

/** The response code and Location-Path segments of a coap-client trace. */
function coapAnswer(trace: string): { code: string; location: string[] } {
  const ack = /t:(?:ACK|CON|NON) c:(\d\.\d\d) i:\w+ \{\w*\} \[([^\]]*)\]/.exec(trace);
  if (ack === null) throw new Error(`no CoAP response in coap-client output:\n${trace}`);
  const location = [...(ack[2] ?? '').matchAll(/Location-Path:([^,\s]+)/g)].map((m) => m[1] ?? '');
  return { code: ack[1] ?? '', location };
}

function registerArgs(scheme: 'coap' | 'coaps', port: number, ep: string): string[] {
  return [
    '-m',
    'post',
    '-t',
    '40',
    '-e',
    '</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>,</3303>;ver=1.1,</3303/0>',
    `${scheme}://127.0.0.1:${port}/rd?ep=${ep}&lt=60&lwm2m=1.1&b=U`,
  ];
}

const isEvent =
  <T extends LeshanEvent['type']>(type: T, ep: string) =>
  (e: LeshanEvent): e is Extract<LeshanEvent, { type: T }> =>
    e.type === type && 'registration' in e && e.registration.endpoint === ep;

beforeAll(async () => {
  coapClient = await requireExecutable('coap-client-notls', 'apt-get install libcoap3-bin');
  leshan = await startLeshanServer({ psk: [PSK] });
  console.info(`Leshan ready in ${leshan.startupMs} ms on coap ${leshan.coapPort}, web ${leshan.webPort}`);
});

afterAll(async () => {
  await leshan?.stop();
});

describe('Leshan demo server harness', () => {
  let location: string[] = [];

  it('sees a raw CoAP client register, with its lifetime and object links', async () => {
    const from = leshan.events.cursor();
    const answer = coapAnswer(await coap(coapClient, registerArgs('coap', leshan.coapPort, EP)));
    expect(answer.code).toBe('2.01');
    expect(answer.location[0]).toBe('rd');
    location = answer.location;

    const event = await leshan.events.waitForEvent(isEvent('REGISTRATION', EP), 5000, { after: from });
    expect(event.registration.registrationId).toBe(location[1]);

    const registration = (await leshan.api.clients()).find((r) => r.endpoint === EP);
    expect(registration).toMatchObject({
      registrationId: location[1],
      lifetime: 60,
      bindingMode: 'U',
      lwM2mVersion: '1.1',
      secure: false,
    });
    expect(registration?.objectLinks.map((l) => l.url)).toEqual(['/', '/1/0', '/3/0', '/3303', '/3303/0']);
    expect(registration?.objectLinks[0]?.attributes).toEqual({ rt: '"oma.lwm2m"', ct: '110' });
    expect(registration?.objectLinks[3]?.attributes).toEqual({ ver: '1.1' });
    expect((await leshan.api.client(EP))?.registrationId).toBe(location[1]);
    expect(await leshan.api.client('nobody')).toBeUndefined();
  });

  it('sees an Update and a De-register', async () => {
    const path = location.join('/');
    let from = leshan.events.cursor();
    expect(
      coapAnswer(await coap(coapClient, ['-m', 'post', `coap://127.0.0.1:${leshan.coapPort}/${path}?lt=120`]))
        .code,
    ).toBe('2.04');
    const updated = await leshan.events.waitForEvent(isEvent('UPDATED', EP), 5000, { after: from });
    expect(updated.registration.lifetime).toBe(120);

    from = leshan.events.cursor();
    expect(
      coapAnswer(await coap(coapClient, ['-m', 'delete', `coap://127.0.0.1:${leshan.coapPort}/${path}`]))
        .code,
    ).toBe('2.02');
    const gone = await leshan.events.waitForEvent(isEvent('DEREGISTRATION', EP), 5000, { after: from });
    expect(gone.registration.registrationId).toBe(location[1]);
    expect((await leshan.api.clients()).map((r) => r.endpoint)).not.toContain(EP);
  });

  it('lists PSK entries and accepts a DTLS-PSK registration', async () => {
    await leshan.api.addPsk({ endpoint: 'other-psk', identity: 'other-id', key: '00112233' });
    const infos = await leshan.api.securityInfos();
    expect(infos).toContainEqual({
      endpoint: PSK.endpoint,
      psk: { identity: PSK.identity, key: PSK.key.toString('hex') },
    });
    expect(infos).toContainEqual({ endpoint: 'other-psk', psk: { identity: 'other-id', key: '00112233' } });
    expect(await leshan.api.removeSecurityInfo('other-psk')).toBe(true);

    // coap-client-openssl fails the handshake (OpenSSL 3 refuses Californium 2.6's legacy renegotiation); gnutls works.
    const dtlsClient = await requireExecutable('coap-client-gnutls', 'apt-get install libcoap3-bin');
    const from = leshan.events.cursor();
    const trace = await coap(dtlsClient, [
      '-u',
      PSK.identity,
      '-k',
      PSK.key.toString('latin1'),
      ...registerArgs('coaps', leshan.coapsPort, PSK.endpoint),
    ]);
    expect(coapAnswer(trace).code).toBe('2.01');
    const event = await leshan.events.waitForEvent(isEvent('REGISTRATION', PSK.endpoint), 5000, {
      after: from,
    });
    expect(event.registration.secure).toBe(true);
  });

  it('restarts on the same ports, forgetting registrations but keeping PSK entries', async () => {
    const before = {
      coap: leshan.coapPort,
      coaps: leshan.coapsPort,
      web: leshan.webPort,
      pid: leshan.peer.child.pid,
    };
    await leshan.restart();
    console.info(`Leshan restarted in ${leshan.startupMs} ms`);
    expect(leshan.peer.child.pid).not.toBe(before.pid);
    expect(await leshan.api.serverPorts()).toEqual({ coapPort: before.coap, coapsPort: before.coaps });
    expect(leshan.webPort).toBe(before.web);
    expect(await leshan.api.clients()).toEqual([]);
    expect((await leshan.api.securityInfos()).map((i) => i.endpoint)).toContain(PSK.endpoint);

    const from = leshan.events.cursor();
    expect(coapAnswer(await coap(coapClient, registerArgs('coap', leshan.coapPort, EP))).code).toBe('2.01');
    await leshan.events.waitForEvent(isEvent('REGISTRATION', EP), 5000, { after: from });
  });
});
