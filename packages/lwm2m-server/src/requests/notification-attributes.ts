import { CodedError } from '@lwm2m-adapters/errors';

/**
 * Write-Attributes (LwM2M 1.1 Core §5.1.2, §5.4.4): a number sets an attribute, null removes it
 * (the name without a value), a missing key leaves it as it is.
 */
export interface NotificationAttributes {
  readonly pmin?: number | null;
  readonly pmax?: number | null;
  readonly gt?: number | null;
  readonly lt?: number | null;
  readonly st?: number | null;
  readonly epmin?: number | null;
  readonly epmax?: number | null;
  /** LwM2M 1.2: notify on a rising (1) or falling (0) edge of a boolean. */
  readonly edge?: number | null;
  /** LwM2M 1.2: CON (1) or NON (0) notifications. */
  readonly con?: number | null;
  /** LwM2M 1.2: historical queue size. */
  readonly hqmax?: number | null;
}

const INTEGER_ATTRIBUTES = new Set(['pmin', 'pmax', 'epmin', 'epmax', 'edge', 'con', 'hqmax']);
const ORDER: readonly (keyof NotificationAttributes)[] = [
  'pmin',
  'pmax',
  'gt',
  'lt',
  'st',
  'epmin',
  'epmax',
  'edge',
  'con',
  'hqmax',
];

/**
 * The Uri-Query items of a Write-Attributes request ("pmin=10", "gt=20.5", "pmax" to remove), in
 * a fixed order. Throws NODE_INVALID for a value that is not a finite number, or not a
 * non-negative integer where the attribute needs one; and when nothing is given.
 */
export function formatNotificationAttributes(attributes: NotificationAttributes): string[] {
  const query: string[] = [];
  for (const name of ORDER) {
    const value = attributes[name];
    if (value === undefined) continue;
    if (value === null) {
      query.push(name);
      continue;
    }
    const integer = INTEGER_ATTRIBUTES.has(name);
    if (!Number.isFinite(value) || (integer && !(Number.isSafeInteger(value) && value >= 0))) {
      throw new CodedError(
        'NODE_INVALID',
        `attribute ${name}=${value} is not ${integer ? 'a non-negative integer' : 'a finite number'}`,
        { details: { name } },
      );
    }
    query.push(`${name}=${value}`);
  }
  if (query.length === 0)
    throw new CodedError('NODE_INVALID', 'Write-Attributes needs at least one attribute');
  return query;
}
