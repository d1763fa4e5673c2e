import type { CodedError } from '@lwm2m-adapters/errors';

/** Where a link connects: a TCP endpoint (Modbus TCP or a serial gateway) or a local serial port. */
export type ModbusEndpoint =
  | {
      readonly kind: 'socket';
      readonly host: string;
      readonly port: number;
      readonly connectTimeoutMs: number;
    }
  | {
      readonly kind: 'serial';
      readonly path: string;
      readonly baudRate: number;
      readonly dataBits: 7 | 8;
      readonly parity: 'none' | 'even' | 'odd';
      readonly stopBits: 1 | 2;
    };

/** Receives what an open byte stream delivers. */
export interface ByteStreamHandlers {
  data(chunk: Uint8Array): void;
  /** The stream ended without `close()` being called (peer closed, cable pulled, I/O error). Called once. */
  closed(error: CodedError): void;
}

/** An open, bidirectional byte stream: what a Modbus transport frames its requests onto. */
export interface ModbusByteStream {
  /** Sets the receiver; bytes or a close that arrive earlier are delivered at this call. */
  attach(handlers: ByteStreamHandlers): void;
  write(bytes: Uint8Array): void;
  /** Closes the stream; `closed` is not called for a close the owner asked for. Idempotent. */
  close(): Promise<void>;
}

/** Opens a byte stream to an endpoint; rejects with DEVICE_UNREACHABLE when it cannot. */
export type ModbusByteStreamOpener = (endpoint: ModbusEndpoint) => Promise<ModbusByteStream>;

/** Describes an endpoint for messages: `tcp 10.0.0.5:502`, `serial /dev/ttyUSB0`. */
export function describeEndpoint(endpoint: ModbusEndpoint): string {
  return endpoint.kind === 'socket' ? `${endpoint.host}:${endpoint.port}` : endpoint.path;
}

/** Buffers deliveries until `attach`: the shared part of the stream implementations. */
export class PendingDeliveries {
  #handlers: ByteStreamHandlers | undefined;
  #chunks: Uint8Array[] = [];
  #closedWith: CodedError | undefined;
  #closeDelivered = false;

  attach(handlers: ByteStreamHandlers): void {
    this.#handlers = handlers;
    for (const chunk of this.#chunks) handlers.data(chunk);
    this.#chunks = [];
    if (this.#closedWith !== undefined) this.closed(this.#closedWith);
  }

  data(chunk: Uint8Array): void {
    if (this.#handlers === undefined) this.#chunks.push(chunk);
    else this.#handlers.data(chunk);
  }

  closed(error: CodedError): void {
    if (this.#closeDelivered) return;
    if (this.#handlers === undefined) {
      this.#closedWith ??= error;
      return;
    }
    this.#closeDelivered = true;
    this.#handlers.closed(error);
  }

  /** The owner closed the stream: never report a close. */
  silence(): void {
    this.#closeDelivered = true;
  }
}
