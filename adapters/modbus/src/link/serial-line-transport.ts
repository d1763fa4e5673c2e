import { CodedError } from '@lwm2m-adapters/errors';
import type { FrameReader, FrameWriter, ModbusFrame } from '../protocol/frame-reader.js';
import { describeRequest, type ModbusRequest } from '../protocol/modbus-request.js';
import type { ModbusByteStream } from './byte-stream.js';
import type { ExchangeDeadline } from './exchange-deadline.js';
import { delayOn, type LinkClock, monotonicLinkClock } from './link-clock.js';
import type { ModbusTransport } from './modbus-transport.js';
import { StaleReplies } from './stale-replies.js';

/** Timing of a serial line (or of a gateway that tunnels one). */
export interface SerialLineTiming {
  /** After an abandoned request or a corrupt frame: silence required before the next request. */
  readonly guardMs: number;
  /** Silence required between frames (RTU t3.5); 0 when framing does not depend on timing. */
  readonly interFrameMs: number;
}

interface Current {
  readonly request: ModbusRequest;
  resolve(pdu: Uint8Array): void;
  reject(error: CodedError): void;
}

/**
 * RTU or ASCII framing, on a serial port or tunnelled through TCP: no transaction id, so exactly
 * one request is out at a time (the scheduler guarantees it) and a reply is accepted only from the
 * unit asked with the function asked (or its exception). Frames from anyone else are counted as
 * stale and ignored while the request keeps waiting.
 *
 * Late replies: when a request is abandoned (timeout) its reply may still come. Before the next
 * request the line must then stay quiet for `guardMs`, counted from the timeout and restarted by
 * every byte that arrives (what arrives is discarded and counted), and the receive buffer is
 * flushed before every request, so a late reply can never be taken for the answer to the next one
 * unless it comes more than `guardMs` after the timeout.
 */
export class SerialLineTransport implements ModbusTransport {
  readonly maxInFlight = 1;
  readonly #stream: ModbusByteStream;
  readonly #reader: FrameReader;
  readonly #writer: FrameWriter;
  readonly #timing: SerialLineTiming;
  #current: Current | undefined;
  #mustSettle = false;
  #lastTraffic = 0;
  readonly #stale = new StaleReplies();
  readonly #clock: LinkClock;
  #closedWith: CodedError | undefined;

  constructor(
    stream: ModbusByteStream,
    framing: { readonly reader: FrameReader; readonly writer: FrameWriter },
    timing: SerialLineTiming,
    onBroken: (error: CodedError) => void,
    clock: LinkClock = monotonicLinkClock,
  ) {
    this.#clock = clock;
    this.#stream = stream;
    this.#reader = framing.reader;
    this.#writer = framing.writer;
    this.#timing = timing;
    const sink = {
      frame: (frame: ModbusFrame) => this.#onFrame(frame),
      corrupt: (reason: string) => this.#onCorrupt(reason),
    };
    stream.attach({
      data: (chunk) => {
        this.#lastTraffic = this.#clock.now();
        this.#reader.push(chunk, sink);
      },
      closed: (error) => {
        this.#fail(error);
        onBroken(error);
      },
    });
  }

  get staleReplies(): number {
    return this.#stale.total;
  }

  staleRepliesOf(unit: number): number {
    return this.#stale.of(unit);
  }

  ready(): Promise<void> | undefined {
    if (this.#mustSettle) return this.#settle();
    if (this.#timing.interFrameMs > 0) {
      const wait = this.#lastTraffic + this.#timing.interFrameMs - this.#clock.now();
      if (wait > 0) return delayOn(this.#clock, Math.ceil(wait));
    }
    return undefined;
  }

  exchange(request: ModbusRequest, deadline: ExchangeDeadline): Promise<Uint8Array> {
    if (this.#closedWith !== undefined) return Promise.reject(this.#closedWith);
    if (this.#current !== undefined) {
      return Promise.reject(new Error('SerialLineTransport: a request is already outstanding'));
    }
    if (this.#reader.reset() > 0) this.#stale.count();
    return new Promise<Uint8Array>((resolve, reject) => {
      const onExpire = (reason: CodedError) => {
        if (this.#current === current) {
          this.#current = undefined;
          this.#mustSettle = true;
          this.#lastTraffic = this.#clock.now(); // the guard counts from the moment we gave up
        }
        reject(reason);
      };
      const current: Current = {
        request,
        resolve: (pdu) => {
          deadline.onExpire(undefined);
          resolve(pdu);
        },
        reject: (error) => {
          deadline.onExpire(undefined);
          reject(error);
        },
      };
      this.#current = current;
      deadline.onExpire(onExpire);
      this.#lastTraffic = this.#clock.now();
      this.#stream.write(this.#writer.encode(0, request.unit, request.pdu));
    });
  }

  async close(reason: CodedError): Promise<void> {
    this.#fail(reason);
    await this.#stream.close();
  }

  /** Waits until nothing has arrived for guardMs (at most 20 guard periods), then drops the buffer. */
  async #settle(): Promise<void> {
    const guard = Math.max(this.#timing.guardMs, this.#timing.interFrameMs);
    const deadline = this.#clock.now() + guard * 20;
    for (;;) {
      const quietFor = this.#clock.now() - this.#lastTraffic;
      if (quietFor >= guard || this.#clock.now() >= deadline) break;
      await delayOn(this.#clock, Math.ceil(guard - quietFor));
    }
    if (this.#reader.reset() > 0) this.#stale.count();
    this.#mustSettle = false;
  }

  #onFrame(frame: ModbusFrame): void {
    const current = this.#current;
    const fc = frame.pdu[0] ?? -1;
    if (
      current === undefined ||
      frame.unit !== current.request.unit ||
      (fc & 0x7f) !== current.request.functionCode
    ) {
      this.#stale.count(frame.unit);
      return;
    }
    this.#current = undefined;
    current.resolve(frame.pdu);
  }

  #onCorrupt(reason: string): void {
    this.#mustSettle = true;
    const current = this.#current;
    if (current === undefined) {
      this.#stale.count();
      return;
    }
    this.#current = undefined;
    current.reject(
      new CodedError('DEVICE_RESPONSE_INVALID', `${describeRequest(current.request)}: ${reason}`, {
        details: { unit: current.request.unit, functionCode: current.request.functionCode },
      }),
    );
  }

  #fail(error: CodedError): void {
    this.#closedWith ??= error;
    const current = this.#current;
    this.#current = undefined;
    current?.reject(error);
  }
}
