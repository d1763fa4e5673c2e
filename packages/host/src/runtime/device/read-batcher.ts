import { CodedError } from '@lwm2m-adapters/errors';
import type { PointValue } from '@lwm2m-adapters/mapping';
import type { HostClock } from '../host-clock.js';

/** Largest number of distinct points waiting for an on-demand read by default; more get DEVICE_BUSY. */
export const MAX_PENDING_READS = 10_000;

export interface ReadBatcherOptions {
  readonly deviceId: string;
  /** Its `afterTurn` ends a batch. */
  readonly clock: Pick<HostClock, 'afterTurn'>;
  /** Reads the points of one batch; resolves once their outcomes are recorded. Never rejects. */
  readonly read: (pointIds: readonly string[]) => Promise<void>;
  /** The recorded outcome of a point after a read: its value, or throws its error. */
  readonly recorded: (pointId: string) => PointValue;
  readonly maxPending?: number;
}

interface Waiting {
  readonly resolve: (value: PointValue) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * On-demand reads of one device, batched: the points asked in one turn (an instance, a composite,
 * a burst of requests) are read with one adapter call when the turn ends, and a point asked twice
 * is read once. Bounded: past `maxPending` distinct points, reads fail with DEVICE_BUSY.
 */
export class ReadBatcher {
  readonly #options: ReadBatcherOptions;
  readonly #maxPending: number;
  #pending = new Map<string, Waiting[]>();
  #flushQueued = false;
  #closed = false;

  constructor(options: ReadBatcherOptions) {
    this.#options = options;
    this.#maxPending = options.maxPending ?? MAX_PENDING_READS;
  }

  /** Points waiting for the next batch. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Reads a point with the batch of this turn. SESSION_CLOSED once closed. */
  read(pointId: string): Promise<PointValue> {
    return new Promise<PointValue>((resolve, reject) => {
      if (this.#closed) {
        reject(this.#closedError());
        return;
      }
      const waiting = this.#pending.get(pointId);
      if (waiting !== undefined) {
        waiting.push({ resolve, reject });
        return;
      }
      if (this.#pending.size >= this.#maxPending) {
        reject(new CodedError('DEVICE_BUSY', `device ${this.#options.deviceId} has too many reads waiting`));
        return;
      }
      this.#pending.set(pointId, [{ resolve, reject }]);
      if (!this.#flushQueued) {
        this.#flushQueued = true;
        this.#options.clock.afterTurn(() => this.#flush());
      }
    });
  }

  /**
   * Fails the reads still waiting for their batch with SESSION_CLOSED (they never reach the
   * adapter) and refuses later ones; batches already read settle as the session settles them.
   * Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const waiting = this.#pending;
    this.#pending = new Map();
    const closed = this.#closedError();
    for (const list of waiting.values()) for (const w of list) w.reject(closed);
  }

  #closedError(): CodedError {
    return new CodedError('SESSION_CLOSED', `device ${this.#options.deviceId} is shutting down`);
  }

  #flush(): void {
    this.#flushQueued = false;
    const batch = this.#pending;
    this.#pending = new Map();
    if (batch.size === 0) return;
    void this.#options.read([...batch.keys()]).then(() => {
      for (const [pointId, waiting] of batch) {
        for (const w of waiting) {
          try {
            w.resolve(this.#options.recorded(pointId));
          } catch (error) {
            w.reject(error);
          }
        }
      }
    });
  }
}
