/**
 * The client engine as the interop tests run it: one UDP socket on 127.0.0.1 (ephemeral port)
 * carrying a CoAP endpoint, and an LwM2mClient with the OMA registry registering to a server on
 * 127.0.0.1:`serverPort`. `close()` de-registers and releases the socket.
 */

import { CoapEndpoint } from '@lwm2m-adapters/coap';
import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import { UdpTransport } from '@lwm2m-adapters/transport-node';
import { endpointLink, LwM2mClient, type LwM2mClientOptions } from '../../../src/index.js';

export interface LoopbackClientOptions extends Omit<LwM2mClientOptions, 'link' | 'registry' | 'server'> {
  readonly serverPort: number;
  /** Registration lifetime in seconds. */
  readonly lifetime: number;
}

export interface LoopbackClient {
  readonly client: LwM2mClient;
  readonly endpoint: CoapEndpoint;
  readonly transport: UdpTransport;
  close(): Promise<void>;
}

export async function openLoopbackClient(options: LoopbackClientOptions): Promise<LoopbackClient> {
  const { serverPort, lifetime, ...clientOptions } = options;
  const transport = await UdpTransport.open({ host: '127.0.0.1' });
  const endpoint = new CoapEndpoint({ sink: transport });
  transport.setReceiver(endpoint);
  const client = new LwM2mClient({
    ...clientOptions,
    server: { peer: { address: '127.0.0.1', port: serverPort }, shortServerId: 1, lifetime },
    registry: ObjectRegistry.withOmaObjects(),
    link: endpointLink(endpoint),
  });
  return {
    client,
    endpoint,
    transport,
    async close() {
      await client.close();
      endpoint.close();
      await transport.close();
    },
  };
}
