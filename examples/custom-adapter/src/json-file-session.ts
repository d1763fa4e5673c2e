import {
  type AdapterSession,
  CodedError,
  type PointReading,
  type RawValue,
  type SessionContext,
  type SessionState,
} from '@lwm2m-adapters/sdk';
import { getKey, readJsonDocument, setKey, writeJsonDocument } from './json-document.js';
import type { JsonFileConnection, JsonFilePoint } from './json-file-schemas.js';
import { validateJsonFileWrite } from './json-file-write-check.js';

function typeMatches(point: JsonFilePoint, value: unknown): value is RawValue {
  switch (point.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
  }
}

/** One session per mapped device: every read is one file read (the "batch"); writes are serialised. */
export class JsonFileSession implements AdapterSession {
  #state: SessionState = 'idle';
  readonly #context: SessionContext<JsonFileConnection, JsonFilePoint>;
  readonly #points: ReadonlyMap<string, JsonFilePoint>;
  readonly #listeners = new Set<(state: SessionState, error?: CodedError) => void>();
  #writeChain: Promise<void> = Promise.resolve();
  #reads = 0;
  #writes = 0;
  #errors = 0;

  constructor(context: SessionContext<JsonFileConnection, JsonFilePoint>) {
    this.#context = context;
    this.#points = new Map(context.points.map((p) => [p.id, p.source]));
  }

  get state(): SessionState {
    return this.#state;
  }

  #setState(state: SessionState, error?: CodedError): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const l of this.#listeners) l(state, error);
  }

  #assertOpen(): void {
    if (this.#state === 'closed')
      throw new CodedError('SESSION_CLOSED', `session of ${this.#context.deviceId} is closed`);
  }

  #point(pointId: string): JsonFilePoint {
    const point = this.#points.get(pointId);
    if (point === undefined)
      throw new CodedError('CONFIG_INVALID', `point ${pointId} is not part of this session`);
    return point;
  }

  async start(): Promise<void> {
    this.#assertOpen();
    this.#setState('connected');
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#setState('closed');
    await this.#writeChain;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async read(pointIds: readonly string[]): Promise<PointReading[]> {
    this.#assertOpen();
    const points = pointIds.map((id) => [id, this.#point(id)] as const);
    const timestamp = Date.now();
    let document: Awaited<ReturnType<typeof readJsonDocument>>;
    try {
      document = await readJsonDocument(
        this.#context.connection.file,
        AbortSignal.timeout(this.#context.connection.timeoutMs),
      );
      this.#reads++;
      this.#setState('connected');
    } catch (err) {
      this.#errors++;
      const error = err as CodedError;
      this.#setState('reconnecting', error);
      return pointIds.map((pointId) => ({ pointId, ok: false, error, timestamp }));
    }
    return points.map(([pointId, point]): PointReading => {
      const value = getKey(document, point.key);
      if (value === undefined) {
        return {
          pointId,
          ok: false,
          timestamp,
          error: new CodedError('DEVICE_ADDRESS_UNKNOWN', `no key "${point.key}" in the document`),
        };
      }
      if (!typeMatches(point, value)) {
        return {
          pointId,
          ok: false,
          timestamp,
          error: new CodedError(
            'DEVICE_RESPONSE_INVALID',
            `key "${point.key}" holds ${JSON.stringify(value)}, not a ${point.type}`,
          ),
        };
      }
      return { pointId, ok: true, value, timestamp };
    });
  }

  async write(pointId: string, value: RawValue): Promise<void> {
    this.#assertOpen();
    const point = this.#point(pointId);
    validateJsonFileWrite(point, value);
    const { file, timeoutMs } = this.#context.connection;
    const job = this.#writeChain.then(async () => {
      const signal = AbortSignal.timeout(timeoutMs);
      const document = await readJsonDocument(file, signal);
      setKey(document, point.key, value);
      await writeJsonDocument(file, document, signal);
      this.#writes++;
    });
    this.#writeChain = job.catch(() => {
      this.#errors++;
    });
    await job;
  }

  async execute(pointId: string): Promise<void> {
    this.#assertOpen();
    throw new CodedError('DEVICE_OPERATION_UNSUPPORTED', `JSON file points cannot be executed (${pointId})`);
  }

  stats(): Readonly<Record<string, number>> {
    return { reads: this.#reads, writes: this.#writes, errors: this.#errors };
  }

  onStateChange(listener: (state: SessionState, error?: CodedError) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
