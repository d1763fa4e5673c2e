/**
 * Publishability: `npm pack` every public package, install the tarballs into a scratch project
 * outside the workspace, then import them from plain ESM JavaScript and type-check a TypeScript
 * consumer against the shipped declarations. The template adapter is copied out of the repository
 * alone and built, tested (conformance suite), packed and installed there as its README says; the
 * installed `adapter-host`, on PATH, loads it by name next to itself, registers at the Leshan demo
 * server (Maven Central) and de-registers on SIGTERM.
 */
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LeshanServer, startLeshanServer } from '../peers/leshan.js';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
const publicPackages = [
  'packages/errors',
  'packages/kit',
  'packages/lwm2m-core',
  'packages/coap',
  'packages/lwm2m-client',
  'packages/lwm2m-server',
  'packages/transport-node',
  'packages/gateway-server',
  'packages/sdk',
  'packages/mapping',
  'adapters/modbus',
  'adapters/opcua',
  'packages/host',
  'examples/custom-adapter',
];
/** Packed from the workspace; the template adapter is packed from a copy outside it (below). */
const workspacePackages = publicPackages.filter((dir) => !dir.startsWith('examples/'));
/** Adapter packages: the SDK is their peer dependency, never a dependency of their own. */
const adapterPackages = ['adapters/modbus', 'adapters/opcua', 'examples/custom-adapter'];

let scratch: string;
/** Tarballs of the workspace packages by package name. */
const tarballs = new Map<string, string>();
/** The template adapter's tarball, packed from its copy outside the workspace. */
let adapterTarball: string;
/** What `npm test` printed in the copy of the template adapter. */
let adapterTestOutput: string;

/** The environment of child tools: without this vitest's own variables (a nested vitest would take them). */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { CI: 'true', NO_COLOR: '1' };
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(VITEST|FORCE_COLOR$|NODE_ENV$|TEST$)/.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, {
    cwd,
    maxBuffer: 16 * 1024 * 1024,
    env: childEnv(),
  });
  return stdout;
}

async function pack(dir: string, destination: string): Promise<{ name: string; file: string }> {
  const out = await npm(['pack', '--json', '--pack-destination', destination], dir);
  const [info] = JSON.parse(out) as { name: string; filename: string }[];
  return { name: info!.name, file: join(destination, basename(info!.filename)) };
}

/**
 * examples/custom-adapter copied out alone: the SDK and what it depends on come from the packed
 * tarballs (they are not on the registry yet), the rest from the registry, as for any user.
 */
