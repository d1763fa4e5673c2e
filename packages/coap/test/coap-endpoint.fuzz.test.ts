/**
 * Fuzzing `receive` with random and mutated datagrams: nothing escapes, nothing is counted as an
 * internal error, and every cache, queue and timer stays within its limit.
 */
import { expect, it } from 'vitest';
import { mutate, prng, randomBytes } from '../../../test/support/fuzz.js';
import type { CoapOutgoingResponse, PeerAddress } from '../src/coap-types.js';
import { CoapEndpoint } from '../src/endpoint/coap-endpoint.js';
import { encodeBlockOption } from '../src/message/block-option.js';
import { OptionNumber, uintOption } from '../src/message/coap-options.js';
import { FakeClock, raw, text } from './coap-test-support.js';

const PEERS: PeerAddress[] = [
  { address: '192.0.2.1', port: 5683 },
  { address: '192.0.2.1', port: 5684 },
  { address: '2001:db8::1', port: 5683 },
];

const LIMITS = {
  deduplicationCapacity: 500,
  blockwiseCacheEntries: 8,
  blockwiseCacheBytes: 64 * 1024,
  maxBlock1Transfers: 4,
  maxRequestBodyBytes: 8 * 1024,
  maxObservations: 64,
  maxTrackedNonConfirmable: 128,
  maxQueuedNotificationsPerPeer: 8,
  maxOutstandingRequests: 16,
};

const path = (...segments: string[]) =>
  segments.map((s) => ({ number: OptionNumber.UriPath, value: text(s) }));

/** Well-formed datagrams of every kind the endpoint handles, to mutate. */
function seeds(): Uint8Array[] {
  const token = Uint8Array.of(1, 2, 3, 4);
  return [
    raw({ type: 'CON', code: 0x01, messageId: 1, token, options: path('3', '0', '0') }),
    raw({
      type: 'CON',
      code: 0x01,
      messageId: 2,
      token,
      options: [uintOption(OptionNumber.Observe, 0), ...path('big')],
    }),
    raw({
      type: 'CON',
      code: 0x01,
      messageId: 3,
      token,
      options: [...path('big'), encodeBlockOption(OptionNumber.Block2, { num: 1, more: false, szx: 6 })],
    }),
    raw({
      type: 'CON',
      code: 0x03,
      messageId: 4,
      token,
      options: [
        ...path('5', '0', '0'),
        encodeBlockOption(OptionNumber.Block1, { num: 0, more: true, szx: 2 }),
      ],
      payload: new Uint8Array(64).fill(7),
    }),
    raw({
      type: 'NON',
      code: 0x02,
      messageId: 5,
      token,
      options: [...path('rd'), { number: OptionNumber.UriQuery, value: text('ep=x') }, uintOption(12, 40)],
      payload: text('</1/0>'),
    }),
    raw({ type: 'ACK', code: 0x45, messageId: 6, token, payload: text('ok') }),
    raw({ type: 'ACK', code: 0, messageId: 7 }),
    raw({ type: 'RST', code: 0, messageId: 8 }),
    raw({ type: 'CON', code: 0, messageId: 9 }),
    raw({ type: 'CON', code: 0x45, messageId: 10, token, options: [uintOption(OptionNumber.Observe, 3)] }),
  ];
}

it('200,000 random and mutated datagrams: no exception, bounded state', async () => {
  const clock = new FakeClock();
  const rand = prng(0xc0a9);
  let sent = 0;
  const ep = new CoapEndpoint({ sink: { send: () => void sent++ }, clock, random: rand, limits: LIMITS });
  const big = new Uint8Array(5000).fill(0x61);
  ep.onRequest((request): CoapOutgoingResponse | Promise<CoapOutgoingResponse> => {
    const kind = request.payload.length % 4;
    if (kind === 0) return { code: '2.05', payload: big, ...(request.observe === 0 ? { observe: 1 } : {}) };
    if (kind === 1) throw new Error('handler failure');
    if (kind === 2) {
      return new Promise((resolve) => clock.setTimer(rand() * 3000, () => resolve({ code: '2.04' })));
    }
    return { code: '4.04' };
  });
  const seedList = seeds();
  const runs = 200_000;
  let maxDedup = 0;
  let maxTimers = 0;
  for (let i = 0; i < runs; i++) {
    const peer = PEERS[i % PEERS.length]!;
    const seed = seedList[Math.floor(rand() * seedList.length)]!;
    const datagram = i % 2 === 0 ? randomBytes(rand, 96) : mutate(rand, seed);
    // random datagrams mostly fail the version check: make some of them look like CoAP v1
    if (i % 4 === 0 && datagram.length > 0) datagram[0] = (datagram[0]! & 0x3f) | 0x40;
    ep.receive(datagram, peer);
    // keep some of our own traffic outstanding for ACK/RST/response fuzz to hit
    if (i % 500 === 0) {
      ep.request(peer, { method: 'GET', uriPath: ['x'] }).catch(() => {});
      void ep.notify(
        peer,
        Uint8Array.of(1, 2, 3, 4),
        { code: '2.05', observe: i, payload: big },
        { confirmable: i % 1000 === 0 },
      );
    }
    if (i % 100 === 0) {
      clock.advance(rand() * 5_000);
      await Promise.resolve();
      const stats = ep.stats();
      maxDedup = Math.max(maxDedup, stats.caches.deduplication.entries);
      maxTimers = Math.max(maxTimers, stats.outstanding.timers);
      expect(stats.caches.deduplication.entries).toBeLessThanOrEqual(LIMITS.deduplicationCapacity);
      expect(stats.caches.blockwise.entries).toBeLessThanOrEqual(LIMITS.blockwiseCacheEntries);
      expect(stats.caches.blockwise.bytes).toBeLessThanOrEqual(LIMITS.blockwiseCacheBytes);
      expect(stats.caches.block1.transfers).toBeLessThanOrEqual(LIMITS.maxBlock1Transfers);
      expect(stats.caches.block1.bytes).toBeLessThanOrEqual(
        LIMITS.maxBlock1Transfers * LIMITS.maxRequestBodyBytes,
      );
      expect(stats.caches.observations.entries).toBeLessThanOrEqual(LIMITS.maxObservations);
      expect(stats.caches.trackedNonConfirmable).toBeLessThanOrEqual(LIMITS.maxTrackedNonConfirmable);
      expect(stats.outstanding.requests).toBeLessThanOrEqual(LIMITS.maxOutstandingRequests);
      expect(stats.outstanding.notificationsQueued).toBeLessThanOrEqual(
        LIMITS.maxQueuedNotificationsPerPeer * PEERS.length,
      );
    }
  }
  const stats = ep.stats();
  if (process.env.COAP_DEBUG) console.log(JSON.stringify(stats));
  expect(stats.internalErrors).toBe(0);
  expect(stats.malformed).toBeGreaterThan(runs / 4);
  expect(stats.incoming.requests).toBeGreaterThan(1_000);
  expect(maxDedup).toBeGreaterThan(100); // the bound was actually exercised
  expect(maxTimers).toBeLessThan(2_000);
  expect(sent).toBeGreaterThan(1_000);
  ep.close();
  expect(ep.stats().outstanding.timers).toBe(0);
}, 60_000);
