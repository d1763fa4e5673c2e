/**
 * Interop with libcoap 4.3 (Debian libcoap3-bin): coap-client-notls against our endpoint (GET,
 * PUT, POST, Block1, Block2, Observe with CON/NON and block-wise notifications), and our endpoint
 * against coap-server-notls. A missing libcoap fails loudly (never skipped).
 */

import { CoapEndpoint, type CoapIncomingRequest, type PeerAddress } from '@lwm2m-adapters/coap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  execFileAsync,
  type PeerProcess,
  requireExecutable,
  startPeer,
} from '../../../test/peers/peer-process.js';
import { UdpTransport } from '../src/udp-transport.js';
import { freeUdpPort } from './free-udp-port.js';

const INSTALL = 'apt-get install -y libcoap3-bin';
const utf8 = new TextEncoder();
const text = (s: string) => utf8.encode(s);
const asText = (b: Uint8Array) => new TextDecoder().decode(b);

describe('coap-client-notls → our endpoint', () => {
  let client: string;
  let transport: UdpTransport;
  let endpoint: CoapEndpoint;
  let base: string;
  const requests: CoapIncomingRequest[] = [];
  const big = text(Array.from({ length: 300 }, (_, i) => `${i}`.padStart(9, '.')).join('|')); // 2999 bytes
  let observer: { peer: PeerAddress; token: Uint8Array } | undefined;
  const peers: PeerProcess[] = [];

  beforeAll(async () => {
    client = await requireExecutable('coap-client-notls', INSTALL);
    transport = await UdpTransport.open({ host: '127.0.0.1' });
    endpoint = new CoapEndpoint({ sink: transport });
    transport.setReceiver(endpoint);
    base = `coap://127.0.0.1:${transport.localAddress.port}`;
    endpoint.onRequest((request) => {
      requests.push(request);
      const route = request.uriPath.join('/');
      switch (route) {
        case 'hello':
          return { code: '2.05', contentFormat: 0, payload: text('world') };
        case 'echo':
          return { code: '2.04', contentFormat: 0, payload: request.payload };
        case 'rd':
          return { code: '2.01', locationPath: ['rd', 'abc'] };
        case 'big':
        case 'obs-big':
          if (request.observe === 0) observer = { peer: request.peer, token: request.token };
          return {
            code: '2.05',
            contentFormat: 0,
            payload: big,
            ...(request.observe === 0 ? { observe: 1 } : {}),
          };
        case 'obs':
          if (request.observe === 0) {
            observer = { peer: request.peer, token: request.token };
            return { code: '2.05', contentFormat: 0, observe: 1, payload: text('n=0') };
          }
          return { code: '2.05', contentFormat: 0, payload: text('n=?') };
        default:
          return { code: '4.04' };
      }
    });
  });

  afterAll(async () => {
    for (const peer of peers) await peer.stop();
    endpoint.close();
    await transport.close();
  });

  const run = async (...args: string[]) => {
    const { stdout, stderr } = await execFileAsync(client, ['-B', '3', ...args], { timeout: 15_000 });
    return { stdout, stderr };
  };

  it('GET', async () => {
    expect((await run('-m', 'get', `${base}/hello`)).stdout.trim()).toBe('world');
  });

  it('PUT with a payload, echoed back', async () => {
    expect((await run('-m', 'put', '-e', 'temperature=21.5', `${base}/echo`)).stdout.trim()).toBe(
      'temperature=21.5',
    );
    expect(requests.at(-1)).toMatchObject({ method: 'PUT', confirmable: true });
  });

  it('POST with Content-Format and query (a raw Register) gets 2.01 and Location-Path', async () => {
    const { stdout, stderr } = await run(
      '-v',
      '6',
      '-m',
      'post',
      '-t',
      '40',
      '-e',
      '</1/0>,</3/0>',
      `${base}/rd?ep=libcoap&lt=60&lwm2m=1.1&b=U`,
    );
    const last = requests.at(-1)!;
    expect(last).toMatchObject({ method: 'POST', uriPath: ['rd'], contentFormat: 40 });
    expect(last.uriQuery).toEqual(['ep=libcoap', 'lt=60', 'lwm2m=1.1', 'b=U']);
    expect(asText(last.payload)).toBe('</1/0>,</3/0>');
    expect(`${stdout}${stderr}`).toMatch(
      /c:2\.01.*Location-Path:rd.*Location-Path:abc|Location-Path:rd\/abc/s,
    );
  });

  it('Block2: -b 64 fetches a 2999-byte response in 64-byte blocks', async () => {
    const before = endpoint.stats().incoming.block2CacheHits;
    const { stdout } = await run('-b', '64', '-m', 'get', `${base}/big`);
    expect(stdout.replace(/\n$/, '')).toBe(asText(big));
    expect(endpoint.stats().incoming.block2CacheHits - before).toBe(Math.ceil(2999 / 64) - 1);
  });

  it('Block1: -b 64 PUT of a 700-byte body is reassembled', async () => {
    const body = `${'x'.repeat(699)}y`;
    const { stdout } = await run('-b', '64', '-m', 'put', '-e', body, `${base}/echo`);
    expect(stdout.trim()).toBe(body);
    expect(asText(requests.at(-1)!.payload)).toBe(body);
  });

  it('Observe (-s): CON and NON notifications reach coap-client', async () => {
    observer = undefined;
    const peer = startPeer(client, ['-B', '8', '-s', '6', '-m', 'get', `${base}/obs`]);
    peers.push(peer);
    await peer.waitFor(/n=0/, 10_000);
    expect(observer).toBeDefined();
    const { peer: address, token } = observer!;
    await expect(
      endpoint.notify(
        address,
        token,
        { code: '2.05', contentFormat: 0, observe: 2, payload: text('n=1') },
        { confirmable: true },
      ),
    ).resolves.toBe('acknowledged');
    await expect(
      endpoint.notify(
        address,
        token,
        { code: '2.05', contentFormat: 0, observe: 3, payload: text('n=2') },
        { confirmable: false },
      ),
    ).resolves.toBe('sent');
    await peer.waitFor(/n=1[\s\S]*n=2/, 10_000);
    if (process.env.COAP_DEBUG) console.log(JSON.stringify(peer.output()));
    await peer.stop();
  });

  it('Observe: a 2999-byte notification goes out block-wise and coap-client fetches the rest', async () => {
    observer = undefined;
    const peer = startPeer(client, ['-B', '8', '-s', '6', '-m', 'get', `${base}/obs-big`]);
    peers.push(peer);
    await peer.waitFor(/\.\.\.\.\.\.299/, 10_000);
    const { peer: address, token } = observer!;
    const changed = text(asText(big).replaceAll('.', '_'));
    const hitsBefore = endpoint.stats().incoming.block2CacheHits;
    await expect(
      endpoint.notify(
        address,
        token,
        { code: '2.05', contentFormat: 0, observe: 2, payload: changed },
        { confirmable: true },
      ),
    ).resolves.toBe('acknowledged');
    await peer.waitFor(/______299/, 10_000);
    expect(peer.output()).toContain(asText(changed));
    expect(endpoint.stats().incoming.block2CacheHits).toBeGreaterThan(hitsBefore);
    await peer.stop();
  });
});

