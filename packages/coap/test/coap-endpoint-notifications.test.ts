/** Notifications (RFC 7641): CON/NON outcomes, RST matching, per-peer queueing, Block2 bodies. */
import { describe, expect, it } from 'vitest';
import type { NotificationOutcome } from '../src/coap-types.js';
import { decodeBlockOption, encodeBlockOption } from '../src/message/block-option.js';
import { OptionNumber, uintOption } from '../src/message/coap-options.js';
import {
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
  return recordingEndpoint({ limits });
}

const TOKEN_A = Uint8Array.of(0xa0, 0xa1);
const TOKEN_B = Uint8Array.of(0xb0);
const value = (v: string, observe = 2) => ({
  code: '2.05' as const,
  observe,
  contentFormat: 0,
  payload: text(v),
});

/** Records outcomes as they resolve. */
function track(promise: Promise<NotificationOutcome>): { outcome: NotificationOutcome | undefined } {
  const box: { outcome: NotificationOutcome | undefined } = { outcome: undefined };
  void promise.then((o) => (box.outcome = o));
  return box;
}

describe('notification outcomes', () => {
  it('CON: acknowledged when the observer ACKs', async () => {
    const { sink, ep } = setup();
    const result = track(ep.notify(SERVER, TOKEN_A, value('1', 5), { confirmable: true }));
    const sent = sink.last().message;
    expect(sent.type).toBe('CON');
    expect(uintOf(optionValues(sent, OptionNumber.Observe)[0])).toBe(5);
    ep.receive(raw({ type: 'ACK', code: 0, messageId: sent.messageId }), SERVER);
    await settle();
    expect(result.outcome).toBe('acknowledged');
  });

  it('CON: reset on RST, and the observation counts as over', async () => {
    const { sink, ep } = setup();
    const resets: string[] = [];
    ep.onObservationReset((_peer, token) => resets.push(Buffer.from(token).toString('hex')));
    const result = track(ep.notify(SERVER, TOKEN_A, value('1'), { confirmable: true }));
    ep.receive(raw({ type: 'RST', code: 0, messageId: sink.last().message.messageId }), SERVER);
    await settle();
    expect(result.outcome).toBe('reset');
    expect(resets).toEqual(['a0a1']);
  });

  it('CON: timeout after MAX_RETRANSMIT retransmissions', async () => {
    const { clock, sink, ep } = setup();
    const result = track(ep.notify(SERVER, TOKEN_A, value('1'), { confirmable: true }));
    clock.advance(77_499);
    await settle();
    expect(result.outcome).toBeUndefined();
    expect(sink.sent).toHaveLength(5);
    clock.advance(1);
    await settle();
    expect(result.outcome).toBe('timeout');
    expect(ep.stats().notifications.timeouts).toBe(1);
  });

  it('NON: sent at once; an RST to it is matched by message ID, and later notifications resolve reset', async () => {
    const { sink, ep } = setup();
    const resets: number[] = [];
    ep.onObservationReset(() => resets.push(1));
    await expect(ep.notify(SERVER, TOKEN_A, value('1'), { confirmable: false })).resolves.toBe('sent');
    const sent = sink.last().message;
    expect(sent.type).toBe('NON');
    ep.receive(raw({ type: 'RST', code: 0, messageId: sent.messageId }), SERVER);
    expect(resets).toHaveLength(1);
    expect(ep.stats().dropped.unmatchedReset).toBe(0);
    await expect(ep.notify(SERVER, TOKEN_A, value('2'), { confirmable: false })).resolves.toBe('reset');
    expect(sink.sent).toHaveLength(1);
    // a new Observe=0 request with that token starts afresh
    ep.onRequest(() => ({ code: '2.05', observe: 1 }));
    ep.receive(
      raw({
        type: 'CON',
        code: 0x01,
        messageId: 77,
        token: TOKEN_A,
        options: [uintOption(OptionNumber.Observe, 0), { number: OptionNumber.UriPath, value: text('3') }],
      }),
      SERVER,
    );
    await expect(ep.notify(SERVER, TOKEN_A, value('3'), { confirmable: false })).resolves.toBe('sent');
  });
});

it('a notification that cannot be encoded resolves dropped (never rejects)', async () => {
  const { sink, ep } = setup();
  const bad = { code: '2.05', contentFormat: -1 } as const;
  await expect(ep.notify(SERVER, TOKEN_A, bad, { confirmable: true })).resolves.toBe('dropped');
  await expect(ep.notify(SERVER, new Uint8Array(9), value('x'), { confirmable: false })).resolves.toBe(
    'dropped',
  );
  expect(sink.sent).toHaveLength(0);
  expect(ep.stats().dropped.encodeFailed).toBe(2);
  expect(ep.stats().messageIds.inUse).toEqual({ '192.0.2.1:5683': 1 });
});

