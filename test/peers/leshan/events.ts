/**
 * The Leshan demo's server-sent events (GET /api/event, optionally `?ep=<endpoint>`), parsed into
 * typed events and kept in a log that tests wait on.
 *
 * Wire format (2.0.0-M4 EventServlet, Jetty EventSourceServlet; the request needs
 * `Accept: text/event-stream`, otherwise 405):
 *   event: REGISTRATION
 *   data: {"endpoint":"x","registrationId":"6SYRjeW1au",...}
 *   <blank line>
 * Types: REGISTRATION, UPDATED ({registration, update}), DEREGISTRATION (registration JSON),
 * NOTIFICATION ({ep, res, val}), SLEEPING / AWAKE ({ep}) and, on a stream opened with `?ep=`,
 * COAPLOG for each CoAP message of an endpoint that was already registered when the stream opened.
 * M4 has no SEND event (its demo ignores LwM2M Send).
 */

import type { z } from 'zod';
import { PeerEventLog } from '../peer-event-log.js';
import {
  coapLogDataSchema,
  type LeshanNode,
  type LeshanRegistration,
  notificationDataSchema,
  presenceDataSchema,
  registrationSchema,
  updatedDataSchema,
} from './schemas.js';

interface EventBase {
  /** Date.now() when the harness parsed the event. */
  readonly receivedAt: number;
}

export type LeshanEvent = EventBase &
  (
    | { readonly type: 'REGISTRATION'; readonly registration: LeshanRegistration }
    | { readonly type: 'DEREGISTRATION'; readonly registration: LeshanRegistration }
    | {
        readonly type: 'UPDATED';
        readonly registration: LeshanRegistration;
        readonly update: z.infer<typeof updatedDataSchema>['update'];
      }
    | {
        readonly type: 'NOTIFICATION';
        readonly endpoint: string;
        readonly path: string;
        readonly value: LeshanNode;
      }
    | { readonly type: 'SLEEPING'; readonly endpoint: string }
    | { readonly type: 'AWAKE'; readonly endpoint: string }
    | {
        readonly type: 'COAPLOG';
        readonly endpoint: string;
        readonly message: z.infer<typeof coapLogDataSchema>;
      }
    | { readonly type: 'OTHER'; readonly event: string; readonly data: string }
  );

/** Parses one SSE message of the Leshan demo; throws on JSON that does not match the M4 shapes. */
export function parseLeshanEvent(event: string, data: string, receivedAt = Date.now()): LeshanEvent {
  const json = (): unknown => JSON.parse(data);
  switch (event) {
    case 'REGISTRATION':
    case 'DEREGISTRATION':
      return { type: event, registration: registrationSchema.parse(json()), receivedAt };
    case 'UPDATED': {
      const { registration, update } = updatedDataSchema.parse(json());
      return { type: 'UPDATED', registration, update, receivedAt };
    }
    case 'NOTIFICATION': {
      const n = notificationDataSchema.parse(json());
      return { type: 'NOTIFICATION', endpoint: n.ep, path: n.res, value: n.val, receivedAt };
    }
    case 'SLEEPING':
    case 'AWAKE':
      return { type: event, endpoint: presenceDataSchema.parse(json()).ep, receivedAt };
    case 'COAPLOG': {
      const message = coapLogDataSchema.parse(json());
      return { type: 'COAPLOG', endpoint: message.ep, message, receivedAt };
    }
    default:
      return { type: 'OTHER', event, data, receivedAt };
  }
}

export interface LeshanEventStream {
  /** Every event received so far, oldest first. */
  readonly events: readonly LeshanEvent[];
  /** Index of the next event; pass it as `after` to ignore what came before. */
  cursor(): number;
  /**
   * The first event at index >= `after` (default 0) matching `predicate`, already received or
   * still to come. Rejects after `timeoutMs` (listing the events seen) or when the stream fails.
   */
  waitForEvent<T extends LeshanEvent>(
    predicate: (event: LeshanEvent) => event is T,
    timeoutMs: number,
    options?: { after?: number },
  ): Promise<T>;
  waitForEvent(
    predicate: (event: LeshanEvent) => boolean,
    timeoutMs: number,
    options?: { after?: number },
  ): Promise<LeshanEvent>;
  /** Drops the connection without failing waiters (the server is about to stop for a restart). */
  disconnect(): void;
  /** Subscribes again (after a restart); the log and cursors carry on. */
  reconnect(baseUrl: string): Promise<void>;
  /** Drops the connection for good. */
  close(): void;
}

/**
 * Jetty flushes the 200 headers just before it registers the listener (EventSourceServlet.doGet:
 * respond(), then open()), so an event fired in that instant would be lost; this much settling
 * after the headers closes the window.
 */
const SUBSCRIBE_SETTLE_MS = 150;

/** Opens GET {baseUrl}/api/event[?ep=] and resolves once the server accepted the subscription. */
export async function openLeshanEventStream(
  baseUrl: string,
  options: { endpoint?: string; connectTimeoutMs?: number } = {},
): Promise<LeshanEventStream> {
  const log = new PeerEventLog<LeshanEvent>(
    'Leshan event',
    (e) => `${e.type}${'registration' in e ? ` ${e.registration.endpoint}` : ''}`,
  );
  let abort = new AbortController();
  let closed = false;

  const connect = async (url: string) => {
    const controller = new AbortController();
    abort = controller;
    const query = options.endpoint === undefined ? '' : `?ep=${encodeURIComponent(options.endpoint)}`;
    const timer = setTimeout(() => controller.abort(), options.connectTimeoutMs ?? 5000);
    let response: Response;
    try {
      response = await fetch(`${url}/api/event${query}`, {
        headers: { accept: 'text/event-stream' },
        signal: controller.signal,
      });
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok || response.body === null) {
      throw new Error(`Leshan event stream ${url}/api/event answered HTTP ${response.status}`);
    }
    log.recover();
    void pump(response.body, controller);
    await new Promise((resolve) => setTimeout(resolve, SUBSCRIBE_SETTLE_MS));
  };

  const pump = async (body: ReadableStream<Uint8Array>, controller: AbortController) => {
    const decoder = new TextDecoder();
    let buffer = '';
    let event = 'message';
    let data: string[] = [];
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf('\n');
          if (line === '') {
            if (data.length > 0) log.push(parseLeshanEvent(event, data.join('\n')));
            event = 'message';
            data = [];
          } else if (line.startsWith('event:')) {
            event = line.slice(6).trim();
          } else if (line.startsWith('data:')) {
            data.push(line.slice(5).replace(/^ /, ''));
          }
          // ':' comments (heartbeats), id: and retry: are ignored
        }
      }
      if (!controller.signal.aborted && !closed) log.fail(new Error('Leshan event stream ended'));
    } catch (err) {
      if (!controller.signal.aborted && !closed)
        log.fail(err instanceof Error ? err : new Error(String(err)));
    }
  };

  await connect(baseUrl);

  const stream: LeshanEventStream = {
    events: log.events,
    cursor: () => log.cursor(),
    waitForEvent: log.waitFor.bind(log),
    disconnect() {
      abort.abort();
    },
    async reconnect(url) {
      abort.abort();
      await connect(url);
    },
    close() {
      closed = true;
      abort.abort();
    },
  };
  return stream;
}
