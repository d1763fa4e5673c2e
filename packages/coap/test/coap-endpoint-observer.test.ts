/**
 * The observer role (RFC 7641): observe() registers with Observe=0, notifications are matched by
 * peer and token, acknowledged, ordered by the Observe number (§3.4), ended by a final response,
 * cancelled actively (Observe=1) or passively (RST), completed block-wise (RFC 7959 §2.6).
 * Incoming datagrams are written by hand in hex (RFC 7252 §3), independent of our codec.
 */
import { isCodedError } from '@lwm2m-adapters/errors';
import { describe, expect, it } from 'vitest';
import type { CoapNotification, CoapObservationEnd } from '../src/coap-types.js';
import type { CoapEndpoint } from '../src/endpoint/coap-endpoint.js';
import { decodeBlockOption } from '../src/message/block-option.js';
import { OptionNumber } from '../src/message/coap-options.js';
import {
  asText,
  hexOf,
  optionValues,
  type RecordingSink,
  recordingEndpoint,
  SERVER,
  settle,
  uintOf,
} from './coap-test-support.js';

type Limits = ConstructorParameters<typeof CoapEndpoint>[0]['limits'];

function setup(random: () => number = () => 0, limits: Limits = {}) {
  return recordingEndpoint({ random, limits });
}

/** A random source that never repeats a token: successive golden-ratio steps. */
function stepping(): () => number {
  let n = 0;
  return () => (n++ * 0.618_033_988_75) % 1;
}

const h = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** GET /3303/0/5700 Accept text/plain, the request most tests observe. */
const TEMPERATURE = { method: 'GET', uriPath: ['3303', '0', '5700'], accept: 0 } as const;

/**
 * A notification (or separate response) as the notifier sends it: `type` 4 CON / 5 NON with TKL 4,
 * `code` byte, message ID, token, Observe (option 6, one byte) unless undefined, Content-Format 0
 * (option 12, empty), payload.
 */
function notification(
  type: 'CON' | 'NON',
  messageId: number,
  token: string,
  observe: number | undefined,
  payload: string,
  code = '45',
): Uint8Array {
  const first = type === 'CON' ? '44' : '54';
  const observeOption = observe === undefined ? '' : `61 ${observe.toString(16).padStart(2, '0')}`;
  // Content-Format: delta 6 from Observe, or 12 from nothing
  const contentFormat = observe === undefined ? 'c0' : '60';
  const body = payload === '' ? '' : `ff ${Buffer.from(payload).toString('hex')}`;
  return h(`${first} ${code} ${hex4(messageId)} ${token} ${observeOption} ${contentFormat} ${body}`);
}

/** Starts observing TEMPERATURE and answers with a piggy-backed 2.05, Observe `observe`, "21.5". */
async function established(ep: CoapEndpoint, sink: RecordingSink, observe = 5) {
  const received: CoapNotification[] = [];
  const pending = ep.observe(SERVER, TEMPERATURE, (n) => received.push(n));
  const request = sink.last().message;
  const token = hexOf(request.token);
  ep.receive(
    h(`64 45 ${hex4(request.messageId)} ${token} 61 ${hex4(observe).slice(2)} 60 ff 32312e35`),
    SERVER,
  );
  const observation = await pending;
  const ended: { reason: CoapObservationEnd | undefined } = { reason: undefined };
  void observation.ended.then((reason) => (ended.reason = reason));
  return { observation, received, token, ended };
}

