import type { CoapMessageType } from '../message/coap-message.js';

export type MessageTypeCounts = Record<CoapMessageType, number>;

/** Why a message, notification or reply was not sent or not delivered. */
export type DropReason =
  /** The endpoint was closed. */
  | 'closed'
  /** A notification found its peer's queue full. */
  | 'notificationQueueFull'
  /** A queued notification was replaced by a fresher one for the same token. */
  | 'notificationSuperseded'
  /** Every message ID towards the peer was within its lifetime. */
  | 'messageIdsExhausted'
  /** A message could not be encoded (e.g. larger than maxDatagramSize). */
  | 'encodeFailed'
  /** A response (CON/NON) whose token matches no outstanding request. */
  | 'unmatchedResponse'
  /** An ACK whose message ID matches nothing outstanding (often a late duplicate). */
  | 'unmatchedAck'
  /** An RST whose message ID matches nothing we sent recently. */
  | 'unmatchedReset'
  /** A piggy-backed response whose token differs from the request's. */
  | 'tokenMismatch'
  /** A separate response our peer never acknowledged, or answered with RST. */
  | 'separateResponseFailed'
  /** A request arrived, but no request handler is set (answered 5.03). */
  | 'noHandler'
  /** The datagram sink threw. */
  | 'sinkError'
  /** A request found `maxPendingHandlers` requests still being handled (answered 5.03). */
  | 'handlerBusy'
  /** A CON/NON message from a peer the admission policy refuses (answered 4.01/RST, or not at all). */
  | 'peerRefused'
  /** A refused peer's message got no reply at all: the refusal reply budget was spent. */
  | 'refusalRateLimited';

export const DROP_REASONS: readonly DropReason[] = [
  'closed',
  'notificationQueueFull',
  'notificationSuperseded',
  'messageIdsExhausted',
  'encodeFailed',
  'unmatchedResponse',
  'unmatchedAck',
  'unmatchedReset',
  'tokenMismatch',
  'separateResponseFailed',
  'noHandler',
  'sinkError',
  'handlerBusy',
  'peerRefused',
  'refusalRateLimited',
];

/** Mutable counters, owned by one endpoint. */
export class EndpointCounters {
  readonly sent: MessageTypeCounts = { CON: 0, NON: 0, ACK: 0, RST: 0 };
  readonly received: MessageTypeCounts = { CON: 0, NON: 0, ACK: 0, RST: 0 };
  retransmissions = 0;
  duplicates = 0;
  malformed = 0;
  /** Exceptions caught in `receive` that are bugs of the endpoint itself (should stay 0). */
  internalErrors = 0;
  readonly dropped: Record<DropReason, number> = Object.fromEntries(
    DROP_REASONS.map((reason) => [reason, 0]),
  ) as Record<DropReason, number>;
  readonly requests = { sent: 0, responses: 0, timeouts: 0, resets: 0, failed: 0 };
  readonly incoming = {
    requests: 0,
    handlerErrors: 0,
    separateResponses: 0,
    block2CacheHits: 0,
    block2CacheMisses: 0,
  };
  readonly notifications = { sent: 0, acknowledged: 0, reset: 0, timeouts: 0, dropped: 0 };
  /** The observer role: observations this endpoint registered with `observe()`. */
  readonly observing = {
    established: 0,
    notifications: 0,
    outOfOrder: 0,
    final: 0,
    refused: 0,
    blockwiseFailed: 0,
    listenerErrors: 0,
  };
}
