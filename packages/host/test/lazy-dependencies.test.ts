/**
 * What a host that speaks coap:// and logs JSON does not load: the DTLS stack, the XML parser
 * (custom object definitions only) and the terminal log formatter, ~15 MB of RSS together. A child
 * process imports the built host package and lists every module file it loaded.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const hostDir = fileURLToPath(new URL('..', import.meta.url));

const script = `
import { registerHooks } from 'node:module';
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
const host = await import('@lwm2m-adapters/host');
if (typeof host.AdapterHost !== 'function') throw new Error('no AdapterHost export');
process.stdout.write(JSON.stringify(loaded));
`;

it('imports the host without the DTLS stack, the XML parser or pino-pretty', () => {
  // plain node on the built packages (npm test runs tsc -b first), from the host package's folder
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: hostDir,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  expect(result.status, result.stderr).toBe(0);
  const loaded = JSON.parse(result.stdout) as string[];
  expect(loaded.some((url) => url.includes('/packages/lwm2m-client/dist/'))).toBe(true);
  expect(loaded.some((url) => url.includes('/node_modules/yaml/'))).toBe(true);
  for (const lazy of ['node-dtls-client', 'fast-xml-parser', 'pino-pretty']) {
    expect(loaded.filter((url) => url.includes(`/node_modules/${lazy}/`))).toEqual([]);
  }
});
