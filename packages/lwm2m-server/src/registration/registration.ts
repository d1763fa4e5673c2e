import type { PeerAddress } from '@lwm2m-adapters/coap';
import type { CoreLink, RegistrationObject } from '@lwm2m-adapters/lwm2m-core';

/**
 * One client's registration as the server holds it. Immutable: an Update produces a new object
 * with the same `id`; downlink requests always go to the current one.
 */
export interface Registration {
  /** Assigned by the server; the client's Update and De-register go to /rd/<id>. */
  readonly id: string;
  /** The client's endpoint name (`ep`). */
  readonly endpoint: string;
  /** Where the last Register or Update came from: requests go there. */
  readonly peer: PeerAddress;
  /**
   * The security identity of the session it registered over (the DTLS PSK identity), or undefined
   * for NoSec. Update, De-register and Send must come over the same identity.
   */
  readonly identity: string | undefined;
  /** Seconds (`lt`). */
  readonly lifetime: number;
  readonly lwm2mVersion: string;
  readonly binding: string;
  readonly queueMode: boolean;
  readonly smsNumber: string | undefined;
  /** The links of the Register (or the last Update that carried links), as sent. */
  readonly links: readonly CoreLink[];
  /** "/" unless the client registered an alternate path ("/lwm2m"); requests are sent below it. */
  readonly rootPath: string;
  /** Content formats the client advertised on its root link (`ct`). */
  readonly contentFormats: readonly number[];
  /** Objects and instances of the links, with versions. */
  readonly objects: readonly RegistrationObject[];
  /** Clock ms of the Register. */
  readonly registeredAt: number;
  /** Clock ms of the Register or the last Update. */
  readonly updatedAt: number;
  /** Clock ms at which the lifetime runs out (the server waits a grace margin longer). */
  readonly expiresAt: number;
}

/** Why a registration ended. */
export type DeregistrationReason =
  /** The client sent De-register. */
  | 'deregistered'
  /** Its lifetime (plus the grace margin) passed without an Update. */
  | 'expired';
