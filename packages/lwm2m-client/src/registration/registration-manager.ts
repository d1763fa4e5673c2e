import type { CoapIncomingResponse, CoapOutgoingRequest, PeerAddress } from '@lwm2m-adapters/coap';
import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import {
  type BackoffPolicy,
  backoffDelay,
  type Clock,
  type EventLogger,
  ListenerSet,
  REJECTED_BACKOFF,
  RestartableTimer,
  silentEventLogger,
  UNREACHABLE_BACKOFF,
} from '@lwm2m-adapters/kit';
import { ContentFormat } from '@lwm2m-adapters/lwm2m-core';
import type { LwM2mCoapLink } from '../link/coap-link.js';
import type { ServerAccount } from './server-account.js';

export type RegistrationState =
  | 'unregistered'
  | 'registering'
  | 'registered'
  | 'updating'
  | 'deregistering'
  | 'backoff'
  | 'closed';

export interface RegistrationStateChange {
  readonly state: RegistrationState;
  readonly previous: RegistrationState;
  /** Why the last Register or Update failed (REGISTRATION_REJECTED, SERVER_ERROR, COAP_TIMEOUT...). */
  readonly error?: CodedError;
  /** In 'backoff': when the next Register is sent (clock ms). */
  readonly retryAt?: number;
}

export interface RegistrationTimingOptions {
  /** Backoff while the server is unreachable. Default UNREACHABLE_BACKOFF (2 s .. 5 min). */
  readonly unreachableBackoff?: BackoffPolicy;
  /** Backoff after a refusal (4.00, 4.03, 4.12). Default REJECTED_BACKOFF (1 min .. 1 h). */
  readonly rejectedBackoff?: BackoffPolicy;
  /** Failed Updates in a row before the client registers again. Default 3. */
  readonly maxUpdateAttempts?: number;
  /** Longest wait for the De-register answer on close, ms. Default 5 s. */
  readonly deregisterTimeoutMs?: number;
}

export interface RegistrationManagerOptions extends RegistrationTimingOptions {
  readonly endpointName: string;
  readonly peer: PeerAddress;
  readonly link: Pick<LwM2mCoapLink, 'request'>;
  readonly clock: Clock;
  readonly account: ServerAccount;
  /** The current Register/Update link payload. */
  readonly links: () => string;
  /** [0, 1) source for jitter. Default Math.random. */
  readonly random?: () => number;
  readonly log?: EventLogger;
}

/** MAX_TRANSMIT_WAIT (RFC 7252): how long one CON exchange may take with default parameters. */
const MAX_TRANSMIT_WAIT_MS = 93_000;

/**
 * When the next Update goes out: at 90 % of the lifetime, but at least MAX_TRANSMIT_WAIT before
 * expiry when the lifetime is long enough (never earlier than half of it), so a retransmitted
 * Update still arrives in time.
 */
export function updateDelayMs(lifetimeSeconds: number): number {
  const lifetime = lifetimeSeconds * 1000;
  const margin = Math.max(lifetime * 0.1, Math.min(lifetime / 2, MAX_TRANSMIT_WAIT_MS));
  return Math.max(1, Math.round(lifetime - margin));
}

const REJECTION_CODES = new Set(['4.00', '4.03', '4.09', '4.12']);

interface SentParameters {
  readonly lifetime: number;
  readonly binding: string;
  readonly queueMode: boolean;
  readonly links: string;
}

/**
 * The Registration interface (Core TS §6.2, §8.2) towards one server: Register (POST /rd), Update
 * before the lifetime runs out and whenever parameters or the object list change, Register again
 * when an Update gets 4.04 or keeps failing, De-register on close. Failures back off exponentially
 * with jitter and a cap; nothing retries in a tight loop. Every timer runs on the injected clock.
 */
