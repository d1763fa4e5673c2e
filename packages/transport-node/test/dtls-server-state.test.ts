/** The DTLS server's stateful pieces on golden bytes: replay window, cookie, reassembly, ClientHello parsing. */

import { ManualClock } from '@lwm2m-adapters/kit';
import { describe, expect, it } from 'vitest';
import { CookieSecret } from '../src/dtls-server/cookie-secret.js';
import { parseClientHello, parseHandshakeFragments } from '../src/dtls-server/handshake-messages.js';
import { HandshakeReassembler } from '../src/dtls-server/handshake-reassembler.js';
import { parseRecords } from '../src/dtls-server/record-layer.js';
import { ReplayWindow } from '../src/dtls-server/replay-window.js';
import { TlsDecodeError } from '../src/dtls-server/tls-wire.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('ReplayWindow (64 records)', () => {
  it('accepts each sequence number once, in any order within the window', () => {
    const window = new ReplayWindow();
    for (const seq of [0, 2, 1, 5, 3]) {
      expect(window.mayAccept(seq), `${seq}`).toBe(true);
      window.mark(seq);
      expect(window.mayAccept(seq), `${seq} again`).toBe(false);
    }
    expect(window.mayAccept(4)).toBe(true);
  });

  it('a record more than 63 behind the highest is refused; exactly 63 behind is kept', () => {
    const window = new ReplayWindow();
    window.mark(100);
    expect(window.mayAccept(37)).toBe(true); // 100 - 63
    expect(window.mayAccept(36)).toBe(false); // 100 - 64: left of the window
    window.mark(37);
    expect(window.mayAccept(37)).toBe(false);
  });

  it('a jump beyond the window forgets the old bitmap; 48-bit numbers work', () => {
    const window = new ReplayWindow();
    window.mark(1);
    window.mark(1_000);
    expect(window.mayAccept(999)).toBe(true);
    expect(window.mayAccept(1_000)).toBe(false);
    const high = 2 ** 48 - 2;
    window.mark(high);
    expect(window.mayAccept(high)).toBe(false);
    expect(window.mayAccept(high + 1)).toBe(true);
    expect(window.mayAccept(high - 1)).toBe(true);
  });

  it('checking does not move the window (only an authenticated record is marked)', () => {
    const window = new ReplayWindow();
    window.mark(10);
    expect(window.mayAccept(1_000)).toBe(true);
    expect(window.mayAccept(9)).toBe(true);
  });
});

describe('CookieSecret', () => {
  const binding = hex('fefd0102');
  const peer = { address: '127.0.0.1', port: 40000 };

  it('is stateless and deterministic: the same hello from the same address gets the same cookie', () => {
    const jar = new CookieSecret(new ManualClock(), 60_000);
    const cookie = jar.cookieFor(peer, binding);
    expect(cookie.length).toBe(32);
    expect(toHex(jar.cookieFor(peer, binding))).toBe(toHex(cookie));
    expect(jar.verify(peer, binding, cookie)).toBe(true);
  });

  it('binds the address, the port and the hello parameters', () => {
    const jar = new CookieSecret(new ManualClock(), 60_000);
    const cookie = jar.cookieFor(peer, binding);
    expect(jar.verify({ ...peer, port: 40001 }, binding, cookie)).toBe(false);
    expect(jar.verify({ ...peer, address: '127.0.0.2' }, binding, cookie)).toBe(false);
    expect(jar.verify(peer, hex('fefd0103'), cookie)).toBe(false);
    expect(jar.verify(peer, binding, cookie.subarray(0, 31))).toBe(false);
  });

  it('a cookie of the previous secret is accepted after one rotation, not after two', () => {
    const clock = new ManualClock();
    const jar = new CookieSecret(clock, 60_000);
    const cookie = jar.cookieFor(peer, binding);
    clock.advance(60_000);
    expect(jar.verify(peer, binding, cookie)).toBe(true);
    expect(toHex(jar.cookieFor(peer, binding))).not.toBe(toHex(cookie));
    clock.advance(60_000);
    expect(jar.verify(peer, binding, cookie)).toBe(false);
  });

  it('two instances have different secrets (no module-global state)', () => {
    const a = new CookieSecret(new ManualClock(), 60_000);
    const b = new CookieSecret(new ManualClock(), 60_000);
    expect(b.verify(peer, binding, a.cookieFor(peer, binding))).toBe(false);
  });
});

