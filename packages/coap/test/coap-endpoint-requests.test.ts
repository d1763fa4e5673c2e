/** The client side of the endpoint: request(), retransmission, responses, Block1 out, Block2 in. */
import { isCodedError } from '@lwm2m-adapters/errors';
import { describe, expect, it } from 'vitest';
import type { CoapOption } from '../src/coap-types.js';
import { decodeBlockOption, encodeBlockOption } from '../src/message/block-option.js';
import type { CoapMessage } from '../src/message/coap-message.js';
import { OptionNumber, uintOption } from '../src/message/coap-options.js';
import {
  asText,
  type EndpointLimits,
  optionValues,
  raw,
  recordingEndpoint,
  SERVER,
  type SentDatagram,
  settle,
  text,
  uintOf,
} from './coap-test-support.js';

function setup(random = () => 0.5, limits: EndpointLimits = {}) {
  return recordingEndpoint({ random, limits });
}

/** The server's piggy-backed answer to a request we sent. */
function ackWith(
  request: CoapMessage,
  code: number,
  options: CoapOption[] = [],
  payload: Uint8Array = new Uint8Array(0),
) {
  return raw({ type: 'ACK', code, messageId: request.messageId, token: request.token, options, payload });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('CON request retransmission (RFC 7252 §4.2)', () => {
  it.each([
    [0, 2_000],
    [0.5, 2_500],
    [0.999, 2_999],
  ])('random %f: first timeout %i ms, doubling, 4 retransmissions, then COAP_TIMEOUT', async (r, first) => {
    const { clock, sink, ep } = setup(() => r);
    const start = clock.now();
    const result = rejection(
      ep.request(SERVER, { method: 'POST', uriPath: ['rd'], payload: text('</1/0>') }),
    );
    // step through time until the promise settles
    for (let i = 0; i < 200 && sink.sent.length < 5; i++) clock.advance(500);
    clock.advance(100_000);
    const error = await result;
    const times = sink.sent.map((s) => s.at - start);
    const expected = [0, first, 3 * first, 7 * first, 15 * first];
    expect(times.map((t, i) => Math.abs(t - (expected[i] ?? 0)) <= 500)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(new Set(sink.sent.map((s) => s.message.messageId)).size).toBe(1); // same MID every time
    expect(isCodedError(error, 'COAP_TIMEOUT')).toBe(true);
    expect(ep.stats().retransmissions).toBe(4);
    expect(ep.stats().requests.timeouts).toBe(1);
  });

  it('exact schedule with the fake clock: 2.5 s, 5 s, 10 s, 20 s, then give up after 40 s', async () => {
    const { clock, sink, ep } = setup(() => 0.5);
    let failed: unknown;
    ep.request(SERVER, { method: 'GET', uriPath: ['x'] }).catch((e: unknown) => (failed = e));
    const t0 = clock.now();
    for (const gap of [2_500, 5_000, 10_000, 20_000]) {
      clock.advance(gap - 1);
      const before = sink.sent.length;
      clock.advance(1);
      expect(sink.sent.length).toBe(before + 1);
    }
    clock.advance(40_000 - 1);
    await settle();
    expect(failed).toBeUndefined();
    clock.advance(1);
    await settle();
    expect(isCodedError(failed, 'COAP_TIMEOUT')).toBe(true);
    expect(clock.now() - t0).toBe(77_500); // 31 × 2.5 s
    expect(ep.stats().outstanding.timers).toBe(0);
  });
});

describe('retransmission schedule of several CON messages (one timer for the earliest)', () => {
  it('each keeps its own schedule; acknowledging the earliest does not delay the others', async () => {
    let n = 0;
    const { clock, sink, ep } = setup(() => [0, 0.5, 0.999][n++ % 3]!);
    const a = ep.request(SERVER, { method: 'GET', uriPath: ['a'] });
    clock.advance(300);
    const b = ep.request(SERVER, { method: 'GET', uriPath: ['b'] });
    clock.advance(300);
    const c = ep.request(SERVER, { method: 'GET', uriPath: ['c'] });
    const first = new Map(
      sink.sent.map((s) => [asText(optionValues(s.message, OptionNumber.UriPath)[0]!), s]),
    );
    expect(ep.stats().outstanding.timers).toBe(1);
    // 'a' was due first; its ACK must not hold back 'b' and 'c'
    ep.receive(ackWith(first.get('a')!.message, 0x45), SERVER);
    await a;
    sink.take();
    clock.advance(10_000);
    const pathOf = (s: SentDatagram) => asText(optionValues(s.message, OptionNumber.UriPath)[0]!);
    const resent = sink.take().map((s): [string, number] => [pathOf(s), s.at - first.get(pathOf(s))!.at]);
    // timeouts follow each message's own first timeout and double: b and c only
    const timesOf = (path: string) => resent.filter(([p]) => p === path).map(([, t]) => t);
    const bFirst = timesOf('b')[0]!;
    const cFirst = timesOf('c')[0]!;
    expect(timesOf('a')).toEqual([]);
    expect(timesOf('b')).toEqual([bFirst, 3 * bFirst]);
    expect(timesOf('c')).toEqual([cFirst, 3 * cFirst]);
    expect([bFirst, cFirst].every((t) => t >= 2_000 && t < 3_000)).toBe(true);
    ep.receive(ackWith(first.get('b')!.message, 0x45), SERVER);
    ep.receive(ackWith(first.get('c')!.message, 0x45), SERVER);
    await Promise.all([b, c]);
    expect(ep.stats().outstanding).toMatchObject({ timers: 0, confirmable: 0 });
  });
});

describe('responses', () => {
  it('piggy-backed response resolves with code, content format, payload and Location-Path', async () => {
    const { sink, ep } = setup();
    const pending = ep.request(SERVER, {
      method: 'POST',
      uriPath: ['rd'],
      uriQuery: ['ep=dev1', 'lt=60'],
      contentFormat: 40,
      payload: text('</1/0>,</3/0>'),
    });
    const sent = sink.last().message;
    expect(sent.type).toBe('CON');
    expect(sent.token.length).toBe(4);
    expect(optionValues(sent, OptionNumber.UriQuery).map(asText)).toEqual(['ep=dev1', 'lt=60']);
    ep.receive(
      ackWith(sent, 0x41, [
        { number: OptionNumber.LocationPath, value: text('rd') },
        { number: OptionNumber.LocationPath, value: text('a1b2') },
      ]),
      SERVER,
    );
    const response = await pending;
    expect(response.code).toBe('2.01');
    expect(response.locationPath).toEqual(['rd', 'a1b2']);
    // a duplicate ACK later is ignored (counted)
    ep.receive(ackWith(sent, 0x41), SERVER);
    expect(ep.stats().dropped.unmatchedAck).toBe(1);
  });

  it('empty ACK, then a separate CON response: we ACK it, and a duplicate is ACKed again', async () => {
    const { clock, sink, ep } = setup();
    const pending = ep.request(SERVER, { method: 'GET', uriPath: ['3', '0'] });
    const sent = sink.last().message;
    ep.receive(raw({ type: 'ACK', code: 0, messageId: sent.messageId }), SERVER);
    clock.advance(60_000); // no retransmission after the empty ACK
    expect(sink.sent).toHaveLength(1);
    const separate = raw({
      type: 'CON',
      code: 0x45,
      messageId: 0x7777,
      token: sent.token,
      payload: text('hi'),
    });
    ep.receive(separate, SERVER);
    const response = await pending;
    expect(asText(response.payload)).toBe('hi');
    expect(sink.last().message).toMatchObject({ type: 'ACK', code: 0, messageId: 0x7777 });
    ep.receive(separate, SERVER);
    expect(sink.sent.filter((s) => s.message.type === 'ACK')).toHaveLength(2);
    expect(ep.stats().duplicates).toBe(1);
  });

  it('a separate response arriving before the ACK also stops retransmission', async () => {
    const { clock, sink, ep } = setup();
    const pending = ep.request(SERVER, { method: 'GET', uriPath: ['a'] });
    const sent = sink.last().message;
    ep.receive(raw({ type: 'NON', code: 0x45, messageId: 9, token: sent.token }), SERVER);
    await pending;
    clock.advance(100_000);
    expect(sink.sent).toHaveLength(1);
  });

  it('a CON response with an unknown token is rejected with RST', () => {
    const { sink, ep } = setup();
    ep.receive(raw({ type: 'CON', code: 0x45, messageId: 5, token: text('zz') }), SERVER);
    expect(sink.last().message).toMatchObject({ type: 'RST', messageId: 5 });
    expect(ep.stats().dropped.unmatchedResponse).toBe(1);
  });

  it('RST rejects with COAP_RESET', async () => {
    const { sink, ep } = setup();
    const pending = rejection(ep.request(SERVER, { method: 'GET', uriPath: ['a'] }));
    ep.receive(raw({ type: 'RST', code: 0, messageId: sink.last().message.messageId }), SERVER);
    expect(isCodedError(await pending, 'COAP_RESET')).toBe(true);
  });

  it('NON request: NON response by token; no retransmission; timeoutMs bounds the wait', async () => {
    const { clock, sink, ep } = setup();
    const first = ep.request(SERVER, { method: 'GET', uriPath: ['a'], confirmable: false });
    const sent = sink.last().message;
    expect(sent.type).toBe('NON');
    ep.receive(raw({ type: 'NON', code: 0x45, messageId: 1, token: sent.token, payload: text('v') }), SERVER);
    expect(asText((await first).payload)).toBe('v');
    const second = rejection(
      ep.request(SERVER, { method: 'GET', uriPath: ['a'], confirmable: false }, { timeoutMs: 5_000 }),
    );
    clock.advance(5_000);
    expect(isCodedError(await second, 'COAP_TIMEOUT')).toBe(true);
    expect(sink.sent).toHaveLength(2);
  });

  it('too many outstanding requests: QUEUE_FULL', async () => {
    const { ep } = setup(() => 0.5, { maxOutstandingRequests: 2 });
    void ep.request(SERVER, { method: 'GET', uriPath: ['a'] }).catch(() => {});
    void ep.request(SERVER, { method: 'GET', uriPath: ['b'] }).catch(() => {});
    expect(
      isCodedError(await rejection(ep.request(SERVER, { method: 'GET', uriPath: ['c'] })), 'QUEUE_FULL'),
    ).toBe(true);
    ep.close();
  });

  it('close() fails outstanding requests with TRANSPORT_CLOSED and stops every timer; idempotent', async () => {
    const { clock, ep } = setup();
    const pending = rejection(ep.request(SERVER, { method: 'GET', uriPath: ['a'] }));
    ep.close();
    ep.close();
    expect(isCodedError(await pending, 'TRANSPORT_CLOSED')).toBe(true);
    expect(clock.pending).toBe(0);
    expect(
      isCodedError(
        await rejection(ep.request(SERVER, { method: 'GET', uriPath: ['a'] })),
        'TRANSPORT_CLOSED',
      ),
    ).toBe(true);
  });
});

describe('Block1: a large request body (RFC 7959 §2.5)', () => {
  it('sends 1024-byte blocks with Size1, following a smaller size the server asks for', async () => {
    const { sink, ep } = setup();
    const body = new Uint8Array(3000).map((_, i) => i & 0xff);
    const pending = ep.request(SERVER, { method: 'POST', uriPath: ['rd'], contentFormat: 40, payload: body });
    const received: Uint8Array[] = [];
    const blocks: string[] = [];
    for (let round = 0; round < 10; round++) {
      const sent: SentDatagram = sink.last();
      const block = decodeBlockOption(optionValues(sent.message, OptionNumber.Block1)[0]!)!;
      blocks.push(`${block.num}/${block.more ? 1 : 0}/${block.szx}`);
      if (block.num === 0) expect(uintOf(optionValues(sent.message, OptionNumber.Size1)[0])).toBe(3000);
      received.push(sent.message.payload);
      if (!block.more) {
        ep.receive(ackWith(sent.message, 0x41, [encodeBlockOption(OptionNumber.Block1, block)]), SERVER);
        break;
      }
      // the server acknowledges block 0 asking for 512-byte blocks (szx 5)
      const answer = { ...block, szx: Math.min(block.szx, 5) };
      ep.receive(ackWith(sent.message, 0x5f, [encodeBlockOption(OptionNumber.Block1, answer)]), SERVER);
      await settle();
    }
    const response = await pending;
    expect(response.code).toBe('2.01');
    expect(blocks).toEqual(['0/1/6', '2/1/5', '3/1/5', '4/1/5', '5/0/5']);
    expect(Buffer.concat(received).equals(Buffer.from(body))).toBe(true);
  });

  it('two large bodies to one resource go one after the other, never interleaved', async () => {
    let draws = 0;
    const { sink, ep } = setup(() => (draws++ * 0.6180339887) % 1); // distinct tokens for requests in flight
    const first = new Uint8Array(2000).fill(1);
    const second = new Uint8Array(2000).fill(2);
    const small = text('small');
    const a = ep.request(SERVER, { method: 'POST', uriPath: ['dp'], payload: first });
    const b = ep.request(SERVER, { method: 'POST', uriPath: ['dp'], payload: second });
    // a small body to the same resource and a large one elsewhere do not wait
    const c = ep.request(SERVER, { method: 'POST', uriPath: ['dp'], payload: small });
    const d = ep.request(SERVER, { method: 'POST', uriPath: ['rd'], payload: new Uint8Array(2000).fill(3) });
    await settle();
    // answers every outstanding message, in the order sent, until nothing new goes out
    const transfers: string[] = [];
    for (let answered = 0; answered < sink.sent.length; answered++) {
      const sent = sink.sent[answered]!.message;
      const option = optionValues(sent, OptionNumber.Block1)[0];
      const path = optionValues(sent, OptionNumber.UriPath)
        .map((v) => Buffer.from(v).toString())
        .join('/');
      if (option === undefined) {
        transfers.push(`${path}:${asText(sent.payload)}`);
        ep.receive(ackWith(sent, 0x44), SERVER);
      } else {
        const block = decodeBlockOption(option)!;
        transfers.push(`${path}:${sent.payload[0]}#${block.num}`);
        ep.receive(
          ackWith(sent, block.more ? 0x5f : 0x44, [encodeBlockOption(OptionNumber.Block1, block)]),
          SERVER,
        );
      }
      await settle();
    }
    await Promise.all([a, b, c, d]);
    const dp = transfers.filter((t) => t.startsWith('dp:') && t.includes('#'));
    expect(dp).toEqual(['dp:1#0', 'dp:1#1', 'dp:2#0', 'dp:2#1']);
    // the small request and the other resource went alongside the first transfer, not after both
    expect(transfers.indexOf('dp:small')).toBeLessThan(transfers.indexOf('dp:2#0'));
    expect(transfers.indexOf('rd:3#0')).toBeLessThan(transfers.indexOf('dp:2#0'));
  });

  it('an error response to a block ends the transfer with that response', async () => {
    const { sink, ep } = setup();
    const pending = ep.request(SERVER, { method: 'POST', uriPath: ['rd'], payload: new Uint8Array(5000) });
    ep.receive(ackWith(sink.last().message, 0x8d, [uintOption(OptionNumber.Size1, 2048)]), SERVER);
    expect((await pending).code).toBe('4.13');
    expect(sink.sent).toHaveLength(1);
  });
});

describe('Block2: a large response (RFC 7959 §2.4)', () => {
  const etag = { number: OptionNumber.ETag, value: Uint8Array.of(1, 2, 3, 4) };

  it('fetches the following blocks and joins them', async () => {
    const { sink, ep } = setup();
    const body = text('x'.repeat(1024) + 'y'.repeat(1024) + 'z'.repeat(100));
    const pending = ep.request(SERVER, { method: 'GET', uriPath: ['big'], accept: 0 });
    for (let num = 0; num < 3; num++) {
      const sent = sink.last().message;
      if (num > 0) {
        expect(decodeBlockOption(optionValues(sent, OptionNumber.Block2)[0]!)).toEqual({
          num,
          more: false,
          szx: 6,
        });
        expect(optionValues(sent, OptionNumber.Accept)).toHaveLength(1);
      }
      const more = num < 2;
      ep.receive(
        ackWith(
          sent,
          0x45,
          [
            etag,
            uintOption(OptionNumber.ContentFormat, 0),
            encodeBlockOption(OptionNumber.Block2, { num, more, szx: 6 }),
          ],
          body.subarray(num * 1024, (num + 1) * 1024),
        ),
        SERVER,
      );
      await settle();
    }
    const response = await pending;
    expect(response.payload.length).toBe(2148);
    expect(asText(response.payload)).toBe(asText(body));
    expect(response.contentFormat).toBe(0);
  });

  it('rejects COAP_MESSAGE_INVALID when the ETag changes between blocks', async () => {
    const { sink, ep } = setup();
    const pending = rejection(ep.request(SERVER, { method: 'GET', uriPath: ['big'] }));
    ep.receive(
      ackWith(
        sink.last().message,
        0x45,
        [etag, encodeBlockOption(OptionNumber.Block2, { num: 0, more: true, szx: 6 })],
        new Uint8Array(1024),
      ),
      SERVER,
    );
    await settle();
    ep.receive(
      ackWith(
        sink.last().message,
        0x45,
        [
          { number: OptionNumber.ETag, value: Uint8Array.of(9) },
          encodeBlockOption(OptionNumber.Block2, { num: 1, more: false, szx: 6 }),
        ],
        new Uint8Array(10),
      ),
      SERVER,
    );
    expect(isCodedError(await pending, 'COAP_MESSAGE_INVALID')).toBe(true);
  });
});
