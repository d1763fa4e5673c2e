import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { PeerAddress } from '@lwm2m-adapters/coap';
import { CodedError } from '@lwm2m-adapters/errors';

/**
 * The address of `host` for a socket of `family`: an IP literal as is, a name through the
 * system resolver (first address). DEVICE_UNREACHABLE when the name cannot be resolved.
 */
export async function resolvePeerAddress(host: string, port: number, family: 4 | 6): Promise<PeerAddress> {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new CodedError('CONFIG_INVALID', `port ${port} is not between 1 and 65535`);
  }
  const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(literal) !== 0) return { address: literal, port };
  try {
    const { address } = await lookup(host, { family });
    return { address, port };
  } catch (cause) {
    throw new CodedError('DEVICE_UNREACHABLE', `cannot resolve host name "${host}" (IPv${family})`, {
      cause,
      details: { host },
    });
  }
}
