/**
 * Peer admission (the endpoint owner's source policy, checked before any state is created),
 * per-peer Block1 budgets, and error responses to Block2 follow-ups.
 */
import { describe, expect, it } from 'vitest';
import type { CoapOption, PeerAddress } from '../src/coap-types.js';
import { encodeBlockOption } from '../src/message/block-option.js';
import { OptionNumber, uintOption } from '../src/message/coap-options.js';
import { CLIENT, raw, recordingEndpoint, SERVER, settle, text } from './coap-test-support.js';

const FOREIGN: PeerAddress = { address: '203.0.113.66', port: 40000 };
const samePeer = (a: PeerAddress, b: PeerAddress) => a.address === b.address && a.port === b.port;

const path = (...segments: string[]): CoapOption[] =>
  segments.map((s) => ({ number: OptionNumber.UriPath, value: text(s) }));

/** A PUT carrying block `num` of a body of 1024-byte blocks. */
function block1Put(messageId: number, num: number, more: boolean, token = Uint8Array.of(num, 1)) {
  return raw({
    type: 'CON',
    code: 0x03,
    messageId,
    token,
    options: [...path('5', '0', '0'), encodeBlockOption(OptionNumber.Block1, { num, more, szx: 6 })],
    payload: new Uint8Array(more ? 1024 : 10).fill(num),
  });
}

function onlyServer() {
  const setup = recordingEndpoint();
  setup.ep.setPeerAdmission((peer) => samePeer(peer, SERVER));
  return setup;
}

describe('peer admission: a refused peer creates no state', () => {
  it('a request from a refused peer gets 4.01 in the ACK; the handler never runs, nothing is remembered', () => {
    const { sink, ep } = onlyServer();
    let calls = 0;
    ep.onRequest(() => {
      calls++;
      return { code: '2.04' };
    });
    ep.receive(block1Put(1, 0, true), FOREIGN);
    ep.receive(
      raw({ type: 'CON', code: 0x01, messageId: 2, token: Uint8Array.of(7), options: path('3') }),
      FOREIGN,
    );
    const sent = sink.take();
    expect(sent.map((s) => [s.message.type, s.message.code])).toEqual([
      ['ACK', 0x81],
      ['ACK', 0x81],
    ]);
    expect(sent[1]!.message.token).toEqual(Uint8Array.of(7));
    expect(calls).toBe(0);
    const stats = ep.stats();
    expect(stats.caches.block1.transfers).toBe(0);
    expect(stats.caches.deduplication.entries).toBe(0);
    expect(stats.incoming.requests).toBe(0);
    expect(stats.dropped.peerRefused).toBe(2);
  });

  it('a CON response from a refused peer gets RST; NON messages get nothing; no dedup entry', () => {
    const { sink, ep } = onlyServer();
    ep.receive(raw({ type: 'CON', code: 0x45, messageId: 3, token: Uint8Array.of(1) }), FOREIGN);
    ep.receive(raw({ type: 'NON', code: 0x45, messageId: 4, token: Uint8Array.of(1) }), FOREIGN);
    ep.receive(
      raw({ type: 'NON', code: 0x01, messageId: 5, token: Uint8Array.of(1), options: path('3') }),
      FOREIGN,
    );
    expect(sink.take().map((s) => s.message.type)).toEqual(['RST']);
    expect(ep.stats().caches.deduplication.entries).toBe(0);
    expect(ep.stats().dropped.peerRefused).toBe(3);
  });

  it('an Observe from a refused peer registers no observation', () => {
    const { ep } = onlyServer();
    ep.onRequest(() => ({ code: '2.05', observe: 1, payload: new Uint8Array(3000) }));
    ep.receive(
      raw({
        type: 'CON',
        code: 0x01,
        messageId: 9,
        token: Uint8Array.of(9),
        options: [uintOption(OptionNumber.Observe, 0), ...path('3', '0')],
      }),
      FOREIGN,
    );
    expect(ep.stats().caches.observations.entries).toBe(0);
    expect(ep.stats().caches.blockwise.entries).toBe(0);
  });

  it("a refused peer cannot evict the admitted server's Block1 transfer", () => {
    const { sink, ep } = onlyServer();
    const bodies: number[] = [];
    ep.onRequest((request) => {
      bodies.push(request.payload.length);
      return { code: '2.04' };
    });
    ep.receive(block1Put(100, 0, true), SERVER);
    for (let i = 0; i < 100; i++)
      ep.receive(block1Put(200 + i, 0, true, Uint8Array.of(i)), { ...FOREIGN, port: 40000 + i });
    ep.receive(block1Put(101, 1, false), SERVER);
    expect(bodies).toEqual([1034]);
    expect(sink.sent.filter((s) => samePeer(s.peer, SERVER)).map((s) => s.message.code)).toEqual([
      0x5f, 0x44,
    ]);
  });

  it('refusals are answered at a bounded rate; the rest are dropped and counted', () => {
    const { sink, ep, clock } = recordingEndpoint({ limits: { refusedRepliesPerSecond: 10 } });
    ep.setPeerAdmission(() => false);
    for (let i = 0; i < 1000; i++) {
      ep.receive(raw({ type: 'CON', code: 0x01, messageId: i, options: path('3') }), FOREIGN);
    }
    expect(sink.take()).toHaveLength(10);
    clock.advance(1000);
    ep.receive(raw({ type: 'CON', code: 0x01, messageId: 5000, options: path('3') }), FOREIGN);
    expect(sink.take()).toHaveLength(1);
    expect(ep.stats().dropped.peerRefused).toBe(1001);
    expect(ep.stats().dropped.refusalRateLimited).toBe(990);
  });

  it('the default admits every peer (a server endpoint answers anyone); the policy can be set at construction', () => {
    const open = recordingEndpoint();
    open.ep.onRequest(() => ({ code: '2.05' }));
    open.ep.receive(raw({ type: 'CON', code: 0x01, messageId: 1, options: path('rd') }), FOREIGN);
    expect(open.sink.last().message.code).toBe(0x45);
  });
});

