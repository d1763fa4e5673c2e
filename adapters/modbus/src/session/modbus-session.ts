import { CodedError, type ErrorCode, isCodedError } from '@lwm2m-adapters/errors';
import {
  type AdapterSession,
  collectReadings,
  type PointReading,
  type RawValue,
  type ReadingSink,
  type SessionContext,
  type SessionState,
  type SessionStats,
} from '@lwm2m-adapters/sdk';
import type { ModbusConnection } from '../config/connection-schema.js';
import type { ModbusPoint } from '../config/point-schema.js';
import { ValueCodecCache } from '../data/value-codec-cache.js';
import { validateModbusWrite } from '../data/write-validation.js';
import type { ModbusLinkRegistry } from '../link/link-registry.js';
import type { LinkJob } from '../link/link-scheduler.js';
import { linkSettingsOf } from '../link/link-settings.js';
import type { ModbusLink } from '../link/modbus-link.js';
import { requestTimeoutMs } from '../link/request-timeout.js';
import { type PlannedRead, planReads } from '../plan/read-planner.js';
import { FunctionCode } from '../protocol/function-codes.js';
import { type ModbusRequest, readRequest } from '../protocol/modbus-request.js';
import { type BoundPoint, bindPoint } from './bound-point.js';
import { coilWriteRequest, registerWriteRequest, valueWriteRequest } from './write-requests.js';

/** Read layouts kept per distinct list of point ids (hosts poll the same lists over and over). */
const LAYOUT_CACHE_SIZE = 32;
/** Attempts to write a pulsed coil back to false. */
const PULSE_END_ATTEMPTS = 3;

/**
 * One planned request of a read list, for each of its items the list index that asked first, and
 * the link job that reads it: made with the layout and sent as is every poll (a request's bytes
 * never change), so a poll allocates no request, PDU or job while it waits its turn on the link.
 */
interface LaidOutRead {
  readonly plan: PlannedRead<BoundPoint>;
  readonly slots: Int32Array;
  readonly job: LinkJob;
}

/**
 * A planned request's outcome: reply data, or the error in its place; when it came (ms since the
 * epoch). A class whose fields are declared without a value: V8 then keeps `at` as the heap
 * number `Date.now()` gave, and handing it to the sink once per value makes no new one (a plain
 * object's number field is unboxed, and every read of it for a call boxed it again: 15 bytes per
 * value, 1.5 MB/s at 10,000 points, issue 16).
 */
class FetchedReply {
  readonly data: Uint8Array | undefined;
  readonly error: CodedError | undefined;
  readonly at: number;

  constructor(data: Uint8Array | undefined, error: CodedError | undefined) {
    this.data = data;
    this.error = error;
    this.at = Date.now();
  }
}

/** How one list of point ids is read (see ModbusSession.#layoutOf). */
interface ReadLayout {
  readonly reads: readonly LaidOutRead[];
  /** Indices of the points not read: unknown to the session or not readable. */
  readonly refused: readonly number[];
  /**
   * A point listed again: [its index, the read and the item of the read that reads it] (the
   * repeat gets the same outcome as the first).
   */
  readonly repeats: readonly (readonly [number, number, number])[];
}

interface Pulse {
  /** Ends the pulse now (session closing): writes false at once. */
  finishNow(): void;
  readonly done: Promise<void>;
}

/**
 * A session for one Modbus device (one unit on a link shared through the adapter's registry).
 * Reads are planned into as few requests as the limits allow; writes are validated before
 * anything is sent; execute pulses a coil.
 */
export class ModbusSession implements AdapterSession {
  readonly #context: SessionContext<ModbusConnection, ModbusPoint>;
  readonly #registry: ModbusLinkRegistry;
  readonly #points = new Map<string, BoundPoint>();
  readonly #layouts = new Map<string, ReadLayout>();
  /** Layouts by the very list they were made for (weakly: lists come and go with poll groups). */
  readonly #layoutByList = new WeakMap<readonly string[], ReadLayout>();
  readonly #listeners = new Set<(state: SessionState, error?: CodedError) => void>();
  readonly #pulses = new Set<Pulse>();
  readonly #errors: Partial<Record<ErrorCode, number>> = {};
  #state: SessionState = 'idle';
  #link: ModbusLink | undefined;
  #unsubscribeLink: (() => void) | undefined;
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(context: SessionContext<ModbusConnection, ModbusPoint>, registry: ModbusLinkRegistry) {
    this.#context = context;
    this.#registry = registry;
    const { byteOrder, wordOrder } = context.connection;
    const codecs = new ValueCodecCache();
    for (const spec of context.points) {
      this.#points.set(spec.id, bindPoint(spec, { byteOrder, wordOrder }, codecs, context.connection.unitId));
    }
  }

