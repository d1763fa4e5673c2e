import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  adapterPackageCandidates,
  adapterPackageName,
  assertSdkCompatible,
  defineAdapter,
  loadAdapter,
  SDK_VERSION,
} from '../src/index.js';

const base = {
  name: 'fake',
  version: '1.0.0',
  capabilities: { read: true, write: false, execute: false, subscribe: false },
  connectionSchema: z.object({}),
  pointSchema: z.object({}),
  pointValueKind: () => 'number' as const,
  validateWrite: () => {},
  createSession: () => {
    throw new Error('not used');
  },
};

let dir: string;

async function fakePackage(name: string, source: string): Promise<void> {
  const pkgDir = join(dir, 'node_modules', ...name.split('/'));
  await mkdir(pkgDir, { recursive: true });
  await writeFile(
    join(pkgDir, 'package.json'),
    JSON.stringify({ name, type: 'module', exports: './index.js' }),
  );
  await writeFile(join(pkgDir, 'index.js'), source);
}

const definitionObject = (sdkVersion: string) => `{
    kind: 'lwm2m-adapters/adapter', name: 'acme', version: '2.0.0', sdkVersion: ${JSON.stringify(sdkVersion)},
    capabilities: { read: true, write: true, execute: false, subscribe: false },
    connectionSchema: {}, pointSchema: {},
    pointValueKind() { return 'number'; }, validateWrite() {}, createSession() { throw new Error('x'); },
  }`;
