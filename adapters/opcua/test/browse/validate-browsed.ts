/** Compiles a browsed mapping the way `adapter-host validate` does, with `opcua` resolved to the real adapter. */
import { compileMapping } from '@lwm2m-adapters/mapping';
import { adapter } from '../../src/index.js';

export function validates(text: string) {
  return compileMapping(
    { text, fileName: '/tmp/browsed.yml' },
    { resolveAdapter: async () => adapter, env: {} },
  );
}
