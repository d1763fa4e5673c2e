/**
 * A host whose mapping uses only Modbus does not load OPC UA: `adapter-host validate` and
 * `adapter-host run` (until it has started its devices) on mappings/vfd.yml, in a child process
 * whose module loads (ESM imports and CommonJS requires) a hook records, never touch node-opcua nor
 * the OPC UA adapter, although the host ships it as a built-in adapter. The Modbus adapter is
 * among the loaded modules: the hook sees adapters.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BUILT_IN_ADAPTERS } from '../src/built-in-adapters.js';

const hostDir = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli/adapter-host.js', import.meta.url));
const modbusYml = fileURLToPath(new URL('../../../mappings/vfd.yml', import.meta.url));

const HOOK = `
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const loaded = [];
registerHooks({
  resolve(specifier, context, next) { const r = next(specifier, context); loaded.push(r.url); return r; },
  load(url, context, next) { loaded.push(url); return next(url, context); },
});
const save = () => writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify(loaded));
process.on('exit', save);
for (const signal of ['SIGTERM', 'SIGINT']) process.prependListener(signal, save);
`;

const isOpcua = (url: string) =>
  url.includes('/node-opcua') || url.includes('/adapters/opcua/') || url.includes('/@lwm2m-adapters/opcua/');
const isModbus = (url: string) =>
  url.includes('/adapters/modbus/') || url.includes('/@lwm2m-adapters/modbus/');

let dir: string;
let hook: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modbus-only-host-'));
  hook = join(dir, 'record-loads.mjs');
  await writeFile(hook, HOOK);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function env(file: string): NodeJS.ProcessEnv {
  return { ...process.env, NODE_OPTIONS: '', LOADED_MODULES_FILE: file };
}

async function loaded(file: string): Promise<string[]> {
  return JSON.parse(await readFile(file, 'utf8')) as string[];
}

it('ships OPC UA as a built-in adapter', () => {
  expect(BUILT_IN_ADAPTERS).toMatchObject({
    opcua: '@lwm2m-adapters/opcua',
    modbus: '@lwm2m-adapters/modbus',
  });
});

it('validate on a Modbus mapping loads the Modbus adapter and no OPC UA module', async () => {
  const file = join(dir, 'validate.json');
  const result = spawnSync(process.execPath, ['--import', hook, cli, 'validate', modbusYml], {
    cwd: hostDir,
    encoding: 'utf8',
    env: env(file),
  });
  expect(result.status, result.stderr + result.stdout).toBe(0);
  const urls = await loaded(file);
  expect(urls.some(isModbus)).toBe(true);
  expect(urls.filter(isOpcua)).toEqual([]);
});

it('run on a Modbus mapping loads no OPC UA module', async () => {
  const file = join(dir, 'run.json');
  const child = spawn(
    process.execPath,
    [
      '--import',
      hook,
      cli,
      'run',
      '--mapping',
      modbusYml,
      '--server',
      'coap://127.0.0.1:1',
      '--http',
      '127.0.0.1:0',
    ],
    { cwd: hostDir, env: env(file), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // started: its devices are attached (the server is unreachable; that does not matter here)
  const deadline = Date.now() + 20_000;
  while (!/health at/.test(output) && Date.now() < deadline) {
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(output).toMatch(/health at/);
  child.kill('SIGTERM');
  await exited;
  const urls = await loaded(file);
  expect(urls.some(isModbus), output).toBe(true);
  expect(urls.filter(isOpcua)).toEqual([]);
}, 30_000);
