import { createWriteStream, type WriteStream } from 'node:fs';
import { CodedError } from '@lwm2m-adapters/errors';

export interface JsonlEventFileOptions {
  readonly file: string;
  /** Bytes written but not yet flushed by the OS before lines are dropped (counted). Default 8 MiB. */
  readonly maxPendingBytes?: number;
  readonly onError?: (error: Error) => void;
}

/**
 * Appends one JSON line per event to a file. Writes are buffered by the stream; when the disk
 * falls behind by more than `maxPendingBytes`, lines are dropped and counted instead of growing
 * memory. `close()` flushes what is buffered.
 */
export class JsonlEventFile {
  readonly #stream: WriteStream;
  readonly #maxPending: number;
  #dropped = 0;
  #written = 0;
  #failed: Error | undefined;
  #closing: Promise<void> | undefined;

  private constructor(stream: WriteStream, options: JsonlEventFileOptions) {
    this.#stream = stream;
    this.#maxPending = options.maxPendingBytes ?? 8 * 1024 * 1024;
    stream.on('error', (error) => {
      this.#failed = error;
      options.onError?.(error);
    });
  }

  /** Opens (creates or appends to) the file; CONFIG_INVALID when it cannot be opened. */
  static async open(options: JsonlEventFileOptions): Promise<JsonlEventFile> {
    const stream = createWriteStream(options.file, { flags: 'a' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (cause) =>
        reject(
          new CodedError('CONFIG_INVALID', `cannot open the events file ${options.file}: ${cause.message}`, {
            cause,
          }),
        ),
      );
    });
    return new JsonlEventFile(stream, options);
  }

  get dropped(): number {
    return this.#dropped;
  }

  get written(): number {
    return this.#written;
  }

  /** Appends `json` and a newline, or drops it (counted) when the file is failing or far behind. */
  append(json: string): void {
    if (
      this.#closing !== undefined ||
      this.#failed !== undefined ||
      this.#stream.writableLength > this.#maxPending
    ) {
      this.#dropped++;
      return;
    }
    this.#stream.write(`${json}\n`);
    this.#written++;
  }

  /** Flushes and closes. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      if (this.#failed !== undefined) {
        this.#stream.destroy();
        resolve();
        return;
      }
      this.#stream.end(() => resolve());
    });
    return this.#closing;
  }
}
