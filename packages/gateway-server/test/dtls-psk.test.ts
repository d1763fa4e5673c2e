/**
 * The gateway server's DTLS-PSK side against clients we did not write: the Eclipse Leshan client
 * (Californium's DTLS), libcoap's coap-client-openssl and coap-client-gnutls as raw registrants,
 * and adapter-host (node-dtls-client). A client with the right identity and key registers and is
 * read; an unknown identity or a wrong key fails the handshake with a log line naming the peer,
 * the identity and the reason; an identity registers only as its own endpoint; an endpoint with a
 * PSK entry cannot register over NoSec. A missing peer fails loudly (never skipped).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdapterHost, compileMappingFile } from '@lwm2m-adapters/host';
import { ContentFormat, node, value } from '@lwm2m-adapters/lwm2m-core';
import type { CompiledMapping } from '@lwm2m-adapters/mapping';
import {
  createModbusSimulator,
  type ModbusSimulator,
  simulatorConfigFromPoints,
} from '@lwm2m-adapters/modbus/simulator';
import type { AdapterDefinition } from '@lwm2m-adapters/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeshanClient, startLeshanClient } from '../../../test/peers/leshan-client.js';
import { execFileAsync, requireExecutable } from '../../../test/peers/peer-process.js';
import { GatewayServer, PskStore } from '../src/index.js';
import { waitUntil } from './support/wait-until.js';

const KEY = '000102030405060708090a0b0c0d0e0f';
const OTHER_KEY = 'f0e0d0c0b0a090807060504030201000';
/** coap-client takes its key as text (`-k`): the raw registrants' key is printable ASCII. */
const TEXT_KEY = 'raw-secret-key-1';
const TEXT_KEY_HEX = Buffer.from(TEXT_KEY, 'latin1').toString('hex');
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

let gateway: GatewayServer;
const logLines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
let coaps: string;
let coap: string;

beforeAll(async () => {
  const psk = new PskStore([
    { endpoint: 'leshan-psk', identity: 'leshan-psk-id', key: hex(KEY) },
    { endpoint: 'raw-openssl', identity: 'raw-openssl-id', key: hex(TEXT_KEY_HEX) },
    { endpoint: 'raw-gnutls', identity: 'raw-gnutls-id', key: hex(TEXT_KEY_HEX) },
    { endpoint: 'plant-gw-secure', identity: 'plant-gw-id', key: hex(KEY) },
  ]);
  const record = (level: string) => (fields: Record<string, unknown>, message: string) =>
    logLines.push({ level, message, fields });
  gateway = await GatewayServer.start({
    coap: { host: '127.0.0.1', port: 0 },
    coaps: { host: '127.0.0.1', port: 0 },
    psk,
    requestTimeoutMs: 10_000,
    logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
  });
  coaps = `coaps://127.0.0.1:${gateway.address('coaps')?.port}`;
  coap = `coap://127.0.0.1:${gateway.address('coap')?.port}`;
});

afterAll(async () => {
  await gateway?.close();
});

describe('the Leshan client over DTLS-PSK', () => {
  let client: LeshanClient | undefined;
  afterAll(async () => {
    await client?.close();
  });

  it('registers with its identity, is read over DTLS, and de-registers', async () => {
    client = await startLeshanClient({
      serverUri: coaps,
      endpoint: 'leshan-psk',
      lifetime: 120,
      psk: { identity: 'leshan-psk-id', key: KEY },
    });
    await client.events.waitFor((e) => e.event === 'registered', 20_000);
    const registration = gateway.server.registration('leshan-psk');
    expect(registration?.identity).toBe('leshan-psk-id');
    const read = await gateway.server.read('leshan-psk', '/3/0/0', { format: ContentFormat.TLV });
    expect(read.code).toBe('2.05');
    expect(read.node?.kind).toBe('resource');
    const write = await gateway.server.write(
      'leshan-psk',
      '/3311/0/5850',
      node.resource(5850, value.boolean(true)),
      {
        format: ContentFormat.SENML_CBOR,
      },
    );
    expect(write.code).toBe('2.04');
    expect(await client.get('/3311/0/5850')).toBe(true);
    await client.stop();
    await waitUntil(() => gateway.server.registration('leshan-psk') === undefined, 'the de-registration');
  });

  it('with the wrong key: the handshake fails, a warning names the peer, identity and reason, nothing registers', async () => {
    await client?.close();
    client = await startLeshanClient({
      serverUri: coaps,
      endpoint: 'leshan-psk',
      lifetime: 120,
      psk: { identity: 'leshan-psk-id', key: OTHER_KEY },
    });
    await waitUntil(
      () => logLines.some((l) => l.level === 'warn' && l.fields.reason === 'bad-finished'),
      'a handshake failure logged',
      20_000,
    );
    const line = logLines.find((l) => l.fields.reason === 'bad-finished');
    expect(line?.fields.identity).toBe('leshan-psk-id');
    expect(line?.message).toMatch(/DTLS handshake with 127\.0\.0\.1:\d+/);
    expect(gateway.server.registration('leshan-psk')).toBeUndefined();
  });
});

