/**
 * What a host that speaks coap:// and logs JSON does not load: the DTLS stack, the XML parser
 * (custom object definitions only), the terminal log formatter and prom-client (loaded at the first
 * metrics scrape), ~25 MB of RSS together; and no
 * adapter until a mapping names it (the host knows adapters only by name), nor an adapter's
 * simulator unless asked to simulate. A child process imports the built host package and lists
 * every module file it loaded.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const hostDir = fileURLToPath(new URL('..', import.meta.url));
const plcYml = fileURLToPath(new URL('../../../mappings/plc.yml', import.meta.url));

const script = `
import { registerHooks } from 'node:module';
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
const host = await import('@lwm2m-adapters/host');
if (typeof host.AdapterHost !== 'function') throw new Error('no AdapterHost export');
const afterImport = [...loaded];
const { result } = await host.compileMappingFile(${JSON.stringify(plcYml)}, {});
if (!result.ok) throw new Error('plc.yml does not compile');
process.stdout.write(JSON.stringify({ afterImport, afterMapping: loaded }));
`;

const isModbus = (url: string) =>
  url.includes('/adapters/modbus/') || url.includes('/@lwm2m-adapters/modbus/');

it('imports the host without the DTLS stack, the XML parser, pino-pretty or any adapter', () => {
  // plain node on the built packages (npm test runs tsc -b first), from the host package's folder
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: hostDir,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  expect(result.status, result.stderr).toBe(0);
  const { afterImport, afterMapping } = JSON.parse(result.stdout) as {
    afterImport: string[];
    afterMapping: string[];
  };
  expect(afterImport.some((url) => url.includes('/packages/lwm2m-client/dist/'))).toBe(true);
  expect(afterImport.some((url) => url.includes('/node_modules/yaml/'))).toBe(true);
  for (const lazy of ['node-dtls-client', 'fast-xml-parser', 'pino-pretty', 'prom-client']) {
    expect(afterMapping.filter((url) => url.includes(`/node_modules/${lazy}/`))).toEqual([]);
  }
  expect(afterImport.filter(isModbus)).toEqual([]);
  // plc.yml names `modbus`: loaded by name now, without its simulator
  expect(afterMapping.some((url) => isModbus(url) && url.endsWith('/dist/index.js'))).toBe(true);
  expect(afterMapping.filter((url) => isModbus(url) && url.includes('/simulator/'))).toEqual([]);
});

it("loads no other command's code for the binary: no gateway server, no Kafka client (demo only)", () => {
  const cliScript = `
import { registerHooks } from 'node:module';
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
const cli = await import('./dist/cli-main.js');
if (typeof cli.runAdapterHostCli !== 'function') throw new Error('no runAdapterHostCli export');
process.stdout.write(JSON.stringify(loaded));
`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', cliScript], {
    cwd: hostDir,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  expect(result.status, result.stderr).toBe(0);
  const loaded = JSON.parse(result.stdout) as string[];
  expect(loaded.some((url) => url.endsWith('/cli-main.js'))).toBe(true);
  for (const lazy of [
    '/gateway-server/',
    '/lwm2m-server/',
    '/node_modules/kafkajs/',
    '/commands/demo-command',
  ]) {
    expect(loaded.filter((url) => url.includes(lazy))).toEqual([]);
  }
});