export class RegistrationManager {
  readonly #options: RegistrationManagerOptions;
  readonly #timer: RestartableTimer;
  readonly #listeners: ListenerSet<RegistrationStateChange>;
  readonly #registeredListeners: ListenerSet<readonly string[]>;
  readonly #random: () => number;
  readonly #log: EventLogger;
  #state: RegistrationState = 'unregistered';
  #location: readonly string[] | undefined;
  #sent: SentParameters | undefined;
  #expiresAt = 0;
  #registerFailures = 0;
  #updateFailures = 0;
  #updateQueued = false;
  #updateAgain = false;
  #forceLinks = false;
  #closing: Promise<void> | undefined;

  constructor(options: RegistrationManagerOptions) {
    this.#options = options;
    this.#timer = new RestartableTimer(options.clock);
    this.#random = options.random ?? Math.random;
    this.#log = options.log ?? silentEventLogger;
    const onListenerError = (error: unknown) =>
      this.#log({ level: 'warn', event: 'listener-failed', message: 'a registration listener threw', error });
    this.#listeners = new ListenerSet(onListenerError);
    this.#registeredListeners = new ListenerSet(onListenerError);
  }

  get state(): RegistrationState {
    return this.#state;
  }

  /** Location-Path of the registration (`['rd', '5a3f']`), while registered. */
  get location(): readonly string[] | undefined {
    return this.#location;
  }

  /** Whether the server has answered the Register (DM requests are served). */
  get isRegistered(): boolean {
    return this.#state === 'registered' || this.#state === 'updating';
  }

  onStateChange(listener: (change: RegistrationStateChange) => void): () => void {
    return this.#listeners.add(listener);
  }

  /** Called with the Location-Path after every successful Register (observations are then void). */
  onRegistered(listener: (location: readonly string[]) => void): () => void {
    return this.#registeredListeners.add(listener);
  }

