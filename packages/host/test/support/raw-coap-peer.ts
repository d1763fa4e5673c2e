/**
 * A scripted LwM2M server peer on a raw UDP socket, for byte-level acceptance tests. Messages are
 * encoded and decoded with the `coap-packet` npm package (not with our CoapEndpoint), so what the
 * host puts on the wire is checked by an independent implementation.
 *
 * The peer never answers a request by itself: the test reads each one with `nextMessage` and
 * replies with `reply`. It only does what any CoAP endpoint must do on its own: it ACKs Confirmable
 * responses and notifications (empty ACK) and repeats its last reply to a retransmitted request.
 *
 *   await using peer = await RawCoapPeer.open();
 *   const register = await peer.nextMessage(isRequest('POST', ['rd']), 5_000, 'the Register');
 *   peer.reply(register, { code: '2.01', options: [locationPath('rd'), locationPath('gw1')] });
 *   const response = await peer.request(hostAddress, { code: 'GET', uriPath: ['dev0', '3', '0'] });
 */
import { createSocket, type Socket } from 'node:dgram';
import { generate, type NamedOption, type ParsedPacket, parse } from 'coap-packet';

export interface PeerAddress {
  readonly address: string;
  readonly port: number;
}

/** One datagram the peer received, decoded. */
export interface PeerMessage {
  readonly bytes: Buffer;
  readonly packet: ParsedPacket;
  readonly from: PeerAddress;
  /** Order of arrival (0, 1, 2...). */
  readonly seq: number;
  /** Which local socket received it: the peer's main one or a `sideSocket`. */
  readonly via: 'main' | 'side';
}

export interface RequestSpec {
  readonly code: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'FETCH' | 'iPATCH';
  readonly uriPath: readonly string[];
  readonly uriQuery?: readonly string[];
  readonly accept?: number;
  readonly contentFormat?: number;
  readonly observe?: number;
  readonly payload?: Buffer | string;
  /** Default: a fresh 4-byte token from a counter. */
  readonly token?: Buffer;
  /** Default: the next message id of the peer. */
  readonly messageId?: number;
  /** Default true. */
  readonly confirmable?: boolean;
}

export interface ReplySpec {
  readonly code: string;
  readonly options?: readonly NamedOption[];
  readonly payload?: Buffer | string;
}

/** A request as the peer sent it and the response that belongs to it. */
export interface Exchange {
  /** The exact bytes the peer sent. */
  readonly request: Buffer;
  /** The piggy-backed ACK, or the separate response when the ACK was empty. */
  readonly response: PeerMessage;
  readonly token: Buffer;
  readonly messageId: number;
}

type Predicate = (message: PeerMessage) => boolean;

interface Waiter {
  readonly predicate: Predicate;
  readonly resolve: (message: PeerMessage) => void;
}

/** A CoAP uint option value (RFC 7252 §3.2: shortest big-endian, 0 is empty). */
export function uintOption(value: number): Buffer {
  if (value === 0) return Buffer.alloc(0);
  const bytes: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from(bytes);
}

export function readUint(value: Buffer): number {
  let result = 0;
  for (const byte of value) result = result * 256 + byte;
  return result;
}

export function optionValues(packet: ParsedPacket, name: string): Buffer[] {
  return packet.options.filter((o) => o.name === name).map((o) => o.value);
}

export function optionStrings(packet: ParsedPacket, name: string): string[] {
  return optionValues(packet, name).map((v) => v.toString('utf8'));
}

/** The uint value of a single option, undefined when absent. */
export function optionUint(packet: ParsedPacket, name: string): number | undefined {
  const [value] = optionValues(packet, name);
  return value === undefined ? undefined : readUint(value);
}

export function locationPath(segment: string): NamedOption {
  return { name: 'Location-Path', value: Buffer.from(segment, 'utf8') };
}