describe('our endpoint → coap-server-notls', () => {
  let server: PeerProcess;
  let transport: UdpTransport;
  let endpoint: CoapEndpoint;
  let peer: PeerAddress;

  beforeAll(async () => {
    const executable = await requireExecutable('coap-server-notls', INSTALL);
    const port = await freeUdpPort();
    server = startPeer(executable, ['-A', '127.0.0.1', '-p', `${port}`]);
    transport = await UdpTransport.open({ host: '127.0.0.1' });
    endpoint = new CoapEndpoint({ sink: transport });
    transport.setReceiver(endpoint);
    peer = await transport.resolvePeer('127.0.0.1', port);
    // wait until the server answers
    for (let attempt = 0; ; attempt++) {
      try {
        await endpoint.request(peer, { method: 'GET', uriPath: ['time'] }, { timeoutMs: 300 });
        break;
      } catch (error) {
        if (attempt > 30)
          throw new Error(`coap-server-notls did not answer: ${server.output()}`, { cause: error });
      }
    }
  });

  afterAll(async () => {
    endpoint?.close();
    await transport?.close();
    await server?.stop();
  });

  it('GET /time', async () => {
    const response = await endpoint.request(peer, { method: 'GET', uriPath: ['time'] });
    expect(response.code).toBe('2.05');
    expect(asText(response.payload)).toMatch(/\d\d:\d\d:\d\d/);
  });

  it('GET /.well-known/core (link-format), CON and NON', async () => {
    const con = await endpoint.request(peer, { method: 'GET', uriPath: ['.well-known', 'core'] });
    expect(con.contentFormat).toBe(40);
    expect(asText(con.payload)).toContain('</time>');
    const non = await endpoint.request(peer, {
      method: 'GET',
      uriPath: ['.well-known', 'core'],
      confirmable: false,
    });
    expect(asText(non.payload)).toBe(asText(con.payload));
  });

  it('PUT creates a resource (-d), a large body goes out with Block1, GET reads it back with Block2', async () => {
    const body = text('z'.repeat(2500));
    const put = await endpoint.request(peer, {
      method: 'PUT',
      uriPath: ['example_data'],
      contentFormat: 0,
      payload: body,
    });
    expect(put.code).toMatch(/^2\.0[14]$/);
    const get = await endpoint.request(peer, { method: 'GET', uriPath: ['example_data'] });
    expect(get.payload.length).toBe(2500);
  });
});
