import type { Clock } from '@lwm2m-adapters/kit';
import type { DatagramSink } from '../coap-types.js';
import {
  checkTransmissionParameters,
  defaultTransmissionParameters,
  type TransmissionParameters,
} from '../exchange/transmission-parameters.js';
import { szxOfBlockSize } from '../message/block-option.js';
import type { PeerAdmission } from './peer-admission.js';

/** Bounds on everything the endpoint queues, caches or keeps outstanding. */
export interface CoapEndpointLimits {
  /** Outgoing requests (`request()`) outstanding at once; more fail with QUEUE_FULL. */
  readonly maxOutstandingRequests: number;
  /** CON notifications awaiting their ACK per peer (RFC 7641 wants 1). */
  readonly maxOutstandingNotificationsPerPeer: number;
  /** Notifications waiting per peer; more resolve 'dropped'. */
  readonly maxQueuedNotificationsPerPeer: number;
  /** Received exchanges remembered for de-duplication. */
  readonly deduplicationCapacity: number;
  /** Block size for Block1/Block2: 16, 32, ... 1024. */
  readonly blockSize: number;
  /** Largest datagram sent (RFC 7252 §4.6: 1152 bytes when the path MTU is unknown). */
  readonly maxDatagramSize: number;
  /** Largest request body reassembled from Block1 blocks; beyond it 4.13. */
  readonly maxRequestBodyBytes: number;
  /** Block1 transfers in progress at once. */
  readonly maxBlock1Transfers: number;
  /**
   * Block1 transfers one peer may hold at once; its own oldest gives way beyond it, so one peer
   * cannot take the slots of the others.
   */
  readonly maxBlock1TransfersPerPeer: number;
  /** Largest response body collected from Block2 blocks for `request()`. */
  readonly maxResponseBodyBytes: number;
  /** Large response/notification bodies kept for Block2 follow-ups: count and bytes. */
  readonly blockwiseCacheEntries: number;
  readonly blockwiseCacheBytes: number;
  /** Observations remembered (token → resource), so Block2 follow-ups of notifications are served. */
  readonly maxObservations: number;
  /** Observations this endpoint holds as observer (`observe()`); more fail with QUEUE_FULL. */
  readonly maxObserving: number;
  /** NON messages remembered for matching an RST to them. */
  readonly maxTrackedNonConfirmable: number;
  /** Requests whose handler has not answered yet; beyond it requests get 5.03 without the handler. */
  readonly maxPendingHandlers: number;
  /** A CON request whose handler has not answered after this long gets an empty ACK, then a separate response. */
  readonly separateResponseAfterMs: number;
  /** Bytes per token of our requests (1-8). */
  readonly tokenLength: number;
  /** Replies (4.01 or RST) a second to peers the admission policy refuses; the rest are dropped. */
  readonly refusedRepliesPerSecond: number;
}

export const defaultEndpointLimits: CoapEndpointLimits = {
  maxOutstandingRequests: 64,
  maxOutstandingNotificationsPerPeer: 1,
  maxQueuedNotificationsPerPeer: 64,
  deduplicationCapacity: 10_000,
  blockSize: 1024,
  maxDatagramSize: 1152,
  maxRequestBodyBytes: 256 * 1024,
  maxBlock1Transfers: 16,
  maxBlock1TransfersPerPeer: 4,
  maxResponseBodyBytes: 1024 * 1024,
  blockwiseCacheEntries: 64,
  blockwiseCacheBytes: 4 * 1024 * 1024,
  maxObservations: 4096,
  maxObserving: 16_384,
  maxTrackedNonConfirmable: 4096,
  maxPendingHandlers: 256,
  separateResponseAfterMs: 1_000,
  tokenLength: 4,
  refusedRepliesPerSecond: 100,
};

export interface CoapEndpointOptions {
  /** Where datagrams go: a UdpTransport, a DtlsTransport, or a test double. */
  readonly sink: DatagramSink;
  readonly clock?: Clock;
  /** [0, 1): tokens, the first message ID per peer, retransmission jitter. Default: crypto.getRandomValues. */
  readonly random?: () => number;
  /** RFC 7252 §4.8 defaults for anything left out. */
  readonly transmission?: Partial<TransmissionParameters>;
  readonly limits?: Partial<CoapEndpointLimits>;
  /**
   * Which peers may create state or get an answer (see PeerAdmission). Default: every peer.
   * Can be changed later with `setPeerAdmission`.
   */
  readonly acceptPeer?: PeerAdmission;
}

export interface ResolvedEndpointOptions {
  readonly params: TransmissionParameters;
  readonly limits: CoapEndpointLimits;
  /** Size exponent of `limits.blockSize`. */
  readonly szx: number;
}

export function resolveEndpointOptions(options: CoapEndpointOptions): ResolvedEndpointOptions {
  const params = { ...defaultTransmissionParameters, ...options.transmission };
  checkTransmissionParameters(params);
  const limits = { ...defaultEndpointLimits, ...options.limits };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 0)
      throw new RangeError(`limit ${name} must be a non-negative integer`);
  }
  const szx = szxOfBlockSize(limits.blockSize);
  if (limits.maxDatagramSize < limits.blockSize + 64) {
    throw new RangeError(
      'maxDatagramSize must leave at least 64 bytes for header and options above blockSize',
    );
  }
  if (limits.tokenLength < 1 || limits.tokenLength > 8) throw new RangeError('tokenLength must be 1 to 8');
  return { params, limits, szx };
}

/** 32-bit words a random source draws from the platform generator at once (4 KiB). */
export const CRYPTO_RANDOM_POOL_WORDS = 1024;

/**
 * A source of uniform [0, 1) values from the platform's cryptographic generator, one per endpoint.
 * Every request token takes one draw per byte, so the words come from a pool of its own refilled
 * 4 KiB at a time: one getRandomValues call per 1,024 draws instead of one per draw (it showed near
 * the top of the cached-read profile). Each word is handed out once.
 */
export function createCryptoRandom(): () => number {
  const pool = new Uint32Array(CRYPTO_RANDOM_POOL_WORDS);
  let next = CRYPTO_RANDOM_POOL_WORDS;
  return () => {
    if (next >= CRYPTO_RANDOM_POOL_WORDS) {
      globalThis.crypto.getRandomValues(pool);
      next = 0;
    }
    return (pool[next++] ?? 0) / 0x1_0000_0000;
  };
}