describe('per-peer queue', () => {
  it('one CON outstanding; a newer value for a queued token replaces it; order kept', async () => {
    const { sink, ep } = setup();
    const first = track(ep.notify(SERVER, TOKEN_A, value('a1'), { confirmable: true }));
    const a2 = track(ep.notify(SERVER, TOKEN_A, value('a2'), { confirmable: true }));
    const b1 = track(ep.notify(SERVER, TOKEN_B, value('b1'), { confirmable: true }));
    const a3 = track(ep.notify(SERVER, TOKEN_A, value('a3'), { confirmable: true }));
    await settle();
    expect(sink.sent).toHaveLength(1);
    expect(a2.outcome).toBe('dropped');
    expect(ep.stats().dropped.notificationSuperseded).toBe(1);
    expect(ep.stats().outstanding).toMatchObject({ notificationsInFlight: 1, notificationsQueued: 2 });
    const ack = () =>
      ep.receive(raw({ type: 'ACK', code: 0, messageId: sink.last().message.messageId }), SERVER);
    ack();
    await settle();
    expect(first.outcome).toBe('acknowledged');
    expect(new TextDecoder().decode(sink.last().message.payload)).toBe('a3');
    ack();
    await settle();
    expect(new TextDecoder().decode(sink.last().message.payload)).toBe('b1');
    ack();
    await settle();
    expect([a3.outcome, b1.outcome]).toEqual(['acknowledged', 'acknowledged']);
    expect(ep.stats().outstanding).toMatchObject({ notificationsInFlight: 0, notificationsQueued: 0 });
  });

  it('a NON goes out at once, even while CON notifications of other tokens wait', async () => {
    const { sink, ep } = setup();
    track(ep.notify(SERVER, TOKEN_A, value('a1'), { confirmable: true }));
    track(ep.notify(SERVER, TOKEN_A, value('a2'), { confirmable: true }));
    await expect(ep.notify(SERVER, TOKEN_B, value('b1'), { confirmable: false })).resolves.toBe('sent');
    expect(sink.sent.map((s) => s.message.type)).toEqual(['CON', 'NON']);
  });

  it('a NON replacing a queued CON for the same token keeps it confirmable', async () => {
    const { sink, ep } = setup();
    track(ep.notify(SERVER, TOKEN_A, value('a1'), { confirmable: true }));
    const queued = track(ep.notify(SERVER, TOKEN_A, value('a2'), { confirmable: true }));
    const fresher = track(ep.notify(SERVER, TOKEN_A, value('a3'), { confirmable: false }));
    await settle();
    expect(queued.outcome).toBe('dropped');
    ep.receive(raw({ type: 'ACK', code: 0, messageId: sink.last().message.messageId }), SERVER);
    await settle();
    expect(sink.last().message.type).toBe('CON');
    expect(new TextDecoder().decode(sink.last().message.payload)).toBe('a3');
    ep.receive(raw({ type: 'ACK', code: 0, messageId: sink.last().message.messageId }), SERVER);
    await settle();
    expect(fresher.outcome).toBe('acknowledged');
  });

  it('a full queue drops (counted); close drops the rest', async () => {
    const { ep } = setup({ maxQueuedNotificationsPerPeer: 2 });
    const outcomes = [0, 1, 2, 3].map((i) =>
      track(ep.notify(SERVER, Uint8Array.of(i), value(`${i}`), { confirmable: true })),
    );
    await settle();
    expect(outcomes.map((o) => o.outcome)).toEqual([undefined, undefined, undefined, 'dropped']);
    expect(ep.stats().dropped.notificationQueueFull).toBe(1);
    ep.close();
    await settle();
    expect(outcomes.map((o) => o.outcome)).toEqual(['dropped', 'dropped', 'dropped', 'dropped']);
    await expect(ep.notify(SERVER, TOKEN_A, value('x'), { confirmable: false })).resolves.toBe('dropped');
  });
});

describe('Block2 notifications (RFC 7959 §3.4)', () => {
  it('first block with Observe and ETag; the observer fetches the rest from the cache', async () => {
    const { sink, ep } = setup();
    const calls: string[] = [];
    ep.onRequest((request) => {
      calls.push(request.uriPath.join('/'));
      return { code: '2.05', observe: 1, contentFormat: 110, payload: text('[]') };
    });
    const observePath = [{ number: OptionNumber.UriPath, value: text('3303') }];
    ep.receive(
      raw({
        type: 'CON',
        code: 0x01,
        messageId: 1,
        token: TOKEN_A,
        options: [uintOption(OptionNumber.Observe, 0), ...observePath],
      }),
      SERVER,
    );
    const big = text('v'.repeat(2500));
    const outcome = track(
      ep.notify(
        SERVER,
        TOKEN_A,
        { ...value('', 2), payload: big, contentFormat: 110 },
        { confirmable: false },
      ),
    );
    await settle();
    expect(outcome.outcome).toBe('sent');
    const first = sink.last().message;
    expect(first.type).toBe('NON');
    expect(uintOf(optionValues(first, OptionNumber.Observe)[0])).toBe(2);
    expect(decodeBlockOption(optionValues(first, OptionNumber.Block2)[0]!)).toEqual({
      num: 0,
      more: true,
      szx: 6,
    });
    expect(first.payload.length).toBe(1024);
    const etag = optionValues(first, OptionNumber.ETag)[0];
    ep.receive(
      raw({
        type: 'CON',
        code: 0x01,
        messageId: 2,
        token: Uint8Array.of(0x42),
        options: [...observePath, encodeBlockOption(OptionNumber.Block2, { num: 2, more: false, szx: 6 })],
      }),
      SERVER,
    );
    const last = sink.last().message;
    expect(last.type).toBe('ACK');
    expect(last.payload.length).toBe(2500 - 2048);
    expect(optionValues(last, OptionNumber.ETag)[0]).toEqual(etag);
    expect(optionValues(last, OptionNumber.Observe)).toHaveLength(0);
    expect(calls).toEqual(['3303']); // only the observe request reached the handler
  });
});
