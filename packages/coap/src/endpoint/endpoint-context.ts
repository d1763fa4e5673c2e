import type { Clock, TimerSet } from '@lwm2m-adapters/kit';
import type { PeerAddress } from '../coap-types.js';
import type { MessageIdAllocator } from '../exchange/message-id-allocator.js';
import type { TransmissionParameters } from '../exchange/transmission-parameters.js';
import type { CoapMessage } from '../message/coap-message.js';
import type { StringOptionCache } from '../message/coap-options.js';
import type { CoapEndpointLimits } from './endpoint-options.js';
import type { EndpointCounters } from './endpoint-stats.js';

/** What the parts of one CoapEndpoint share. */
export interface EndpointContext {
  readonly clock: Clock;
  readonly random: () => number;
  readonly params: TransmissionParameters;
  readonly limits: CoapEndpointLimits;
  /** Size exponent of `limits.blockSize`. */
  readonly szx: number;
  readonly timers: TimerSet;
  readonly counters: EndpointCounters;
  readonly messageIds: MessageIdAllocator;
  /** Recent string options of this endpoint's requests, encoded once each. */
  readonly options: StringOptionCache;
  /** Encodes; undefined (counted as encodeFailed) when the message cannot be encoded. */
  encode(message: CoapMessage): Uint8Array | undefined;
  /** Encodes and sends; undefined (counted as encodeFailed) when the message cannot be encoded. */
  send(message: CoapMessage, peer: PeerAddress): Uint8Array | undefined;
  /** Sends encoded bytes (a first transmission, a retransmission or a cached reply). */
  transmit(bytes: Uint8Array, peer: PeerAddress): void;
  readonly closed: boolean;
}
