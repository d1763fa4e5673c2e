import type { CodedError } from '@lwm2m-adapters/errors';

/**
 * The deadline of one request on a link: the scheduler expires it when the request's timeout
 * passes, and the transport that holds the request gives up on it then. An AbortSignal did this
 * before, but one signal, controller and event listener per request was a large part of what a
 * poll allocated; a request has exactly one party waiting on its deadline, so this holds one
 * listener.
 */
export class ExchangeDeadline {
  #reason: CodedError | undefined;
  #listener: ((reason: CodedError) => void) | undefined;

  /** The error the request failed with once the deadline passed, else undefined. */
  get reason(): CodedError | undefined {
    return this.#reason;
  }

  /**
   * Calls `listener` once when the deadline passes (at once, in this call, if it has passed
   * already). One listener: a later call replaces it, `undefined` removes it.
   */
  onExpire(listener: ((reason: CodedError) => void) | undefined): void {
    if (listener !== undefined && this.#reason !== undefined) {
      this.#listener = undefined;
      listener(this.#reason);
      return;
    }
    this.#listener = listener;
  }

  /** The deadline passed with `reason`; the listener, if any, is told once. Later calls do nothing. */
  expire(reason: CodedError): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.(reason);
  }
}
