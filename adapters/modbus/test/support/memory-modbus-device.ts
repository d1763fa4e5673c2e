import { CodedError } from '@lwm2m-adapters/errors';
import type {
  ByteStreamHandlers,
  ModbusByteStream,
  ModbusByteStreamOpener,
} from '../../src/link/byte-stream.js';
import { crc16Modbus } from '../../src/protocol/crc16.js';
import { mbapFrameWriter } from '../../src/protocol/mbap-frame.js';
import { rtuFrameWriter } from '../../src/protocol/rtu-frame.js';

/** The data of one unit: 65536 coils, discrete inputs, holding and input registers. */
export class MemoryUnit {
  readonly coils = new Uint8Array(65536);
  readonly discrete = new Uint8Array(65536);
  readonly holding = new Uint16Array(65536);
  readonly input = new Uint16Array(65536);
  /** Addresses at or above this answer "illegal data address". */
  limit = 65536;

  /** Puts wire bytes (registers high byte first) into a register table. */
  setBytes(table: 'holding' | 'input', address: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length / 2; i++)
      this[table][address + i] = (bytes[2 * i]! << 8) | bytes[2 * i + 1]!;
  }
}

export interface LoggedRequest {
  readonly unit: number;
  readonly functionCode: number;
  readonly address: number;
  readonly quantity: number;
  readonly at: number;
}

/**
 * A tiny Modbus device in memory for session tests: answers FC1-6/15/16 over MBAP or RTU framing
 * through an injected byte-stream opener. Units not configured never answer (like a dead unit on
 * a bus); the device can refuse connections and drop the ones it has.
 */
export class MemoryModbusDevice {
  readonly units = new Map<number, MemoryUnit>();
  readonly log: LoggedRequest[] = [];
  opens = 0;
  refuseConnections = false;
  /** Reply delay in ms (0: next macrotask). */
  replyDelayMs = 0;
  readonly #streams = new Set<{ hangUp(): void }>();

  unit(id: number): MemoryUnit {
    let unit = this.units.get(id);
    if (unit === undefined) {
      unit = new MemoryUnit();
      this.units.set(id, unit);
    }
    return unit;
  }

