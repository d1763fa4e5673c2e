/**
 * The smallest LwM2M client process on our packages, for the client-compare benchmark: LwM2mClient
 * (@lwm2m-adapters/lwm2m-client) on a CoapEndpoint + UdpTransport (transport-node), plain
 * JavaScript on the compiled packages. /3303/0 holds 5700 = 21.5 (a static value) and 5701 "Cel",
 * as the Leshan client harness does; /0, /1, /3 are the engine's own. Run with
 * `node engine-client.mjs <server port> <endpoint name>`; it registers to coap://127.0.0.1:<port>,
 * prints nothing, and de-registers and exits on SIGTERM or SIGINT.
 */
import { CoapEndpoint } from '@lwm2m-adapters/coap';
import { endpointLink, LwM2mClient } from '@lwm2m-adapters/lwm2m-client';
import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import { UdpTransport } from '@lwm2m-adapters/transport-node';

const [portArg, endpointName] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || port <= 0 || port > 65_535 || !endpointName) {
  console.error('usage: node engine-client.mjs <server port> <endpoint name>');
  process.exit(2);
}

const transport = await UdpTransport.open({ host: '127.0.0.1' });
const endpoint = new CoapEndpoint({ sink: transport });
transport.setReceiver(endpoint);
const client = new LwM2mClient({
  endpointName,
  server: { peer: { address: '127.0.0.1', port }, shortServerId: 1, lifetime: 300 },
  registry: ObjectRegistry.withOmaObjects(),
  link: endpointLink(endpoint),
});
client.objects.defineObject(3303, { instances: { 0: { 5700: 21.5, 5701: 'Cel' } } });
client.start();

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  const timer = setTimeout(() => process.exit(1), 5_000);
  await client.close();
  endpoint.close();
  await transport.close();
  clearTimeout(timer);
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
