import { CodedError, isCodedError } from '@lwm2m-adapters/errors';

/** What the errno of a failed bind means for someone starting the host. */
const BIND_ERRNO_EXPLAINED: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is already in use: another process (or another adapter-host) listens there',
  EADDRNOTAVAIL: 'the address is not one of this machine: check --bind / --http',
  EACCES: 'permission denied: ports below 1024 need privileges (or CAP_NET_BIND_SERVICE)',
  EAFNOSUPPORT: 'the address family is not supported on this machine (IPv6 disabled?)',
};

/** The errno of a failed bind, found on the error or its cause chain. */
function bindErrno(error: unknown): string | undefined {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in BIND_ERRNO_EXPLAINED) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A socket the host binds before it contacts any device or server (the --http port, a CoAP
 * socket) could not be bound: CONFIG_INVALID (exit 2) naming what, where, the errno and what it
 * means. Other errors are returned unchanged.
 */
export function explainBindFailure(what: string, address: string, error: unknown): unknown {
  const errno = bindErrno(error);
  if (errno === undefined) {
    return isCodedError(error) || error instanceof Error ? error : new Error(String(error));
  }
  return new CodedError(
    'CONFIG_INVALID',
    `cannot bind ${what} on ${address}: ${errno}: ${BIND_ERRNO_EXPLAINED[errno]}`,
    { cause: error, details: { errno, address } },
  );
}
