import type { PeerAddress } from '@lwm2m-adapters/coap';
import { type Clock, RestartableTimer } from '@lwm2m-adapters/kit';
import type { Registration } from './registration.js';

/** What a Register provides; the store adds the id and the times. */
export type RegistrationFields = Omit<Registration, 'id' | 'registeredAt' | 'updatedAt' | 'expiresAt'>;

/** What an Update may change. */
export type RegistrationChanges = Partial<
  Pick<
    Registration,
    'peer' | 'lifetime' | 'binding' | 'smsNumber' | 'links' | 'rootPath' | 'contentFormats' | 'objects'
  >
>;

export interface RegistrationStoreOptions {
  readonly clock: Clock;
  /** Waited after the lifetime before a registration expires. */
  readonly graceMs: number;
  readonly maxRegistrations: number;
  /** A new registration id (the store retries on a collision). */
  readonly newId: () => string;
  /** A registration's lifetime and grace margin passed without an Update; it is already removed. */
  readonly onExpired: (registration: Registration) => void;
  /** How peers are told apart (default: address and port; see CoapServerPort.peerKey). */
  readonly peerKey?: (peer: PeerAddress) => string;
}

interface Entry {
  registration: Registration;
  readonly timer: RestartableTimer;
}

const addressKey = (peer: PeerAddress) => `${peer.port}/${peer.address}`;

/**
 * The registrations, by id, endpoint name and peer address, each with an expiry timer on the
 * injected clock. One registration per endpoint name: a new Register replaces the old one.
 */
export class RegistrationStore {
  readonly #options: RegistrationStoreOptions;
  readonly #peerKey: (peer: PeerAddress) => string;
  readonly #byId = new Map<string, Entry>();
  readonly #byEndpoint = new Map<string, Entry>();
  /** Registrations by address, the latest last (Send identifies its client by address). */
  readonly #byPeer = new Map<string, Entry[]>();

  constructor(options: RegistrationStoreOptions) {
    this.#options = options;
    this.#peerKey = options.peerKey ?? addressKey;
  }

  get size(): number {
    return this.#byId.size;
  }

  byId(id: string): Registration | undefined {
    return this.#byId.get(id)?.registration;
  }

  byEndpoint(endpoint: string): Registration | undefined {
    return this.#byEndpoint.get(endpoint)?.registration;
  }

  byPeer(peer: PeerAddress): Registration | undefined {
    return this.#byPeer.get(this.#peerKey(peer))?.at(-1)?.registration;
  }

  all(): Registration[] {
    return [...this.#byId.values()].map((entry) => entry.registration);
  }

  /**
   * Stores a new registration, replacing the one of the same endpoint name. Undefined when
   * `maxRegistrations` are held (a replacement always fits).
   */
  register(
    fields: RegistrationFields,
  ): { registration: Registration; replaced: Registration | undefined } | undefined {
    const existing = this.#byEndpoint.get(fields.endpoint);
    if (existing === undefined && this.#byId.size >= this.#options.maxRegistrations) return undefined;
    if (existing !== undefined) this.#remove(existing);
    const now = this.#options.clock.now();
    const entry: Entry = {
      registration: {
        ...fields,
        id: this.#freshId(),
        registeredAt: now,
        updatedAt: now,
        expiresAt: now + fields.lifetime * 1000,
      },
      timer: new RestartableTimer(this.#options.clock),
    };
    this.#byId.set(entry.registration.id, entry);
    this.#byEndpoint.set(fields.endpoint, entry);
    this.#addPeer(this.#peerKey(fields.peer), entry);
    this.#arm(entry);
    return { registration: entry.registration, replaced: existing?.registration };
  }

  /** Applies an Update and restarts the lifetime; undefined for an unknown id. */
  update(
    id: string,
    changes: RegistrationChanges,
  ): { registration: Registration; previous: Registration } | undefined {
    const entry = this.#byId.get(id);
    if (entry === undefined) return undefined;
    const previous = entry.registration;
    const now = this.#options.clock.now();
    const lifetime = changes.lifetime ?? previous.lifetime;
    entry.registration = { ...previous, ...changes, updatedAt: now, expiresAt: now + lifetime * 1000 };
    const oldPeer = this.#peerKey(previous.peer);
    const newPeer = this.#peerKey(entry.registration.peer);
    if (oldPeer !== newPeer) {
      this.#forgetPeer(oldPeer, entry);
      this.#addPeer(newPeer, entry);
    }
    this.#arm(entry);
    return { registration: entry.registration, previous };
  }

  /** De-register; undefined for an unknown id. */
  remove(id: string): Registration | undefined {
    const entry = this.#byId.get(id);
    if (entry === undefined) return undefined;
    this.#remove(entry);
    return entry.registration;
  }

  /** Forgets everything and stops every timer (no callbacks). */
  clear(): void {
    for (const entry of this.#byId.values()) entry.timer.cancel();
    this.#byId.clear();
    this.#byEndpoint.clear();
    this.#byPeer.clear();
  }

  #arm(entry: Entry): void {
    const { registration } = entry;
    const dueIn = registration.expiresAt + this.#options.graceMs - this.#options.clock.now();
    entry.timer.set(dueIn, () => {
      if (this.#byId.get(registration.id) !== entry) return;
      this.#remove(entry);
      this.#options.onExpired(entry.registration);
    });
  }

  #remove(entry: Entry): void {
    const { id, endpoint, peer } = entry.registration;
    entry.timer.cancel();
    this.#byId.delete(id);
    if (this.#byEndpoint.get(endpoint) === entry) this.#byEndpoint.delete(endpoint);
    this.#forgetPeer(this.#peerKey(peer), entry);
  }

  #addPeer(key: string, entry: Entry): void {
    const entries = this.#byPeer.get(key);
    if (entries === undefined) this.#byPeer.set(key, [entry]);
    else entries.push(entry);
  }

  /** Drops `entry` from the peer index; an earlier registration from that address is found again. */
  #forgetPeer(key: string, entry: Entry): void {
    const entries = this.#byPeer.get(key);
    if (entries === undefined) return;
    const index = entries.indexOf(entry);
    if (index >= 0) entries.splice(index, 1);
    if (entries.length === 0) this.#byPeer.delete(key);
  }

  #freshId(): string {
    for (let attempt = 0; attempt < 64; attempt++) {
      const id = this.#options.newId();
      if (!this.#byId.has(id)) return id;
    }
    throw new Error('the registration id generator returned only ids in use (64 attempts)');
  }
}