describe('registration (RFC 7641 §3.1)', () => {
  it('golden bytes: CON GET with Observe=0, Uri-Path and Accept; a piggy-backed 2.05 with Observe establishes it', async () => {
    const { sink, ep } = setup();
    const { observation } = await established(ep, sink);
    // 0x44: CON, TKL 4; 0x01 GET; MID 0 and token 00000000 (random 0); Observe (6) empty = 0;
    // Uri-Path (delta 5) "3303", "0", "5700"; Accept (delta 6) empty = 0 (text/plain)
    expect(hexOf(sink.sent[0]!.bytes)).toBe(
      '4401000000000000' + '60' + '5433333033' + '0130' + '0435373030' + '60',
    );
    expect(observation.observing).toBe(true);
    expect(asText(observation.response.payload)).toBe('21.5');
    expect(observation.response.contentFormat).toBe(0);
    expect(hexOf(observation.token)).toBe('00000000');
    expect(ep.stats().observing).toMatchObject({ active: 1, established: 1 });
    expect(ep.stats().outstanding.requests).toBe(0);
  });

  it('a separate CON response with Observe establishes it; it is acknowledged', async () => {
    const { sink, ep } = setup();
    const pending = ep.observe(SERVER, TEMPERATURE, () => {});
    ep.receive(h('60 00 0000'), SERVER); // empty ACK
    ep.receive(notification('CON', 0x2001, '00000000', 3, '20'), SERVER);
    expect(hexOf(sink.last().bytes)).toBe('60002001'); // ACK, MID 2001
    const observation = await pending;
    expect(observation.observing).toBe(true);
    expect(asText(observation.response.payload)).toBe('20');
  });

  it('a 2.05 without Observe is a plain response: not observing, ended "not-accepted", later messages on the token get RST', async () => {
    const { sink, ep } = setup();
    const pending = ep.observe(SERVER, TEMPERATURE, () => {});
    ep.receive(h('64 45 0000 00000000 c0 ff 3231'), SERVER);
    const observation = await pending;
    expect(observation.observing).toBe(false);
    await expect(observation.ended).resolves.toBe('not-accepted');
    expect(ep.stats().observing.active).toBe(0);
    ep.receive(notification('NON', 0x10, '00000000', 6, '22'), SERVER);
    expect(hexOf(sink.last().bytes)).toBe('70000010'); // RST
    await expect(observation.cancel({ active: true })).resolves.toBeUndefined();
  });

  it('a 4.04 answer is not an observation either', async () => {
    const { ep, sink } = setup();
    const pending = ep.observe(SERVER, TEMPERATURE, () => {});
    ep.receive(h('64 84 0000 00000000'), SERVER);
    const observation = await pending;
    expect(observation.response.code).toBe('4.04');
    expect(observation.observing).toBe(false);
    expect(sink.sent).toHaveLength(1);
  });

  it('only GET and FETCH observe; at most maxObserving at once (QUEUE_FULL, counted)', async () => {
    const { ep } = setup(stepping(), { maxObserving: 2 });
    await expect(ep.observe(SERVER, { method: 'PUT', uriPath: ['a'] } as never, () => {})).rejects.toSatisfy(
      (e) => isCodedError(e, 'COAP_MESSAGE_INVALID'),
    );
    void ep.observe(SERVER, { method: 'GET', uriPath: ['a'] }, () => {}).catch(() => {});
    void ep.observe(SERVER, { method: 'GET', uriPath: ['b'] }, () => {}).catch(() => {});
    await expect(ep.observe(SERVER, { method: 'GET', uriPath: ['c'] }, () => {})).rejects.toSatisfy((e) =>
      isCodedError(e, 'QUEUE_FULL'),
    );
    expect(ep.stats().observing).toMatchObject({ active: 2, refused: 1 });
    ep.close();
    await settle();
    expect(ep.stats().observing.active).toBe(0);
  });

  it('a failed registration (timeout) frees its slot and token', async () => {
    const { clock, ep } = setup(stepping());
    const pending = ep.observe(SERVER, TEMPERATURE, () => {}, { timeoutMs: 1_000 });
    clock.advance(1_000);
    await expect(pending).rejects.toSatisfy((e) => isCodedError(e, 'COAP_TIMEOUT'));
    expect(ep.stats().observing.active).toBe(0);
  });
});

