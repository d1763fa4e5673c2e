/** The server side of the endpoint: de-duplication, piggy-backed/separate responses, Block1/Block2. */
import { CodedError } from '@lwm2m-adapters/errors';
import { describe, expect, it } from 'vitest';
import type { CoapIncomingRequest, CoapOption, CoapOutgoingResponse } from '../src/coap-types.js';
import { decodeBlockOption, encodeBlockOption } from '../src/message/block-option.js';
import { OptionNumber, uintOption } from '../src/message/coap-options.js';
import {
  asText,
  type EndpointLimits,
  optionValues,
  raw,
  recordingEndpoint,
  SERVER,
  settle,
  text,
  uintOf,
} from './coap-test-support.js';

function setup(limits: EndpointLimits = {}) {
  const { clock, sink, ep } = recordingEndpoint({ limits });
  const calls: CoapIncomingRequest[] = [];
  return { clock, sink, ep, calls };
}

const path = (...segments: string[]): CoapOption[] =>
  segments.map((s) => ({ number: OptionNumber.UriPath, value: text(s) }));

function get(messageId: number, token: Uint8Array, options: CoapOption[] = path('3', '0', '0')) {
  return raw({ type: 'CON', code: 0x01, messageId, token, options });
}

describe('de-duplication (RFC 7252 §4.5)', () => {
  it('a retransmitted CON request gets the same ACK; the handler runs once', () => {
    const { sink, ep, calls } = setup();
    ep.onRequest((request) => {
      calls.push(request);
      return { code: '2.05', contentFormat: 0, payload: text('Acme') };
    });
    const request = get(0x100, Uint8Array.of(1));
    ep.receive(request, SERVER);
    ep.receive(request, SERVER);
    ep.receive(request, SERVER);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.uriPath).toEqual(['3', '0', '0']);
    expect(sink.sent).toHaveLength(3);
    expect(new Set(sink.sent.map((s) => Buffer.from(s.bytes).toString('hex'))).size).toBe(1);
    expect(ep.stats().duplicates).toBe(2);
  });

  it('the same message ID after EXCHANGE_LIFETIME is a new request', () => {
    const { clock, ep, calls } = setup();
    ep.onRequest((request) => {
      calls.push(request);
      return { code: '2.05' };
    });
    ep.receive(get(7, Uint8Array.of(1)), SERVER);
    clock.advance(246_999);
    ep.receive(get(7, Uint8Array.of(1)), SERVER);
    expect(calls).toHaveLength(1);
    clock.advance(1);
    ep.receive(get(7, Uint8Array.of(1)), SERVER);
    expect(calls).toHaveLength(2);
  });

  it('a duplicate NON request is ignored; NON requests get NON responses with our own message ID', () => {
    const { sink, ep, calls } = setup();
    ep.onRequest((request) => {
      calls.push(request);
      return { code: '2.05', payload: text('v') };
    });
    const request = raw({
      type: 'NON',
      code: 0x01,
      messageId: 0x55,
      token: Uint8Array.of(9),
      options: path('a'),
    });
    ep.receive(request, SERVER);
    ep.receive(request, SERVER);
    expect(calls).toHaveLength(1);
    expect(sink.sent).toHaveLength(1);
    expect(sink.last().message).toMatchObject({ type: 'NON', code: 0x45 });
    expect(sink.last().message.messageId).not.toBe(0x55);
  });
});

