import { CodedError } from '@lwm2m-adapters/errors';

const REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is in use (another process listens there)',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'no such local address',
  EAFNOSUPPORT: 'the address family is not supported here',
};

/** The errno of a failed bind, looked for along the cause chain. */
function errnoOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('E')) return code;
  }
  return undefined;
}

/** A listener that could not bind, as CONFIG_INVALID with the errno explained (the CLI exits 2). */
export function listenError(what: string, host: string, port: number, cause: unknown): CodedError {
  const errno = errnoOf(cause);
  const reason =
    errno === undefined
      ? cause instanceof Error
        ? cause.message
        : String(cause)
      : `${REASONS[errno] ?? 'the system refused the address'} (${errno})`;
  return new CodedError('CONFIG_INVALID', `cannot listen on ${host}:${port} for ${what}: ${reason}`, {
    cause,
  });
}