describe('notifications', () => {
  it('CON ones are ACKed (golden bytes) then delivered; NON ones delivered without reply', async () => {
    const { sink, ep } = setup();
    const { received, token } = await established(ep, sink);
    ep.receive(notification('CON', 0x1001, token, 6, '22.5'), SERVER);
    expect(hexOf(sink.last().bytes)).toBe('60001001');
    const sentBefore = sink.sent.length;
    ep.receive(notification('NON', 0x1002, token, 7, '23'), SERVER);
    expect(sink.sent).toHaveLength(sentBefore);
    expect(received.map((n) => [asText(n.payload), n.observe, n.confirmable, n.code])).toEqual([
      ['22.5', 6, true, '2.05'],
      ['23', 7, false, '2.05'],
    ]);
    expect(received[0]!.contentFormat).toBe(0);
    expect(ep.stats().observing.notifications).toBe(2);
  });

  it('a retransmitted CON notification gets the same ACK and is delivered once', async () => {
    const { sink, ep } = setup();
    const { received, token } = await established(ep, sink);
    const datagram = notification('CON', 0x1001, token, 6, '22.5');
    ep.receive(datagram, SERVER);
    ep.receive(datagram, SERVER);
    expect(sink.sent.slice(-2).map((s) => hexOf(s.bytes))).toEqual(['60001001', '60001001']);
    expect(received).toHaveLength(1);
    // not remembered as an exchange: the Observe-number rule finds it not newer
    expect(ep.stats().observing.outOfOrder).toBe(1);
  });

  it('an older Observe number is acknowledged and dropped; after 128 s any number is newer (§3.4)', async () => {
    const { clock, sink, ep } = setup();
    const { received, token } = await established(ep, sink, 10);
    ep.receive(notification('CON', 0x1001, token, 9, 'old'), SERVER);
    expect(hexOf(sink.last().bytes)).toBe('60001001');
    ep.receive(notification('NON', 0x1002, token, 10, 'same'), SERVER);
    ep.receive(notification('NON', 0x1003, token, 12, 'new'), SERVER);
    ep.receive(notification('NON', 0x1004, token, 11, 'late'), SERVER);
    expect(received.map((n) => asText(n.payload))).toEqual(['new']);
    expect(ep.stats().observing.outOfOrder).toBe(3);
    clock.advance(128_000);
    ep.receive(notification('NON', 0x1005, token, 11, 'still old'), SERVER);
    expect(received).toHaveLength(1);
    clock.advance(1);
    ep.receive(notification('NON', 0x1006, token, 2, 'server rebooted'), SERVER);
    expect(received.map((n) => asText(n.payload))).toEqual(['new', 'server rebooted']);
  });

  it('the 24-bit Observe number wraps: 0xfffffe then 0x000001 is newer, the reverse is older', async () => {
    const { sink, ep } = setup();
    const received: CoapNotification[] = [];
    const pending = ep.observe(SERVER, TEMPERATURE, (n) => received.push(n));
    // Observe 0xfffffe: option 6, length 3
    ep.receive(h('64 45 0000 00000000 63 fffffe 60 ff 31'), SERVER);
    await pending;
    ep.receive(notification('NON', 0x1001, '00000000', 1, 'wrapped'), SERVER);
    ep.receive(h('54 45 1002 00000000 63 fffffd 60 ff 32'), SERVER);
    expect(received.map((n) => [asText(n.payload), n.observe])).toEqual([['wrapped', 1]]);
    expect(sink.sent.map((s) => s.message.type)).toEqual(['CON']);
  });

  it('a notification for an unknown token gets RST, CON and NON alike', () => {
    const { sink, ep } = setup();
    ep.receive(notification('CON', 0x0a0b, 'deadbeef', 4, 'x'), SERVER);
    expect(hexOf(sink.last().bytes)).toBe('70000a0b');
    ep.receive(notification('NON', 0x0a0c, 'deadbeef', 5, 'x'), SERVER);
    expect(hexOf(sink.last().bytes)).toBe('70000a0c');
    expect(ep.stats().dropped.unmatchedResponse).toBe(2);
  });

  it('the token is matched per peer: the same token from another address gets RST', async () => {
    const { sink, ep } = setup();
    const { received, token } = await established(ep, sink);
    ep.receive(notification('NON', 0x1001, token, 6, 'x'), { address: SERVER.address, port: 5684 });
    expect(hexOf(sink.last().bytes)).toBe('70001001');
    expect(received).toHaveLength(0);
  });

  it('a 4.04 notification is delivered and ends the observation; the next one gets RST', async () => {
    const { sink, ep } = setup();
    const { received, token, ended } = await established(ep, sink);
    ep.receive(h(`44 84 1001 ${token}`), SERVER);
    expect(hexOf(sink.last().bytes)).toBe('60001001');
    expect(received.map((n) => [n.code, n.observe])).toEqual([['4.04', undefined]]);
    await settle();
    expect(ended.reason).toBe('final');
    ep.receive(notification('NON', 0x1002, token, 9, 'x'), SERVER);
    expect(hexOf(sink.last().bytes)).toBe('70001002');
    expect(ep.stats().observing).toMatchObject({ active: 0, final: 1 });
  });

  it('a 2.05 without Observe is final too', async () => {
    const { sink, ep } = setup();
    const { received, token, ended } = await established(ep, sink);
    ep.receive(notification('NON', 0x1001, token, undefined, 'last'), SERVER);
    await settle();
    expect(received.map((n) => [asText(n.payload), n.observe])).toEqual([['last', undefined]]);
    expect(ended.reason).toBe('final');
  });

  it('a listener that throws is counted; the ACK went out before it ran', async () => {
    const { sink, ep } = setup();
    const seenBeforeListener: string[] = [];
    const pending = ep.observe(SERVER, TEMPERATURE, () => {
      seenBeforeListener.push(hexOf(sink.last().bytes));
      throw new Error('listener bug');
    });
    ep.receive(h('64 45 0000 00000000 61 05 60 ff 31'), SERVER);
    await pending;
    ep.receive(notification('CON', 0x1001, '00000000', 6, '2'), SERVER);
    expect(seenBeforeListener).toEqual(['60001001']);
    expect(ep.stats().observing.listenerErrors).toBe(1);
    expect(ep.stats().internalErrors).toBe(0);
  });

  it('a notification that overtakes the handling of the first response is delivered after it', async () => {
    const { clock, ep } = setup();
    const order: string[] = [];
    const pending = ep.observe(SERVER, TEMPERATURE, (n) => order.push(`notification ${asText(n.payload)}`));
    // the ACK and two notifications in one go, before the first response reached the caller
    ep.receive(h('64 45 0000 00000000 61 05 60 ff 31'), SERVER);
    ep.receive(notification('NON', 0x1001, '00000000', 7, '3'), SERVER);
    ep.receive(notification('NON', 0x1002, '00000000', 6, '2'), SERVER); // older than 7: dropped
    const observation = await pending;
    order.push(`first ${asText(observation.response.payload)}`);
    clock.advance(0);
    expect(order).toEqual(['first 1', 'notification 3']);
    expect(ep.stats().observing.outOfOrder).toBe(1);
  });
});

