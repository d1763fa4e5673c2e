import { CodedError, type ErrorCode, isCodedError } from '@lwm2m-adapters/errors';
import { Fifo, SlotList } from '@lwm2m-adapters/kit';
import type { AdapterLogger } from '@lwm2m-adapters/sdk';
import { isGatewayException } from '../protocol/modbus-exception.js';
import { describeRequest, type ModbusRequest } from '../protocol/modbus-request.js';
import { verifyReply } from '../protocol/reply-verifier.js';
import { ExchangeDeadline } from './exchange-deadline.js';
import { type LinkClock, systemLinkClock } from './link-clock.js';
import type { ModbusTransport } from './modbus-transport.js';
import { type QuarantinePolicy, UnitQuarantine } from './unit-quarantine.js';

/** One request as a session hands it to the link. */
export interface LinkJob {
  readonly request: ModbusRequest;
  readonly timeoutMs: number;
  readonly quarantine: QuarantinePolicy;
}

/** Sends one job and resolves with the verified reply data. */
export type LinkExchange = (job: LinkJob) => Promise<Uint8Array>;

export interface LinkSchedulerOptions {
  /** Link name for messages, e.g. `tcp://10.0.0.5:502`. */
  readonly name: string;
  /** Most requests outstanding at once (further capped by the transport: 1 on serial framings). */
  readonly maxInFlight: number;
  /** Most requests waiting; more fail at once with DEVICE_BUSY. */
  readonly maxQueue: number;
  readonly logger: AdapterLogger;
  /** Request timeouts and quarantine periods. Default: the system's. */
  readonly clock?: LinkClock;
}

/** Counters of one link. */
export interface LinkSchedulerStats {
  /** Requests put on the wire. */
  readonly requests: number;
  readonly replies: number;
  readonly timeouts: number;
  readonly errors: Readonly<Partial<Record<ErrorCode, number>>>;
  readonly dropped: number;
  /** Requests failed without being sent: link down, unit quarantined, or queued behind a timeout. */
  readonly refused: number;
  readonly quarantines: number;
  /** Requests sent to a unit whose quarantine period had ended (to see whether it is back). */
  readonly probes: number;
  readonly queueDepth: number;
  readonly inFlight: number;
  readonly staleReplies: number;
}

/** Counters of one unit on a link (what its sessions report as their own). */
export interface UnitStats {
  /** Requests put on the wire. */
  readonly requests: number;
  readonly replies: number;
  readonly timeouts: number;
  /** Requests failed without being sent: link down, unit quarantined, or queued behind a timeout. */
  readonly refused: number;
  readonly quarantines: number;
  readonly probes: number;
  /** Replies from this unit that no request was waiting for (late replies, dropped). */
  readonly staleReplies: number;
}

type UnitCounters = { -readonly [K in keyof UnitStats]: UnitStats[K] };

const noUnitCounters = (): UnitCounters => ({
  requests: 0,
  replies: 0,
  timeouts: 0,
  refused: 0,
  quarantines: 0,
  probes: 0,
  staleReplies: 0,
});

interface QueueEntry {
  readonly owner: object;
  readonly unit: number;
  /** A request, or the body of an exclusive section. */
  readonly job: LinkJob | undefined;
  readonly body: ((exchange: LinkExchange) => Promise<unknown>) | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  settled: boolean;
}

function settle(
  entry: QueueEntry,
  outcome: { ok: true; value: unknown } | { ok: false; error: unknown },
): void {
  if (entry.settled) return;
  entry.settled = true;
  if (outcome.ok) entry.resolve(outcome.value);
  else entry.reject(outcome.error);
}

/**
 * The per-link transaction scheduler: one queue per unit, served round-robin so a busy unit
 * cannot starve the others; at most `maxInFlight` requests outstanding (1 on serial lines and
 * RTU-over-TCP, opt-in pipelining on Modbus TCP); a timeout per request; per-unit quarantine so
 * a dead unit fails fast instead of stalling the link; a bounded queue (excess → DEVICE_BUSY,
 * counted); every reply verified against its request before it is accepted.
 *
 * Exclusive sections (read-modify-write of a register bit) run with nothing else outstanding.
 */
