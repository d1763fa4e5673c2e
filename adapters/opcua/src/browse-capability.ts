import type { AdapterBrowse } from '@lwm2m-adapters/sdk';

/**
 * The adapter's `browse` capability, loading the browser (and node-opcua) only when it runs. Its
 * synopsis, schemes and options are those of `opcuaBrowse` (src/browse/opcua-browse.ts, a test
 * keeps them equal), repeated here because the host reads them before running anything.
 */
export const lazyOpcuaBrowse: AdapterBrowse = {
  synopsis: 'opc.tcp://host:port [--depth N] [--from NodeId] [--device-id ID]',
  schemes: ['opc.tcp'],
  options: {
    depth: { value: 'N', description: 'levels below the starting node to walk (default 4, at most 20)' },
    from: { value: 'NodeId', description: 'the node to start from (default the Objects folder, i=85)' },
    'device-id': { value: 'ID', description: 'the device id in the proposed mapping (default opcua-device)' },
  },
  run: async (target, values) => (await import('./browse/opcua-browse.js')).opcuaBrowse.run(target, values),
};
