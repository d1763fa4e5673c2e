/**
 * Through the whole endpoint: message IDs of CON requests, CON and NON notifications and their
 * retransmissions are never reused towards the peer within their lifetime, also when the load
 * goes beyond the message-ID ceiling (then requests fail QUEUE_FULL instead).
 */
import { isCodedError } from '@lwm2m-adapters/errors';
import { expect, it } from 'vitest';
import { prng } from '../../../test/support/fuzz.js';
import type { DatagramSink, PeerAddress } from '../src/coap-types.js';
import { CoapEndpoint } from '../src/endpoint/coap-endpoint.js';
import { FakeClock, SERVER } from './coap-test-support.js';
import { CON_LIFETIME, MessageIdAudit, NON_LIFETIME } from './message-id-audit.js';

/** A sink that audits our message IDs and plays a peer answering after a round trip. */
class AuditingPeer implements DatagramSink {
  readonly audit = new MessageIdAudit();
  endpoint: CoapEndpoint | undefined;
  lostAcks = 0;

  constructor(
    private readonly clock: FakeClock,
    private readonly rand: () => number,
  ) {}

  send(datagram: Uint8Array, peer: PeerAddress): void {
    const type = (datagram[0]! >> 4) & 3;
    if (type >= 2) return; // ACK/RST carry the peer's message IDs
    const tkl = datagram[0]! & 0x0f;
    const messageId = (datagram[2]! << 8) | datagram[3]!;
    const token = Buffer.from(datagram.subarray(4, 4 + tkl)).toString('hex');
    this.audit.record(this.clock.now(), messageId, type === 0, token);
    if (type !== 0) return;
    if (this.rand() < 0.02) {
      this.lostAcks++;
      return;
    }
    // requests (code class 0) get a piggy-backed 2.05, notifications an empty ACK
    const isRequest = datagram[1]! >> 5 === 0;
    const reply = isRequest
      ? Uint8Array.of(0x60 | tkl, 0x45, datagram[2]!, datagram[3]!, ...datagram.subarray(4, 4 + tkl))
      : Uint8Array.of(0x60, 0, datagram[2]!, datagram[3]!);
    this.clock.setTimer(20, () => this.endpoint?.receive(reply, peer));
  }
}

it('through the endpoint: 20 simulated minutes at ~265-330 messages/s incl. 6 min of overload', async () => {
  const clock = new FakeClock();
  const rand = prng(7);
  const peer = new AuditingPeer(clock, rand);
  const ep = new CoapEndpoint({ sink: peer, clock, random: rand, limits: { maxOutstandingRequests: 256 } });
  peer.endpoint = ep;
  const outcomes = new Map<string, number>();
  const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  const token = Uint8Array.of(1, 2, 3);
  const seconds = 20 * 60;
  for (let tick = 0; tick < seconds * 100; tick++) {
    // per 10 ms: 1 CON request (2 from minute 8 to 14: beyond the message-ID ceiling),
    // 1-2 NON notifications, and a CON notification (replacing the queued one)
    const overload = tick >= 8 * 6000 && tick < 14 * 6000;
    for (let r = overload ? 2 : 1; r > 0; r--) {
      ep.request(SERVER, { method: 'POST', uriPath: ['dp'] }).then(
        () => count('request ok'),
        (error: unknown) => count(isCodedError(error) ? error.code : 'other'),
      );
    }
    for (let i = rand() < 0.5 ? 1 : 2; i > 0; i--) {
      void ep.notify(SERVER, token, { code: '2.05', observe: tick }, { confirmable: false }).then(count);
    }
    void ep
      .notify(SERVER, Uint8Array.of(9), { code: '2.05', observe: tick }, { confirmable: true })
      .then(count);
    clock.advance(10);
    if (tick % 100 === 0) await Promise.resolve();
  }
  clock.advance(200_000);
  await new Promise((resolve) => setImmediate(resolve));
  const audit = peer.audit;
  const stats = ep.stats();
  if (process.env.COAP_DEBUG) console.log(audit, Object.fromEntries(outcomes), stats);
  expect(audit.violations).toEqual([]);
  expect(audit.minGapCon).toBeGreaterThanOrEqual(CON_LIFETIME);
  expect(audit.minGapNon).toBeGreaterThanOrEqual(NON_LIFETIME);
  expect(audit.fresh / seconds).toBeGreaterThan(250);
  expect(audit.retransmissions).toBeGreaterThan(0); // 2 % of ACKs were lost
  expect(stats.internalErrors).toBe(0);
  // during the overload the ID space ran full: refused (QUEUE_FULL), never reused
  expect(stats.messageIds.refusals).toBeGreaterThan(0);
  expect(outcomes.get('QUEUE_FULL')).toBeGreaterThan(0);
  expect(outcomes.get('request ok')).toBeGreaterThan(seconds * 100);
  ep.close();
}, 60_000);
