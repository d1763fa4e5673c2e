import { createSocket, type Socket } from 'node:dgram';
import { CodedError } from '@lwm2m-adapters/errors';

export interface BindUdpOptions {
  /** Local address: '0.0.0.0' (default), '127.0.0.1', '::'... */
  readonly host?: string;
  /** 0 (default) picks an ephemeral port. */
  readonly port?: number;
  /** Default: udp6 when `host` is an IPv6 address, else udp4. */
  readonly type?: 'udp4' | 'udp6';
}

/**
 * A bound UDP socket; rejects with TRANSPORT_CLOSED (the errno in the cause) when it cannot be
 * bound (address in use, no such address). `purpose` names the socket in the message ("for DTLS").
 */
export async function bindUdpSocket(
  options: BindUdpOptions,
  purpose = '',
): Promise<{ socket: Socket; family: 4 | 6 }> {
  const host = options.host ?? '0.0.0.0';
  const type = options.type ?? (host.includes(':') ? 'udp6' : 'udp4');
  const socket = createSocket({ type });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port ?? 0, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
  } catch (cause) {
    try {
      socket.close();
    } catch {
      // never bound: nothing to close
    }
    throw new CodedError(
      'TRANSPORT_CLOSED',
      `cannot bind UDP ${host}:${options.port ?? 0}${purpose === '' ? '' : ` ${purpose}`}: ${String(cause)}`,
      { cause },
    );
  }
  return { socket, family: type === 'udp6' ? 6 : 4 };
}