export class ModbusLinkScheduler {
  readonly #options: LinkSchedulerOptions;
  readonly #clock: LinkClock;
  readonly #units = new Map<number, UnitCounters>();
  /** Waiting requests by unit; a unit's queue stays when it drains (at most 247 units on a link). */
  readonly #queues = new Map<number, Fifo<QueueEntry>>();
  /** Sent and not settled; a SlotList, not a Set: it empties after every request (issue 16). */
  readonly #inFlight = new SlotList<QueueEntry>();
  readonly #quarantine = new UnitQuarantine();
  readonly #errors: Partial<Record<ErrorCode, number>> = {};
  #transport: ModbusTransport | undefined;
  #unavailable: CodedError;
  #queued = 0;
  #lastUnit = -1;
  #exclusiveRunning: QueueEntry | undefined;
  #requests = 0;
  #replies = 0;
  #timeouts = 0;
  #dropped = 0;
  #refused = 0;
  #probes = 0;
  #staleOfClosedTransports = 0;

  constructor(options: LinkSchedulerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemLinkClock;
    this.#unavailable = new CodedError('DEVICE_UNREACHABLE', `${options.name}: not connected yet`);
  }

  /** Starts dispatching to a freshly connected transport. */
  attach(transport: ModbusTransport): void {
    this.#transport = transport;
    this.#pump();
  }