describe('separate responses', () => {
  it('a handler answering within 1 s is piggy-backed', async () => {
    const { clock, sink, ep } = setup();
    ep.onRequest(
      () =>
        new Promise<CoapOutgoingResponse>((resolve) => clock.setTimer(900, () => resolve({ code: '2.04' }))),
    );
    ep.receive(
      raw({ type: 'CON', code: 0x03, messageId: 1, token: Uint8Array.of(3), options: path('1') }),
      SERVER,
    );
    clock.advance(900);
    await settle();
    expect(sink.sent.map((s) => [s.message.type, s.message.code])).toEqual([['ACK', 0x44]]);
  });

  it('a slow handler: empty ACK at 1 s, then a CON response retransmitted until ACKed', async () => {
    const { clock, sink, ep } = setup();
    let answer: (r: CoapOutgoingResponse) => void = () => {};
    let called = 0;
    ep.onRequest(() => {
      called++;
      return new Promise((resolve) => (answer = resolve));
    });
    const request = raw({
      type: 'CON',
      code: 0x02,
      messageId: 0x10,
      token: Uint8Array.of(4, 2),
      options: path('3', '0', '4'),
    });
    ep.receive(request, SERVER);
    clock.advance(1_000);
    expect(sink.last().message).toMatchObject({ type: 'ACK', code: 0, messageId: 0x10 });
    ep.receive(request, SERVER); // the peer did not get our empty ACK: it gets it again
    expect(sink.sent.map((s) => s.message.type)).toEqual(['ACK', 'ACK']);
    expect(called).toBe(1);
    answer({ code: '2.04' });
    await settle();
    const separate = sink.last().message;
    expect(separate).toMatchObject({ type: 'CON', code: 0x44 });
    expect(Array.from(separate.token)).toEqual([4, 2]);
    clock.advance(2_500); // one retransmission
    expect(sink.sent).toHaveLength(4);
    ep.receive(raw({ type: 'ACK', code: 0, messageId: separate.messageId }), SERVER);
    clock.advance(100_000);
    expect(sink.sent).toHaveLength(4);
    expect(ep.stats().outstanding.separateResponses).toBe(0);
    expect(ep.stats().incoming.separateResponses).toBe(1);
  });

  it('handler errors: a CodedError gives its response code, anything else 5.00', async () => {
    const { sink, ep } = setup();
    ep.onRequest((request) => {
      if (request.uriPath[0] === 'coded') throw new CodedError('RESOURCE_UNKNOWN', 'no such resource');
      return Promise.reject(new Error('boom'));
    });
    ep.receive(get(1, Uint8Array.of(1), path('coded')), SERVER);
    ep.receive(get(2, Uint8Array.of(2), path('other')), SERVER);
    await settle();
    expect(sink.sent.map((s) => s.message.code)).toEqual([0x84, 0xa0]);
    expect(ep.stats().incoming.handlerErrors).toBe(2);
  });

  it('a response that cannot be encoded (bad code, bad Content-Format) becomes 5.00, sync or async', async () => {
    const { sink, ep } = setup();
    ep.onRequest((request) => {
      const bad = { code: 'oops', contentFormat: 1 } as unknown as CoapOutgoingResponse;
      if (request.uriPath[0] === 'sync') return bad;
      return Promise.resolve({
        code: '2.05' as const,
        contentFormat: Number.NaN,
        payload: new Uint8Array(2000),
      });
    });
    ep.receive(get(1, Uint8Array.of(1), path('sync')), SERVER);
    ep.receive(get(2, Uint8Array.of(2), path('async')), SERVER);
    await settle();
    expect(sink.sent.map((s) => s.message.code)).toEqual([0xa0, 0xa0]);
    expect(ep.stats().internalErrors).toBe(0);
    expect(ep.stats().caches.blockwise.entries).toBe(0);
  });

  it('more than maxPendingHandlers requests in progress: 5.03 without calling the handler', async () => {
    const { sink, ep } = setup({ maxPendingHandlers: 2 });
    let called = 0;
    ep.onRequest(() => {
      called++;
      return new Promise<CoapOutgoingResponse>(() => {});
    });
    for (let i = 1; i <= 3; i++) ep.receive(get(i, Uint8Array.of(i)), SERVER);
    expect(called).toBe(2);
    expect(sink.last().message.code).toBe(0xa3);
    expect(ep.stats().dropped.handlerBusy).toBe(1);
  });

  it('no handler: 5.03', () => {
    const { sink, ep } = setup();
    ep.receive(get(1, Uint8Array.of(1)), SERVER);
    expect(sink.last().message.code).toBe(0xa3);
  });
});

