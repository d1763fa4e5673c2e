import { CodedError } from '@lwm2m-adapters/errors';
import type { ResourceValue } from '@lwm2m-adapters/lwm2m-core';
import { MAX_LIFETIME_SECONDS, type ServerAccount } from '../registration/server-account.js';
import type { InstanceDeclaration, WrittenValue } from './resource-declaration.js';

/** What a server write or execute on /1 sets off. */
export interface ServerObjectHooks {
  /** Lifetime (/1/x/1) or binding (/1/x/7) changed: send an Update with the new parameters. */
  readonly registrationParametersChanged: () => void;
  /** /1/x/8 Registration Update Trigger executed. */
  readonly updateTriggered: () => void;
  /** /1/x/2 or /1/x/3 changed: observations recompute their attributes. */
  readonly defaultPeriodsChanged: () => void;
}

function scalar(value: WrittenValue): ResourceValue['value'] {
  if (value instanceof Map) throw new CodedError('WRITE_VALUE_INVALID', 'a single value is expected');
  return (value as ResourceValue).value;
}

function invalid(message: string): CodedError {
  return new CodedError('WRITE_VALUE_INVALID', message);
}

function period(value: WrittenValue, name: string): number {
  const n = Number(scalar(value));
  if (!Number.isInteger(n) || n < 0 || n > MAX_LIFETIME_SECONDS)
    throw invalid(`${name} must be 0..${MAX_LIFETIME_SECONDS} seconds`);
  return n;
}

/**
 * /1/x "LwM2M Server" over the account: 0 SSID, 1 Lifetime, 2/3 default pmin/pmax, 6 Notification
 * Storing, 7 Binding, 8 Registration Update Trigger, 23 Mute Send.
 */
export function serverInstance(account: ServerAccount, hooks: ServerObjectHooks): InstanceDeclaration {
  return {
    0: { read: () => account.shortServerId },
    1: {
      read: () => account.lifetime,
      validate: (value) => {
        const n = Number(scalar(value));
        if (!Number.isInteger(n) || n < 1 || n > MAX_LIFETIME_SECONDS) {
          throw invalid(`lifetime must be 1..${MAX_LIFETIME_SECONDS} seconds`);
        }
      },
      write: (value) => {
        const n = Number(scalar(value));
        if (n === account.lifetime) return;
        account.lifetime = n;
        hooks.registrationParametersChanged();
      },
    },
    2: {
      read: () => account.defaultMinPeriod ?? 0,
      validate: (value) => void period(value, 'default minimum period'),
      write: (value) => {
        account.defaultMinPeriod = period(value, 'default minimum period');
        hooks.defaultPeriodsChanged();
      },
    },
    3: {
      read: () => account.defaultMaxPeriod ?? 0,
      validate: (value) => void period(value, 'default maximum period'),
      write: (value) => {
        const n = period(value, 'default maximum period');
        account.defaultMaxPeriod = n === 0 ? undefined : n;
        hooks.defaultPeriodsChanged();
      },
    },
    6: {
      read: () => account.notificationStoring,
      write: (value) => {
        account.notificationStoring = scalar(value) === true;
      },
    },
    7: {
      read: () => account.binding,
      validate: (value) => {
        if (scalar(value) !== 'U') throw invalid('only the UDP binding "U" is supported');
      },
      write: () => {},
    },
    8: { execute: () => hooks.updateTriggered() },
    23: {
      read: () => account.muteSend,
      write: (value) => {
        account.muteSend = scalar(value) === true;
      },
    },
  };
}
