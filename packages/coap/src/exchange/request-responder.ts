import { isCodedError } from '@lwm2m-adapters/errors';
import type { Block1Reassembler } from '../blockwise/block1-reassembler.js';
import type { BlockwiseResponseCache, CachedRepresentation } from '../blockwise/blockwise-response-cache.js';
import type { CoapIncomingRequest, CoapOption, CoapOutgoingResponse, PeerAddress } from '../coap-types.js';
import type { EndpointContext } from '../endpoint/endpoint-context.js';
import { type BlockOption, blockSizeOf, encodeBlockOption } from '../message/block-option.js';
import { parseDottedCode, ResponseCode } from '../message/coap-codes.js';
import { type CoapMessage, EMPTY_BYTES, emptyMessage } from '../message/coap-message.js';
import { OptionNumber, uintOption } from '../message/coap-options.js';
import type { ObservationRegistry } from '../observe/observation-registry.js';
import { representationEtag } from '../observe/representation-etag.js';
import type { ConfirmableTransmissions } from './confirmable-transmissions.js';
import type { ExchangeDeduplicator, ReceivedExchange } from './exchange-deduplicator.js';
import { type DecodedRequest, decodeIncomingRequest } from './incoming-request.js';
import { blockwiseRequestKey } from './request-key.js';
import { responseOptions, sliceBlock2 } from './response-message.js';
import { tokenKeyOf } from './token-allocator.js';

/** Answers a request: synchronously, or with a Promise (a slow one gets a separate response). */
export type CoapRequestHandler = (
  request: CoapIncomingRequest,
) => CoapOutgoingResponse | PromiseLike<CoapOutgoingResponse>;

/** The parts of the endpoint the responder works with. */
export interface RequestResponderParts {
  readonly transmissions: ConfirmableTransmissions;
  readonly deduplicator: ExchangeDeduplicator;
  readonly block1: Block1Reassembler;
  readonly blockwiseCache: BlockwiseResponseCache;
  readonly observations: ObservationRegistry;
}

/** One request being answered. */
interface RequestInProgress {
  readonly message: CoapMessage;
  readonly peer: PeerAddress;
  readonly peerKey: string;
  readonly exchange: ReceivedExchange;
  /** An empty ACK went out: the response must be a separate CON. */
  acknowledged: boolean;
}

/** A response as the endpoint puts it on the wire. */
interface ResponseParts {
  readonly code: number;
  readonly options: readonly CoapOption[];
  readonly payload: Uint8Array;
}

const textEncoder = new TextEncoder();

function diagnostic(code: number, reason: string): ResponseParts {
  return { code, options: [], payload: textEncoder.encode(reason) };
}

function isPromiseLike(value: unknown): value is PromiseLike<CoapOutgoingResponse> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/** The response a handler failure becomes: a CodedError's own code, else 5.00. */
function failureResponse(error: unknown): CoapOutgoingResponse {
  return { code: isCodedError(error) ? error.responseCode : '5.00' };
}

/**
 * The server side of the endpoint: de-duplicates requests, reassembles Block1 bodies, serves
 * Block2 follow-ups from the cache, calls the handler once per request, and answers piggy-backed
 * in the ACK, as a separate CON response when the handler is slow, or as NON for a NON request.
 */
export class RequestResponder {
  readonly #ctx: EndpointContext;
  readonly #parts: RequestResponderParts;
  #handler: CoapRequestHandler | undefined;
  #pendingHandlers = 0;
  #separateOutstanding = 0;

  constructor(ctx: EndpointContext, parts: RequestResponderParts) {
    this.#ctx = ctx;
    this.#parts = parts;
  }

  setHandler(handler: CoapRequestHandler | undefined): void {
    this.#handler = handler;
  }

  get pendingHandlers(): number {
    return this.#pendingHandlers;
  }

  get separateResponsesOutstanding(): number {
    return this.#separateOutstanding;
  }

