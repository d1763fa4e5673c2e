/**
 * Child process of the flood benchmark: one client-side CoAP endpoint on a loopback UDP socket
 * whose only admitted peer is a server address nobody floods from (ADMISSION=server), or that
 * admits everyone as before the admission policy (ADMISSION=any; the engine then refused foreign
 * requests only after reassembly, with 4.01). Prints its port, then on "report" its RSS and stats.
 */
import { CoapEndpoint } from '@lwm2m-adapters/coap';
import { UdpTransport } from '@lwm2m-adapters/transport-node';

const transport = await UdpTransport.open({ host: '127.0.0.1' });
const endpoint = new CoapEndpoint({ sink: transport });
transport.setReceiver(endpoint);
const server = { address: '127.0.0.1', port: 9 };
if (process.env.ADMISSION === 'server') {
  endpoint.setPeerAdmission((peer) => peer.address === server.address && peer.port === server.port);
}
// what the LwM2M client engine answers a foreign peer
endpoint.onRequest(async () => ({ code: '4.01' }));
process.stdout.write(
  `${JSON.stringify({ port: transport.localAddress.port, rss: process.memoryUsage().rss })}\n`,
);
process.stdin.on('data', (data) => {
  if (!data.toString().includes('report')) return;
  const stats = endpoint.stats();
  process.stdout.write(
    `${JSON.stringify({
      rss: process.memoryUsage().rss,
      received: stats.received,
      dropped: stats.dropped,
      block1: stats.caches.block1,
      dedup: stats.caches.deduplication.entries,
    })}\n`,
  );
  void transport.close().then(() => process.exit(0));
});
