import { CodedError } from '@lwm2m-adapters/errors';
import { type Clock, RestartableTimer } from '@lwm2m-adapters/kit';
import type { Lwm2mQueueStats } from '../server-types.js';

/**
 * Queue mode (LwM2M 1.1 Core §6.5, Transport §6.5): a client that registered with `Q` sleeps
 * between its messages, so requests to it wait until it is awake.
 */
export interface QueueModeOptions {
  /**
   * How long a queue-mode client stays reachable after a message from it (Register, Update, Send,
   * a response or a notification). Default 93 s: CoAP's MAX_TRANSMIT_WAIT, how long the client
   * stays awake after its last message (Transport §6.5: the client "SHOULD" wait that long).
   */
  readonly awakeTimeMs?: number;
  /** Requests waiting per client; one more is refused with QUEUE_FULL (counted). Default 32. */
  readonly maxQueuedPerClient?: number;
  /**
   * Longest a request waits for its client to wake up; then it fails with CLIENT_ASLEEP (counted).
   * Default 10 minutes: raise it for clients that sleep longer between Updates.
   */
  readonly maxWaitMs?: number;
}

export const DEFAULT_AWAKE_TIME_MS = 93_000;
export const DEFAULT_MAX_QUEUED_PER_CLIENT = 32;
export const DEFAULT_MAX_WAIT_MS = 600_000;

/** One request (or a request and its format retry) waiting for a client. */
export interface QueuedJob {
  /** Performs the request now that the client is awake; settles the caller's promise itself. */
  run(): Promise<void>;
  /** The request will not be sent: the caller's promise rejects with `error`. */
  fail(error: CodedError): void;
  /** The request named the endpoint (it follows a re-registration), not one registration. */
  readonly followsEndpoint: boolean;
}

interface Entry {
  readonly job: QueuedJob;
  readonly cancelExpiry: () => void;
}

interface ClientQueue {
  readonly registrationId: string;
  readonly endpoint: string;
  readonly timer: RestartableTimer;
  readonly entries: Entry[];
  awake: boolean;
  flushScheduled: boolean;
  flushing: boolean;
}

export interface RequestQueueOptions extends QueueModeOptions {
  readonly clock: Clock;
  /** A queue-mode client became reachable / unreachable (by registration id). */
  readonly onAwake: (registrationId: string) => void;
  readonly onAsleep: (registrationId: string) => void;
}

/**
 * The queue-mode clients: whether each is awake (for `awakeTimeMs` after its last message, or
 * until a request to it times out) and the requests waiting for it. Waiting requests are bounded
 * per client (count and age) and go out in order, one at a time (NSTART 1), once the client is
 * awake; the first after a Register or Update goes out after the registration's response. A
 * client not in queue mode has no queue: its requests go out at once.
 */
export class RequestQueue {
  readonly #clock: Clock;
  readonly #awakeTimeMs: number;
  readonly #maxQueued: number;
  readonly #maxWaitMs: number;
  readonly #onAwake: (registrationId: string) => void;
  readonly #onAsleep: (registrationId: string) => void;
  readonly #queues = new Map<string, ClientQueue>();
  readonly #counters = { flushed: 0, overflows: 0, expired: 0, abandoned: 0 };

