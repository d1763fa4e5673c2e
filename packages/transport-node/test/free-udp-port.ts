import { createSocket } from 'node:dgram';

/**
 * A UDP port on 127.0.0.1 that is free now (and `port + span - 1` too), for peers that cannot
 * bind port 0 and report it (libcoap's coap-server serves DTLS on port + 1). Racy by nature:
 * callers start the peer right away.
 */
export async function freeUdpPort(span = 1): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = createSocket('udp4');
    await new Promise<void>((resolve) => first.bind(0, '127.0.0.1', () => resolve()));
    const port = first.address().port;
    const others = [];
    let ok = port + span - 1 <= 65_535;
    for (let i = 1; ok && i < span; i++) {
      const other = createSocket('udp4');
      others.push(other);
      ok = await new Promise<boolean>((resolve) => {
        other.once('error', () => resolve(false));
        other.bind(port + i, '127.0.0.1', () => resolve(true));
      });
    }
    await Promise.all(
      [first, ...others].map((s) => new Promise<void>((resolve) => s.close(() => resolve())).catch(() => {})),
    );
    if (ok) return port;
  }
  throw new Error('no free UDP port range found');
}
