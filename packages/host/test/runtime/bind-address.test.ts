/** The local address the host's UDP sockets bind when --bind is not given. */
import { describe, expect, it } from 'vitest';
import { defaultBindAddress } from '../../src/runtime/topology/client-endpoint.js';

describe('default bind address', () => {
  it.each([
    ['coap://127.0.0.1:5683', '127.0.0.1'],
    ['coap://127.3.2.1', '127.0.0.1'],
    ['coaps://localhost:5684', '127.0.0.1'],
    ['coap://[::1]:5683', '::1'],
  ])(
    'a loopback server (%s) gets a loopback socket (%s): nothing off the machine reaches it',
    (uri, bound) => {
      expect(defaultBindAddress(uri, undefined)).toBe(bound);
    },
  );

  it('a remote server leaves it to the transport (every interface); --bind always wins', () => {
    expect(defaultBindAddress('coap://lwm2m.example.com:5683', undefined)).toBeUndefined();
    expect(defaultBindAddress('coap://192.0.2.1', undefined)).toBeUndefined();
    expect(defaultBindAddress('coap://127.0.0.1', '0.0.0.0')).toBe('0.0.0.0');
  });
});