  /** A CON or NON message with a request code. */
  handle(message: CoapMessage, peer: PeerAddress, peerKey: string): void {
    const confirmable = message.type === 'CON';
    const { deduplicator } = this.#parts;
    const earlier = deduplicator.find(peerKey, message.messageId);
    if (earlier !== undefined) {
      this.#ctx.counters.duplicates++;
      if (confirmable && earlier.reply !== undefined) this.#ctx.transmit(earlier.reply, peer);
      return;
    }
    const lifetime = confirmable ? this.#ctx.params.exchangeLifetimeMs : this.#ctx.params.nonLifetimeMs;
    const exchange = deduplicator.remember(peerKey, message.messageId, lifetime);
    const inProgress: RequestInProgress = { message, peer, peerKey, exchange, acknowledged: false };
    this.#ctx.counters.incoming.requests++;
    const result = decodeIncomingRequest(message, peer);
    if (!result.ok) {
      this.#reply(inProgress, diagnostic(result.code, result.reason));
      return;
    }
    this.#process(inProgress, result.decoded);
  }

  #process(inProgress: RequestInProgress, decoded: DecodedRequest): void {
    const { request } = decoded;
    const { peerKey } = inProgress;
    const tokenKey = tokenKeyOf(request.token);
    if (request.observe === 0) this.#parts.observations.restart(peerKey, tokenKey);
    else if (request.observe === 1) this.#parts.observations.forget(peerKey, tokenKey);

