/**
 * The dependency rules of `.dependency-cruiser.cjs` (run over the real tree by `npm run check:deps`)
 * catch what they promise: a scratch tree laid out like the workspace, with one import breaking
 * each rule and a few that are allowed, is cruised with the project's own configuration.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');

/** Scratch files: path -> source. Each forbidden import names the rule it breaks in a comment. */
const files: Record<string, string> = {
  // allowed: the layers as drawn
  'packages/kit/src/index.ts': `export const kit = 1;\n`,
  'packages/coap/src/index.ts': `import { kit } from '../../kit/src/index.ts';\nexport const coap = kit;\n`,
  'packages/coap/src/endpoint/coap-endpoint.ts': `export const endpoint = 1;\n`,
  'packages/lwm2m-client/src/index.ts': `import { coap } from '../../coap/src/index.ts';\nexport const client = coap;\n`,
  'packages/transport-node/src/index.ts': `import * as dgram from 'node:dgram';\nexport const socket = dgram;\n`,
  'packages/sdk/src/index.ts': `export const sdk = 1;\n`,
  'adapters/modbus/src/index.ts': `import { sdk } from '../../../packages/sdk/src/index.ts';\nexport const modbus = sdk;\n`,
  'packages/host/src/index.ts': [
    `import { client } from '../../lwm2m-client/src/index.ts';`,
    `import { socket } from '../../transport-node/src/index.ts';`,
    `export const host = [client, socket];`,
    '',
  ].join('\n'),
  // forbidden
  'packages/kit/src/upward.ts': `import { coap } from '../../coap/src/index.ts'; // layer-kit\nexport const x = coap;\n`,
  'packages/lwm2m-core/src/index.ts': `import { client } from '../../lwm2m-client/src/index.ts'; // layer-lwm2m-core\nexport const core = client;\n`,
  'packages/coap/src/socket.ts': `import { createSocket } from 'node:dgram'; // sockets-only-in-transports, engines-do-no-io\nexport const s = createSocket;\n`,
  'packages/lwm2m-client/src/transport.ts': `import { socket } from '../../transport-node/src/index.ts'; // layer-lwm2m-client\nexport const t = socket;\n`,
  'packages/host/src/adapter.ts': `import { modbus } from '../../../adapters/modbus/src/index.ts'; // no-package-imports-an-adapter, layer-host\nexport const m = modbus;\n`,
  'packages/host/src/internals.ts': `import { endpoint } from '../../coap/src/endpoint/coap-endpoint.ts'; // entry-points-only\nexport const e = endpoint;\n`,
  'adapters/modbus/src/core.ts': `import { kit } from '../../../packages/kit/src/index.ts';\nimport { coap } from '../../../packages/coap/src/index.ts'; // adapters-import-only-the-sdk\nexport const c = [kit, coap];\n`,
  'packages/sdk/src/a.ts': `import { b } from './b.ts'; // no-circular\nexport const a = () => b;\n`,
  'packages/sdk/src/b.ts': `import { a } from './a.ts'; // (the cycle is reported once, from a.ts)\nexport const b = () => a;\n`,
  'packages/sdk/src/uses-test.ts': `import { fixture } from '../test/fixture.ts'; // no-test-code-in-src, layer-sdk\nexport const f = fixture;\n`,
  'packages/sdk/test/fixture.ts': `export const fixture = 1;\n`,
};

const cruiseResult = z.object({
  summary: z.object({
    violations: z.array(z.object({ rule: z.object({ name: z.string() }), from: z.string(), to: z.string() })),
  }),
});

let scratch: string;
let violations: { rule: string; from: string; to: string }[];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'lwm2m-adapters-deps-'));
  for (const [path, source] of Object.entries(files)) {
    await mkdir(dirname(join(scratch, path)), { recursive: true });
    await writeFile(join(scratch, path), source);
  }
  const depcruise = join(repo, 'node_modules/.bin/depcruise');
  const args = [
    'packages',
    'adapters',
    '--config',
    join(repo, '.dependency-cruiser.cjs'),
    '--output-type',
    'json',
  ];
  // depcruise exits non-zero when it finds violations: that is the expected outcome here
  const { stdout } = await run(depcruise, args, { cwd: scratch, maxBuffer: 16 * 1024 * 1024 }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  violations = cruiseResult
    .parse(JSON.parse(stdout))
    .summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}, 60_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('dependency rules', () => {
  it('flag every forbidden import with the rule it breaks, and nothing else', () => {
    const expected = Object.entries(files).flatMap(([path, source]) =>
      [...source.matchAll(/\/\/ ([a-z0-9-]+(?:, [a-z0-9-]+)*)$/gm)].flatMap((m) =>
        m[1]!.split(', ').map((rule) => `${rule}: ${path}`),
      ),
    );
    const found = violations.map((v) => `${v.rule}: ${v.from}`);
    expect([...new Set(found)].sort()).toEqual([...new Set(expected)].sort());
  });

  it('let the allowed layers through: client -> coap -> kit, host -> transport-node, adapter -> sdk', () => {
    const allowedFrom = [
      'packages/coap/src/index.ts',
      'packages/lwm2m-client/src/index.ts',
      'packages/host/src/index.ts',
      'adapters/modbus/src/index.ts',
      'packages/transport-node/src/index.ts',
    ];
    expect(violations.filter((v) => allowedFrom.includes(v.from))).toEqual([]);
  });
});
