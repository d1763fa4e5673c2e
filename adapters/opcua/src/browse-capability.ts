import type { AdapterBrowse } from '@lwm2m-adapters/sdk';

/**
 * The adapter's `browse` capability (`adapter-host browse opc.tcp://host:port`): the host reads its
 * synopsis, schemes and options before running anything; `run` loads the browser (and node-opcua)
 * only when it runs.
 */
export const opcuaBrowse: AdapterBrowse = {
  synopsis: 'opc.tcp://host:port [--depth N] [--from NodeId] [--device-id ID]',
  schemes: ['opc.tcp'],
  options: {
    depth: { value: 'N', description: 'levels below the starting node to walk (default 4, at most 20)' },
    from: { value: 'NodeId', description: 'the node to start from (default the Objects folder, i=85)' },
    'device-id': { value: 'ID', description: 'the device id in the proposed mapping (default opcua-device)' },
  },
  run: async (target, values) => (await import('./browse/opcua-browse.js')).runOpcuaBrowse(target, values),
};