describe('per-peer Block1 budget (an admitted peer cannot take every slot)', () => {
  it('a peer beyond maxBlock1TransfersPerPeer evicts its own oldest transfer, not another peer’s', () => {
    const { sink, ep } = recordingEndpoint({
      limits: { maxBlock1TransfersPerPeer: 2, maxBlock1Transfers: 16 },
    });
    const bodies: number[] = [];
    ep.onRequest((request) => {
      bodies.push(request.payload.length);
      return { code: '2.04' };
    });
    ep.receive(block1Put(1, 0, true), CLIENT);
    // the other peer opens many transfers to different resources
    for (let i = 0; i < 20; i++) {
      ep.receive(
        raw({
          type: 'CON',
          code: 0x03,
          messageId: 100 + i,
          options: [
            ...path('5', '0', `${i}`),
            encodeBlockOption(OptionNumber.Block1, { num: 0, more: true, szx: 6 }),
          ],
          payload: new Uint8Array(1024),
        }),
        SERVER,
      );
    }
    expect(ep.stats().caches.block1.transfers).toBe(3);
    ep.receive(block1Put(2, 1, false), CLIENT);
    expect(bodies).toEqual([1034]);
    expect(sink.last().message.code).toBe(0x44);
  });
});

describe('Block2 follow-ups are not masked', () => {
  const block2 = (num: number) => encodeBlockOption(OptionNumber.Block2, { num, more: false, szx: 6 });

  it('a follow-up for an unknown path gets the handler’s 4.04, not 4.02', async () => {
    const { sink, ep } = recordingEndpoint();
    ep.onRequest(() => ({ code: '4.04', payload: text('no such path') }));
    ep.receive(
      raw({ type: 'CON', code: 0x01, messageId: 1, options: [...path('9', '9'), block2(1)] }),
      SERVER,
    );
    await settle();
    const reply = sink.last().message;
    expect(reply.code).toBe(0x84);
    expect(reply.options.some((o) => o.number === OptionNumber.Block2)).toBe(false);
  });

  it('a follow-up with an Accept the handler cannot meet gets 4.06', async () => {
    const { sink, ep } = recordingEndpoint();
    ep.onRequest(() => ({ code: '4.06' }));
    ep.receive(
      raw({
        type: 'CON',
        code: 0x01,
        messageId: 1,
        options: [...path('3', '0'), uintOption(OptionNumber.Accept, 9999), block2(2)],
      }),
      SERVER,
    );
    await settle();
    expect(sink.last().message.code).toBe(0x86);
  });
});
