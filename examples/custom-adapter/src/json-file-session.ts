import { CodedError, type PointReading, type RawValue, SessionBase } from '@lwm2m-adapters/sdk';
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

/**
 * One session per mapped device: every read is one file read (the "batch"); writes are serialised.
 * SessionBase keeps the state, listeners, start/close and counters: only the protocol is here.
 */
export class JsonFileSession extends SessionBase<JsonFileConnection, JsonFilePoint> {
  #writeChain: Promise<void> = Promise.resolve();

  /** Pending writes finish before the session is closed. */
  protected override async disconnect(): Promise<void> {
    await this.#writeChain;
  }

  async read(pointIds: readonly string[]): Promise<PointReading[]> {
    this.assertOpen();
    const points = pointIds.map((id) => [id, this.pointSource(id)] as const);
    const timestamp = Date.now();
    const { file, timeoutMs } = this.context.connection;
    let document: Awaited<ReturnType<typeof readJsonDocument>>;
    try {
      document = await readJsonDocument(file, AbortSignal.timeout(timeoutMs));
      this.count('reads');
      this.setState('connected');
    } catch (err) {
      this.count('errors');
      const error = err as CodedError;
      this.setState('reconnecting', error);
      return pointIds.map((pointId) => ({ pointId, ok: false, error, timestamp }));
    }
    return points.map(([pointId, point]): PointReading => {
      const value = getKey(document, point.key);
      if (value === undefined) {
        const error = new CodedError('DEVICE_ADDRESS_UNKNOWN', `no key "${point.key}" in the document`);
        return { pointId, ok: false, timestamp, error };
      }
      if (!typeMatches(point, value)) {
        const error = new CodedError(
          'DEVICE_RESPONSE_INVALID',
          `key "${point.key}" holds ${JSON.stringify(value)}, not a ${point.type}`,
        );
        return { pointId, ok: false, timestamp, error };
      }
      return { pointId, ok: true, value, timestamp };
    });
  }

  async write(pointId: string, value: RawValue): Promise<void> {
    this.assertOpen();
    const point = this.pointSource(pointId);
    validateJsonFileWrite(point, value);
    const { file, timeoutMs } = this.context.connection;
    const job = this.#writeChain.then(async () => {
      const signal = AbortSignal.timeout(timeoutMs);
      const document = await readJsonDocument(file, signal);
      setKey(document, point.key, value);
      await writeJsonDocument(file, document, signal);
      this.count('writes');
    });
    this.#writeChain = job.catch(() => this.count('errors'));
    await job;
  }
}
