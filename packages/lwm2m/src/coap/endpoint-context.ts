import type { CoapMessage } from './coap-message.js';
import type { EngineClock, PeerAddress } from './coap-types.js';
import type { CoapEndpointLimits } from './endpoint-options.js';
import type { EndpointCounters } from './endpoint-stats.js';
import type { MessageIdAllocator } from './message-id-allocator.js';
import type { TimerSet } from './timer-set.js';
import type { TransmissionParameters } from './transmission-parameters.js';

/** What the parts of one CoapEndpoint share. */
export interface EndpointContext {
  readonly clock: EngineClock;
  readonly random: () => number;
  readonly params: TransmissionParameters;
  readonly limits: CoapEndpointLimits;
  /** Size exponent of `limits.blockSize`. */
  readonly szx: number;
  readonly timers: TimerSet;
  readonly counters: EndpointCounters;
  readonly messageIds: MessageIdAllocator;
  /** Encodes; undefined (counted as encodeFailed) when the message cannot be encoded. */
  encode(message: CoapMessage): Uint8Array | undefined;
  /** Encodes and sends; undefined (counted as encodeFailed) when the message cannot be encoded. */
  send(message: CoapMessage, peer: PeerAddress): Uint8Array | undefined;
  /** Sends encoded bytes (a first transmission, a retransmission or a cached reply). */
  transmit(bytes: Uint8Array, peer: PeerAddress): void;
  readonly closed: boolean;
}