describe('Block2: large responses (RFC 7959 §2.4)', () => {
  const body = text(
    Array.from({ length: 300 }, (_, i) => `${i % 10}`)
      .join('')
      .repeat(10),
  ); // 3000 bytes

  it('serves the first block from the handler and the rest from the cache', () => {
    const { sink, ep, calls } = setup();
    ep.onRequest((request) => {
      calls.push(request);
      return { code: '2.05', contentFormat: 0, payload: body };
    });
    ep.receive(get(1, Uint8Array.of(1), path('big')), SERVER);
    const first = sink.last().message;
    expect(decodeBlockOption(optionValues(first, OptionNumber.Block2)[0]!)).toEqual({
      num: 0,
      more: true,
      szx: 6,
    });
    expect(uintOf(optionValues(first, OptionNumber.Size2)[0])).toBe(3000);
    const etag = optionValues(first, OptionNumber.ETag)[0]!;
    const parts = [first.payload];
    for (let num = 1; num < 3; num++) {
      ep.receive(
        get(1 + num, Uint8Array.of(1 + num), [
          ...path('big'),
          encodeBlockOption(OptionNumber.Block2, { num, more: false, szx: 6 }),
        ]),
        SERVER,
      );
      const message = sink.last().message;
      expect(decodeBlockOption(optionValues(message, OptionNumber.Block2)[0]!)).toEqual({
        num,
        more: num < 2,
        szx: 6,
      });
      expect(optionValues(message, OptionNumber.ETag)[0]).toEqual(etag);
      parts.push(message.payload);
    }
    expect(calls).toHaveLength(1);
    expect(Buffer.concat(parts).equals(Buffer.from(body))).toBe(true);
    expect(ep.stats().incoming.block2CacheHits).toBe(2);
    // beyond the end: 4.02
    ep.receive(
      get(9, Uint8Array.of(9), [
        ...path('big'),
        encodeBlockOption(OptionNumber.Block2, { num: 3, more: false, szx: 6 }),
      ]),
      SERVER,
    );
    expect(sink.last().message.code).toBe(0x82);
  });

  it('honours a smaller block size asked for by the client (szx 4 = 256 bytes)', () => {
    const { sink, ep } = setup();
    ep.onRequest(() => ({ code: '2.05', payload: body }));
    ep.receive(
      get(1, Uint8Array.of(1), [
        ...path('big'),
        encodeBlockOption(OptionNumber.Block2, { num: 0, more: false, szx: 4 }),
      ]),
      SERVER,
    );
    const first = sink.last().message;
    expect(first.payload.length).toBe(256);
    ep.receive(
      get(2, Uint8Array.of(2), [
        ...path('big'),
        encodeBlockOption(OptionNumber.Block2, { num: 11, more: false, szx: 4 }),
      ]),
      SERVER,
    );
    const last = sink.last().message;
    expect(last.payload.length).toBe(3000 - 11 * 256);
    expect(decodeBlockOption(optionValues(last, OptionNumber.Block2)[0]!)).toEqual({
      num: 11,
      more: false,
      szx: 4,
    });
  });

  it('a follow-up after the cache expired calls the handler again and keeps the ETag', () => {
    const { clock, sink, ep, calls } = setup();
    ep.onRequest((request) => {
      calls.push(request);
      return { code: '2.05', payload: body };
    });
    ep.receive(get(1, Uint8Array.of(1), path('big')), SERVER);
    const etag = optionValues(sink.last().message, OptionNumber.ETag)[0];
    clock.advance(300_000);
    ep.receive(
      get(2, Uint8Array.of(2), [
        ...path('big'),
        encodeBlockOption(OptionNumber.Block2, { num: 1, more: false, szx: 6 }),
      ]),
      SERVER,
    );
    expect(calls).toHaveLength(2);
    expect(optionValues(sink.last().message, OptionNumber.ETag)[0]).toEqual(etag);
    expect(ep.stats().incoming.block2CacheMisses).toBe(1);
  });
});

describe('Block1: large request bodies (RFC 7959 §2.5)', () => {
  function block1(
    messageId: number,
    num: number,
    more: boolean,
    payload: Uint8Array,
    extra: CoapOption[] = [],
  ) {
    return raw({
      type: 'CON',
      code: 0x03,
      messageId,
      token: Uint8Array.of(messageId),
      options: [
        ...path('5', '0', '0'),
        encodeBlockOption(OptionNumber.Block1, { num, more, szx: 6 }),
        ...extra,
      ],
      payload,
    });
  }

  it('answers 2.31 Continue per block and calls the handler once with the whole body', () => {
    const { sink, ep, calls } = setup();
    ep.onRequest((request) => {
      calls.push(request);
      return { code: '2.04' };
    });
    const body = new Uint8Array(2500).map((_, i) => (i * 7) & 0xff);
    ep.receive(block1(1, 0, true, body.subarray(0, 1024), [uintOption(OptionNumber.Size1, 2500)]), SERVER);
    ep.receive(block1(2, 1, true, body.subarray(1024, 2048)), SERVER);
    ep.receive(block1(3, 2, false, body.subarray(2048)), SERVER);
    expect(sink.sent.map((s) => s.message.code)).toEqual([0x5f, 0x5f, 0x44]);
    expect(decodeBlockOption(optionValues(sink.last().message, OptionNumber.Block1)[0]!)).toEqual({
      num: 2,
      more: false,
      szx: 6,
    });
    expect(calls).toHaveLength(1);
    expect(Buffer.from(calls[0]!.payload).equals(Buffer.from(body))).toBe(true);
    expect(ep.stats().caches.block1).toMatchObject({ transfers: 0, bytes: 0 });
  });

  it('4.13 with Size1 when the body is too large; 4.08 when a block is missing', () => {
    const { sink, ep } = setup({ maxRequestBodyBytes: 2048 });
    ep.onRequest(() => ({ code: '2.04' }));
    ep.receive(block1(1, 0, true, new Uint8Array(1024), [uintOption(OptionNumber.Size1, 4096)]), SERVER);
    expect(sink.last().message.code).toBe(0x8d);
    expect(uintOf(optionValues(sink.last().message, OptionNumber.Size1)[0])).toBe(2048);
    ep.receive(block1(2, 0, true, new Uint8Array(1024)), SERVER);
    ep.receive(block1(3, 1, true, new Uint8Array(1024)), SERVER);
    ep.receive(block1(4, 2, false, new Uint8Array(10)), SERVER);
    expect(sink.last().message.code).toBe(0x8d);
    ep.receive(block1(5, 3, false, new Uint8Array(10)), SERVER);
    expect(sink.last().message.code).toBe(0x88);
  });
});

