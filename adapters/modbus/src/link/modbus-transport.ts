import type { CodedError } from '@lwm2m-adapters/errors';
import type { ModbusRequest } from '../protocol/modbus-request.js';
import type { ExchangeDeadline } from './exchange-deadline.js';

/**
 * One open connection that frames requests onto a byte stream and matches replies to them
 * (Modbus TCP by transaction id and unit; serial framings by being the only request out and by
 * unit and function). Verifying the reply against the request is left to `verifyReply`.
 */
export interface ModbusTransport {
  /** Most requests this transport can have outstanding. */
  readonly maxInFlight: number;
  /**
   * Resolves when the next request may be written: on a serial line, after an abandoned request
   * the line must have been quiet for the guard time, and RTU frames need 3.5 characters of
   * silence between them. Undefined when the transport is ready now.
   */
  ready(): Promise<void> | undefined;
  /** Writes the request and resolves with its reply PDU. Rejects with the deadline's reason once it expires. */
  exchange(request: ModbusRequest, deadline: ExchangeDeadline): Promise<Uint8Array>;
  /** Replies (or fragments) received that no outstanding request was waiting for. */
  readonly staleReplies: number;
  /** The stale replies that came from `unit`. */
  staleRepliesOf(unit: number): number;
  /** Closes the stream; outstanding requests reject with `reason`. Idempotent. */
  close(reason: CodedError): Promise<void>;
}