async function buildAdapterCopy(): Promise<void> {
  const copy = join(scratch, 'lwm2m-adapter-copy');
  const source = join(repo, 'examples/custom-adapter');
  await cp(source, copy, {
    recursive: true,
    filter: (path) => !/(^|\/)(node_modules|dist)(\/|$)|tsbuildinfo$/.test(path.slice(source.length)),
  });
  const pkg = JSON.parse(await readFile(join(copy, 'package.json'), 'utf8'));
  const file = (name: string) => `file:${tarballs.get(name)}`;
  pkg.devDependencies['@lwm2m-adapters/sdk'] = file('@lwm2m-adapters/sdk');
  pkg.overrides = {
    '@lwm2m-adapters/errors': file('@lwm2m-adapters/errors'),
    '@lwm2m-adapters/kit': file('@lwm2m-adapters/kit'),
  };
  await writeFile(join(copy, 'package.json'), JSON.stringify(pkg, null, 2));
  await npm(['install', '--no-audit', '--no-fund', '--prefer-offline'], copy);
  await npm(['run', 'build'], copy);
  adapterTestOutput = await npm(['test'], copy);
  adapterTarball = (await pack(copy, join(scratch, 'tarballs'))).file;
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'lwm2m-adapters-pack-'));
  await mkdir(join(scratch, 'tarballs'));
  for (const dir of workspacePackages) {
    const { name, file } = await pack(join(repo, dir), join(scratch, 'tarballs'));
    tarballs.set(name, file);
  }
  await buildAdapterCopy();
  await writeFile(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'scratch-consumer', private: true, type: 'module' }, null, 2),
  );
  await npm(
    ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs.values(), adapterTarball],
    scratch,
  );
}, 600_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships only dist, src, registry data and metadata', async () => {
    for (const dir of publicPackages) {
      const out = await npm(['pack', '--dry-run', '--json'], join(repo, dir));
      const [info] = JSON.parse(out) as { files: { path: string }[] }[];
      const files = info!.files.map((f) => f.path);
      expect(files, dir).toContain('dist/index.js');
      expect(files, dir).toContain('dist/index.d.ts');
      expect(files.filter((f) => f.startsWith('test/') || f.includes('tsbuildinfo'))).toEqual([]);
      expect(files, dir).toContain('LICENSE');
      expect(files, dir).toContain('README.md');
    }
  });

  it('publishes every package as it is: metadata, public access, prepack build, engines', async () => {
    for (const dir of publicPackages) {
      const pkg = JSON.parse(await readFile(join(repo, dir, 'package.json'), 'utf8'));
      expect(pkg, dir).toMatchObject({
        license: 'Apache-2.0',
        repository: { type: 'git', directory: dir },
        homepage: expect.stringContaining(dir),
        bugs: { url: expect.stringMatching(/^https:\/\//) },
        publishConfig: { access: 'public' },
        engines: { node: expect.stringMatching(/^>=22/) },
        scripts: { prepack: 'tsc -b' },
      });
      expect(pkg.private, dir).toBeUndefined();
      if (adapterPackages.includes(dir)) {
        expect(pkg.peerDependencies?.['@lwm2m-adapters/sdk'], dir).toMatch(/^\^/);
        expect(pkg.dependencies?.['@lwm2m-adapters/sdk'], dir).toBeUndefined();
      }
    }
  });

  it('builds and tests the template adapter copied out of the repository alone (conformance suite)', () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: colours, should a tool force them
    expect(adapterTestOutput.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/Tests\s+8 passed/);
    expect(basename(adapterTarball)).toBe('example-lwm2m-adapter-jsonfile-0.1.0.tgz');
  });

  it('installs and runs from plain ESM in a scratch project', async () => {
    const script = `
      import { CodedError } from '@lwm2m-adapters/errors';
      import { LwM2mCodecs, LwM2mPath, ObjectRegistry, ContentFormat, node, value } from '@lwm2m-adapters/lwm2m-core';
      const registry = ObjectRegistry.withOmaObjects();
      const codecs = new LwM2mCodecs(registry);
      const path = LwM2mPath.parse('/3303/0');
      const instance = node.instance(0, [node.resource(5700, value.float(22.5)), node.resource(5701, value.string('Cel'))]);
      const tlv = codecs.encode(instance, path, ContentFormat.TLV);
      const back = codecs.decode(tlv, path, ContentFormat.TLV);
      let code;
      try { codecs.decode(Uint8Array.of(0xe4), path, ContentFormat.TLV); } catch (e) { code = e instanceof CodedError ? e.code : 'other'; }
      console.log(JSON.stringify({ name: registry.getObject(3303).name, tlv: Buffer.from(tlv).toString('hex'), resources: back.resources.length, code }));
    `;
    await writeFile(join(scratch, 'consumer.mjs'), script);
    const { stdout } = await run(process.execPath, ['consumer.mjs'], { cwd: scratch });
    expect(JSON.parse(stdout)).toEqual({
      name: 'Temperature',
      tlv: 'e4164441b40000e3164543656c',
      resources: 2,
      code: 'CODEC_TRUNCATED',
    });
  });

  it('runs a CoAP request over UDP through the packed kit, coap, transport-node and lwm2m-client', async () => {
    const script = `
      import { Fifo } from '@lwm2m-adapters/kit';
      import { CoapEndpoint } from '@lwm2m-adapters/coap';
      import { UdpTransport } from '@lwm2m-adapters/transport-node';
      import { endpointLink, LwM2mClient } from '@lwm2m-adapters/lwm2m-client';
      const open = async () => { const t = await UdpTransport.open({ host: '127.0.0.1' }); const e = new CoapEndpoint({ sink: t }); t.setReceiver(e); return { t, e }; };
      const server = await open(); const client = await open();
      server.e.onRequest(async (request) => ({ code: '2.05', contentFormat: 0, payload: new TextEncoder().encode(request.uriPath.join('/')) }));
      const peer = await client.t.resolvePeer('127.0.0.1', server.t.localAddress.port);
      const response = await client.e.request(peer, { method: 'GET', uriPath: ['3', '0', '0'] });
      const queue = new Fifo(); queue.push(1);
      console.log(JSON.stringify({ code: response.code, body: new TextDecoder().decode(response.payload), queued: queue.size, link: typeof endpointLink(client.e).request, client: typeof LwM2mClient }));
      server.e.close(); client.e.close(); await Promise.all([server.t.close(), client.t.close()]);
    `;
    await writeFile(join(scratch, 'coap-consumer.mjs'), script);
    const { stdout } = await run(process.execPath, ['coap-consumer.mjs'], { cwd: scratch });
    expect(JSON.parse(stdout)).toEqual({
      code: '2.05',
      body: '3/0/0',
      queued: 1,
      link: 'function',
      client: 'function',
    });
  });

  it('registers a packed LwM2M client at the packed lwm2m-server over UDP and reads it', async () => {
    const script = `
      import { CoapEndpoint } from '@lwm2m-adapters/coap';
      import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
      import { Lwm2mServer } from '@lwm2m-adapters/lwm2m-server';
      import { UdpTransport } from '@lwm2m-adapters/transport-node';
      import { endpointLink, LwM2mClient } from '@lwm2m-adapters/lwm2m-client';
      const open = async () => { const t = await UdpTransport.open({ host: '127.0.0.1' }); const e = new CoapEndpoint({ sink: t }); t.setReceiver(e); return { t, e }; };
      const server = await open(); const device = await open();
      const lwm2m = new Lwm2mServer({ endpoint: server.e, model: ObjectRegistry.withOmaObjects() });
      const registered = new Promise((resolve) => lwm2m.on('registered', (event) => resolve(event.registration)));
      const peer = await device.t.resolvePeer('127.0.0.1', server.t.localAddress.port);
      const client = new LwM2mClient({ endpointName: 'packed', server: { peer, shortServerId: 1, lifetime: 77 }, registry: ObjectRegistry.withOmaObjects(), link: endpointLink(device.e) });
      client.start();
      const registration = await registered;
      const read = await lwm2m.read(registration, '/1/0/1', { format: 0 });
      await client.close();
      console.log(JSON.stringify({ endpoint: registration.endpoint, lifetime: registration.lifetime, code: read.code, value: read.node.value.value, left: lwm2m.registrations().length }));
      lwm2m.close(); server.e.close(); device.e.close(); await Promise.all([server.t.close(), device.t.close()]);
    `;
    await writeFile(join(scratch, 'server-consumer.mjs'), script);
    const { stdout } = await run(process.execPath, ['server-consumer.mjs'], { cwd: scratch });
    expect(JSON.parse(stdout)).toEqual({
      endpoint: 'packed',
      lifetime: 77,
      code: '2.05',
      value: 77,
      left: 0,
    });
  });

  it('runs the packed gateway-server binary: a packed client registers and is read through its HTTP API', async () => {
    const script = `
      import { spawn } from 'node:child_process';
      import { CoapEndpoint } from '@lwm2m-adapters/coap';
      import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
      import { UdpTransport } from '@lwm2m-adapters/transport-node';
      import { endpointLink, LwM2mClient } from '@lwm2m-adapters/lwm2m-client';
      const server = spawn(process.execPath, ['node_modules/.bin/gateway-server', '--coap-port', '0', '--http', '127.0.0.1:0', '--log-format', 'json'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      const listening = await new Promise((resolve) => server.stdout.on('data', (chunk) => {
        out += chunk;
        const line = out.split('\\n').find((l) => l.includes('gateway server listening'));
        if (line) resolve(JSON.parse(line));
      }));
      const t = await UdpTransport.open({ host: '127.0.0.1' }); const e = new CoapEndpoint({ sink: t }); t.setReceiver(e);
      const peer = await t.resolvePeer('127.0.0.1', listening.coap.port);
      const client = new LwM2mClient({ endpointName: 'packed-gw-client', server: { peer, shortServerId: 1, lifetime: 88 }, registry: ObjectRegistry.withOmaObjects(), link: endpointLink(e) });
      client.start();
      let read;
      for (let i = 0; i < 100 && read?.code !== '2.05'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        read = await (await fetch(listening.http + '/api/clients/packed-gw-client/1/0/1')).json();
      }
      const health = await (await fetch(listening.http + '/healthz')).json();
      const page = await fetch(listening.http + '/');
      const chart = await fetch(listening.http + '/console/vendor/uPlot.esm.js');
      const console_ = [page.status, page.headers.get('content-type'), (await page.text()).includes('/console/app.js'), chart.status, chart.headers.get('content-type')];
      await client.close(); e.close(); await t.close();
      server.kill('SIGTERM');
      const code = await new Promise((resolve) => server.on('exit', resolve));
      console.log(JSON.stringify({ read: read.values, registrations: health.registrations, code, console: console_ }));
    `;
    await writeFile(join(scratch, 'gateway-server-consumer.mjs'), script);
    const { stdout } = await run(process.execPath, ['gateway-server-consumer.mjs'], { cwd: scratch });
    expect(JSON.parse(stdout)).toEqual({
      read: [{ path: '/1/0/1', type: 'integer', value: 88 }],
      registrations: 1,
      code: 0,
      // the web console ships in the package: the page and its vendored chart library
      console: [200, 'text/html; charset=utf-8', true, 200, 'text/javascript; charset=utf-8'],
    });
  });

  it('type-checks a TypeScript consumer against the shipped declarations', async () => {
    await writeFile(
      join(scratch, 'consumer.ts'),
      `import { LwM2mPath, type ResourceValue } from '@lwm2m-adapters/lwm2m-core';
       const v: ResourceValue = { type: 'float', value: 1.5 };
       const level: 'resource' | 'root' | 'object' | 'instance' | 'resource-instance' = LwM2mPath.parse('/3/0/1').level;
       export const out = [v, level];
      `,
    );
    await writeFile(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2023',
          // The declarations use Disposable/AsyncDisposable (`await using`): lib esnext.disposable or @types/node.
          lib: ['ES2023', 'ESNext.Disposable'],
          strict: true,
          noEmit: true,
          types: [],
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(repo, 'node_modules/.bin/tsc');
    const result = await run(tsc, ['-p', scratch]).catch((e: { stdout?: string }) => e);
    expect('stdout' in result ? result.stdout : '').toBe('');
    const pkg = JSON.parse(
      await readFile(join(scratch, 'node_modules/@lwm2m-adapters/lwm2m-core/package.json'), 'utf8'),
    );
    expect(pkg.exports['.'].types).toBe('./dist/index.d.ts');
  });

  it('runs adapter-host from the packed host and loads a third-party adapter by package name', async () => {
    await writeFile(
      join(scratch, 'boiler.json'),
      JSON.stringify({ boiler: { temperature: 21.5, setpoint: 60 } }),
    );
    await writeFile(
      join(scratch, 'lab.yml'),
      [
        'version: 1',
        'devices:',
        '  - id: lab-boiler',
        '    adapter: "@example/lwm2m-adapter-jsonfile"',
        '    connection: { file: ./boiler.json }',
        '    points:',
        '      /3303/0/5700: { source: { key: boiler.temperature, type: number }, units: Cel }',
        '      /3308/0/5900: { source: { key: boiler.setpoint, type: integer, min: 0, max: 95 }, access: rw }',
        '',
      ].join('\n'),
    );
    const host = join(scratch, 'node_modules/.bin/adapter-host');
    const validate = await run(host, ['validate', 'lab.yml'], { cwd: scratch });
    expect(validate.stdout).toContain('lab-boiler: adapter @example/lwm2m-adapter-jsonfile 0.1.0');
    const plan = await run(host, ['plan', 'lab.yml'], { cwd: scratch });
    expect(plan.stdout).toContain('read ./boiler.json once -> 2 points');
    await writeFile(
      join(scratch, 'missing-adapter.yml'),
      'version: 1\ndevices:\n  - id: x\n    adapter: "@nobody/lwm2m-adapter-none"\n    connection: {}\n    points: {}\n',
    );
    const failed = await run(host, ['validate', 'missing-adapter.yml'], { cwd: scratch }).catch(
      (e: { code?: number; stderr?: string }) => e,
    );
    expect('code' in failed ? failed.code : 0).toBe(3);
    expect('stderr' in failed ? failed.stderr : '').toContain('npm install @nobody/lwm2m-adapter-none');

    // The same resolution path the host uses, then a live read through the loaded adapter.
    await writeFile(
      join(scratch, 'read.mjs'),
      `import { compileMappingFile } from '@lwm2m-adapters/host';
       import { devicePointSpecs } from '@lwm2m-adapters/mapping';
       import { silentLogger } from '@lwm2m-adapters/sdk';
       process.chdir(${JSON.stringify(scratch)});
       const { result, adapters } = await compileMappingFile('lab.yml', {});
       const device = result.mapping.devices[0];
       const adapter = adapters.get(device.adapter.name);
       const session = adapter.createSession({ deviceId: device.id, connection: adapter.connectionSchema.parse(device.connection),
         points: devicePointSpecs(device).map((p) => ({ ...p, source: adapter.pointSchema.parse(p.source) })), logger: silentLogger });
       await session.start();
       const [reading] = await session.read(['/3303/0/5700']);
       await session.close();
       console.log(JSON.stringify({ ok: reading.ok, value: reading.value }));`,
    );
    const read = await run(process.execPath, ['read.mjs'], { cwd: scratch });
    expect(JSON.parse(read.stdout)).toEqual({ ok: true, value: 21.5 });
  });

  it('runs adapter-host from PATH: the adapter beside it loads by name, Leshan sees it register and, on SIGTERM, de-register', async () => {
    // the plant's folder holds the mapping and nothing installed: the adapter is found next to the host
    const plant = await mkdtemp(join(tmpdir(), 'lwm2m-adapters-plant-'));
    let leshan: LeshanServer | undefined;
    try {
      await writeFile(join(plant, 'boiler.json'), JSON.stringify({ boiler: { temperature: 21.5 } }));
      await writeFile(
        join(plant, 'plant.yml'),
        [
          'version: 1',
          'devices:',
          '  - id: packed-boiler',
          '    adapter: "@example/lwm2m-adapter-jsonfile"',
          '    connection: { file: ./boiler.json }',
          '    points:',
          '      /3303/0/5700: { source: { key: boiler.temperature, type: number }, units: Cel }',
          '',
        ].join('\n'),
      );
      leshan = await startLeshanServer();
      const events = leshan.events;
      const registered = events.waitForEvent(
        (e) => e.type === 'REGISTRATION' && e.registration.endpoint === 'packed-boiler',
        30_000,
      );
      // by name from PATH, as a service manager starts it: no npm in between to swallow the signal
      const PATH = [join(scratch, 'node_modules/.bin'), dirname(process.execPath), process.env.PATH].join(
        delimiter,
      );
      const host = spawn(
        'adapter-host',
        [
          '--mapping',
          'plant.yml',
          '--server',
          `coap://127.0.0.1:${leshan.coapPort}`,
          '--mode',
          'per-device',
          '--http',
          '127.0.0.1:0',
          '--log-format',
          'json',
        ],
        { cwd: plant, env: childEnv({ PATH }), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      host.stdout.on('data', (chunk) => (output += chunk));
      host.stderr.on('data', (chunk) => (output += chunk));
      const exited = new Promise<number | null>((r) => host.on('exit', (code) => r(code)));
      try {
        await Promise.race([
          registered,
          exited.then((code) => Promise.reject(new Error(`adapter-host exited ${code}:\n${output}`))),
        ]);
      } catch (error) {
        host.kill('SIGKILL');
        throw error;
      }
      const deregistered = events.waitForEvent(
        (e) => e.type === 'DEREGISTRATION' && e.registration.endpoint === 'packed-boiler',
        20_000,
      );
      host.kill('SIGTERM');
      await deregistered;
      expect(await exited, output).toBe(0);
      expect(output).toContain('"msg":"shutting down: stop polling, de-register, close"');
    } finally {
      await leshan?.stop();
      await rm(plant, { recursive: true, force: true });
    }
  }, 120_000);
});
