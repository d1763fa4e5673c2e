import type { ServerResponse } from 'node:http';
import type { GatewayEventFeed } from '../events/gateway-event-source.js';
import { concernsDevice, type GatewayServerEvent } from '../events/gateway-server-event.js';

export interface EventStreamFilter {
  readonly types: ReadonlySet<string> | undefined;
  readonly endpoint: string | undefined;
  readonly deviceId: string | undefined;
}

export interface EventStreamOptions {
  /** A comment line this often keeps proxies and idle timeouts from closing the stream. */
  readonly heartbeatMs: number;
  /** Bytes the stream may hold unsent; a consumer that falls further behind is cut off. */
  readonly maxBufferBytes: number;
  /** The reconnection delay suggested to EventSource clients (`retry:`). */
  readonly retryMs: number;
}

/** Why a stream ended: the consumer left, it fell behind, or the API closed. */
export type EventStreamEnd = 'closed' | 'cut-off' | 'shutdown';

export function matches(event: GatewayServerEvent, filter: EventStreamFilter): boolean {
  if (filter.types !== undefined && !filter.types.has(event.type)) return false;
  if (filter.endpoint !== undefined && event.endpoint !== filter.endpoint) return false;
  if (filter.deviceId !== undefined && !concernsDevice(event, filter.deviceId)) return false;
  return true;
}

/**
 * One server-sent events stream (text/event-stream). Each event is `id: <seq>` and `data: <json>`
 * (the default "message" event; the JSON's `type` says what it is). A reconnecting consumer's
 * `Last-Event-ID` is resumed from the feed's ring; when events were lost in between (or the id is
 * from another server run) a `resync` event comes first, telling it to re-read the state. Memory
 * is bounded: when more than `maxBufferBytes` wait unsent, the consumer is cut off (it may
 * reconnect and resume) instead of the server buffering without end.
 */
export class EventStream {
  readonly #res: ServerResponse;
  readonly #feed: GatewayEventFeed;
  readonly #filter: EventStreamFilter;
  readonly #options: EventStreamOptions;
  readonly #onEnd: (stream: EventStream, reason: EventStreamEnd) => void;
  #unsubscribe: (() => void) | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #ended = false;
  sent = 0;

  constructor(
    res: ServerResponse,
    feed: GatewayEventFeed,
    filter: EventStreamFilter,
    options: EventStreamOptions,
    onEnd: (stream: EventStream, reason: EventStreamEnd) => void,
  ) {
    this.#res = res;
    this.#feed = feed;
    this.#filter = filter;
    this.#options = options;
    this.#onEnd = onEnd;
  }

  /** Sends the headers, the replay after `lastEventId` (if any), then follows the feed. */
  start(lastEventId: number | undefined): void {
    const res = this.#res;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.on('close', () => this.#end('closed'));
    this.#write(`retry: ${this.#options.retryMs}\n: lastSeq ${this.#feed.lastSeq}\n\n`);
    // subscribe before replaying: nothing emitted in between is lost (replay is synchronous)
    this.#unsubscribe = this.#feed.on((event) => this.#event(event));
    if (lastEventId !== undefined) {
      const replay = this.#feed.since(lastEventId);
      if (!replay.complete) {
        const oldest = replay.events[0]?.seq ?? null;
        this.#write(
          `event: resync\ndata: ${JSON.stringify({ lastEventId, oldestSeq: oldest, lastSeq: this.#feed.lastSeq })}\n\n`,
        );
      }
      for (const event of replay.events) this.#event(event);
    }
    this.#heartbeat = setInterval(() => this.#write(': ping\n\n'), this.#options.heartbeatMs);
    this.#heartbeat.unref();
  }

  /** Ends the stream (server shutdown). */
  close(): void {
    if (this.#ended) return;
    this.#res.end();
    this.#end('shutdown');
  }

  #event(event: GatewayServerEvent): void {
    if (this.#ended || !matches(event, this.#filter)) return;
    this.sent++;
    this.#write(`id: ${event.seq}\ndata: ${this.#feed.json(event)}\n\n`);
  }

  #write(text: string): void {
    if (this.#ended) return;
    this.#res.write(text);
    if (this.#res.writableLength > this.#options.maxBufferBytes) {
      this.#end('cut-off');
      this.#res.destroy();
    }
  }

  #end(reason: EventStreamEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#unsubscribe?.();
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    this.#onEnd(this, reason);
  }
}