  /** The transport is gone: queued requests fail with `error`, and so do new ones until `attach`. */
  detach(error: CodedError): void {
    const closed = this.#transport;
    if (closed !== undefined) {
      this.#staleOfClosedTransports += closed.staleReplies;
      for (const [unit, counters] of this.#units) counters.staleReplies += closed.staleRepliesOf(unit);
    }
    this.#transport = undefined;
    this.#unavailable = error;
    this.#rejectQueued(() => true, error);
  }

  /** Queues one request; resolves with the verified reply data (see `verifyReply`). */
  submit(owner: object, job: LinkJob): Promise<Uint8Array> {
    return this.#enqueue<Uint8Array>(owner, job.request.unit, job, undefined);
  }

  /**
   * Runs `body` with the link to itself (waiting for outstanding requests to finish first);
   * `body` sends its requests with the exchange function it is given.
   */
  exclusive<T>(owner: object, unit: number, body: (exchange: LinkExchange) => Promise<T>): Promise<T> {
    return this.#enqueue<T>(owner, unit, undefined, body);
  }

  /** Settles the owner's queued and outstanding requests with `error` (the wire exchange itself completes). */
  cancel(owner: object, error: CodedError): void {
    this.#rejectQueued((entry) => entry.owner === owner, error);
    for (const entry of this.#inFlight.toArray())
      if (entry.owner === owner) settle(entry, { ok: false, error });
    if (this.#exclusiveRunning?.owner === owner) settle(this.#exclusiveRunning, { ok: false, error });
  }

  stats(): LinkSchedulerStats {
    return {
      requests: this.#requests,
      replies: this.#replies,
      timeouts: this.#timeouts,
      errors: { ...this.#errors },
      dropped: this.#dropped,
      refused: this.#refused,
      quarantines: this.#quarantine.quarantines,
      probes: this.#probes,
      queueDepth: this.#queued,
      inFlight: this.#inFlight.size,
      staleReplies: this.#staleOfClosedTransports + (this.#transport?.staleReplies ?? 0),
    };
  }

  /** Counters of one unit (zeros for a unit never asked). */
  unitStats(unit: number): UnitStats {
    const counters = this.#units.get(unit) ?? noUnitCounters();
    return {
      ...counters,
      staleReplies: counters.staleReplies + (this.#transport?.staleRepliesOf(unit) ?? 0),
    };
  }

  /** Replies received so far (the link resets its reconnect backoff once a connection has answered). */
  get replies(): number {
    return this.#replies;
  }

  #enqueue<T>(
    owner: object,
    unit: number,
    job: LinkJob | undefined,
    body: ((exchange: LinkExchange) => Promise<T>) | undefined,
  ): Promise<T> {
    const refused = this.#refusal(unit);
    if (refused !== undefined) {
      this.#countRefused(unit, refused.code);
      return Promise.reject(refused);
    }
    if (this.#queued >= this.#options.maxQueue) {
      this.#dropped++;
      this.#count('DEVICE_BUSY');
      return Promise.reject(
        new CodedError(
          'DEVICE_BUSY',
          `${this.#options.name}: request queue full (${this.#options.maxQueue} waiting)`,
          {
            details: { maxQueue: this.#options.maxQueue },
          },
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const entry: QueueEntry = {
        owner,
        unit,
        job,
        body,
        resolve: resolve as (value: unknown) => void,
        reject,
        settled: false,
      };
      let queue = this.#queues.get(unit);
      if (queue === undefined) {
        queue = new Fifo();
        this.#queues.set(unit, queue);
      }
      queue.push(entry);
      this.#queued++;
      this.#pump();
    });
  }

  /** Why a request to `unit` fails at once: link down or unit quarantined. */
  #refusal(unit: number): CodedError | undefined {
    if (this.#transport === undefined) return this.#unavailable;
    const remaining = this.#quarantine.remainingMs(unit, this.#clock.now());
    if (remaining > 0) {
      return new CodedError(
        'DEVICE_UNREACHABLE',
        `${this.#options.name}: unit ${unit} is quarantined after timeouts; next try in ${Math.ceil(remaining)} ms`,
        { details: { unit, quarantineRemainingMs: remaining } },
      );
    }
    return undefined;
  }

  /** The unit whose turn it is (round-robin over units with waiting requests). */
  #nextUnit(): number | undefined {
    let lowest: number | undefined;
    let next: number | undefined;
    for (const unit of this.#queues.keys()) {
      if (this.#queues.get(unit)!.size === 0) continue;
      if (lowest === undefined || unit < lowest) lowest = unit;
      if (unit > this.#lastUnit && (next === undefined || unit < next)) next = unit;
    }
    return next ?? lowest;
  }

  #take(unit: number): QueueEntry {
    const queue = this.#queues.get(unit)!;
    const entry = queue.shift()!;
    this.#queued--;
    this.#lastUnit = unit;
    return entry;
  }

  #pump(): void {
    for (;;) {
      const transport = this.#transport;
      if (this.#exclusiveRunning !== undefined || transport === undefined || this.#queued === 0) return;
      const unit = this.#nextUnit()!;
      const head = this.#queues.get(unit)!.peek()!;
      if (head.body !== undefined) {
        if (this.#inFlight.size > 0) return; // drain first; nothing else goes out meanwhile
        this.#runExclusive(this.#take(unit));
        return;
      }
      if (this.#inFlight.size >= Math.min(this.#options.maxInFlight, transport.maxInFlight)) return;
      const entry = this.#take(unit);
      if (entry.settled) continue;
      const refused = this.#refusal(unit);
      if (refused !== undefined) {
        this.#countRefused(unit, refused.code);
        settle(entry, { ok: false, error: refused });
        continue;
      }
      this.#inFlight.add(entry);
      this.#execute(entry.job!).then(
        (value) => this.#finish(entry, { ok: true, value }),
        (error: unknown) => this.#finish(entry, { ok: false, error }),
      );
    }
  }

  #finish(entry: QueueEntry, outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): void {
    this.#inFlight.delete(entry);
    settle(entry, outcome);
    this.#pump();
  }

  #runExclusive(entry: QueueEntry): void {
    this.#exclusiveRunning = entry;
    const exchange: LinkExchange = (job) => {
      const refused = this.#refusal(job.request.unit);
      if (refused !== undefined) {
        this.#countRefused(job.request.unit, refused.code);
        return Promise.reject(refused);
      }
      return this.#execute(job);
    };
    entry.body!(exchange).then(
      (value) => this.#endExclusive(entry, { ok: true, value }),
      (error: unknown) => this.#endExclusive(entry, { ok: false, error }),
    );
  }

  #endExclusive(
    entry: QueueEntry,
    outcome: { ok: true; value: unknown } | { ok: false; error: unknown },
  ): void {
    this.#exclusiveRunning = undefined;
    settle(entry, outcome);
    this.#pump();
  }

  /** Sends one request on the current transport with its timeout, and verifies the reply. */
  async #execute(job: LinkJob): Promise<Uint8Array> {
    const { request } = job;
    let transport = this.#transport;
    if (transport === undefined) throw this.#unavailable;
    const ready = transport.ready();
    if (ready !== undefined) {
      await ready;
      if (this.#transport !== transport) throw this.#unavailable;
      transport = this.#transport;
    }
    const deadline = new ExchangeDeadline();
    const cancelTimer = this.#clock.setTimer(job.timeoutMs, () =>
      deadline.expire(
        new CodedError('DEVICE_TIMEOUT', `${describeRequest(request)}: no reply within ${job.timeoutMs} ms`, {
          details: { unit: request.unit, functionCode: request.functionCode, timeoutMs: job.timeoutMs },
        }),
      ),
    );
    const unit = this.#unit(request.unit);
    this.#requests++;
    unit.requests++;
    if (this.#quarantine.onProbation(request.unit, this.#clock.now())) {
      this.#probes++;
      unit.probes++;
    }
    try {
      const reply = await transport.exchange(request, deadline);
      this.#replies++;
      unit.replies++;
      const data = verifyReply(request, reply);
      this.#quarantine.recordReply(request.unit);
      return data;
    } catch (err) {
      const error = isCodedError(err)
        ? err
        : new CodedError('DEVICE_FAILURE', `${describeRequest(request)}: ${String(err)}`, { cause: err });
      this.#count(error.code);
      const exceptionCode = error.details.exceptionCode;
      if (
        error.code === 'DEVICE_TIMEOUT' ||
        (typeof exceptionCode === 'number' && isGatewayException(exceptionCode))
      ) {
        if (error.code === 'DEVICE_TIMEOUT') {
          this.#timeouts++;
          unit.timeouts++;
        }
        this.#onNoAnswer(job, error);
      } else if (typeof exceptionCode === 'number') {
        this.#quarantine.recordReply(request.unit);
      }
      throw error;
    } finally {
      cancelTimer();
    }
  }

  /**
   * The unit did not answer (a timeout, or a gateway saying so). What is queued for it fails at
   * once, unsent: it would only wait a timeout each behind a silent unit (a read of a frozen PLC is
   * answered within one timeout, not one per request). Enough of these in a row quarantine it.
   */
  #onNoAnswer(job: LinkJob, error: CodedError): void {
    const unit = job.request.unit;
    const period = this.#quarantine.recordTimeout(unit, job.quarantine, this.#clock.now());
    if (period > 0) {
      this.#unit(unit).quarantines++;
      this.#options.logger.warn(
        { link: this.#options.name, unit, quarantineMs: period },
        'Modbus unit quarantined: it stopped answering',
      );
    }
    const refused =
      this.#refusal(unit) ??
      new CodedError(
        'DEVICE_UNREACHABLE',
        `${this.#options.name}: unit ${unit} did not answer the request before this one (${error.message}); not sent`,
        { details: { unit }, cause: error },
      );
    this.#rejectQueued((entry) => entry.unit === unit && entry.body === undefined, refused);
  }

  #rejectQueued(matches: (entry: QueueEntry) => boolean, error: CodedError): void {
    for (const queue of this.#queues.values()) {
      const removed = queue.removeWhere(matches);
      this.#queued -= removed.length;
      for (const entry of removed) {
        if (!entry.settled) this.#countRefused(entry.unit, error.code);
        settle(entry, { ok: false, error });
      }
    }
  }

  #unit(unit: number): UnitCounters {
    let counters = this.#units.get(unit);
    if (counters === undefined) {
      counters = noUnitCounters();
      this.#units.set(unit, counters);
    }
    return counters;
  }

  /** A request failed without being sent. */
  #countRefused(unit: number, code: ErrorCode): void {
    this.#refused++;
    this.#unit(unit).refused++;
    this.#count(code);
  }

  #count(code: ErrorCode): void {
    this.#errors[code] = (this.#errors[code] ?? 0) + 1;
  }
}
