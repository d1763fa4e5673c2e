import type { CoapNotification, CoapObservation } from '@lwm2m-adapters/coap';
import type { ListenerSet } from '@lwm2m-adapters/kit';
import type { LwM2mCodecs, LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import type { Registration } from '../registration/registration.js';
import type { ServerCompositeNotification, ServerNotification } from '../server-types.js';
import { HeldCompositeObservation, ReceivedCompositeNotification } from './composite-observation.js';
import { ReceivedNotification } from './received-notification.js';
import { HeldServerObservation, ServerObservations } from './server-observations.js';

export interface HeldObservationsOptions {
  readonly codecs: LwM2mCodecs;
  /** The current registration of an id; undefined once it ended. */
  readonly registration: (registrationId: string) => Registration | undefined;
  /** A notification came from a client (queue mode: it is awake). */
  readonly heard: (registrationId: string) => void;
  /** The 'notification' and 'compositeNotification' events. */
  readonly notification: ListenerSet<ServerNotification>;
  readonly compositeNotification: ListenerSet<ServerCompositeNotification>;
  readonly onListenerError: (error: unknown) => void;
}

/**
 * The observations the server holds, single-path and composite, and the delivery of their
 * notifications: decoded lazily, to the observation's listener and then the server's event. An
 * observation is held from the client's accepting answer until it is cancelled, ended by a final
 * notification, or dropped with its registration.
 */
export class HeldObservations {
  readonly #options: HeldObservationsOptions;
  readonly single = new ServerObservations<HeldServerObservation>();
  readonly composite = new ServerObservations<HeldCompositeObservation>();
  /** Notifications delivered, both kinds. */
  delivered = 0;

  constructor(options: HeldObservationsOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.single.size + this.composite.size;
  }

  /** A single-path observation about to be requested, with its notification handler. */
  newSingle(
    registration: Registration,
    path: LwM2mPath,
    format: number | undefined,
    listener: ((notification: ServerNotification) => void) | undefined,
  ): { observation: HeldServerObservation; onNotification: (notification: CoapNotification) => void } {
    const observation = new HeldServerObservation(registration, path, format, listener, (ended) =>
      this.single.remove(ended as HeldServerObservation),
    );
    const onNotification = (notification: CoapNotification) => {
      const current = this.#notified(observation, notification);
      if (current === undefined) return;
      const received = new ReceivedNotification(observation, current, notification, this.#options.codecs);
      this.#deliver(observation.listener, this.#options.notification, received);
    };
    return { observation, onNotification };
  }

  /** An Observe-Composite about to be requested, with its notification handler. */
  newComposite(
    registration: Registration,
    paths: readonly LwM2mPath[],
    format: number,
    accept: number | undefined,
    listener: ((notification: ServerCompositeNotification) => void) | undefined,
  ): { observation: HeldCompositeObservation; onNotification: (notification: CoapNotification) => void } {
    const observation = new HeldCompositeObservation(registration, paths, format, accept, listener, (ended) =>
      this.composite.remove(ended as HeldCompositeObservation),
    );
    const onNotification = (notification: CoapNotification) => {
      const current = this.#notified(observation, notification);
      if (current === undefined) return;
      const received = new ReceivedCompositeNotification(
        observation,
        current,
        notification,
        this.#options.codecs,
      );
      this.#deliver(observation.listener, this.#options.compositeNotification, received);
    };
    return { observation, onNotification };
  }

  /**
   * After the first answer: when the client accepted, the observation is attached and held
   * (dropped at once if its registration ended meanwhile). The content is decoded either way; a
   * first value that does not decode cancels the observation and throws.
   */
  accepted<C, O extends HeldServerObservation | HeldCompositeObservation>(
    observation: O,
    coap: CoapObservation,
    table: ServerObservations<O>,
    content: () => C,
  ): { content: C; observation: O | undefined } {
    if (!coap.observing) return { content: content(), observation: undefined };
    observation.attach(coap);
    let decoded: C;
    try {
      decoded = content();
    } catch (error) {
      void observation.cancel(); // the caller gets no handle: nobody could cancel it later
      throw error;
    }
    table.add(observation);
    // the client went away while the Observe was out
    if (this.#options.registration(observation.registrationId) === undefined)
      observation.drop('deregistered');
    return { content: decoded, observation };
  }

  /** The registration ended: its observations end 'deregistered' (passively). */
  dropAll(registrationId: string): void {
    this.single.dropAll(registrationId, 'deregistered');
    this.composite.dropAll(registrationId, 'deregistered');
  }

  /** The registration a notification belongs to; undefined when it ended (being dropped). */
  #notified(
    observation: HeldServerObservation | HeldCompositeObservation,
    notification: CoapNotification,
  ): Registration | undefined {
    if (notification.observe === undefined) observation.finished();
    const registration = this.#options.registration(observation.registrationId);
    if (registration === undefined) return undefined;
    this.delivered++;
    this.#options.heard(registration.id);
    return registration;
  }

  #deliver<N>(
    listener: ((notification: N) => void) | undefined,
    event: ListenerSet<N>,
    notification: N,
  ): void {
    if (listener !== undefined) {
      try {
        listener(notification);
      } catch (cause) {
        this.#options.onListenerError(cause);
      }
    }
    if (event.size > 0) event.emit(notification);
  }
}
