import type { CoapCode, CoapNotification } from '@lwm2m-adapters/coap';
import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import type { LwM2mCodecs, LwM2mNode, LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import type { Registration } from '../registration/registration.js';
import type { ServerNotification, ServerObservation } from '../server-types.js';

/**
 * A notification as the server hands it out. The payload of a 2.05 is decoded on first access to
 * `node` or `error` (once): a listener that only forwards or counts notifications pays nothing
 * for decoding.
 */
export class ReceivedNotification implements ServerNotification {
  readonly observation: ServerObservation;
  readonly registration: Registration;
  readonly path: LwM2mPath;
  readonly code: CoapCode;
  readonly observe: number | undefined;
  readonly confirmable: boolean;
  readonly contentFormat: number | undefined;
  readonly payload: Uint8Array;
  readonly #codecs: LwM2mCodecs;
  #decoded: { readonly node: LwM2mNode | undefined; readonly error: CodedError | undefined } | undefined;

  constructor(
    observation: ServerObservation,
    registration: Registration,
    notification: CoapNotification,
    codecs: LwM2mCodecs,
  ) {
    this.observation = observation;
    this.registration = registration;
    this.path = observation.path;
    this.code = notification.code;
    this.observe = notification.observe;
    this.confirmable = notification.confirmable;
    this.contentFormat = notification.contentFormat ?? observation.format;
    this.payload = notification.payload;
    this.#codecs = codecs;
  }

  get node(): LwM2mNode | undefined {
    return this.#decode().node;
  }

  get error(): CodedError | undefined {
    return this.#decode().error;
  }

  #decode(): { readonly node: LwM2mNode | undefined; readonly error: CodedError | undefined } {
    this.#decoded ??= this.#decodeOnce();
    return this.#decoded;
  }

  #decodeOnce(): { readonly node: LwM2mNode | undefined; readonly error: CodedError | undefined } {
    if (this.code !== '2.05') return { node: undefined, error: undefined };
    const format = this.contentFormat;
    if (format === undefined) {
      const reason = `a notification of ${this.path} names no Content-Format`;
      return { node: undefined, error: new CodedError('CODEC_UNSUPPORTED_FORMAT', reason) };
    }
    try {
      return { node: this.#codecs.decode(this.payload, this.path, format), error: undefined };
    } catch (cause) {
      const error = isCodedError(cause)
        ? cause
        : new CodedError('CODEC_MALFORMED', `a notification of ${this.path} cannot be decoded`, { cause });
      return { node: undefined, error };
    }
  }
}
