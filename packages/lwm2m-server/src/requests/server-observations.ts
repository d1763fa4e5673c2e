import type { CoapCancelOptions, CoapIncomingResponse, CoapObservation } from '@lwm2m-adapters/coap';
import type { LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import type { Registration } from '../registration/registration.js';
import type { Lwm2mResponse, ServerObservation, ServerObservationEnd } from '../server-types.js';

/** An observation the server holds, over the CoAP endpoint's observation. */
export class HeldServerObservation implements ServerObservation {
  readonly registrationId: string;
  readonly endpoint: string;
  readonly path: LwM2mPath;
  readonly format: number | undefined;
  readonly ended: Promise<ServerObservationEnd>;
  readonly #coap: CoapObservation;
  readonly #toResponse: (response: CoapIncomingResponse) => Lwm2mResponse;
  /** Set when the server ends the observation itself (its registration ended). */
  #endReason: ServerObservationEnd | undefined;

  constructor(
    registration: Registration,
    path: LwM2mPath,
    format: number | undefined,
    coap: CoapObservation,
    toResponse: (response: CoapIncomingResponse) => Lwm2mResponse,
  ) {
    this.registrationId = registration.id;
    this.endpoint = registration.endpoint;
    this.path = path;
    this.format = format;
    this.#coap = coap;
    this.#toResponse = toResponse;
    this.ended = coap.ended.then((reason) => this.#endReason ?? reason);
  }

  get token(): Uint8Array {
    return this.#coap.token;
  }

  async cancel(options: CoapCancelOptions = {}): Promise<Lwm2mResponse | undefined> {
    const response = await this.#coap.cancel(options);
    return response === undefined ? undefined : this.#toResponse(response);
  }

  /** The registration ended: forget the observation (the client forgot it too). */
  drop(reason: ServerObservationEnd): void {
    this.#endReason ??= reason;
    void this.#coap.cancel({ active: false });
  }
}

/** The observations the server holds, per registration id. */
export class ServerObservations {
  readonly #byRegistration = new Map<string, Set<HeldServerObservation>>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(observation: HeldServerObservation): void {
    let set = this.#byRegistration.get(observation.registrationId);
    if (set === undefined) {
      set = new Set();
      this.#byRegistration.set(observation.registrationId, set);
    }
    set.add(observation);
    this.#size++;
    void observation.ended.then(() => this.#remove(observation));
  }

  of(registrationId: string): HeldServerObservation[] {
    return [...(this.#byRegistration.get(registrationId) ?? [])];
  }

  all(): HeldServerObservation[] {
    return [...this.#byRegistration.values()].flatMap((set) => [...set]);
  }

  /** Drops every observation of a registration that ended. */
  dropAll(registrationId: string, reason: ServerObservationEnd): void {
    for (const observation of this.of(registrationId)) observation.drop(reason);
  }

  #remove(observation: HeldServerObservation): void {
    const set = this.#byRegistration.get(observation.registrationId);
    if (set === undefined || !set.delete(observation)) return;
    this.#size--;
    if (set.size === 0) this.#byRegistration.delete(observation.registrationId);
  }
}