describe('handshake fragments and reassembly', () => {
  const fragment = (seq: number, offset: number, body: string, length: number) => ({
    msgType: 16,
    length,
    messageSeq: seq,
    fragmentOffset: offset,
    body: Buffer.from(body),
  });

  it('parses the 12-byte header: two messages in one record', () => {
    const fragments = parseHandshakeFragments(
      hex('0e 000000 0003 000000 000000' + '10 000003 0004 000001 000002 aabb'),
    );
    expect(fragments).toMatchObject([
      { msgType: 14, length: 0, messageSeq: 3, fragmentOffset: 0 },
      { msgType: 16, length: 3, messageSeq: 4, fragmentOffset: 1 },
    ]);
    expect(toHex(fragments[1]!.body)).toBe('aabb');
    expect(() => parseHandshakeFragments(hex('10 000003 0004 000002 000002 aabb'))).toThrow(TlsDecodeError);
    expect(() => parseHandshakeFragments(hex('10 000003 0004 000000 000003 aabb'))).toThrow(TlsDecodeError);
  });

  it('reassembles out-of-order, overlapping and repeated fragments, delivering in message_seq order', () => {
    const reassembler = new HandshakeReassembler(2);
    expect(reassembler.add(fragment(3, 0, 'xyz', 3))).toBe('accepted');
    expect(reassembler.next()).toBeUndefined(); // 2 first
    expect(reassembler.add(fragment(2, 4, 'efgh', 8))).toBe('accepted');
    expect(reassembler.add(fragment(2, 0, 'abc', 8))).toBe('accepted');
    expect(reassembler.next()).toBeUndefined(); // byte 3 missing
    expect(reassembler.add(fragment(2, 2, 'cd', 8))).toBe('accepted');
    expect(reassembler.add(fragment(2, 2, 'cd', 8))).toBe('accepted');
    expect(Buffer.from(reassembler.next()!.body).toString()).toBe('abcdefgh');
    expect(Buffer.from(reassembler.next()!.body).toString()).toBe('xyz');
    expect(reassembler.next()).toBeUndefined();
    expect(reassembler.nextSeq).toBe(4);
    expect(reassembler.add(fragment(2, 0, 'abc', 8))).toBe('old');
    expect(reassembler.add(fragment(40, 0, 'abc', 3))).toBe('too-far');
  });

  it('refuses fragments that disagree on the length, and oversized messages', () => {
    const reassembler = new HandshakeReassembler(0, { maxMessageLength: 100 });
    reassembler.add(fragment(0, 0, 'ab', 10));
    expect(() => reassembler.add(fragment(0, 2, 'cd', 11))).toThrow(TlsDecodeError);
    expect(() => reassembler.add(fragment(1, 0, 'cd', 101))).toThrow(TlsDecodeError);
  });
});

describe('ClientHello and records', () => {
  // fefd, random 0x11 x 32, empty session_id and cookie, suites CCM_8 + CBC_SHA256, null compression,
  // extensions extended_master_secret (empty) and renegotiation_info (empty renegotiated_connection)
  const body = hex(`fefd ${'11'.repeat(32)} 00 00 0004 c0a8 00ae 0100 0009 0017 0000 ff01 0001 00`);

  it('parses the fields and the extensions; the cookie binding leaves out cookie and extensions', () => {
    const hello = parseClientHello(body);
    expect(hello.clientVersion).toBe(0xfefd);
    expect(hello.cipherSuites).toEqual([0xc0a8, 0x00ae]);
    expect(hello.cookie.length).toBe(0);
    expect([...hello.extensions.keys()]).toEqual([0x0017, 0xff01]);
    expect(toHex(hello.cookieBinding)).toBe(`fefd${'11'.repeat(32)}000004c0a800ae0100`);
    const withCookie = hex(`fefd ${'11'.repeat(32)} 00 02 abcd 0004 c0a8 00ae 0100`);
    expect(toHex(parseClientHello(withCookie).cookieBinding)).toBe(toHex(hello.cookieBinding));
  });

  it('refuses truncation, trailing bytes and a repeated extension', () => {
    expect(() => parseClientHello(body.subarray(0, body.length - 1))).toThrow(TlsDecodeError);
    expect(() => parseClientHello(Buffer.concat([body, hex('00')]))).toThrow(TlsDecodeError);
    expect(() =>
      parseClientHello(hex(`fefd ${'11'.repeat(32)} 00 00 0004 c0a8 00ae 0100 0008 0017 0000 0017 0000`)),
    ).toThrow(/twice/);
  });

  it('splits a datagram into records; a truncated record refuses the datagram', () => {
    const datagram = hex('17 fefd 0001 000000000005 0002 aabb' + '15 fefd 0000 000000000001 0002 0100');
    expect(parseRecords(datagram)).toMatchObject([
      { type: 23, version: 0xfefd, epoch: 1, sequenceNumber: 5 },
      { type: 21, epoch: 0, sequenceNumber: 1 },
    ]);
    expect(parseRecords(hex('17 fefd 0001 ffffffffffff 0000'))[0]!.sequenceNumber).toBe(2 ** 48 - 1);
    expect(() => parseRecords(datagram.subarray(0, datagram.length - 1))).toThrow(TlsDecodeError);
  });
});