/** A request from the host with this method and exactly these Uri-Path segments. */
export function isRequest(method: 'GET' | 'POST' | 'PUT' | 'DELETE', uriPath: readonly string[]): Predicate {
  const code = { GET: '0.01', POST: '0.02', PUT: '0.03', DELETE: '0.04' }[method];
  return (m) =>
    m.packet.code === code && sameStrings(optionStrings(m.packet, 'Uri-Path'), uriPath) && !m.packet.ack;
}

/** A response or notification carrying this token (not an empty ACK). */
export function hasToken(token: Buffer): Predicate {
  return (m) => m.packet.code !== '0.00' && !m.packet.code.startsWith('0.') && m.packet.token.equals(token);
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** A short, readable line for a message (logs and timeout errors). */
export function describeMessage(m: PeerMessage): string {
  const p = m.packet;
  const type = p.ack ? 'ACK' : p.reset ? 'RST' : p.confirmable ? 'CON' : 'NON';
  const options = p.options
    .map((o) => {
      const text = o.value.toString('utf8');
      const printable = /^[\x20-\x7e]*$/.test(text) && o.value.length > 0;
      return `${o.name}=${printable ? text : `0x${o.value.toString('hex')}`}`;
    })
    .join(' ');
  const payload = p.payload.length === 0 ? '' : ` payload(${p.payload.length})=${preview(p.payload)}`;
  return `#${m.seq} ${type} ${p.code} mid=${p.messageId} tok=${p.token.toString('hex')} from=${m.from.port} [${options}]${payload}`;
}

function preview(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return /^[\x20-\x7e\r\n]*$/.test(text) ? JSON.stringify(text) : `0x${bytes.toString('hex')}`;
}

/**
 * Hex + text dump of two byte strings with the first difference marked; empty when they are equal.
 * Used by `assertBytes`.
 */
export function bytesDiff(actual: Uint8Array, expected: Uint8Array): string {
  const a = Buffer.from(actual);
  const e = Buffer.from(expected);
  if (a.equals(e)) return '';
  let first = 0;
  while (first < a.length && first < e.length && a[first] === e[first]) first++;
  const rows: string[] = [];
  const width = 16;
  const end = Math.max(a.length, e.length);
  for (let offset = 0; offset < end; offset += width) {
    const line = (b: Buffer) => {
      const slice = b.subarray(offset, offset + width);
      const hex = [...slice].map((x) => x.toString(16).padStart(2, '0')).join(' ');
      const text = [...slice].map((x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
      return `${hex.padEnd(width * 3 - 1)}  |${text.padEnd(width)}|`;
    };
    const differs = !a.subarray(offset, offset + width).equals(e.subarray(offset, offset + width));
    const mark = differs ? '!' : ' ';
    rows.push(`${mark} ${offset.toString(16).padStart(4, '0')} expected ${line(e)}`);
    rows.push(`${mark} ${offset.toString(16).padStart(4, '0')} actual   ${line(a)}`);
  }
  return [
    `bytes differ at offset ${first} (0x${first.toString(16)}): expected ${e.length} bytes, got ${a.length}`,
    ...rows,
    `expected text: ${JSON.stringify(e.toString('latin1'))}`,
    `actual text:   ${JSON.stringify(a.toString('latin1'))}`,
  ].join('\n');
}

/** Throws an Error with a hex + text diff when the bytes differ. */
export function assertBytes(actual: Uint8Array, expected: Uint8Array | string, what: string): void {
  const wanted = typeof expected === 'string' ? Buffer.from(expected, 'utf8') : expected;
  const diff = bytesDiff(actual, wanted);
  if (diff !== '') throw new Error(`${what}:\n${diff}`);
}

/** Bytes from a hex string with any whitespace (`'62 45 1001'`). */
export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** The scripted server. */
export class RawCoapPeer implements AsyncDisposable {
  readonly #socket: Socket;
  readonly #sides: Socket[] = [];
  readonly #inbox: PeerMessage[] = [];
  readonly #waiters: Waiter[] = [];
  /** Replies by `address:port:mid`, repeated when the same CON arrives again. */
  readonly #replies = new Map<string, Buffer>();
  readonly #seen = new Set<string>();
  #seq = 0;
  #nextMessageId = 0x1000;
  #nextToken = 0xa0000000;
  /** Retransmitted messages the peer absorbed. */
  duplicates = 0;
  /** Everything received, in order (consumed or not). */
  readonly log: PeerMessage[] = [];

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('message', (bytes, rinfo) =>
      this.#receive(socket, bytes, { address: rinfo.address, port: rinfo.port }, 'main'),
    );
  }

  static async open(): Promise<RawCoapPeer> {
    const socket = await bind();
    return new RawCoapPeer(socket);
  }

  get port(): number {
    return this.#socket.address().port;
  }

  get uri(): string {
    return `coap://127.0.0.1:${this.port}`;
  }

  /** Next message id the peer will use (requests it sends count up from 0x1000). */
  allocateMessageId(): number {
    const id = this.#nextMessageId;
    this.#nextMessageId = (this.#nextMessageId + 1) & 0xffff;
    return id;
  }

  allocateToken(): Buffer {
    const token = Buffer.alloc(4);
    token.writeUInt32BE(this.#nextToken);
    this.#nextToken = (this.#nextToken + 1) >>> 0;
    return token;
  }

  /** Sends raw bytes from the main socket. */
  send(bytes: Uint8Array, to: PeerAddress): void {
    this.#socket.send(bytes, to.port, to.address);
  }

  /** Builds the bytes of a request (coap-packet). */
  encodeRequest(spec: RequestSpec): { bytes: Buffer; token: Buffer; messageId: number } {
    const token = spec.token ?? this.allocateToken();
    const messageId = spec.messageId ?? this.allocateMessageId();
    const options: NamedOption[] = [];
    if (spec.observe !== undefined) options.push({ name: 'Observe', value: uintOption(spec.observe) });
    for (const segment of spec.uriPath)
      options.push({ name: 'Uri-Path', value: Buffer.from(segment, 'utf8') });
    if (spec.contentFormat !== undefined)
      options.push({ name: 'Content-Format', value: uintOption(spec.contentFormat) });
    for (const query of spec.uriQuery ?? [])
      options.push({ name: 'Uri-Query', value: Buffer.from(query, 'utf8') });
    if (spec.accept !== undefined) options.push({ name: 'Accept', value: uintOption(spec.accept) });
    const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'utf8') : spec.payload;
    const bytes = generate({
      code: spec.code,
      confirmable: spec.confirmable ?? true,
      messageId,
      token,
      options,
      ...(payload === undefined ? {} : { payload }),
    });
    return { bytes, token, messageId };
  }

  /**
   * Sends a request (or the given raw bytes, whose message id and token are read back) and waits
   * for its response: the piggy-backed ACK, or the separate response after an empty ACK.
   */
  async request(
    to: PeerAddress,
    spec: RequestSpec | Buffer,
    timeoutMs = 5_000,
    options: { readonly from?: Socket } = {},
  ): Promise<Exchange> {
    const built = Buffer.isBuffer(spec)
      ? { bytes: spec, token: parse(spec).token, messageId: parse(spec).messageId }
      : this.encodeRequest(spec);
    const socket = options.from ?? this.#socket;
    const via = socket === this.#socket ? 'main' : 'side';
    const matchesAck: Predicate = (m) =>
      m.via === via && m.packet.ack && m.packet.messageId === built.messageId;
    const answered = this.nextMessage(
      (m) => matchesAck(m) || (m.via === via && hasToken(built.token)(m)),
      timeoutMs,
      `the response to ${describeBytes(built.bytes)}`,
    );
    socket.send(built.bytes, to.port, to.address);
    let response = await answered;
    if (response.packet.code === '0.00') {
      response = await this.nextMessage(
        (m) => m.via === via && hasToken(built.token)(m),
        timeoutMs,
        `the separate response to ${describeBytes(built.bytes)}`,
      );
    }
    return { request: built.bytes, response, token: built.token, messageId: built.messageId };
  }

  /** A second socket on another port, whose traffic lands in the same inbox (`via: 'side'`). */
  async sideSocket(): Promise<Socket> {
    const socket = await bind();
    socket.on('message', (bytes, rinfo) =>
      this.#receive(socket, bytes, { address: rinfo.address, port: rinfo.port }, 'side'),
    );
    this.#sides.push(socket);
    return socket;
  }

  /** Piggy-backed response (ACK) to a Confirmable request from the host. */
  reply(to: PeerMessage, spec: ReplySpec): Buffer {
    const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'utf8') : spec.payload;
    const bytes = generate({
      code: spec.code,
      ack: to.packet.confirmable,
      confirmable: false,
      messageId: to.packet.confirmable ? to.packet.messageId : this.allocateMessageId(),
      token: to.packet.token,
      options: [...(spec.options ?? [])],
      ...(payload === undefined ? {} : { payload }),
    });
    this.#replies.set(key(to.from, to.packet.messageId), bytes);
    this.send(bytes, to.from);
    return bytes;
  }

  /**
   * The first message, received or still to come, that the predicate accepts; it is consumed.
   * Rejects after `timeoutMs` with the unconsumed messages in the error.
   */
  nextMessage(predicate: Predicate, timeoutMs: number, what: string): Promise<PeerMessage> {
    const index = this.#inbox.findIndex(predicate);
    if (index >= 0) return Promise.resolve(this.#inbox.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      };
      const timer = setTimeout(() => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        const unconsumed = this.#inbox.map(describeMessage).join('\n  ');
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; unconsumed messages:\n  ${unconsumed || '(none)'}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Messages received and not consumed yet. */
  unconsumed(): readonly PeerMessage[] {
    return [...this.#inbox];
  }

  /** Drops unconsumed messages the predicate accepts; returns them. */
  drain(predicate: Predicate): PeerMessage[] {
    const dropped = this.#inbox.filter(predicate);
    for (const message of dropped) this.#inbox.splice(this.#inbox.indexOf(message), 1);
    return dropped;
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.#socket, ...this.#sides].map((s) => new Promise<void>((r) => s.close(() => r()))),
    );
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #receive(socket: Socket, bytes: Buffer, from: PeerAddress, via: 'main' | 'side'): void {
    let packet: ParsedPacket;
    try {
      packet = parse(bytes);
    } catch (error) {
      throw new Error(`undecodable datagram from ${from.port}: ${bytes.toString('hex')} (${String(error)})`);
    }
    const id = key(from, packet.messageId);
    if (!packet.ack && !packet.reset) {
      if (this.#seen.has(id)) {
        // a retransmission: repeat the answer if there is one, never deliver twice
        this.duplicates++;
        const reply = this.#replies.get(id);
        if (reply !== undefined) socket.send(reply, from.port, from.address);
        return;
      }
      this.#seen.add(id);
    }
    const isResponse = !packet.code.startsWith('0.');
    if (isResponse && packet.confirmable) {
      // a notification or separate response: CoAP requires an ACK whatever the test does with it
      const ack = generate({ code: '0.00', ack: true, messageId: packet.messageId });
      this.#replies.set(id, ack);
      socket.send(ack, from.port, from.address);
    }
    const message: PeerMessage = { bytes, packet, from, seq: this.#seq++, via };
    this.log.push(message);
    const waiter = this.#waiters.find((w) => w.predicate(message));
    if (waiter !== undefined) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve(message);
      return;
    }
    this.#inbox.push(message);
  }
}

function key(from: PeerAddress, messageId: number): string {
  return `${from.address}:${from.port}:${messageId}`;
}

function describeBytes(bytes: Buffer): string {
  const packet = parse(bytes);
  return `${packet.code} /${optionStrings(packet, 'Uri-Path').join('/')} (mid ${packet.messageId})`;
}

function bind(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}
