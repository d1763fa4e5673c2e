import type { CodedError } from '@lwm2m-adapters/errors';
import type { ExchangeDeadline } from '../../src/link/exchange-deadline.js';
import type { ModbusTransport } from '../../src/link/modbus-transport.js';
import type { ModbusRequest } from '../../src/protocol/modbus-request.js';

/** One request the fake transport has received and not yet answered. */
export interface PendingExchange {
  readonly request: ModbusRequest;
  reply(pdu: Uint8Array): void;
  fail(error: unknown): void;
}

/** How the fake device behind the transport treats a unit. */
export type UnitBehaviour = 'manual' | 'answer' | 'silent';

/** A scripted transport for scheduler tests: answers, stays silent or waits for the test, per unit. */
export class FakeTransport implements ModbusTransport {
  readonly maxInFlight: number;
  readonly pending: PendingExchange[] = [];
  /** Every request in the order it was written. */
  readonly log: ModbusRequest[] = [];
  readonly behaviour = new Map<number, UnitBehaviour>();
  staleReplies = 0;
  readonly staleByUnit = new Map<number, number>();
  maxOutstanding = 0;
  #outstanding = 0;
  readyGate: Promise<void> | undefined;

  constructor(maxInFlight: number) {
    this.maxInFlight = maxInFlight;
  }

  get outstanding(): number {
    return this.#outstanding;
  }

  staleRepliesOf(unit: number): number {
    return this.staleByUnit.get(unit) ?? 0;
  }

  ready(): Promise<void> | undefined {
    return this.readyGate;
  }

  exchange(request: ModbusRequest, deadline: ExchangeDeadline): Promise<Uint8Array> {
    this.log.push(request);
    this.#outstanding++;
    this.maxOutstanding = Math.max(this.maxOutstanding, this.#outstanding);
    return new Promise<Uint8Array>((resolve, reject) => {
      let done = false;
      const finish = () => {
        done = true;
        this.#outstanding--;
        const index = this.pending.indexOf(exchange);
        if (index >= 0) this.pending.splice(index, 1);
      };
      const exchange: PendingExchange = {
        request,
        reply: (pdu) => {
          if (done) return;
          finish();
          resolve(pdu);
        },
        fail: (error) => {
          if (done) return;
          finish();
          reject(error);
        },
      };
      deadline.onExpire((reason) => exchange.fail(reason));
      const behaviour = this.behaviour.get(request.unit) ?? 'manual';
      if (behaviour === 'silent') return void this.pending.push(exchange);
      this.pending.push(exchange);
      if (behaviour === 'answer') queueMicrotask(() => exchange.reply(echoReply(request)));
    });
  }

  async close(_reason: CodedError): Promise<void> {}
}

/** A well-formed reply to a request: zeros for reads, the echo for writes. */
export function echoReply(request: ModbusRequest): Uint8Array {
  const fc = request.functionCode;
  if (fc <= 4) {
    const bytes = fc <= 2 ? Math.ceil(request.quantity / 8) : request.quantity * 2;
    const pdu = new Uint8Array(2 + bytes);
    pdu[0] = fc;
    pdu[1] = bytes;
    return pdu;
  }
  return request.pdu.slice(0, 5);
}
