import { CodedError } from '@lwm2m-adapters/errors';
import { SlotList } from '@lwm2m-adapters/kit';
import type { ModbusFrame } from '../protocol/frame-reader.js';
import { MbapFrameReader, mbapFrameWriter } from '../protocol/mbap-frame.js';
import { describeRequest, type ModbusRequest } from '../protocol/modbus-request.js';
import type { ModbusByteStream } from './byte-stream.js';
import type { ExchangeDeadline } from './exchange-deadline.js';
import type { ModbusTransport } from './modbus-transport.js';
import { StaleReplies } from './stale-replies.js';

interface Outstanding {
  readonly transactionId: number;
  readonly request: ModbusRequest;
  resolve(pdu: Uint8Array): void;
  reject(error: CodedError): void;
}

/**
 * Modbus TCP: every request gets a 16-bit transaction id; replies are matched by it and must come
 * from the unit asked. Replies whose id is not outstanding (late replies to abandoned requests)
 * are counted as stale and dropped. Several requests may be outstanding (pipelining), up to
 * `maxInFlight`, which the scheduler enforces.
 */
export class MbapTransport implements ModbusTransport {
  readonly maxInFlight: number;
  readonly #stream: ModbusByteStream;
  readonly #reader = new MbapFrameReader();
  /** By transaction id (a scan: at most maxInFlight); a SlotList, not a Map: it empties after every request (issue 16). */
  readonly #outstanding = new SlotList<Outstanding>();
  readonly #onBroken: (error: CodedError) => void;
  #nextTransactionId = 1;
  readonly #stale = new StaleReplies();
  #closedWith: CodedError | undefined;

  /** `onBroken` is told when the stream fails or loses framing (the link then reconnects). */
  constructor(stream: ModbusByteStream, maxInFlight: number, onBroken: (error: CodedError) => void) {
    this.maxInFlight = maxInFlight;
    this.#stream = stream;
    this.#onBroken = onBroken;
    const sink = {
      frame: (frame: ModbusFrame) => this.#onFrame(frame),
      corrupt: (reason: string) => {
        const error = new CodedError('DEVICE_RESPONSE_INVALID', `Modbus TCP stream lost framing: ${reason}`);
        void this.close(error);
        this.#onBroken(error);
      },
    };
    stream.attach({
      data: (chunk) => this.#reader.push(chunk, sink),
      closed: (error) => {
        this.#fail(error);
        this.#onBroken(error);
      },
    });
  }

  get staleReplies(): number {
    return this.#stale.total;
  }

  staleRepliesOf(unit: number): number {
    return this.#stale.of(unit);
  }

  ready(): undefined {
    return undefined;
  }

  exchange(request: ModbusRequest, deadline: ExchangeDeadline): Promise<Uint8Array> {
    if (this.#closedWith !== undefined) return Promise.reject(this.#closedWith);
    const transactionId = this.#allocateTransactionId();
    return new Promise<Uint8Array>((resolve, reject) => {
      const onExpire = (reason: CodedError) => {
        this.#outstanding.delete(outstanding);
        reject(reason);
      };
      const outstanding: Outstanding = {
        transactionId,
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
      this.#outstanding.add(outstanding);
      deadline.onExpire(onExpire);
      this.#stream.write(mbapFrameWriter.encode(transactionId, request.unit, request.pdu));
    });
  }

  async close(reason: CodedError): Promise<void> {
    this.#fail(reason);
    await this.#stream.close();
  }

  #allocateTransactionId(): number {
    let id = this.#nextTransactionId;
    while (this.#outstandingOf(id) !== undefined) id = (id + 1) & 0xffff;
    this.#nextTransactionId = (id + 1) & 0xffff;
    return id;
  }

  #onFrame(frame: ModbusFrame): void {
    const outstanding = this.#outstandingOf(frame.transactionId ?? -1);
    if (outstanding === undefined) {
      this.#stale.count(frame.unit);
      return;
    }
    this.#outstanding.delete(outstanding);
    if (frame.unit !== outstanding.request.unit) {
      outstanding.reject(
        new CodedError(
          'DEVICE_RESPONSE_INVALID',
          `${describeRequest(outstanding.request)}: reply with transaction id ${frame.transactionId} comes from unit ${frame.unit}`,
          { details: { unit: outstanding.request.unit, replyUnit: frame.unit } },
        ),
      );
      return;
    }
    outstanding.resolve(frame.pdu);
  }

  #outstandingOf(transactionId: number): Outstanding | undefined {
    return this.#outstanding.find((outstanding) => outstanding.transactionId === transactionId);
  }

  #fail(error: CodedError): void {
    this.#closedWith ??= error;
    const all = this.#outstanding.toArray();
    this.#outstanding.clear();
    for (const outstanding of all) outstanding.reject(error);
  }
}
