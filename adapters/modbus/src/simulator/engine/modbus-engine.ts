/**
 * Answers requests for every unit of the simulator: routes by unit id, applies the unit's fault
 * persona, executes the PDU and says how (and whether) to reply. Transport independent.
 *
 * Unit id rules:
 * - serial framings (RTU/ASCII, also over TCP): unit 0 is a broadcast; writes are applied to every
 *   unit that is not dead and nothing is answered; broadcast reads are ignored. An unknown unit id
 *   gets no answer, as on a shared bus.
 * - Modbus TCP (MBAP): unit 0 is an ordinary id (the spec has no broadcast on TCP). An unknown id
 *   gets exception 0x0B (gateway target failed to respond), or nothing with `unknownUnit: ignore`.
 */
import { BROADCAST_UNIT_ID } from '../../protocol/function-codes.js';
import { ExceptionCode } from '../../protocol/modbus-exception.js';
import type { SimulatorFault } from '../config/config-schema.js';
import { exceptionPdu, handlePdu, isExceptionPdu, isWriteFunction } from './handle-pdu.js';
import type { SimulatedUnit } from './simulated-unit.js';
import type { SimulatorCounters } from './simulator-counters.js';

export interface ReplyPlan {
  readonly pdu: Buffer;
  /** 0 = answer now. */
  readonly delayMs: number;
  readonly corruptChecksum: boolean;
}

export class ModbusEngine {
  constructor(
    private readonly units: ReadonlyMap<number, SimulatedUnit>,
    private readonly counters: SimulatorCounters,
    private readonly unknownUnit: 'exception' | 'ignore',
  ) {}

  /** The reply to one request, or undefined when the simulator stays silent. */
  handle(unitId: number, pdu: Uint8Array, serialLine: boolean): ReplyPlan | undefined {
    const functionCode = pdu[0] ?? 0;
    this.counters.request(functionCode);
    if (serialLine && unitId === BROADCAST_UNIT_ID) {
      if (isWriteFunction(functionCode)) {
        for (const unit of this.units.values()) {
          if (unit.fault?.kind !== 'dead') handlePdu(unit.memory, pdu);
        }
      }
      return this.silent();
    }
    const unit = this.units.get(unitId);
    if (unit === undefined) {
      if (serialLine || this.unknownUnit === 'ignore') return this.silent();
      return this.reply(exceptionPdu(functionCode, ExceptionCode.GATEWAY_TARGET_FAILED), undefined);
    }
    const fault = unit.fault;
    if (fault?.kind === 'dead') return this.silent();
    if (fault?.kind === 'exception') return this.reply(exceptionPdu(functionCode, fault.code), fault);
    const reply = handlePdu(unit.memory, pdu);
    if (fault?.kind === 'timeout') return this.silent();
    return this.reply(reply, fault);
  }

  private silent(): undefined {
    this.counters.unanswered++;
    return undefined;
  }

  private reply(pdu: Buffer, fault: SimulatorFault | undefined): ReplyPlan {
    this.counters.replies++;
    if (isExceptionPdu(pdu)) this.counters.exceptions++;
    switch (fault?.kind) {
      case 'slow':
        return { pdu, delayMs: fault.delayMs, corruptChecksum: false };
      case 'bad-crc':
        return { pdu, delayMs: 0, corruptChecksum: true };
      case 'short-reply':
        return {
          pdu: pdu.subarray(0, Math.max(1, pdu.length - fault.dropBytes)),
          delayMs: 0,
          corruptChecksum: false,
        };
      default:
        return { pdu, delayMs: 0, corruptChecksum: false };
    }
  }
}
