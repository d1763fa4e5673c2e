import { CodedError } from '@lwm2m-adapters/errors';
import type { AdapterLogger } from '@lwm2m-adapters/sdk';
import type { ModbusByteStreamOpener } from './byte-stream.js';
import type { LinkClock } from './link-clock.js';
import { type LinkSettings, linkSettingConflicts } from './link-settings.js';
import { ModbusLink } from './modbus-link.js';

/** What the registry needs to open links. */
export interface LinkRegistryDependencies {
  readonly openByteStream: ModbusByteStreamOpener;
  readonly random: () => number;
  /** Logger for link events; when undefined, the logger of the session that opened the link. */
  readonly logger: AdapterLogger | undefined;
  /** Time of the links (request timeouts, quarantine, serial silences); default: the system's. */
  readonly clock?: LinkClock | undefined;
}

interface RegisteredLink {
  readonly link: ModbusLink;
  readonly users: Map<object, string>;
}

/**
 * The links of one adapter instance, keyed by transport and endpoint: devices of a mapping on
 * the same serial port or the same TCP host:port share ONE link (one connection, one request
 * queue). The registry belongs to the adapter object made by `createModbusAdapter` (no module
 * state); a link closes when its last session releases it.
 */
export class ModbusLinkRegistry {
  readonly #deps: LinkRegistryDependencies;
  readonly #links = new Map<string, RegisteredLink>();

  constructor(deps: LinkRegistryDependencies) {
    this.#deps = deps;
  }

  /** Number of open links. */
  get size(): number {
    return this.#links.size;
  }

  /**
   * The link for these settings, shared with other users of the same endpoint. Throws
   * CONFIG_INVALID when the settings conflict with those the link was opened with.
   */
  acquire(user: object, deviceId: string, settings: LinkSettings, logger: AdapterLogger): ModbusLink {
    const existing = this.#links.get(settings.key);
    if (existing !== undefined) {
      const conflicts = linkSettingConflicts(existing.link.settings, settings);
      if (conflicts.length > 0) {
        const others = [...new Set(existing.users.values())].join(', ');
        throw new CodedError(
          'CONFIG_INVALID',
          `device ${deviceId} shares link ${settings.key} with ${others} but sets ${conflicts.join(', ')} differently; devices on one link must agree on link settings`,
          { details: { link: settings.key, conflicts } },
        );
      }
      existing.users.set(user, deviceId);
      return existing.link;
    }
    const link = new ModbusLink(settings, {
      openByteStream: this.#deps.openByteStream,
      random: this.#deps.random,
      logger: this.#deps.logger ?? logger,
      clock: this.#deps.clock,
    });
    this.#links.set(settings.key, { link, users: new Map([[user, deviceId]]) });
    return link;
  }

  /** The user no longer needs the link; the last user closes it. */
  async release(user: object, link: ModbusLink): Promise<void> {
    const registered = this.#links.get(link.settings.key);
    if (registered === undefined || registered.link !== link) return;
    registered.users.delete(user);
    if (registered.users.size > 0) return;
    this.#links.delete(link.settings.key);
    await link.close();
  }
}
