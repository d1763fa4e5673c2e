/** `adapter-host browse <url>`: the adapter is picked by the URL's scheme; the host stays protocol-free. */
import { CodedError } from '@lwm2m-adapters/errors';
import { type AdapterBrowse, type AdapterDefinition, defineAdapter, SDK_VERSION } from '@lwm2m-adapters/sdk';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { browseCommand } from '../src/commands/browse-command.js';
import { ExitCode } from '../src/exit-codes.js';

function capture() {
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  return {
    lines,
    out: { stdout: (t: string) => lines.stdout.push(t), stderr: (t: string) => lines.stderr.push(t) },
  };
}

const calls: { target: string; values: unknown }[] = [];
const fakeBrowse: AdapterBrowse = {
  synopsis: 'fake://host [--depth N]',
  schemes: ['fake'],
  options: { depth: { value: 'N', description: 'how deep' }, flat: { description: 'no nesting' } },
  async run(target, values) {
    calls.push({ target, values });
    if (target.includes('down')) throw new CodedError('DEVICE_UNREACHABLE', `cannot reach ${target}`);
    return 'version: 1\n';
  },
};

function adapter(name: string, browse?: AdapterBrowse): AdapterDefinition {
  return defineAdapter({
    name,
    version: '1.0.0',
    sdkVersion: `^${SDK_VERSION}`,
    capabilities: { read: true, write: false, execute: false, subscribe: false },
    connectionSchema: z.object({}),
    pointSchema: z.object({}),
    pointValueKind: () => 'number',
    validateWrite: () => undefined,
    createSession: () => {
      throw new Error('not here');
    },
    ...(browse === undefined ? {} : { browse }),
  }) as AdapterDefinition;
}

const adapters: Record<string, AdapterDefinition> = {
  plain: adapter('plain'),
  fake: adapter('fake', fakeBrowse),
};
const load = async (name: string) => adapters[name] as AdapterDefinition;

describe('browseCommand', () => {
  it('hands the URL and the adapter’s parsed options to the adapter whose scheme it is, and prints its YAML', async () => {
    const { lines, out } = capture();
    expect(
      await browseCommand(['fake://plc:1', '--depth', '2', '--flat'], out, load, ['plain', 'fake']),
    ).toBe(ExitCode.OK);
    expect(lines.stdout).toEqual(['version: 1\n']);
    expect(calls.at(-1)).toEqual({ target: 'fake://plc:1', values: { depth: '2', flat: true } });
  });

  it('says which URLs it can browse when no adapter takes the scheme', async () => {
    const { lines, out } = capture();
    expect(await browseCommand(['tcp://plc:502'], out, load, ['plain', 'fake'])).toBe(ExitCode.USAGE);
    expect(lines.stderr.join('\n')).toMatch(
      /no adapter browses "tcp:\/\/plc:502"; browsable URLs start with fake:/,
    );
  });

  it('prints the adapter’s own help, refuses unknown options, and maps device errors to exit 1', async () => {
    const help = capture();
    expect(await browseCommand(['fake://plc', '--help'], help.out, load, ['fake'])).toBe(ExitCode.OK);
    expect(help.lines.stdout.join('\n')).toMatch(
      /usage: adapter-host browse fake:\/\/host \[--depth N\][\s\S]*--depth N\s+how deep/,
    );
    const bad = capture();
    expect(await browseCommand(['fake://plc', '--bogus'], bad.out, load, ['fake'])).toBe(ExitCode.USAGE);
    const down = capture();
    expect(await browseCommand(['fake://down'], down.out, load, ['fake'])).toBe(ExitCode.FAILURE);
    expect(down.lines.stderr.join('\n')).toContain('DEVICE_UNREACHABLE: cannot reach fake://down');
    const none = capture();
    expect(await browseCommand([], none.out, load, ['fake'])).toBe(ExitCode.USAGE);
  });
});
