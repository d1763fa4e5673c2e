import type {
  CoapIncomingResponse,
  CoapNotification,
  CoapObservation,
  CoapObserveRequest,
  CoapOutgoingRequest,
} from '@lwm2m-adapters/coap';
import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import type { LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import type { CoapServerPort } from '../coap-server-port.js';
import type { Registration } from '../registration/registration.js';
import type { Lwm2mRequestStats, RegistrationTarget, RequestOptions } from '../server-types.js';
import type { RequestQueue } from './request-queue.js';

/** What a request operation may do with the client it runs for. */
export interface ClientExchange {
  /** The client's current registration (re-read when a queued request finally goes out). */
  readonly registration: Registration;
  /** Uri-Path of an LwM2M path (its gateway prefix included) below the client's root path. */
  uriPath(path: LwM2mPath): string[];
  /** Uri-Path of the client's root (composite requests): [] or the alternate path's segments. */
  rootUriPath(): string[];
  request(request: CoapOutgoingRequest): Promise<CoapIncomingResponse>;
  observe(
    request: CoapObserveRequest,
    onNotification: (notification: CoapNotification) => void,
  ): Promise<CoapObservation>;
  /** Counts a request sent again in another content format. */
  formatRetried(): void;
}

export interface DownlinkOptions {
  readonly port: CoapServerPort;
  readonly queue: RequestQueue;
  /** The registration a target names now, if any. */
  readonly find: (target: RegistrationTarget) => Registration | undefined;
  readonly isClosed: () => boolean;
  /** The server's `requestTimeoutMs`, as request options. */
  readonly defaultTimeout: RequestOptions;
}

/**
 * Downlink requests to registered clients: a request goes to the client's current registration
 * (CLIENT_NOT_REGISTERED when there is none), waits in the request queue while a queue-mode client
 * sleeps, carries the call's deadline or the server's, and is counted by outcome. A response from
 * a queue-mode client keeps it awake; a timeout puts it to sleep.
 */
export class Downlink {
  readonly #port: CoapServerPort;
  readonly #queue: RequestQueue;
  readonly #find: (target: RegistrationTarget) => Registration | undefined;
  readonly #isClosed: () => boolean;
  readonly #defaultTimeout: RequestOptions;
  readonly #counters = {
    sent: 0,
    success: 0,
    clientErrors: 0,
    serverErrors: 0,
    timeouts: 0,
    failures: 0,
    formatRetries: 0,
  };

  constructor(options: DownlinkOptions) {
    this.#port = options.port;
    this.#queue = options.queue;
    this.#find = options.find;
    this.#isClosed = options.isClosed;
    this.#defaultTimeout = options.defaultTimeout;
  }

  stats(): Lwm2mRequestStats {
    return { ...this.#counters };
  }

  /** The current registration of a target; CLIENT_NOT_REGISTERED when it is not (or no longer) registered. */
  current(target: RegistrationTarget): Registration {
    if (this.#isClosed()) throw new CodedError('TRANSPORT_CLOSED', 'the LwM2M server is closed');
    const registration = this.#find(target);
    if (registration === undefined) {
      const name = typeof target === 'string' ? target : `${target.endpoint} (registration ${target.id})`;
      throw new CodedError('CLIENT_NOT_REGISTERED', `no client is registered as ${name}`, {
        details: { endpoint: typeof target === 'string' ? target : target.endpoint },
      });
    }
    return registration;
  }

  /**
   * Runs `operation` for the target's client: at once when it can be reached, else when it wakes
   * up (queue mode). Rejects like the operation, and with SESSION_CLOSED, QUEUE_FULL or
   * CLIENT_ASLEEP when it never runs.
   */
  async run<T>(
    target: RegistrationTarget,
    options: RequestOptions,
    operation: (exchange: ClientExchange) => Promise<T>,
  ): Promise<T> {
    const registration = this.current(target);
    if (this.#queue.isDirect(registration.id)) return operation(this.#exchange(registration, options));
    return new Promise<T>((resolve, reject) => {
      this.#queue.enqueue(registration.id, {
        followsEndpoint: typeof target === 'string',
        fail: reject,
        run: async () => {
          try {
            resolve(await operation(this.#exchange(this.current(target), options)));
          } catch (error) {
            reject(error);
          }
        },
      });
    });
  }

  #exchange(registration: Registration, options: RequestOptions): ClientExchange {
    const timeout = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : this.#defaultTimeout;
    const root = registration.rootPath === '/' ? [] : registration.rootPath.slice(1).split('/');
    const { peer, id } = registration;
    return {
      registration,
      uriPath: (path) => (root.length === 0 ? path.segments() : [...root, ...path.segments()]),
      rootUriPath: () => [...root],
      request: (request) => this.#outcome(id, this.#port.request(peer, request, timeout), (r) => r),
      observe: (request, onNotification) =>
        this.#outcome(id, this.#port.observe(peer, request, onNotification, timeout), (o) => o.response),
      formatRetried: () => {
        this.#counters.formatRetries++;
      },
    };
  }

  async #outcome<R>(
    registrationId: string,
    sent: Promise<R>,
    responseOf: (result: R) => CoapIncomingResponse,
  ): Promise<R> {
    const counters = this.#counters;
    counters.sent++;
    let result: R;
    try {
      result = await sent;
    } catch (error) {
      if (isCodedError(error, 'COAP_TIMEOUT')) {
        counters.timeouts++;
        this.#queue.unreachable(registrationId);
      } else {
        counters.failures++;
      }
      throw error;
    }
    const code = responseOf(result).code;
    if (code.startsWith('2.')) counters.success++;
    else if (code.startsWith('4.')) counters.clientErrors++;
    else counters.serverErrors++;
    this.#queue.heard(registrationId);
    return result;
  }
}
