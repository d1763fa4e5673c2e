import type { CoapCode, CoapNotification } from '@lwm2m-adapters/coap';
import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import type { LwM2mCodecs, LwM2mPath, PathNode } from '@lwm2m-adapters/lwm2m-core';
import type { Registration } from '../registration/registration.js';
import type { ServerCompositeNotification, ServerCompositeObservation } from '../server-types.js';
import { HeldObservation } from './server-observations.js';

/** An Observe-Composite (FETCH with Observe=0 and a path list on the client's root). */
export class HeldCompositeObservation
  extends HeldObservation<ServerCompositeNotification>
  implements ServerCompositeObservation
{
  readonly paths: readonly LwM2mPath[];
  readonly format: number;
  readonly accept: number | undefined;

  constructor(
    registration: Registration,
    paths: readonly LwM2mPath[],
    format: number,
    accept: number | undefined,
    listener: ((notification: ServerCompositeNotification) => void) | undefined,
    onEnd: (observation: HeldObservation<ServerCompositeNotification>) => void,
  ) {
    super(registration, listener, onEnd);
    this.paths = paths;
    this.format = format;
    this.accept = accept;
  }
}

type Decoded = { readonly nodes: PathNode[] | undefined; readonly error: CodedError | undefined };

/**
 * A composite notification as the server hands it out; its payload is decoded on first access
 * to `nodes` or `error`, by the observed paths, in its Content-Format (else the Accept of the
 * request, else the format of the path list: a client answers in that when there is no Accept).
 */
export class ReceivedCompositeNotification implements ServerCompositeNotification {
  readonly observation: HeldCompositeObservation;
  readonly registration: Registration;
  readonly paths: readonly LwM2mPath[];
  readonly code: CoapCode;
  readonly observe: number | undefined;
  readonly confirmable: boolean;
  readonly contentFormat: number | undefined;
  readonly payload: Uint8Array;
  readonly #codecs: LwM2mCodecs;
  #decoded: Decoded | undefined;

  constructor(
    observation: HeldCompositeObservation,
    registration: Registration,
    notification: CoapNotification,
    codecs: LwM2mCodecs,
  ) {
    this.observation = observation;
    this.registration = registration;
    this.paths = observation.paths;
    this.code = notification.code;
    this.observe = notification.observe;
    this.confirmable = notification.confirmable;
    this.contentFormat = notification.contentFormat ?? observation.accept ?? observation.format;
    this.payload = notification.payload;
    this.#codecs = codecs;
  }

  get nodes(): PathNode[] | undefined {
    return this.#decode().nodes;
  }

  get error(): CodedError | undefined {
    return this.#decode().error;
  }

  #decode(): Decoded {
    this.#decoded ??= this.#decodeOnce();
    return this.#decoded;
  }

  #decodeOnce(): Decoded {
    if (this.code !== '2.05') return { nodes: undefined, error: undefined };
    try {
      return {
        nodes: this.#codecs.decodeNodes(
          this.payload,
          this.paths,
          this.contentFormat ?? this.observation.format,
        ),
        error: undefined,
      };
    } catch (cause) {
      const error = isCodedError(cause)
        ? cause
        : new CodedError('CODEC_MALFORMED', 'a composite notification cannot be decoded', { cause });
      return { nodes: undefined, error };
    }
  }
}
