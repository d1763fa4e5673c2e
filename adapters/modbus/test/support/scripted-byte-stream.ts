import type { CodedError } from '@lwm2m-adapters/errors';
import type { ByteStreamHandlers, ModbusByteStream } from '../../src/link/byte-stream.js';

/** An in-memory byte stream: the test sees what the master writes and delivers the device's bytes. */
export class ScriptedByteStream implements ModbusByteStream {
  readonly written: Uint8Array[] = [];
  closed = false;
  onWrite: ((bytes: Uint8Array) => void) | undefined;
  #handlers: ByteStreamHandlers | undefined;

  attach(handlers: ByteStreamHandlers): void {
    this.#handlers = handlers;
  }

  write(bytes: Uint8Array): void {
    this.written.push(bytes.slice());
    this.onWrite?.(bytes);
  }

  /** Bytes from the device. */
  deliver(bytes: Uint8Array): void {
    this.#handlers?.data(bytes);
  }

  /** The device side hangs up. */
  hangUp(error: CodedError): void {
    this.#handlers?.closed(error);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
