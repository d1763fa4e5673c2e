/**
 * A consumer of the gateway server's server-sent event stream (`GET /api/events`): node:http,
 * events split on blank lines, each `data:` line parsed as JSON and handed over with the time its
 * chunk arrived (performance.now() of this process).
 */
import { type ClientRequest, get, type IncomingMessage } from 'node:http';

export interface StreamedEvent {
  readonly type: string;
  readonly [key: string]: unknown;
}

export class EventStreamReader {
  readonly #request: ClientRequest;
  events = 0;
  bytes = 0;
  /** Called once when the server ends the stream (e.g. cut off a consumer that fell behind). */
  onEnd: (() => void) | undefined;

  private constructor(request: ClientRequest) {
    this.#request = request;
  }

  /** Opens `${baseUrl}/api/events?…` and resolves once the stream answered 200. */
  static open(
    baseUrl: string,
    query: string,
    onEvent: (event: StreamedEvent, at: number) => void,
    timeoutMs = 5_000,
  ): Promise<EventStreamReader> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        request.destroy();
        reject(new Error('the event stream did not answer'));
      }, timeoutMs);
      const request = get(`${baseUrl}/api/events${query}`, (response: IncomingMessage) => {
        clearTimeout(timer);
        if (response.statusCode !== 200) {
          response.resume();
          reject(new Error(`GET /api/events answered ${response.statusCode}`));
          return;
        }
        const reader = new EventStreamReader(request);
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          const at = performance.now();
          reader.bytes += chunk.length;
          buffer += chunk;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            for (const line of block.split('\n')) {
              if (!line.startsWith('data: ')) continue;
              const event = JSON.parse(line.slice(6)) as StreamedEvent;
              if (typeof event.type !== 'string') continue; // e.g. a resync notice
              reader.events++;
              onEvent(event, at);
            }
            end = buffer.indexOf('\n\n');
          }
        });
        response.on('end', () => reader.onEnd?.());
        response.on('error', () => reader.onEnd?.());
        resolve(reader);
      });
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  close(): void {
    this.#request.destroy();
  }
}