describe('cancellation (RFC 7641 §3.6)', () => {
  it('passive: forgotten at once; the next notification gets RST', async () => {
    const { sink, ep } = setup();
    const { observation, received, token, ended } = await established(ep, sink);
    await expect(observation.cancel()).resolves.toBeUndefined();
    await settle();
    expect(ended.reason).toBe('cancelled');
    expect(ep.stats().observing.active).toBe(0);
    ep.receive(notification('CON', 0x1001, token, 6, 'x'), SERVER);
    expect(hexOf(sink.last().bytes)).toBe('70001001');
    expect(received).toHaveLength(0);
  });

  it('Symbol.dispose cancels passively', async () => {
    const { sink, ep } = setup();
    {
      using _observation = (await established(ep, sink)).observation;
      expect(ep.stats().observing.active).toBe(1);
    }
    expect(ep.stats().observing.active).toBe(0);
    expect(sink.sent).toHaveLength(1);
  });

  it('active: golden bytes of GET with the same token, Observe=1 and the same options; resolves with its response', async () => {
    const { sink, ep } = setup();
    const { observation, token, ended } = await established(ep, sink);
    const cancelled = observation.cancel({ active: true });
    const deregister = sink.last();
    // MID 1 (the next after 0), the observation's token, Observe (6) = 1, same Uri-Path and Accept
    expect(hexOf(deregister.bytes)).toBe(
      `44010001 ${token} 6101 5433333033 0130 0435373030 60`.replace(/\s/g, ''),
    );
    ep.receive(h(`64 45 0001 ${token} c0 ff 3232`), SERVER); // 2.05 without Observe
    const response = await cancelled;
    expect(asText(response!.payload)).toBe('22');
    await settle();
    expect(ended.reason).toBe('cancelled');
    ep.receive(notification('NON', 0x1001, token, 8, 'x'), SERVER);
    expect(hexOf(sink.last().bytes)).toBe('70001001');
    expect(ep.stats().observing.active).toBe(0);
  });

  it('active cancel that times out still forgets the observation', async () => {
    const { clock, sink, ep } = setup();
    const { observation, ended } = await established(ep, sink);
    const cancelled = observation.cancel({ active: true, timeoutMs: 2_000 });
    clock.advance(2_000);
    await expect(cancelled).rejects.toSatisfy((e) => isCodedError(e, 'COAP_TIMEOUT'));
    expect(ended.reason).toBe('cancelled');
    expect(ep.stats().observing.active).toBe(0);
  });

  it('Symbol.asyncDispose cancels actively and swallows a failure', async () => {
    const { clock, sink, ep } = setup();
    const { observation } = await established(ep, sink);
    const disposed = observation[Symbol.asyncDispose]();
    expect(uintOf(optionValues(sink.last().message, OptionNumber.Observe)[0])).toBe(1);
    clock.advance(100_000);
    await expect(disposed).resolves.toBeUndefined();
    expect(ep.stats().observing.active).toBe(0);
  });

  it('closing the endpoint ends every observation "closed"; observe() afterwards rejects', async () => {
    const { sink, ep } = setup();
    const { ended } = await established(ep, sink);
    ep.close();
    await settle();
    expect(ended.reason).toBe('closed');
    await expect(ep.observe(SERVER, TEMPERATURE, () => {})).rejects.toSatisfy((e) =>
      isCodedError(e, 'TRANSPORT_CLOSED'),
    );
  });
});

