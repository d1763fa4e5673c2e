import { isCodedError } from '@lwm2m-adapters/errors';
import { isValidPrefix, LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import { fail } from './request-failure.js';

const DIGITS_RE = /^\d+$/;

/**
 * The LwM2M path of a request's Uri-Path segments. A first segment that is not numeric is a
 * gateway prefix and must be known (`isKnownPrefix`), else 4.04 (Gateway TS §6). A path that is
 * not `/o/i/r/ri` with ids 0..65534 is 4.00.
 */
export function requestPath(
  segments: readonly string[],
  isKnownPrefix: (prefix: string) => boolean,
): LwM2mPath {
  const parts = segments.length === 1 && segments[0] === '' ? [] : segments;
  if (parts.length > 5) throw fail.badRequest('the path has too many segments');
  let rest = parts;
  let prefix: string | undefined;
  const first = parts[0];
  if (first !== undefined && !DIGITS_RE.test(first)) {
    if (!isValidPrefix(first) || !isKnownPrefix(first)) {
      throw fail.notFound(`no end device has the prefix ${JSON.stringify(first.slice(0, 64))}`);
    }
    prefix = first;
    rest = parts.slice(1);
  }
  if (rest.length > 4) throw fail.badRequest('the path has more than 4 id levels');
  try {
    const path = LwM2mPath.fromSegments(rest, { allowPrefix: false });
    return prefix === undefined ? path : path.withPrefix(prefix);
  } catch (error) {
    if (isCodedError(error)) throw fail.badRequest(error.message, error);
    throw error;
  }
}