describe('libcoap as a raw DTLS-PSK registrant', () => {
  const LINKS = '</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>';

  async function register(tool: string, identity: string, key: string, ep: string): Promise<string> {
    // key: the text coap-client sends as the PSK bytes
    const binary = await requireExecutable(tool, 'apt-get install -y libcoap3-bin');
    const { stdout, stderr } = await execFileAsync(
      binary,
      [
        '-v',
        '6',
        '-B',
        '5',
        '-u',
        identity,
        '-k',
        key,
        '-m',
        'post',
        '-t',
        '40',
        '-e',
        LINKS,
        `${coaps}/rd?ep=${ep}&lt=60&lwm2m=1.1`,
      ],
      { timeout: 20_000 },
    );
    return [...`${stdout}\n${stderr}`.matchAll(/ c:(\d\.\d\d) /g)].map((m) => m[1]).at(-1) ?? 'none';
  }

  it.each([
    ['coap-client-openssl', 'raw-openssl'],
    ['coap-client-gnutls', 'raw-gnutls'],
  ])('%s registers over DTLS with its identity', async (tool, ep) => {
    expect(await register(tool, `${ep}-id`, TEXT_KEY, ep)).toBe('2.01');
    expect(gateway.server.registration(ep)?.identity).toBe(`${ep}-id`);
  });

  it('an identity registers only as its own endpoint (4.03), an unknown identity fails the handshake', async () => {
    expect(await register('coap-client-openssl', 'raw-openssl-id', TEXT_KEY, 'raw-gnutls-impostor')).toBe(
      '4.03',
    );
    expect(gateway.server.registration('raw-gnutls-impostor')).toBeUndefined();
    expect(gateway.server.stats().registrationsRefused).toBeGreaterThanOrEqual(1);
    const before = logLines.filter((l) => l.fields.reason === 'unknown-psk-identity').length;
    expect(await register('coap-client-gnutls', 'nobody', TEXT_KEY, 'nobody')).toBe('none');
    expect(logLines.filter((l) => l.fields.reason === 'unknown-psk-identity').length).toBe(before + 1);
    expect(gateway.server.registration('nobody')).toBeUndefined();
  });

  it('an endpoint with a PSK entry cannot register over NoSec (4.03)', async () => {
    const binary = await requireExecutable('coap-client-notls', 'apt-get install -y libcoap3-bin');
    const { stdout, stderr } = await execFileAsync(
      binary,
      [
        '-v',
        '6',
        '-B',
        '5',
        '-m',
        'post',
        '-t',
        '40',
        '-e',
        LINKS,
        `${coap}/rd?ep=raw-openssl&lt=60&lwm2m=1.1`,
      ],
      { timeout: 20_000 },
    );
    const code = [...`${stdout}\n${stderr}`.matchAll(/ c:(\d\.\d\d) /g)].map((m) => m[1]).at(-1);
    expect(code).toBe('4.03');
    expect(`${stdout}${stderr}`).toContain('must register over DTLS');
  });
});

describe('adapter-host over DTLS-PSK (node-dtls-client)', () => {
  let simulator: ModbusSimulator;
  let dir: string;

  beforeAll(async () => {
    simulator = createModbusSimulator(
      simulatorConfigFromPoints([
        { unitId: 1, points: [{ table: 'holdingRegisters', address: 0, type: 'int16' }] },
      ]),
    );
    simulator.setValue(1, 'holdingRegisters', 0, { type: 'int16', value: 199 });
    const port = (await simulator.start()).tcpPort as number;
    dir = await mkdtemp(join(tmpdir(), 'gateway-server-dtls-'));
    await writeFile(
      join(dir, 'plant.yml'),
      `version: 1
defaults: { poll: 200ms }
devices:
  - id: boiler-1
    prefix: boiler1
    endpoint: urn:dev:acme:boiler-1
    adapter: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${port}, unitId: 1, timeoutMs: 500 }
    points:
      /3303/0/5700: { source: { table: holding, address: 0, type: int16 }, scale: 0.1, units: Cel }
`,
    );
  });

  afterAll(async () => {
    await simulator?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('registers as a gateway over coaps://, and its child is read through the DTLS session', async () => {
    const { result, adapters } = await compileMappingFile(join(dir, 'plant.yml'), {});
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const host = await AdapterHost.start({
      mapping: result.mapping as CompiledMapping,
      adapters: adapters as Map<string, AdapterDefinition>,
      server: { uri: coaps, lifetime: 300, psk: { identity: 'plant-gw-id', key: hex(KEY) } },
      mode: 'gateway',
      endpoint: 'plant-gw-secure',
    });
    try {
      await waitUntil(() => gateway.children.children('plant-gw-secure').length === 1, 'the child', 20_000);
      expect(gateway.server.registration('plant-gw-secure')?.identity).toBe('plant-gw-id');
      const target = gateway.children.resolve({ deviceId: 'urn:dev:acme:boiler-1' }, '/3303/0/5700');
      const read = await gateway.server.read(target.registration, target.path, {
        format: ContentFormat.TEXT,
      });
      expect(read.node).toEqual(node.resource(5700, value.float(19.9)));
    } finally {
      await host.close();
    }
    await waitUntil(
      () => gateway.server.registration('plant-gw-secure') === undefined,
      'the de-registration',
    );
  });
});