  get state(): SessionState {
    return this.#state;
  }

  start(): Promise<void> {
    if (this.#state === 'closed') return Promise.reject(this.#closedError());
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    const link = this.#registry.acquire(
      this,
      this.#context.deviceId,
      linkSettingsOf(this.#context.connection),
      this.#context.logger,
    );
    this.#link = link;
    this.#unsubscribeLink = link.onStateChange((state, error) => {
      if (state !== 'idle' && state !== 'closed') this.#setState(state, error);
    });
    if (link.state !== 'idle' && link.state !== 'closed') this.#setState(link.state, link.lastError);
    await link.start();
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    const pulses = [...this.#pulses];
    for (const pulse of pulses) pulse.finishNow();
    await Promise.all(pulses.map((p) => p.done));
    this.#setState('closed');
    this.#unsubscribeLink?.();
    const link = this.#link;
    if (link !== undefined) {
      link.scheduler.cancel(this, this.#closedError());
      await this.#registry.release(this, link);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  onStateChange(listener: (state: SessionState, error?: CodedError) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  read(pointIds: readonly string[]): Promise<PointReading[]> {
    return collectReadings(pointIds, (sink) => this.readInto(pointIds, sink));
  }

  async readInto(pointIds: readonly string[], sink: ReadingSink): Promise<void> {
    this.#assertOpen();
    const layout = this.#layoutOf(pointIds);
    // The replies first, the values after the last one: a device's requests take turns with the
    // other units' on a shared link, so values given at each reply would wait most of a poll
    // cycle for the others and be promoted by the young-generation GCs meanwhile (at 10,000
    // points most of the host's GC work, issue 16); raw reply data waits instead.
    const replies =
      layout.reads.length === 0 ? [] : await Promise.all(layout.reads.map((read) => this.#fetch(read)));
    // indexed loops, not for-of: an iterator per item was half of what a poll allocated
    for (let r = 0; r < replies.length; r++) {
      const read = layout.reads[r]!;
      for (let i = 0; i < read.slots.length; i++) this.#give(read, replies[r]!, i, read.slots[i]!, sink);
    }
    if (layout.refused.length > 0) {
      const now = Date.now();
      for (const index of layout.refused) sink.error(index, this.#refusalOf(pointIds[index]!), now);
    }
    // a point listed twice gets the same outcome at each index
    for (const [index, r, item] of layout.repeats)
      this.#give(layout.reads[r]!, replies[r]!, item, index, sink);
  }

  /**
   * One planned request: its reply data, or the error that took its place, with the time it came.
   * Errors are counted here, not through `#count`: one async frame less per request (issue 16).
   */
  async #fetch(read: LaidOutRead): Promise<FetchedReply> {
    let link: ModbusLink;
    try {
      link = this.#requireLink();
    } catch (err) {
      return new FetchedReply(undefined, err as CodedError);
    }
    try {
      const data = await link.scheduler.submit(this, read.job);
      return new FetchedReply(data, undefined);
    } catch (err) {
      this.#countError(err);
      const error = isCodedError(err)
        ? err
        : new CodedError(
            'DEVICE_FAILURE',
            `reading ${read.plan.items.length} points failed: ${String(err)}`,
            {
              cause: err,
            },
          );
      return new FetchedReply(undefined, error);
    }
  }

  /** The outcome of item `item` of a planned request, given to the sink at `index`. */
  #give(read: LaidOutRead, reply: FetchedReply, item: number, index: number, sink: ReadingSink): void {
    if (reply.data === undefined) {
      sink.error(index, reply.error!, reply.at);
      return;
    }
    const { plan } = read;
    const planned = plan.items[item]!;
    sink.value(index, planned.key.codec.decode(reply.data, planned.address - plan.address), reply.at);
  }

  async write(pointId: string, value: RawValue): Promise<void> {
    this.#assertOpen();
    const point = this.#point(pointId);
    if (!point.spec.access.write) {
      throw new CodedError(
        'OPERATION_NOT_ALLOWED',
        `point ${pointId} of ${this.#context.deviceId} is not writable`,
      );
    }
    validateModbusWrite(point.spec.source, value);
    const { unitId, writeMultiple } = this.#context.connection;
    if (point.layout.bit === undefined) {
      await this.#send(valueWriteRequest(point, unitId, value, writeMultiple));
      return;
    }
    await this.#readModifyWrite(point, value === true);
  }

  async execute(pointId: string, _args?: string): Promise<void> {
    this.#assertOpen();
    const point = this.#point(pointId);
    if (!point.spec.access.execute) {
      throw new CodedError(
        'OPERATION_NOT_ALLOWED',
        `point ${pointId} of ${this.#context.deviceId} is not executable`,
      );
    }
    if (point.layout.table !== 'coil') {
      throw new CodedError(
        'DEVICE_OPERATION_UNSUPPORTED',
        `point ${pointId} is a ${point.layout.table}, but execute needs a coil (it writes true, or pulses true then false)`,
      );
    }
    const { unitId, writeMultiple } = this.#context.connection;
    const on = coilWriteRequest(unitId, point.layout.address, true, writeMultiple);
    const pulseMs = point.spec.source.pulseMs;
    if (pulseMs === undefined) {
      await this.#send(on);
      return;
    }
    const off = coilWriteRequest(unitId, point.layout.address, false, writeMultiple);
    await this.#pulse(
      pulseMs,
      async () => {
        await this.#send(on);
      },
      () => this.#writeOff(pointId, off),
    );
  }

  /** The end of a pulse matters (a coil left on): retried on retriable errors, up to 3 attempts. */
  async #writeOff(pointId: string, request: ModbusRequest): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#send(request);
        return;
      } catch (err) {
        if (attempt >= PULSE_END_ATTEMPTS || !isCodedError(err) || !err.retriable) {
          this.#context.logger.error(
            { deviceId: this.#context.deviceId, pointId, code: isCodedError(err) ? err.code : undefined },
            'Modbus pulse could not write the coil back to false: it may still be on',
          );
          throw err;
        }
      }
    }
  }

  /**
   * This device's counters (its unit on the link): `requests` put on the wire, `replies`,
   * `timeouts`, `refused` (failed without being sent: quarantined, link down, queued behind a
   * timeout), `quarantines`, `probes`, `staleReplies` (late replies from the unit, dropped),
   * `dropped` (queue full) and `errors.<CODE>`; then the shared link's as `link.*`.
   */
  stats(): SessionStats {
    const link = this.#link;
    const unit = link?.scheduler.unitStats(this.#context.connection.unitId);
    const stats: Record<string, number> = {
      requests: unit?.requests ?? 0,
      replies: unit?.replies ?? 0,
      timeouts: unit?.timeouts ?? 0,
      refused: unit?.refused ?? 0,
      quarantines: unit?.quarantines ?? 0,
      probes: unit?.probes ?? 0,
      staleReplies: unit?.staleReplies ?? 0,
      dropped: this.#errors.DEVICE_BUSY ?? 0,
    };
    for (const [code, count] of Object.entries(this.#errors)) stats[`errors.${code}`] = count;
    if (link !== undefined) {
      const s = link.scheduler.stats();
      const c = link.connectionStats();
      Object.assign(stats, {
        'link.requests': s.requests,
        'link.replies': s.replies,
        'link.timeouts': s.timeouts,
        'link.refused': s.refused,
        'link.dropped': s.dropped,
        'link.quarantines': s.quarantines,
        'link.probes': s.probes,
        'link.queueDepth': s.queueDepth,
        'link.inFlight': s.inFlight,
        'link.staleReplies': s.staleReplies,
        'link.reconnects': c.reconnects,
        'link.connectFailures': c.connectFailures,
      });
    }
    return stats;
  }

  /**
   * Writes true, waits pulseMs and writes false. A session close cuts the wait short (false is
   * written at once, then the call fails with SESSION_CLOSED). When writing true fails, false is
   * still written (best effort): a timed-out write may have reached the coil.
   */
  #pulse(pulseMs: number, writeOn: () => Promise<void>, writeOff: () => Promise<void>): Promise<void> {
    let finish = () => {};
    let cutShort = false;
    const elapsed = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pulseMs);
      finish = () => {
        cutShort = true;
        clearTimeout(timer);
        resolve();
      };
    });
    const done = (async () => {
      try {
        await writeOn();
      } catch (err) {
        await writeOff().catch(() => undefined);
        throw err;
      }
      await elapsed;
      await writeOff();
      if (cutShort) throw this.#closedError();
    })();
    const pulse: Pulse = { finishNow: () => finish(), done: done.catch(() => undefined) };
    this.#pulses.add(pulse);
    return done.finally(() => this.#pulses.delete(pulse));
  }

  /** FC3 then FC6 (or FC16) on the register, with nothing else on the link in between. */
  async #readModifyWrite(point: BoundPoint, on: boolean): Promise<void> {
    const link = this.#requireLink();
    const { unitId, writeMultiple } = this.#context.connection;
    await this.#count(
      link.scheduler.exclusive(this, unitId, async (exchange) => {
        const read = readRequest(unitId, FunctionCode.READ_HOLDING_REGISTERS, point.layout.address, 1);
        const register = await exchange(this.#job(read));
        const write = registerWriteRequest(
          unitId,
          point.layout.address,
          point.codec.withBit(register, on),
          writeMultiple,
        );
        return exchange(this.#job(write));
      }),
    );
  }

  #send(request: ModbusRequest): Promise<Uint8Array> {
    const link = this.#requireLink();
    return this.#count(link.scheduler.submit(this, this.#job(request)));
  }

  async #count<T>(operation: Promise<T>): Promise<T> {
    try {
      return await operation;
    } catch (err) {
      this.#countError(err);
      throw err;
    }
  }

  #countError(err: unknown): void {
    const code: ErrorCode = isCodedError(err) ? err.code : 'DEVICE_FAILURE';
    this.#errors[code] = (this.#errors[code] ?? 0) + 1;
  }

  #job(request: ModbusRequest): LinkJob {
    const connection = this.#context.connection;
    return { request, timeoutMs: requestTimeoutMs(connection, request), quarantine: connection.quarantine };
  }

  /**
   * How a list of point ids is read: the planned requests, where each planned point's reading goes
   * in the list, and the indices refused (unknown or not readable). A poller asks with the same
   * (immutable) list every cycle, so the layout is found by the list's identity, with no key built.
   */
  #layoutOf(pointIds: readonly string[]): ReadLayout {
    const known = this.#layoutByList.get(pointIds);
    if (known !== undefined) return known;
    const key = pointIds.join('\n');
    let layout = this.#layouts.get(key);
    if (layout === undefined) {
      layout = this.#layOut(pointIds);
      if (this.#layouts.size >= LAYOUT_CACHE_SIZE) this.#layouts.clear();
      this.#layouts.set(key, layout);
    }
    this.#layoutByList.set(pointIds, layout);
    return layout;
  }

  #layOut(pointIds: readonly string[]): ReadLayout {
    const refused: number[] = [];
    const again: [BoundPoint, number][] = [];
    const first = new Map<BoundPoint, number>();
    pointIds.forEach((id, index) => {
      const point = this.#points.get(id);
      if (point === undefined || !point.spec.access.read) refused.push(index);
      else if (first.has(point)) again.push([point, index]);
      else first.set(point, index);
    });
    const { connection } = this.#context;
    const plans = first.size === 0 ? [] : planReads([...first.keys()], connection);
    // where each point is read: [read, item]
    const readAt = new Map<BoundPoint, readonly [number, number]>();
    for (const [r, plan] of plans.entries()) {
      for (const [i, item] of plan.items.entries()) readAt.set(item.key, [r, i]);
    }
    return {
      refused,
      repeats: again.map(([point, index]) => [index, ...readAt.get(point)!] as const),
      reads: plans.map((plan) => ({
        plan,
        slots: Int32Array.from(plan.items, (item) => first.get(item.key)!),
        job: this.#job(readRequest(connection.unitId, plan.functionCode, plan.address, plan.count)),
      })),
    };
  }

  /** Why a point of a read list is not read: not part of this session, or not readable. */
  #refusalOf(pointId: string): CodedError {
    const point = this.#points.get(pointId);
    if (point === undefined) return this.#unknownPoint(pointId);
    return new CodedError(
      'OPERATION_NOT_ALLOWED',
      `point ${pointId} of ${this.#context.deviceId} is not readable`,
    );
  }

  #requireLink(): ModbusLink {
    if (this.#state === 'closed') throw this.#closedError();
    if (this.#link === undefined) {
      throw new CodedError('DEVICE_UNREACHABLE', `session of ${this.#context.deviceId} is not started`);
    }
    return this.#link;
  }

  #point(pointId: string): BoundPoint {
    const point = this.#points.get(pointId);
    if (point === undefined) throw this.#unknownPoint(pointId);
    return point;
  }

  #unknownPoint(pointId: string): CodedError {
    return new CodedError(
      'CONFIG_INVALID',
      `point ${pointId} is not part of the session of ${this.#context.deviceId}`,
    );
  }

  #assertOpen(): void {
    if (this.#state === 'closed' || this.#closing !== undefined) throw this.#closedError();
  }

  #closedError(): CodedError {
    return new CodedError('SESSION_CLOSED', `session of ${this.#context.deviceId} is closed`);
  }

  #setState(state: SessionState, error?: CodedError): void {
    if (this.#state === state || this.#state === 'closed') return;
    this.#state = state;
    for (const listener of [...this.#listeners]) listener(state, error);
  }
}
