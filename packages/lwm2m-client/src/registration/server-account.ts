import { CodedError } from '@lwm2m-adapters/errors';

/** The LwM2M server this client registers with, as the host configures it. */
export interface ServerSettings {
  /** /1/x/0 and /0/x/10, 1..65534. */
  readonly shortServerId: number;
  /** Registration lifetime in seconds (/1/x/1). Default 300. */
  readonly lifetime?: number;
  /** Transport binding (/1/x/7). Only UDP ('U') is supported. Default 'U'. */
  readonly binding?: 'U';
  /** Register in queue mode (the `Q` parameter). Default false. */
  readonly queueMode?: boolean;
  /** /1/x/2 default pmin in seconds. */
  readonly defaultMinPeriod?: number;
  /** /1/x/3 default pmax in seconds. */
  readonly defaultMaxPeriod?: number;
  /** /1/x/6. Default false (nothing is stored while offline). */
  readonly notificationStoring?: boolean;
  /** /1/x/23 Mute Send. Default false: Send is allowed. */
  readonly muteSend?: boolean;
}

export const DEFAULT_LIFETIME_SECONDS = 300;
export const MAX_LIFETIME_SECONDS = 2 ** 31 - 1;

/** The server account's current state; /1 reads and writes it, registration uses it. */
export class ServerAccount {
  readonly shortServerId: number;
  lifetime: number;
  binding: 'U';
  queueMode: boolean;
  defaultMinPeriod: number | undefined;
  defaultMaxPeriod: number | undefined;
  notificationStoring: boolean;
  muteSend: boolean;

  constructor(settings: ServerSettings) {
    const { shortServerId } = settings;
    if (!Number.isInteger(shortServerId) || shortServerId < 1 || shortServerId > 65534) {
      throw new CodedError('CONFIG_INVALID', `short server id ${shortServerId} is not an integer 1..65534`);
    }
    const lifetime = settings.lifetime ?? DEFAULT_LIFETIME_SECONDS;
    if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_LIFETIME_SECONDS) {
      throw new CodedError(
        'CONFIG_INVALID',
        `lifetime ${lifetime} is not an integer 1..${MAX_LIFETIME_SECONDS} seconds`,
      );
    }
    this.shortServerId = shortServerId;
    this.lifetime = lifetime;
    this.binding = settings.binding ?? 'U';
    this.queueMode = settings.queueMode ?? false;
    this.defaultMinPeriod = settings.defaultMinPeriod;
    this.defaultMaxPeriod = settings.defaultMaxPeriod;
    this.notificationStoring = settings.notificationStoring ?? false;
    this.muteSend = settings.muteSend ?? false;
  }

  /** /3/x/16 Supported Binding and Modes. */
  get supportedBindings(): string {
    return this.queueMode ? 'UQ' : 'U';
  }
}