describe('rejecting what cannot be processed (RFC 7252 §4.2, §5.4)', () => {
  it('a CON with a format error gets RST; a NON is ignored; both are counted', () => {
    const { sink, ep } = setup();
    ep.receive(Uint8Array.of(0x41, 0x01, 0x12, 0x34, 0x01, 0xb3, 0x61), SERVER); // option past the end
    expect(sink.last().message).toMatchObject({ type: 'RST', messageId: 0x1234 });
    ep.receive(Uint8Array.of(0x51, 0x01, 0x12, 0x35, 0x01, 0xb3, 0x61), SERVER);
    expect(sink.sent).toHaveLength(1);
    expect(ep.stats().malformed).toBe(2);
  });

  it.each([
    ['an unrecognised critical option', [{ number: 2049 - 0, value: text('x') }], 0x82],
    [
      'a repeated Block2',
      [
        encodeBlockOption(23, { num: 0, more: false, szx: 2 }),
        encodeBlockOption(23, { num: 1, more: false, szx: 2 }),
      ],
      0x82,
    ],
    ['Proxy-Uri', [{ number: OptionNumber.ProxyUri, value: text('coap://x') }], 0xa5],
    ['invalid UTF-8 in Uri-Path', [{ number: OptionNumber.UriPath, value: Uint8Array.of(0xff, 0xfe) }], 0x80],
    ['a Block2 option with szx 7', [{ number: OptionNumber.Block2, value: Uint8Array.of(0x07) }], 0x80],
  ])('%s → %s', (_name, options, code) => {
    const { sink, ep, calls } = setup();
    ep.onRequest((request) => {
      calls.push(request);
      return { code: '2.05' };
    });
    ep.receive(get(1, Uint8Array.of(1), options as CoapOption[]), SERVER);
    expect(sink.last().message).toMatchObject({ type: 'ACK', code });
    expect(calls).toHaveLength(0);
  });

  it('an unknown elective option is ignored; an unknown method gets 4.05', () => {
    const { sink, ep, calls } = setup();
    ep.onRequest((request) => {
      calls.push(request);
      return { code: '2.05' };
    });
    ep.receive(get(1, Uint8Array.of(1), [...path('a'), { number: 2048, value: text('x') }]), SERVER);
    expect(sink.last().message.code).toBe(0x45);
    ep.receive(raw({ type: 'CON', code: 0x08, messageId: 2, token: Uint8Array.of(2) }), SERVER);
    expect(sink.last().message.code).toBe(0x85);
    expect(calls).toHaveLength(1);
  });

  it('observe bookkeeping: Observe=0 accepted registers, Observe=1 forgets', () => {
    const { ep } = setup();
    ep.onRequest((request) => ({
      code: '2.05',
      ...(request.observe === 0 ? { observe: 1 } : {}),
      payload: text('1'),
    }));
    ep.receive(
      get(1, Uint8Array.of(0xaa), [uintOption(OptionNumber.Observe, 0), ...path('3', '0', '9')]),
      SERVER,
    );
    expect(ep.stats().caches.observations.entries).toBe(1);
    ep.receive(
      get(2, Uint8Array.of(0xaa), [uintOption(OptionNumber.Observe, 1), ...path('3', '0', '9')]),
      SERVER,
    );
    expect(ep.stats().caches.observations.entries).toBe(0);
  });
});

it('decodes Uri-Query, Content-Format, Accept for the handler', () => {
  const { ep, calls } = setup();
  ep.onRequest((request) => {
    calls.push(request);
    return { code: '2.04' };
  });
  ep.receive(
    raw({
      type: 'CON',
      code: 0x02,
      messageId: 1,
      token: Uint8Array.of(1),
      options: [
        ...path('bs'),
        { number: OptionNumber.UriQuery, value: text('ep=dev') },
        uintOption(OptionNumber.ContentFormat, 11543),
        uintOption(OptionNumber.Accept, 112),
      ],
      payload: text('{}'),
    }),
    SERVER,
  );
  expect(calls[0]).toMatchObject({
    method: 'POST',
    uriPath: ['bs'],
    uriQuery: ['ep=dev'],
    contentFormat: 11543,
    accept: 112,
  });
  expect(asText(calls[0]!.payload)).toBe('{}');
});