  constructor(options: RequestQueueOptions) {
    this.#clock = options.clock;
    this.#awakeTimeMs = positive(options.awakeTimeMs ?? DEFAULT_AWAKE_TIME_MS, 'awakeTimeMs');
    this.#maxQueued = positive(
      options.maxQueuedPerClient ?? DEFAULT_MAX_QUEUED_PER_CLIENT,
      'maxQueuedPerClient',
    );
    this.#maxWaitMs = positive(options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS, 'maxWaitMs');
    this.#onAwake = options.onAwake;
    this.#onAsleep = options.onAsleep;
  }

  /** 'awake' or 'asleep' for a queue-mode registration, undefined for any other. */
  presence(registrationId: string): 'awake' | 'asleep' | undefined {
    const queue = this.#queues.get(registrationId);
    if (queue === undefined) return undefined;
    return queue.awake ? 'awake' : 'asleep';
  }

  /** Requests waiting for a registration. */
  depth(registrationId: string): number {
    return this.#queues.get(registrationId)?.entries.length ?? 0;
  }

  /** Whether a request may go out now: not queue mode, or awake with nothing waiting before it. */
  isDirect(registrationId: string): boolean {
    const queue = this.#queues.get(registrationId);
    return (
      queue === undefined ||
      (queue.awake && queue.entries.length === 0 && !queue.flushing && !queue.flushScheduled)
    );
  }

  /**
   * A queue-mode registration begins, awake (it just registered; no `onAwake`), with requests
   * carried over from the registration it replaces.
   */
  start(registrationId: string, endpoint: string, carried: readonly QueuedJob[] = []): void {
    const queue: ClientQueue = {
      registrationId,
      endpoint,
      timer: new RestartableTimer(this.#clock),
      entries: [],
      awake: true,
      flushScheduled: false,
      flushing: false,
    };
    this.#queues.set(registrationId, queue);
    for (const job of carried) this.#add(queue, job);
    queue.timer.set(this.#awakeTimeMs, () => this.#sleep(queue));
    this.#scheduleFlush(queue);
  }

  /** A message came from the client: awake (again) for `awakeTimeMs`; what waits goes out. */
  heard(registrationId: string): void {
    const queue = this.#queues.get(registrationId);
    if (queue === undefined) return;
    queue.timer.set(this.#awakeTimeMs, () => this.#sleep(queue));
    if (!queue.awake) {
      queue.awake = true;
      this.#onAwake(registrationId);
    }
    this.#scheduleFlush(queue);
  }

  /** A request to the client timed out: it went to sleep earlier than its awake time. */
  unreachable(registrationId: string): void {
    const queue = this.#queues.get(registrationId);
    if (queue?.awake) this.#sleep(queue);
  }

  /**
   * Queues a request for a queue-mode registration (or runs it, for any other): refused with
   * QUEUE_FULL beyond `maxQueuedPerClient`, failed with CLIENT_ASLEEP after `maxWaitMs`.
   */
  enqueue(registrationId: string, job: QueuedJob): void {
    const queue = this.#queues.get(registrationId);
    if (queue === undefined) {
      void job.run();
      return;
    }
    if (queue.entries.length >= this.#maxQueued) {
      this.#counters.overflows++;
      job.fail(
        new CodedError(
          'QUEUE_FULL',
          `${queue.endpoint} is asleep (queue mode) and ${queue.entries.length} requests already wait for it (maxQueuedPerClient)`,
          { details: { endpoint: queue.endpoint } },
        ),
      );
      return;
    }
    this.#add(queue, job);
    if (queue.awake) this.#scheduleFlush(queue);
  }

  /**
   * The registration was replaced by a new Register of its endpoint: the requests that named the
   * endpoint are handed back (for the new registration), those that named the old registration
   * fail with SESSION_CLOSED.
   */
  replaced(registrationId: string): QueuedJob[] {
    const queue = this.#remove(registrationId);
    if (queue === undefined) return [];
    const carried: QueuedJob[] = [];
    for (const entry of queue.entries) {
      entry.cancelExpiry();
      if (entry.job.followsEndpoint) carried.push(entry.job);
      else this.#abandon(entry, sessionClosed(queue.endpoint, 'registered again'));
    }
    return carried;
  }

  /** The registration ended (De-register, expiry): what waits fails with SESSION_CLOSED. */
  ended(registrationId: string, reason: string): void {
    const queue = this.#remove(registrationId);
    if (queue === undefined) return;
    for (const entry of queue.entries) this.#abandon(entry, sessionClosed(queue.endpoint, reason));
  }

  /** Everything waiting fails with TRANSPORT_CLOSED; no events. */
  close(): void {
    for (const registrationId of [...this.#queues.keys()]) {
      const queue = this.#remove(registrationId);
      for (const entry of queue?.entries ?? []) {
        this.#abandon(entry, new CodedError('TRANSPORT_CLOSED', 'the LwM2M server is closed'));
      }
    }
  }

  stats(): Lwm2mQueueStats {
    let queued = 0;
    let deepest = 0;
    let asleep = 0;
    for (const queue of this.#queues.values()) {
      queued += queue.entries.length;
      deepest = Math.max(deepest, queue.entries.length);
      if (!queue.awake) asleep++;
    }
    return { queued, deepest, asleep, ...this.#counters };
  }

  #add(queue: ClientQueue, job: QueuedJob): void {
    const entry: Entry = {
      job,
      cancelExpiry: this.#clock.setTimer(this.#maxWaitMs, () => {
        const index = queue.entries.indexOf(entry);
        if (index < 0) return;
        queue.entries.splice(index, 1);
        this.#counters.expired++;
        job.fail(
          new CodedError(
            'CLIENT_ASLEEP',
            `${queue.endpoint} (queue mode) did not wake up within ${this.#maxWaitMs} ms; the request was not sent`,
            { details: { endpoint: queue.endpoint, waitedMs: this.#maxWaitMs } },
          ),
        );
      }),
    };
    queue.entries.push(entry);
  }

  #abandon(entry: Entry, error: CodedError): void {
    entry.cancelExpiry();
    this.#counters.abandoned++;
    entry.job.fail(error);
  }

  #remove(registrationId: string): ClientQueue | undefined {
    const queue = this.#queues.get(registrationId);
    if (queue === undefined) return undefined;
    this.#queues.delete(registrationId);
    queue.timer.cancel();
    queue.awake = false;
    return queue;
  }

  #sleep(queue: ClientQueue): void {
    queue.timer.cancel();
    if (!queue.awake) return;
    queue.awake = false;
    this.#onAsleep(queue.registrationId);
  }

  /**
   * Flushes after the current turn: the answer to a Register or Update leaves first, and requests
   * made meanwhile (by an event listener) queue behind the ones that waited.
   */
  #scheduleFlush(queue: ClientQueue): void {
    if (queue.flushScheduled || queue.flushing) return;
    queue.flushScheduled = true;
    queueMicrotask(() => {
      queue.flushScheduled = false;
      void this.#flush(queue);
    });
  }

  async #flush(queue: ClientQueue): Promise<void> {
    if (queue.flushing) return;
    queue.flushing = true;
    try {
      while (queue.awake && this.#queues.get(queue.registrationId) === queue) {
        const entry = queue.entries.shift();
        if (entry === undefined) break;
        entry.cancelExpiry();
        this.#counters.flushed++;
        try {
          await entry.job.run();
        } catch {
          // a job settles its caller itself; nothing may stop the queue
        }
      }
    } finally {
      queue.flushing = false;
    }
  }
}

function sessionClosed(endpoint: string, reason: string): CodedError {
  return new CodedError(
    'SESSION_CLOSED',
    `${endpoint} ${reason} while a request waited for it to wake up (queue mode)`,
    { details: { endpoint } },
  );
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`queueMode.${name} must be a positive number`);
  return value;
}