  /** Drops every open connection (the link sees the device close it). */
  dropConnections(): void {
    for (const s of [...this.#streams]) s.hangUp();
  }

  get openStreams(): number {
    return this.#streams.size;
  }

  /** An opener that connects to this device with the given framing. */
  opener(framing: 'mbap' | 'rtu'): ModbusByteStreamOpener {
    return async (endpoint) => {
      if (this.refuseConnections) {
        throw new CodedError(
          'DEVICE_UNREACHABLE',
          `memory device ${JSON.stringify(endpoint)}: connection refused`,
        );
      }
      this.opens++;
      return this.#stream(framing);
    };
  }

  #stream(framing: 'mbap' | 'rtu'): ModbusByteStream {
    let handlers: ByteStreamHandlers | undefined;
    let open = true;
    let pending = new Uint8Array(0);
    const entry = {
      hangUp: () => {
        if (!open) return;
        open = false;
        this.#streams.delete(entry);
        handlers?.closed(
          new CodedError('DEVICE_UNREACHABLE', 'memory device: connection closed by the device'),
        );
      },
    };
    this.#streams.add(entry);
    const send = (bytes: Uint8Array) =>
      setTimeout(() => {
        if (open) handlers?.data(bytes);
      }, this.replyDelayMs);
    return {
      attach: (h) => {
        handlers = h;
      },
      write: (bytes) => {
        if (!open) return;
        const joined = new Uint8Array(pending.length + bytes.length);
        joined.set(pending);
        joined.set(bytes, pending.length);
        pending = joined;
        for (;;) {
          const frame = framing === 'mbap' ? takeMbap(pending) : takeRtu(pending);
          if (frame === undefined) break;
          pending = pending.slice(frame.length);
          const reply = this.#handle(frame.unit, frame.pdu);
          if (reply === undefined) continue;
          send(
            framing === 'mbap'
              ? mbapFrameWriter.encode(frame.tid, frame.unit, reply)
              : rtuFrameWriter.encode(0, frame.unit, reply),
          );
        }
      },
      close: async () => {
        open = false;
        this.#streams.delete(entry);
      },
    };
  }

  #handle(unitId: number, pdu: Uint8Array): Uint8Array | undefined {
    const unit = this.units.get(unitId);
    const fc = pdu[0]!;
    const address = (pdu[1]! << 8) | pdu[2]!;
    const quantity = fc === 5 || fc === 6 ? 1 : (pdu[3]! << 8) | pdu[4]!;
    this.log.push({ unit: unitId, functionCode: fc, address, quantity, at: Date.now() });
    if (unit === undefined) return undefined;
    const exception = (code: number) => Uint8Array.of(fc | 0x80, code);
    if (![1, 2, 3, 4, 5, 6, 15, 16].includes(fc)) return exception(1);
    if (address + quantity > unit.limit) return exception(2);
    switch (fc) {
      case 1:
      case 2: {
        const table = fc === 1 ? unit.coils : unit.discrete;
        const bytes = Math.ceil(quantity / 8);
        const reply = new Uint8Array(2 + bytes);
        reply[0] = fc;
        reply[1] = bytes;
        for (let i = 0; i < quantity; i++) if (table[address + i]) reply[2 + (i >>> 3)]! |= 1 << (i & 7);
        return reply;
      }
      case 3:
      case 4: {
        const table = fc === 3 ? unit.holding : unit.input;
        const reply = new Uint8Array(2 + quantity * 2);
        reply[0] = fc;
        reply[1] = quantity * 2;
        for (let i = 0; i < quantity; i++) {
          reply[2 + 2 * i] = table[address + i]! >>> 8;
          reply[3 + 2 * i] = table[address + i]! & 0xff;
        }
        return reply;
      }
      case 5:
        if (pdu[3] !== 0xff && pdu[3] !== 0) return exception(3);
        unit.coils[address] = pdu[3] === 0xff ? 1 : 0;
        return pdu.slice(0, 5);
      case 6:
        unit.holding[address] = (pdu[3]! << 8) | pdu[4]!;
        return pdu.slice(0, 5);
      case 15:
        for (let i = 0; i < quantity; i++) unit.coils[address + i] = (pdu[6 + (i >>> 3)]! >>> (i & 7)) & 1;
        return pdu.slice(0, 5);
      case 16:
        for (let i = 0; i < quantity; i++)
          unit.holding[address + i] = (pdu[6 + 2 * i]! << 8) | pdu[7 + 2 * i]!;
        return pdu.slice(0, 5);
    }
    return undefined;
  }
}

function takeMbap(
  buffer: Uint8Array,
): { tid: number; unit: number; pdu: Uint8Array; length: number } | undefined {
  if (buffer.length < 7) return undefined;
  const length = (buffer[4]! << 8) | buffer[5]!;
  if (buffer.length < 6 + length) return undefined;
  return {
    tid: (buffer[0]! << 8) | buffer[1]!,
    unit: buffer[6]!,
    pdu: buffer.slice(7, 6 + length),
    length: 6 + length,
  };
}

function takeRtu(
  buffer: Uint8Array,
): { tid: number; unit: number; pdu: Uint8Array; length: number } | undefined {
  if (buffer.length < 2) return undefined;
  const fc = buffer[1]!;
  let length = 8;
  if (fc === 15 || fc === 16) {
    if (buffer.length < 7) return undefined;
    length = 9 + buffer[6]!;
  }
  if (buffer.length < length) return undefined;
  const crc = buffer[length - 2]! | (buffer[length - 1]! << 8);
  if (crc !== crc16Modbus(buffer, 0, length - 2)) throw new Error('memory device: request with a bad CRC');
  return { tid: 0, unit: buffer[0]!, pdu: buffer.slice(1, length - 2), length };
}
