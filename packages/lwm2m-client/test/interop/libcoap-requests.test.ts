/**
 * Raw, partly malformed DM requests from libcoap's coap-client-notls straight to the client
 * engine's UDP port while it is registered with the Eclipse Leshan demo server: unknown path,
 * malformed TLV, unsupported Content-Format and Accept, malformed Execute arguments. Afterwards the
 * client still serves Leshan.
 *
 * By default the engine answers DM requests only from its registered server's address:port (a
 * foreign peer gets 4.01, checked against the Leshan test client in leshan-client.test.ts); this
 * suite opts in with `acceptRequestsFromAnyPeer` so coap-client can play the server.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoapEndpoint } from '@lwm2m-adapters/coap';
import type { UdpTransport } from '@lwm2m-adapters/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeshanServer, startLeshanServer } from '../../../../test/peers/leshan.js';
import { execFileAsync, requireExecutable } from '../../../../test/peers/peer-process.js';
import type { LwM2mClient } from '../../src/index.js';
import { type LoopbackClient, openLoopbackClient } from './support/loopback-client.js';

const INSTALL = 'apt-get install -y libcoap3-bin';
const ep = 'lwm2m-adapters-libcoap-raw-1';

let coapClient: string;
let leshan: LeshanServer;
let transport: UdpTransport;
let endpoint: CoapEndpoint;
let loopback: LoopbackClient;
let client: LwM2mClient;
let base: string;
const executed: string[] = [];
const foreignPeers = new Set<string>();

interface CoapClientResult {
  /** Response code from the `-v 6` trace (`v:1 t:ACK c:4.04 ...`), or undefined when none came. */
  readonly code: string | undefined;
  readonly output: string;
}

/** coap-client exits 0 even on 4.xx: the code is taken from its trace. */
async function coap(...args: string[]): Promise<CoapClientResult> {
  const { stdout, stderr } = await execFileAsync(coapClient, ['-B', '3', '-v', '6', ...args], {
    timeout: 15_000,
  });
  const output = `${stdout}\n${stderr}`;
  const code = /v:1 t:(?:ACK|CON|NON) c:(\d\.\d\d)/.exec(output)?.[1];
  return { code, output };
}

beforeAll(async () => {
  coapClient = await requireExecutable('coap-client-notls', INSTALL);
  leshan = await startLeshanServer();
  loopback = await openLoopbackClient({
    endpointName: ep,
    serverPort: leshan.coapPort,
    lifetime: 30,
    acceptRequestsFromAnyPeer: true,
    device: { manufacturer: 'lwm2m-adapters', modelNumber: 'libcoap-raw', serialNumber: 'SN-R1' },
  });
  ({ client, endpoint, transport } = loopback);
  base = `coap://127.0.0.1:${transport.localAddress.port}`;
  client.objects.defineObject(3303, {
    instances: {
      0: {
        5700: { read: () => 21.5 },
        5701: 'Cel',
        5605: {
          execute: (args) => {
            executed.push(JSON.stringify(args));
          },
        },
        5750: 'boiler',
      },
    },
  });
  const registered = leshan.events.waitForEvent(
    (e) => e.type === 'REGISTRATION' && e.registration.endpoint === ep,
    15_000,
  );
  client.start();
  await registered;
  // Record who the engine answers (the handler wraps the client's own).
  endpoint.onRequest(async (request) => {
    const own = `127.0.0.1:${leshan.coapPort}`;
    const from = `${request.peer.address}:${request.peer.port}`;
    if (from !== own) foreignPeers.add(from);
    return (await client.handleRequest(request)) ?? { code: '5.03' };
  });
}, 60_000);

afterAll(async () => {
  await loopback?.close();
  await leshan?.stop();
}, 30_000);

describe('coap-client-notls → registered LwM2M client engine', () => {
  it('GET of an unknown path → 4.04', async () => {
    expect((await coap('-m', 'get', `${base}/3304/0`)).code).toBe('4.04');
    expect((await coap('-m', 'get', `${base}/3303/0/9999`)).code).toBe('4.04');
  });

  it('PUT with a malformed TLV payload → 4.00', async () => {
    // a resource TLV header announcing 8 bytes of value with only 2 following
    const dir = await mkdtemp(join(tmpdir(), 'bad-tlv-'));
    const file = join(dir, 'payload.bin');
    await writeFile(file, Buffer.from([0xc8, 0x00, 0x08, 0x41]));
    let reply: CoapClientResult;
    try {
      reply = await coap('-m', 'put', '-t', '11542', '-f', file, `${base}/3303/0/5750`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const { code, output } = reply;
    expect(code, output).toBe('4.00');
    expect((await leshan.api.read(ep, '/3303/0/5750', { format: 'TEXT' })).content).toMatchObject({
      value: 'boiler',
    });
  });

  it('PUT with an unsupported Content-Format (50, application/json) → 4.15', async () => {
    const { code, output } = await coap('-m', 'put', '-t', '50', '-e', '{"v":"x"}', `${base}/3303/0/5750`);
    expect(code, output).toBe('4.15');
  });

  it('GET with an unsupported Accept (50) → 4.06', async () => {
    const { code, output } = await coap('-m', 'get', '-A', '50', `${base}/3303/0/5700`);
    expect(code, output).toBe('4.06');
  });

  it('Execute with malformed arguments → 4.00, the action does not run', async () => {
    const before = executed.length;
    for (const args of ["0='unterminated", '99', "0='a',0='b'", 'x=1']) {
      const { code, output } = await coap('-m', 'post', '-t', '0', '-e', args, `${base}/3303/0/5605`);
      expect(code, `${args}\n${output}`).toBe('4.00');
    }
    expect(executed.length).toBe(before);
  });

  it('still serves Leshan afterwards', async () => {
    const read = await leshan.api.read(ep, '/3/0', { format: 'TLV' });
    expect(read.code, read.errorMessage).toBe('2.05');
    const execute = await leshan.api.execute(ep, '/3303/0/5605', "0='ok'");
    expect(execute.code, execute.errorMessage).toBe('2.04');
    expect(client.state).toBe('registered');
  });
});