  /** Sends the first Register. */
  start(): void {
    if (this.#state !== 'unregistered') return;
    void this.#register();
  }

  /**
   * Asks for an Update. Requests made in one tick are coalesced; one arriving during an Update
   * causes another afterwards. `withLinks` forces the object list into the payload (topology
   * changed); otherwise it is sent only when it differs from the last one sent.
   */
  requestUpdate(options: { withLinks?: boolean } = {}): void {
    if (options.withLinks === true) this.#forceLinks = true;
    if (this.#state === 'updating') {
      this.#updateAgain = true;
      return;
    }
    if (this.#state !== 'registered' || this.#updateQueued) return;
    this.#updateQueued = true;
    void Promise.resolve().then(() => {
      this.#updateQueued = false;
      if (this.#state === 'registered') void this.#update();
    });
  }

  /** De-registers (bounded wait) and stops. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#timer.cancel();
    const location = this.#location;
    const wasRegistered = this.#state === 'registered' || this.#state === 'updating';
    this.#location = undefined;
    if (wasRegistered && location !== undefined) {
      this.#setState('deregistering');
      await this.#deregister(location);
    }
    this.#setState('closed');
  }

  async #deregister(location: readonly string[]): Promise<void> {
    const timeout = new RestartableTimer(this.#options.clock);
    const answered = this.#send({ method: 'DELETE', uriPath: location }).then(
      (response) => {
        if (!response.code.startsWith('2.')) {
          this.#log({
            level: 'info',
            event: 'deregister-refused',
            message: `De-register answered ${response.code}`,
          });
        }
      },
      (error: unknown) => {
        this.#log({ level: 'info', event: 'deregister-failed', message: 'De-register got no answer', error });
      },
    );
    const timedOut = new Promise<void>((resolve) =>
      timeout.set(this.#options.deregisterTimeoutMs ?? 5_000, () => {
        this.#log({
          level: 'info',
          event: 'deregister-timeout',
          message: 'De-register not answered in time',
        });
        resolve();
      }),
    );
    await Promise.race([answered, timedOut]);
    timeout.cancel();
  }

  get #closed(): boolean {
    return this.#closing !== undefined;
  }

  #setState(state: RegistrationState, extra: { error?: CodedError; retryAt?: number } = {}): void {
    const previous = this.#state;
    if (previous === 'closed') return;
    this.#state = state;
    if (previous === state && extra.error === undefined) return;
    this.#listeners.emit({ state, previous, ...extra });
  }

  #send(request: CoapOutgoingRequest): Promise<CoapIncomingResponse> {
    try {
      return this.#options.link.request(this.#options.peer, request);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #registerQuery(): string[] {
    const { account, endpointName } = this.#options;
    const query = [`ep=${endpointName}`, `lt=${account.lifetime}`, 'lwm2m=1.1', `b=${account.binding}`];
    if (account.queueMode) query.push('Q');
    return query;
  }

  async #register(): Promise<void> {
    if (this.#closed) return;
    this.#timer.cancel();
    this.#location = undefined;
    this.#setState('registering');
    const { account } = this.#options;
    const sent: SentParameters = {
      lifetime: account.lifetime,
      binding: account.binding,
      queueMode: account.queueMode,
      links: this.#options.links(),
    };
    this.#forceLinks = false;
    let response: CoapIncomingResponse;
    try {
      response = await this.#send({
        method: 'POST',
        uriPath: ['rd'],
        uriQuery: this.#registerQuery(),
        contentFormat: ContentFormat.LINK,
        payload: new TextEncoder().encode(sent.links),
      });
    } catch (error) {
      this.#registerFailed(asCodedError(error, 'COAP_TIMEOUT'), UNREACHABLE_BACKOFF_KIND);
      return;
    }
    if (response.code === '2.01' && response.locationPath.length > 0) {
      if (this.#closed) {
        // Closed while the Register was on its way: do not leave a registration behind.
        void this.#send({ method: 'DELETE', uriPath: response.locationPath }).catch(() => {});
        return;
      }
      this.#registered(response.locationPath, sent);
      return;
    }
    if (response.code === '2.01') {
      this.#registerFailed(
        new CodedError('COAP_MESSAGE_INVALID', 'Register answered 2.01 without Location-Path'),
        UNREACHABLE_BACKOFF_KIND,
      );
      return;
    }
    if (response.code.startsWith('4.')) {
      const error = new CodedError(
        'REGISTRATION_REJECTED',
        `the server refused the registration of ${this.#options.endpointName} with ${response.code}`,
        { details: { code: response.code }, retriable: !REJECTION_CODES.has(response.code) },
      );
      this.#registerFailed(error, REJECTED_BACKOFF_KIND);
      return;
    }
    this.#registerFailed(
      new CodedError('SERVER_ERROR', `Register answered ${response.code}`, {
        details: { code: response.code },
      }),
      UNREACHABLE_BACKOFF_KIND,
    );
  }

  #registered(location: readonly string[], sent: SentParameters): void {
    this.#location = [...location];
    this.#sent = sent;
    this.#registerFailures = 0;
    this.#updateFailures = 0;
    this.#expiresAt = this.#options.clock.now() + sent.lifetime * 1000;
    this.#setState('registered');
    this.#registeredListeners.emit(this.#location);
    this.#scheduleUpdate();
    if (this.#differsFromSent() || this.#forceLinks) this.requestUpdate();
  }

  #registerFailed(error: CodedError, kind: BackoffKind): void {
    if (this.#closed) return;
    const policy =
      kind === REJECTED_BACKOFF_KIND
        ? (this.#options.rejectedBackoff ?? REJECTED_BACKOFF)
        : (this.#options.unreachableBackoff ?? UNREACHABLE_BACKOFF);
    const delay = backoffDelay(policy, this.#registerFailures, this.#random);
    this.#registerFailures++;
    const retryAt = this.#options.clock.now() + delay;
    this.#log({
      level: kind === REJECTED_BACKOFF_KIND ? 'error' : 'warn',
      event: 'registration-failed',
      message: `${error.message}; next Register in ${Math.round(delay / 1000)} s`,
      details: { code: error.code, retryInMs: delay },
      error,
    });
    this.#setState('backoff', { error, retryAt });
    this.#timer.set(delay, () => void this.#register());
  }

  #differsFromSent(): boolean {
    const sent = this.#sent;
    const { account } = this.#options;
    return (
      sent === undefined ||
      sent.lifetime !== account.lifetime ||
      sent.binding !== account.binding ||
      sent.queueMode !== account.queueMode ||
      sent.links !== this.#options.links()
    );
  }

  #scheduleUpdate(delay = updateDelayMs(this.#options.account.lifetime)): void {
    this.#timer.set(delay, () => this.requestUpdate());
  }

  async #update(): Promise<void> {
    const location = this.#location;
    const previous = this.#sent;
    if (this.#closed || location === undefined || previous === undefined) return;
    this.#setState('updating');
    const { account } = this.#options;
    const links = this.#options.links();
    const query: string[] = [];
    if (account.lifetime !== previous.lifetime) query.push(`lt=${account.lifetime}`);
    if (account.binding !== previous.binding || account.queueMode !== previous.queueMode) {
      query.push(`b=${account.binding}`);
      if (account.queueMode) query.push('Q');
    }
    const withLinks = this.#forceLinks || links !== previous.links;
    this.#forceLinks = false;
    const request: CoapOutgoingRequest = {
      method: 'POST',
      uriPath: location,
      ...(query.length > 0 ? { uriQuery: query } : {}),
      ...(withLinks ? { contentFormat: ContentFormat.LINK, payload: new TextEncoder().encode(links) } : {}),
    };
    const sent: SentParameters = {
      lifetime: account.lifetime,
      binding: account.binding,
      queueMode: account.queueMode,
      links: withLinks ? links : previous.links,
    };
    let outcome: 'ok' | 'gone' | 'failed';
    let failure: CodedError | undefined;
    try {
      const response = await this.#send(request);
      if (response.code === '2.04') outcome = 'ok';
      else if (response.code.startsWith('4.')) outcome = 'gone';
      else {
        outcome = 'failed';
        failure = new CodedError('SERVER_ERROR', `Update answered ${response.code}`, {
          details: { code: response.code },
        });
      }
      if (outcome === 'gone') {
        this.#log({
          level: 'info',
          event: 'registration-lost',
          message: `Update answered ${response.code}: registering again`,
          details: { code: response.code },
        });
      }
    } catch (error) {
      outcome = 'failed';
      failure = asCodedError(error, 'COAP_TIMEOUT');
    }
    if (this.#closed || this.#location !== location) return;
    if (outcome === 'ok') {
      this.#sent = sent;
      this.#updateFailures = 0;
      this.#expiresAt = this.#options.clock.now() + sent.lifetime * 1000;
      this.#setState('registered');
      this.#scheduleUpdate();
      if (this.#updateAgain) {
        this.#updateAgain = false;
        this.requestUpdate();
      }
      return;
    }
    if (withLinks) this.#forceLinks = true;
    if (outcome === 'gone') {
      void this.#register();
      return;
    }
    this.#updateFailures++;
    const now = this.#options.clock.now();
    const delay = backoffDelay(
      this.#options.unreachableBackoff ?? UNREACHABLE_BACKOFF,
      this.#updateFailures - 1,
      this.#random,
    );
    if (this.#updateFailures >= (this.#options.maxUpdateAttempts ?? 3) || now + delay >= this.#expiresAt) {
      this.#log({
        level: 'warn',
        event: 'update-failed',
        message: `Update failed ${this.#updateFailures} times: registering again`,
        error: failure,
      });
      void this.#register();
      return;
    }
    this.#log({
      level: 'info',
      event: 'update-failed',
      message: `Update failed; retry in ${delay} ms`,
      error: failure,
    });
    this.#setState('registered', failure === undefined ? {} : { error: failure });
    this.#updateAgain = false;
    this.#scheduleUpdate(delay);
  }
}

type BackoffKind = 'unreachable' | 'rejected';
const UNREACHABLE_BACKOFF_KIND: BackoffKind = 'unreachable';
const REJECTED_BACKOFF_KIND: BackoffKind = 'rejected';

function asCodedError(error: unknown, fallback: 'COAP_TIMEOUT'): CodedError {
  if (isCodedError(error)) return error;
  return new CodedError(fallback, error instanceof Error ? error.message : String(error), { cause: error });
}