    let payload = request.payload;
    let block1Echo: BlockOption | undefined;
    if (decoded.block1 !== undefined) {
      const key = blockwiseRequestKey(peerKey, request);
      const outcome = this.#parts.block1.accept(
        peerKey,
        key,
        decoded.block1,
        payload,
        decoded.size1,
        this.#ctx.szx,
      );
      switch (outcome.kind) {
        case 'continue':
          this.#reply(inProgress, {
            code: ResponseCode.Continue,
            options: [encodeBlockOption(OptionNumber.Block1, outcome.block)],
            payload: EMPTY_BYTES,
          });
          return;
        case 'incomplete':
          this.#reply(inProgress, diagnostic(ResponseCode.RequestEntityIncomplete, 'Block1 out of sequence'));
          return;
        case 'too-large':
          this.#reply(inProgress, {
            code: ResponseCode.RequestEntityTooLarge,
            options: [uintOption(OptionNumber.Size1, outcome.maxBytes)],
            payload: EMPTY_BYTES,
          });
          return;
        case 'invalid':
          this.#reply(inProgress, diagnostic(ResponseCode.BadRequest, 'Block1 block of the wrong size'));
          return;
        case 'complete':
          payload = outcome.payload;
          block1Echo = outcome.block;
          break;
      }
    }

    const fullRequest: CoapIncomingRequest = payload === request.payload ? request : { ...request, payload };
    const requestKey = blockwiseRequestKey(peerKey, fullRequest, payload);
    const block2 = decoded.block2;
    if (block2 !== undefined && block2.num > 0) {
      const cached = this.#parts.blockwiseCache.get(requestKey);
      if (cached !== undefined) {
        this.#ctx.counters.incoming.block2CacheHits++;
        this.#reply(inProgress, this.#blockResponse(cached, block2, [], undefined));
        return;
      }
      this.#ctx.counters.incoming.block2CacheMisses++;
    }

    const handler = this.#handler;
    if (handler === undefined) {
      this.#ctx.counters.dropped.noHandler++;
      this.#reply(inProgress, diagnostic(ResponseCode.ServiceUnavailable, 'no request handler'));
      return;
    }
    if (this.#pendingHandlers >= this.#ctx.limits.maxPendingHandlers) {
      this.#ctx.counters.dropped.handlerBusy++;
      this.#reply(inProgress, diagnostic(ResponseCode.ServiceUnavailable, 'too many requests in progress'));
      return;
    }
    let result: CoapOutgoingResponse | PromiseLike<CoapOutgoingResponse>;
    try {
      result = handler(fullRequest);
    } catch (error) {
      this.#ctx.counters.incoming.handlerErrors++;
      result = failureResponse(error);
    }
    const respond = (response: CoapOutgoingResponse) =>
      this.#respond(inProgress, fullRequest, requestKey, response, block2, block1Echo);
    if (!isPromiseLike(result)) {
      respond(result);
      return;
    }
    this.#pendingHandlers++;
    const cancelAckTimer =
      inProgress.message.type === 'CON' ? this.#startSeparateTimer(inProgress) : () => {};
    Promise.resolve(result).then(
      (response) => {
        this.#pendingHandlers--;
        cancelAckTimer();
        respond(response);
      },
      (error: unknown) => {
        this.#pendingHandlers--;
        cancelAckTimer();
        this.#ctx.counters.incoming.handlerErrors++;
        respond(failureResponse(error));
      },
    );
  }

  /** After `separateResponseAfterMs` without an answer: an empty ACK, so the peer stops retransmitting. */
  #startSeparateTimer(inProgress: RequestInProgress): () => void {
    return this.#ctx.timers.start(this.#ctx.limits.separateResponseAfterMs, () => {
      const ack = this.#ctx.send(emptyMessage('ACK', inProgress.message.messageId), inProgress.peer);
      if (ack === undefined) return;
      inProgress.acknowledged = true;
      this.#parts.deduplicator.answer(inProgress.exchange, ack);
    });
  }

  /** Never throws: a response that cannot be built (bad code or option value) becomes 5.00. */
  #respond(
    inProgress: RequestInProgress,
    request: CoapIncomingRequest,
    requestKey: string,
    response: CoapOutgoingResponse,
    block2: BlockOption | undefined,
    block1Echo: BlockOption | undefined,
  ): void {
    if (this.#ctx.closed) {
      this.#ctx.counters.dropped.closed++;
      return;
    }
    try {
      this.#respondWith(inProgress, request, requestKey, response, block2, block1Echo);
    } catch {
      this.#ctx.counters.incoming.handlerErrors++;
      this.#reply(inProgress, { code: ResponseCode.InternalServerError, options: [], payload: EMPTY_BYTES });
    }
  }

  #respondWith(
    inProgress: RequestInProgress,
    request: CoapIncomingRequest,
    requestKey: string,
    response: CoapOutgoingResponse,
    block2: BlockOption | undefined,
    block1Echo: BlockOption | undefined,
  ): void {
    const code = parseDottedCode(response.code);
    const options = responseOptions(response, true); // throws on values that cannot be encoded
    const observing =
      response.observe !== undefined &&
      request.observe === 0 &&
      (request.method === 'GET' || request.method === 'FETCH');
    if (observing) {
      this.#parts.observations.register(inProgress.peerKey, tokenKeyOf(request.token), requestKey);
    }
    const payload = response.payload ?? EMPTY_BYTES;
    const szx = Math.min(this.#ctx.szx, block2?.szx ?? this.#ctx.szx);
    // an error (4.04 unknown path, 4.06 Accept...) is never cut into blocks: a Block2 follow-up
    // gets the error itself, not 4.02 for a block beyond the end of the diagnostic text
    const success = code >> 5 === 2;
    const blockwise =
      success && (payload.length > blockSizeOf(szx) || (block2 !== undefined && block2.num > 0));
    const extra = block1Echo === undefined ? [] : [encodeBlockOption(OptionNumber.Block1, block1Echo)];
    if (!blockwise) {
      // an error's diagnostic payload beyond one block is cut to one block
      const body = success ? payload : payload.subarray(0, blockSizeOf(szx));
      this.#reply(inProgress, { code, options: [...options, ...extra], payload: body });
      return;
    }
    const representation: CachedRepresentation = {
      code,
      contentFormat: response.contentFormat,
      maxAge: response.maxAge,
      etag: representationEtag(code, response.contentFormat, payload),
      payload,
    };
    if (payload.length > blockSizeOf(szx)) this.#parts.blockwiseCache.set(requestKey, representation);
    this.#reply(
      inProgress,
      this.#blockResponse(representation, block2 ?? { num: 0, more: false, szx }, extra, response),
    );
  }

  /** A Block2 block of `representation`; `firstBlockResponse` adds Observe/Location-Path to block 0. */
  #blockResponse(
    representation: CachedRepresentation,
    block2: BlockOption,
    extra: readonly CoapOption[],
    firstBlockResponse: CoapOutgoingResponse | undefined,
  ): ResponseParts {
    // a peer asking for larger blocks than ours gets ours, numbered for the same offset (RFC 7959 §2.4)
    const szx = Math.min(this.#ctx.szx, block2.szx);
    const num = (block2.num * blockSizeOf(block2.szx)) / blockSizeOf(szx);
    const slice = sliceBlock2(representation, num, szx);
    if (slice === undefined) return diagnostic(ResponseCode.BadOption, 'Block2 number beyond the end');
    const base: CoapOption[] = [];
    if (representation.contentFormat !== undefined) {
      base.push(uintOption(OptionNumber.ContentFormat, representation.contentFormat));
    }
    if (representation.maxAge !== undefined)
      base.push(uintOption(OptionNumber.MaxAge, representation.maxAge));
    const head =
      firstBlockResponse !== undefined && num === 0 ? responseOptions(firstBlockResponse, true) : base;
    return {
      code: representation.code,
      options: [...head, ...slice.options, ...extra],
      payload: slice.payload,
    };
  }

  /** Sends a response: in the ACK, as a separate CON after an empty ACK, or as NON. */
  #reply(inProgress: RequestInProgress, parts: ResponseParts): void {
    const { message, peer, peerKey } = inProgress;
    if (message.type === 'CON' && !inProgress.acknowledged) {
      const bytes = this.#ctx.send(
        { type: 'ACK', messageId: message.messageId, token: message.token, ...parts },
        peer,
      );
      if (bytes !== undefined) this.#parts.deduplicator.answer(inProgress.exchange, bytes);
      else this.#sendInternalError(inProgress);
      return;
    }
    const confirmable = message.type === 'CON';
    const messageId = this.#ctx.messageIds.tryAllocate(peerKey, confirmable);
    if (messageId === undefined) {
      this.#ctx.counters.dropped.messageIdsExhausted++;
      return;
    }
    const response: CoapMessage = {
      type: confirmable ? 'CON' : 'NON',
      code: parts.code,
      messageId,
      token: message.token,
      options: parts.options,
      payload: parts.payload,
    };
    if (!confirmable) {
      this.#ctx.send(response, peer);
      return;
    }
    this.#ctx.counters.incoming.separateResponses++;
    this.#separateOutstanding++;
    const done = (failed: boolean) => {
      this.#separateOutstanding--;
      if (failed) this.#ctx.counters.dropped.separateResponseFailed++;
    };
    const cancel = this.#parts.transmissions.start(response, peer, peerKey, {
      acknowledged: () => done(false),
      reset: () => done(true),
      timedOut: () => done(true),
    });
    if (cancel === undefined) done(false);
  }

  /** The handler's response could not be encoded (too large options): 5.00 instead. */
  #sendInternalError(inProgress: RequestInProgress): void {
    const { message, peer } = inProgress;
    const bytes = this.#ctx.send(
      {
        type: 'ACK',
        code: ResponseCode.InternalServerError,
        messageId: message.messageId,
        token: message.token,
        options: [],
        payload: EMPTY_BYTES,
      },
      peer,
    );
    if (bytes !== undefined) this.#parts.deduplicator.answer(inProgress.exchange, bytes);
  }
}
