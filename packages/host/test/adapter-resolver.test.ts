/**
 * How the host finds adapters: built-in ones by short name from the host's own dependencies (a
 * mapping anywhere finds them), anything else next to the mapping; a fresh instance per resolver,
 * so two hosts in one process never share a Modbus link.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineAdapter, SDK_VERSION } from '@lwm2m-adapters/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAdapterResolver } from '../src/adapter-resolver.js';
import { BUILT_IN_ADAPTERS_FROM } from '../src/built-in-adapters.js';

let dir: string;
beforeAll(async () => {
  // a mapping folder with no node_modules of its own
  dir = await mkdtemp(join(tmpdir(), 'adapter-resolver-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createAdapterResolver', () => {
  it('loads `modbus` by its package name from the host, wherever the mapping is', async () => {
    const adapter = await createAdapterResolver(dir)('modbus');
    expect(adapter).toMatchObject({ kind: 'lwm2m-adapters/adapter', name: 'modbus' });
    expect(typeof adapter.simulate).toBe('function');
  });

  it('gives one instance per name and resolver, and every resolver its own', async () => {
    const first = createAdapterResolver(dir);
    const second = createAdapterResolver(dir);
    const a = await first('modbus');
    expect(await first('modbus')).toBe(a);
    expect(await second('modbus')).not.toBe(a);
  });

  it('looks for other names next to the mapping, with the install command when missing', async () => {
    await expect(createAdapterResolver(dir)('modbsu')).rejects.toMatchObject({
      code: 'ADAPTER_NOT_FOUND',
      message: `adapter "modbsu" is not installed: tried npm package @lwm2m-adapters/modbsu, then npm package lwm2m-adapter-modbsu, resolved from ${dir} (and its parent folders), then from ${BUILT_IN_ADAPTERS_FROM} (and its parent folders); none is installed (install it with: npm install @lwm2m-adapters/modbsu)`,
    });
    await expect(createAdapterResolver(dir)('@acme/lwm2m-adapter-bacnet')).rejects.toMatchObject({
      code: 'ADAPTER_NOT_FOUND',
      message: expect.stringContaining('npm install @acme/lwm2m-adapter-bacnet'),
    });
  });

  it('prefers the definitions it is given, even over a built-in name', async () => {
    const own = defineAdapter({
      name: 'modbus',
      version: '9.9.9',
      sdkVersion: `^${SDK_VERSION}`,
      capabilities: { read: true, write: false, execute: false, subscribe: false },
      connectionSchema: z.object({}),
      pointSchema: z.object({}),
      pointValueKind: () => 'number',
      validateWrite: () => {},
      createSession: () => {
        throw new Error('not used');
      },
    });
    expect(await createAdapterResolver(dir, { modbus: own })('modbus')).toBe(own);
  });
});
