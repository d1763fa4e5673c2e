/**
 * Golden bytes of messages the endpoint sends, assembled by hand from RFC 7252 §3 (header, token,
 * option delta/length nibbles, payload marker), independent of coap-packet.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCoapMessage, encodeCoapMessage } from '../src/message/coap-message-codec.js';
import { type EndpointLimits, hexOf, recordingEndpoint, SERVER, settle, text } from './coap-test-support.js';

function endpoint(limits: EndpointLimits = {}) {
  return recordingEndpoint({ random: () => 0, limits });
}

const h = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('golden bytes of messages we send', () => {
  it('ACK with a piggy-backed 2.05, Content-Format 11542 and payload', () => {
    const { sink, ep } = endpoint();
    ep.onRequest(() => ({ code: '2.05', contentFormat: 11542, payload: h('c800 0441 636d 65') }));
    // CON GET, MID 0x1234, token a1b2, Uri-Path "3" "0" "0": b1 33 / 01 30 / 01 30
    ep.receive(h('42 01 1234 a1b2 b1 33 01 30 01 30'), SERVER);
    // 0x62: ver 1, ACK (2), TKL 2; 0x45 = 2.05; option 12 (delta 12, length 2) = 0x2d16; 0xff; payload
    expect(hexOf(sink.last().bytes)).toBe('62451234a1b2c22d16ffc8000441636d65');
  });

  it('NON notification with Observe and Content-Format', async () => {
    const { sink, ep } = endpoint();
    const outcome = ep.notify(
      SERVER,
      h('01020304'),
      { code: '2.05', observe: 7, contentFormat: 112, payload: h('81a2006131') },
      { confirmable: false },
    );
    await expect(outcome).resolves.toBe('sent');
    // 0x54: NON (1), TKL 4; MID 0 (random 0); Observe 6 (delta 6, len 1) = 7; Content-Format 12
    // (delta 6, len 1) = 0x70
    expect(hexOf(sink.last().bytes)).toBe('5445000001020304610761 70ff81a2006131'.replace(/\s/g, ''));
  });

  it('Block2 first block with ETag, Block2 and Size2', () => {
    const { sink, ep } = endpoint({ blockSize: 16 });
    const body = text('0123456789abcdefghijklmnopqrstuvwxyzABCD'); // 40 bytes
    ep.onRequest(() => ({ code: '2.05', contentFormat: 0, payload: body }));
    ep.receive(h('41 01 0001 07 b3 62 69 67'), SERVER); // CON GET /big, token 07
    const etag = createHash('sha256')
      .update(Uint8Array.of(0x45, 0, 0))
      .update(body)
      .digest()
      .subarray(0, 8);
    const expected =
      '61 45 0001 07' +
      `48 ${hexOf(etag)}` + // ETag: option 4, length 8
      '80' + // Content-Format: delta 8 (12), length 0 (value 0)
      'b1 08' + // Block2: delta 11 (23), length 1: num 0, M=1, szx 0 (16 bytes)
      '51 28' + // Size2: delta 5 (28), length 1: 40
      `ff ${hexOf(body.subarray(0, 16))}`;
    expect(hexOf(sink.last().bytes)).toBe(expected.replace(/\s+/g, ''));
  });

  it('empty ACK when the handler is slow, then the separate CON response', async () => {
    const { clock, sink, ep } = endpoint();
    let answer: (r: { code: '2.04' }) => void = () => {};
    ep.onRequest(() => new Promise((resolve) => (answer = resolve)));
    ep.receive(h('41 03 beef 55 b1 31'), SERVER); // CON PUT /1, token 55
    expect(sink.sent).toHaveLength(0);
    clock.advance(1_000);
    expect(hexOf(sink.last().bytes)).toBe('6000beef'); // ACK, code 0.00, MID beef
    answer({ code: '2.04' });
    await settle();
    // CON (0x41: TKL 1), 2.04 = 0x44, our first MID 0 (random 0), token 55
    expect(hexOf(sink.last().bytes)).toBe('4144000055');
  });

  it('RST answering a ping (Empty CON)', () => {
    const { sink, ep } = endpoint();
    ep.receive(h('40 00 4321'), SERVER);
    expect(hexOf(sink.last().bytes)).toBe('70004321');
  });
});

describe('codec framing checks (RFC 7252 §3)', () => {
  const bad: [string, string][] = [
    ['shorter than the header', '4001'],
    ['version 2', '8001 0001'],
    ['token length 9', '4901 0001 010203040506070809'],
    ['token past the end', '4401 0001 0102'],
    ['Empty message with a token', '4100 0001 01'],
    ['option value past the end', '4001 0001 b3 6162'],
    ['option delta 15 without payload marker', '4001 0001 f1 00'],
    ['option length 15', '4001 0001 bf'],
    ['payload marker with empty payload', '4001 0001 b1 61 ff'],
    ['truncated extended delta', '4001 0001 d1'],
  ];
  it.each(bad)('rejects %s', (_name, hex) => {
    const result = decodeCoapMessage(h(hex));
    expect(result.ok).toBe(false);
  });

  it('decodes options with extended deltas and lengths, repeated options in order', () => {
    // Uri-Path "a", Uri-Path "b", Size1 (60: delta 49 -> 13 + 36) = 1, 13-byte Uri-Query? no: payload "x"
    const result = decodeCoapMessage(h('4002 0009 b1 61 01 62 d1 24 01 ff 78'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.message.options.map((o) => [o.number, hexOf(o.value)])).toEqual([
      [11, '61'],
      [11, '62'],
      [60, '01'],
    ]);
    expect(hexOf(result.message.payload)).toBe('78');
  });

  it('round-trips through encode', () => {
    const message = {
      type: 'CON' as const,
      code: 0x02,
      messageId: 0xabcd,
      token: h('0102030405060708'),
      options: [
        { number: 11, value: text('rd') },
        { number: 15, value: text('ep=a-rather-long-endpoint-name-over-13') },
        { number: 60, value: h('0400') },
      ],
      payload: text('</1/0>'),
    };
    const bytes = encodeCoapMessage(message, 1152);
    const decoded = decodeCoapMessage(bytes);
    expect(decoded.ok && decoded.message.options.map((o) => o.number)).toEqual([11, 15, 60]);
    expect(decoded.ok && hexOf(decoded.message.payload)).toBe(hexOf(text('</1/0>')));
  });
});

describe('encoder (RFC 7252 §3.1), byte by byte', () => {
  const message = (
    options: { number: number; value: Uint8Array }[],
    payload: Uint8Array = new Uint8Array(0),
  ) => ({
    type: 'NON' as const,
    code: 0x45,
    messageId: 0x0102,
    token: h('aa'),
    options,
    payload,
  });

  it('sorts options by number, keeping repeated ones in order; no payload marker without payload', () => {
    const bytes = encodeCoapMessage(
      message([
        { number: 17, value: h('') }, // Accept
        { number: 11, value: text('a') },
        { number: 6, value: h('05') }, // Observe
        { number: 11, value: text('b') },
      ]),
      1152,
    );
    // 0x51: NON, TKL 1; Observe delta 6 len 1; Uri-Path delta 5 len 1 "a"; delta 0 "b"; Accept delta 6 len 0
    expect(hexOf(bytes)).toBe('51450102aa' + '6105' + '5161' + '0162' + '60');
  });

  it('extended deltas and lengths: 13-268 in one extra byte, 269 and above in two', () => {
    const long = new Uint8Array(300).fill(0x7a);
    const bytes = encodeCoapMessage(
      message([
        { number: 60, value: text('0123456789abcdef') }, // delta 60 (13 + 47), length 16 (13 + 3)
        { number: 2049, value: long }, // delta 1989 (269 + 1720 = 0x06b8), length 300 (269 + 31 = 0x001f)
      ]),
      1152,
    );
    const head = hexOf(bytes.subarray(0, 5 + 3 + 16 + 5));
    expect(head).toBe(
      `51450102aa dd 2f 03 ${hexOf(text('0123456789abcdef'))} ee 06b8 001f`.replace(/\s/g, ''),
    );
    expect(bytes.length).toBe(5 + 3 + 16 + 5 + 300);
  });

  it('the payload after 0xff; none on an Empty message; COAP_MESSAGE_INVALID beyond maxLength', () => {
    expect(hexOf(encodeCoapMessage(message([], text('hi')), 1152))).toBe('51450102aaff6869');
    const empty = {
      type: 'ACK' as const,
      code: 0,
      messageId: 7,
      token: h(''),
      options: [],
      payload: text('x'),
    };
    expect(hexOf(encodeCoapMessage(empty, 1152))).toBe('60000007');
    expect(() => encodeCoapMessage(message([], new Uint8Array(1148)), 1152)).toThrow(/more than 1152/);
    expect(encodeCoapMessage(message([], new Uint8Array(1146)), 1152).length).toBe(1152);
  });
});