const definitionSource = (sdkVersion: string) => `export default ${definitionObject(sdkVersion)};`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdk-load-'));
  await fakePackage('@acme/lwm2m-adapter-good', definitionSource(`^${SDK_VERSION}`));
  await fakePackage('@acme/lwm2m-adapter-old', definitionSource('^0.0.1'));
  await fakePackage('@acme/not-an-adapter', 'export default { hello: 1 };');
  await fakePackage(
    '@acme/lwm2m-adapter-factory',
    `export function createAdapter() { return ${definitionObject(`^${SDK_VERSION}`)}; }
     export const adapter = createAdapter();
     export default adapter;`,
  );
  await fakePackage(
    '@acme/lwm2m-adapter-bad-factory',
    `${definitionSource(`^${SDK_VERSION}`)}\nexport function createAdapter() { return { hello: 1 }; }`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('adapter loading', () => {
  it('maps short names to our scope and keeps package names', () => {
    expect(adapterPackageName('modbus')).toBe('@lwm2m-adapters/modbus');
    expect(adapterPackageName('@acme/lwm2m-adapter-bacnet')).toBe('@acme/lwm2m-adapter-bacnet');
    expect(adapterPackageName('lwm2m-adapter-knx')).toBe('lwm2m-adapter-knx');
  });

  it('loads an adapter by npm package name from a directory', async () => {
    const adapter = await loadAdapter('@acme/lwm2m-adapter-good', { from: dir });
    expect(adapter.name).toBe('acme');
  });

  it('gives the shared default export, or with `fresh` a new instance from createAdapter()', async () => {
    const options = { from: dir };
    const shared = await loadAdapter('@acme/lwm2m-adapter-factory', options);
    expect(await loadAdapter('@acme/lwm2m-adapter-factory', options)).toBe(shared);
    const fresh = await loadAdapter('@acme/lwm2m-adapter-factory', { ...options, fresh: true });
    const another = await loadAdapter('@acme/lwm2m-adapter-factory', { ...options, fresh: true });
    expect(fresh.name).toBe('acme');
    expect(fresh).not.toBe(shared);
    expect(another).not.toBe(fresh);
    // a package without a factory has one instance to give
    const good = await loadAdapter('@acme/lwm2m-adapter-good', options);
    expect(await loadAdapter('@acme/lwm2m-adapter-good', { ...options, fresh: true })).toBe(good);
  });

  it('fails with ADAPTER_INVALID when createAdapter() makes no definition', async () => {
    await expect(
      loadAdapter('@acme/lwm2m-adapter-bad-factory', { from: dir, fresh: true }),
    ).rejects.toMatchObject({ code: 'ADAPTER_INVALID', message: expect.stringContaining('createAdapter()') });
  });

  it('prefers built-in adapters for short names', async () => {
    const builtIn = defineAdapter({ ...base, sdkVersion: `^${SDK_VERSION}` });
    expect(await loadAdapter('fake', { from: dir, builtIn: { fake: builtIn } })).toBe(builtIn);
  });

  it('resolves a short name as @lwm2m-adapters/<name>, then lwm2m-adapter-<name>, from each folder in turn', async () => {
    expect(adapterPackageCandidates('knx')).toEqual(['@lwm2m-adapters/knx', 'lwm2m-adapter-knx']);
    expect(adapterPackageCandidates('@acme/lwm2m-adapter-x')).toEqual(['@acme/lwm2m-adapter-x']);
    expect(adapterPackageCandidates('lwm2m-adapter-knx')).toEqual(['lwm2m-adapter-knx']);
    await fakePackage('lwm2m-adapter-community', definitionSource(`^${SDK_VERSION}`));
    // a folder without node_modules first: the next folder (the host's install) is searched too
    const empty = await mkdtemp(join(tmpdir(), 'sdk-load-empty-'));
    try {
      const adapter = await loadAdapter('community', { from: empty, alsoFrom: [dir] });
      expect(adapter.name).toBe('acme');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('says every package and folder it tried when a short name is found nowhere', async () => {
    const error = await loadAdapter('bacnet', { from: dir, alsoFrom: ['/opt/host/dist'] }).catch((e) => e);
    expect(error).toMatchObject({ code: 'ADAPTER_NOT_FOUND' });
    expect(error.message).toBe(
      `adapter "bacnet" is not installed: tried npm package @lwm2m-adapters/bacnet, then npm package lwm2m-adapter-bacnet, resolved from ${dir} (and its parent folders), then from /opt/host/dist (and its parent folders); none is installed (install it with: npm install @lwm2m-adapters/bacnet)`,
    );
  });

  it('fails with ADAPTER_NOT_FOUND and the install command', async () => {
    await expect(loadAdapter('@acme/missing', { from: dir })).rejects.toMatchObject({
      code: 'ADAPTER_NOT_FOUND',
      message: expect.stringContaining('npm install @acme/missing'),
    });
  });

  it('fails with ADAPTER_INVALID for a package that exports no definition', async () => {
    await expect(loadAdapter('@acme/not-an-adapter', { from: dir })).rejects.toMatchObject({
      code: 'ADAPTER_INVALID',
    });
  });

  it('fails with ADAPTER_INCOMPATIBLE when the SDK range does not match', async () => {
    await expect(loadAdapter('@acme/lwm2m-adapter-old', { from: dir })).rejects.toMatchObject({
      code: 'ADAPTER_INCOMPATIBLE',
      message: expect.stringContaining('needs SDK ^0.0.1'),
    });
    expect(() => assertSdkCompatible(defineAdapter({ ...base, sdkVersion: 'not a range' }))).toThrow(
      /needs SDK/,
    );
  });

  it('SDK 0.2.1 (time and array values, subscriptions, readInto) refuses adapters built for 0.1 and accepts ^0.2', () => {
    expect(SDK_VERSION).toBe('0.2.1');
    expect(() => assertSdkCompatible(defineAdapter({ ...base, sdkVersion: '^0.1.0' }))).toThrow(
      expect.objectContaining({
        code: 'ADAPTER_INCOMPATIBLE',
        message: expect.stringContaining('this host has SDK 0.2.1'),
      }),
    );
    expect(() => assertSdkCompatible(defineAdapter({ ...base, sdkVersion: '^0.2.0' }))).not.toThrow();
    expect(() => assertSdkCompatible(defineAdapter({ ...base, sdkVersion: '^0.2.1' }))).not.toThrow();
    // an adapter that needs readInto's SDK is refused by a host before it
    expect(() => assertSdkCompatible(defineAdapter({ ...base, sdkVersion: '^0.2.1' }), '0.2.0')).toThrow(
      /needs SDK \^0\.2\.1/,
    );
    expect(() => assertSdkCompatible(defineAdapter({ ...base, sdkVersion: '^0.2.0' }), '0.3.0')).toThrow(
      /needs SDK \^0\.2\.0/,
    );
  });
});
