import { CodedError } from '@lwm2m-adapters/errors';
import type { Clock } from '@lwm2m-adapters/kit';
import type { ResourceValue } from '@lwm2m-adapters/lwm2m-core';
import type { InstanceDeclaration, ResourceDeclaration } from './resource-declaration.js';

/** What /3 "Device" shows for the client itself or for one end device. */
export interface DeviceInfo {
  readonly manufacturer?: string;
  readonly modelNumber?: string;
  readonly serialNumber?: string;
  readonly firmwareVersion?: string;
  readonly deviceType?: string;
  readonly hardwareVersion?: string;
  readonly softwareVersion?: string;
  /** /3/x/16; default 'U' (the client's own /3 uses 'UQ' in queue mode). */
  readonly supportedBindings?: string;
  /** /3/x/14, e.g. "+01:00". Writable. */
  readonly utcOffset?: string;
  /** /3/x/15, e.g. "Europe/Berlin". Writable. */
  readonly timezone?: string;
  /** /3/x/11 Error Code values; default [0] (no error). Called on every read. */
  readonly errorCodes?: () => readonly number[];
  /** /3/x/4 Reboot; without it Execute on /3/x/4 is answered 4.05. */
  readonly reboot?: () => void | Promise<void>;
  /** /3/x/5 Factory Reset, when supported. */
  readonly factoryReset?: () => void | Promise<void>;
}

function notSupported(what: string): never {
  throw new CodedError('OPERATION_NOT_ALLOWED', `${what} is not supported by this device`);
}

/**
 * /3/0 from DeviceInfo. Current Time (13) reads the engine clock plus an offset a server Write
 * sets; nothing is global, every instance keeps its own offset.
 */
export function deviceInstance(info: DeviceInfo, clock: Clock): InstanceDeclaration {
  let timeOffsetMs = 0;
  let utcOffset = info.utcOffset;
  let timezone = info.timezone;
  const resources = new Map<number, ResourceDeclaration>();
  const text: [number, string | undefined][] = [
    [0, info.manufacturer],
    [1, info.modelNumber],
    [2, info.serialNumber],
    [3, info.firmwareVersion],
    [17, info.deviceType],
    [18, info.hardwareVersion],
    [19, info.softwareVersion],
  ];
  for (const [id, value] of text) if (value !== undefined) resources.set(id, value);
  resources.set(4, { execute: () => (info.reboot === undefined ? notSupported('Reboot') : info.reboot()) });
  const factoryReset = info.factoryReset;
  if (factoryReset !== undefined) resources.set(5, { execute: () => factoryReset() });
  resources.set(11, { read: () => [...(info.errorCodes?.() ?? [0])] });
  resources.set(13, {
    read: () => new Date(clock.now() + timeOffsetMs),
    write: (value) => {
      timeOffsetMs = ((value as ResourceValue).value as Date).getTime() - clock.now();
    },
  });
  resources.set(14, {
    read: () => utcOffset ?? '',
    write: (value) => {
      utcOffset = String((value as ResourceValue).value);
    },
  });
  resources.set(15, {
    read: () => timezone ?? '',
    write: (value) => {
      timezone = String((value as ResourceValue).value);
    },
  });
  resources.set(16, info.supportedBindings ?? 'U');
  return resources;
}