describe('block-wise (RFC 7959 §2.6)', () => {
  const etag = 'e1e2';
  /** NON notification: ETag, Observe, Content-Format 0, Block2 num 0 M=1 szx 0 (16 bytes), payload. */
  const firstBlock = (messageId: number, token: string, observe: number, payload: string) =>
    h(
      `54 45 ${hex4(messageId)} ${token} 42 ${etag} 21 ${observe.toString(16).padStart(2, '0')} 60 b1 08 ff ${Buffer.from(payload).toString('hex')}`,
    );
  /** The piggy-backed answer to a follow-up: ETag, Content-Format 0, Block2 num `num` M=0 szx 0. */
  const lastBlock = (messageId: number, token: string, num: number, payload: string) =>
    h(
      `6${token.length / 2} 45 ${hex4(messageId)} ${token} 42 ${etag} 80 b1 ${(num << 4).toString(16).padStart(2, '0')} ff ${Buffer.from(payload).toString('hex')}`,
    );

  it('a notification in blocks: the rest is fetched without Observe, then delivered whole', async () => {
    const { sink, ep } = setup(stepping());
    const { received, token } = await established(ep, sink);
    ep.receive(firstBlock(0x3001, token, 6, '0123456789abcdef'), SERVER);
    const followUp = sink.last().message;
    expect(followUp.type).toBe('CON');
    expect(hexOf(followUp.token)).not.toBe(token);
    expect(optionValues(followUp, OptionNumber.Observe)).toEqual([]);
    expect(optionValues(followUp, OptionNumber.UriPath).map(asText)).toEqual(['3303', '0', '5700']);
    expect(uintOf(optionValues(followUp, OptionNumber.Accept)[0])).toBe(0);
    expect(decodeBlockOption(optionValues(followUp, OptionNumber.Block2)[0]!)).toEqual({
      num: 1,
      more: false,
      szx: 0,
    });
    expect(received).toHaveLength(0);
    ep.receive(lastBlock(followUp.messageId, hexOf(followUp.token), 1, 'ghij'), SERVER);
    await settle(10);
    expect(received.map((n) => [asText(n.payload), n.observe, n.confirmable])).toEqual([
      ['0123456789abcdefghij', 6, false],
    ]);
  });

  it('a newer notification while blocks are fetched wins; the older transfer is not delivered', async () => {
    const { sink, ep } = setup(stepping());
    const { received, token } = await established(ep, sink);
    ep.receive(firstBlock(0x3001, token, 6, '0123456789abcdef'), SERVER);
    const followUp = sink.last().message;
    ep.receive(notification('NON', 0x3002, token, 7, 'small'), SERVER);
    ep.receive(lastBlock(followUp.messageId, hexOf(followUp.token), 1, 'ghij'), SERVER);
    await settle(10);
    expect(received.map((n) => asText(n.payload))).toEqual(['small']);
  });

  it('a follow-up that fails (ETag changed) drops the notification and is counted', async () => {
    const { sink, ep } = setup(stepping());
    const { received, token } = await established(ep, sink);
    ep.receive(firstBlock(0x3001, token, 6, '0123456789abcdef'), SERVER);
    const followUp = sink.last().message;
    const otherEtag = lastBlock(followUp.messageId, hexOf(followUp.token), 1, 'ghij');
    otherEtag[4 + followUp.token.length + 1] = 0x99; // first ETag byte
    ep.receive(otherEtag, SERVER);
    await settle(10);
    expect(received).toHaveLength(0);
    expect(ep.stats().observing.blockwiseFailed).toBe(1);
  });

  it('a block-wise first response is completed before observe() resolves, follow-ups without Observe', async () => {
    const { sink, ep } = setup(stepping());
    const pending = ep.observe(SERVER, TEMPERATURE, () => {});
    const request = sink.last().message;
    ep.receive(
      h(
        `64 45 ${hex4(request.messageId)} ${hexOf(request.token)} 42 ${etag} 21 05 60 b1 08 ff ${Buffer.from('0123456789abcdef').toString('hex')}`,
      ),
      SERVER,
    );
    await settle();
    const followUp = sink.last().message;
    expect(optionValues(followUp, OptionNumber.Observe)).toEqual([]);
    ep.receive(lastBlock(followUp.messageId, hexOf(followUp.token), 1, 'XY'), SERVER);
    const observation = await pending;
    expect(observation.observing).toBe(true);
    expect(asText(observation.response.payload)).toBe('0123456789abcdefXY');
  });
});
