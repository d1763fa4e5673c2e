/**
 * docs/architecture.md draws the package import graph; this keeps the drawing true: it is the
 * output of `npm run deps:graph` (dependency-cruiser over the real sources, collapsed to packages).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');

describe('docs/architecture.md', () => {
  it('draws the import graph the code has (regenerate with npm run deps:graph)', async () => {
    const { stdout } = await run('npm', ['run', '-s', 'deps:graph'], {
      cwd: repo,
      maxBuffer: 4 * 1024 * 1024,
    });
    const doc = await readFile(join(repo, 'docs/architecture.md'), 'utf8');
    const drawn = /<!-- import-graph:start -->\n```mermaid\n([\s\S]*?)\n```\n<!-- import-graph:end -->/.exec(
      doc,
    );
    expect(drawn, 'docs/architecture.md has no import-graph block').not.toBeNull();
    expect(drawn![1]!.trim()).toBe(stdout.trim());
    // read back as package -> package arrows: the host reaches transports and no adapter
    const names = new Map([...stdout.matchAll(/^(\w+)\["([^"]+)"\]$/gm)].map((m) => [m[1]!, m[2]!]));
    const arrows = [...stdout.matchAll(/^(\w+)-->(\w+)$/gm)].map(
      (m) => `${names.get(m[1]!)}->${names.get(m[2]!)}`,
    );
    expect(arrows).toContain('host->transport-node');
    expect(arrows).toContain('lwm2m-client->coap');
    expect(arrows.filter((a) => a.startsWith('host->') && /modbus|opcua|custom-adapter/.test(a))).toEqual([]);
    expect(
      arrows.filter((a) => /^(kit|coap|lwm2m-core|lwm2m-client|lwm2m-server)->transport-node$/.test(a)),
    ).toEqual([]);
  }, 60_000);
});
