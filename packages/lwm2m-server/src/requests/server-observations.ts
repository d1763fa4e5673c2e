import type { CoapCancelOptions, CoapObservation } from '@lwm2m-adapters/coap';
import type { LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import type { Registration } from '../registration/registration.js';
import type {
  Lwm2mResponse,
  ServerNotification,
  ServerObservation,
  ServerObservationEnd,
} from '../server-types.js';
import { toResponse } from './responses.js';

/**
 * An observation the server holds, over the CoAP endpoint's observation. It leaves the server's
 * table when it is cancelled, dropped or ended by a final notification (`onEnd`). The single-path
 * and the composite kinds differ only in what they observe and what their listener gets.
 */
export abstract class HeldObservation<N> {
  readonly registrationId: string;
  readonly endpoint: string;
  readonly listener: ((notification: N) => void) | undefined;
  readonly #onEnd: (observation: HeldObservation<N>) => void;
  #coap: CoapObservation | undefined;
  /** Set when the server ends the observation itself (its registration ended). */
  #endReason: ServerObservationEnd | undefined;
  #ended: Promise<ServerObservationEnd> | undefined;

  constructor(
    registration: Registration,
    listener: ((notification: N) => void) | undefined,
    onEnd: (observation: HeldObservation<N>) => void,
  ) {
    this.registrationId = registration.id;
    this.endpoint = registration.endpoint;
    this.listener = listener;
    this.#onEnd = onEnd;
  }

  /** The CoAP observation, once the client accepted (before the server hands this one out). */
  attach(coap: CoapObservation): void {
    this.#coap = coap;
  }

  get token(): Uint8Array {
    return this.#coap!.token;
  }

  get ended(): Promise<ServerObservationEnd> {
    this.#ended ??= this.#coap!.ended.then((reason) => this.#endReason ?? reason);
    return this.#ended;
  }

  async cancel(options: CoapCancelOptions = {}): Promise<Lwm2mResponse | undefined> {
    try {
      const response = await this.#coap!.cancel(options);
      return response === undefined ? undefined : toResponse(response);
    } finally {
      this.#onEnd(this);
    }
  }

  /** A final notification ended it at the client. */
  finished(): void {
    this.#onEnd(this);
  }

  /** The registration ended: forget the observation (the client forgot it too). */
  drop(reason: ServerObservationEnd): void {
    this.#endReason ??= reason;
    void this.#coap!.cancel({ active: false });
    this.#onEnd(this);
  }
}

/** An Observe of one path. */
export class HeldServerObservation extends HeldObservation<ServerNotification> implements ServerObservation {
  readonly path: LwM2mPath;
  readonly format: number | undefined;

  constructor(
    registration: Registration,
    path: LwM2mPath,
    format: number | undefined,
    listener: ((notification: ServerNotification) => void) | undefined,
    onEnd: (observation: HeldObservation<ServerNotification>) => void,
  ) {
    super(registration, listener, onEnd);
    this.path = path;
    this.format = format;
  }
}

/** What the table needs of an observation. */
interface Droppable {
  readonly registrationId: string;
  drop(reason: ServerObservationEnd): void;
}

/** The observations of one kind the server holds, per registration id. */
export class ServerObservations<O extends Droppable> {
  readonly #byRegistration = new Map<string, Set<O>>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(observation: O): void {
    let set = this.#byRegistration.get(observation.registrationId);
    if (set === undefined) {
      set = new Set();
      this.#byRegistration.set(observation.registrationId, set);
    }
    set.add(observation);
    this.#size++;
  }

  remove(observation: O): void {
    const set = this.#byRegistration.get(observation.registrationId);
    if (set === undefined || !set.delete(observation)) return;
    this.#size--;
    if (set.size === 0) this.#byRegistration.delete(observation.registrationId);
  }

  of(registrationId: string): O[] {
    return [...(this.#byRegistration.get(registrationId) ?? [])];
  }

  all(): O[] {
    return [...this.#byRegistration.values()].flatMap((set) => [...set]);
  }

  /** Drops every observation of a registration that ended. */
  dropAll(registrationId: string, reason: ServerObservationEnd): void {
    for (const observation of this.of(registrationId)) observation.drop(reason);
  }
}
