import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  MAX_DURATION_MS,
  MAX_INSTANCES_PER_ENTRY,
  MAX_MAPPING_BYTES,
  MAX_NESTING_DEPTH,
  MAX_QUOTED_CHARACTERS,
} from '../src/index.js';
import { MAX_EXPANDED_NODES } from '../src/yaml-reader.js';

describe('the README', () => {
  it('documents every limit of a mapping, with its value', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const limits = readme.slice(readme.indexOf('## Limits'), readme.indexOf('## API'));
    const number = (value: number) => value.toLocaleString('en-US');
    for (const [name, shown] of [
      ['MAX_MAPPING_BYTES', `${MAX_MAPPING_BYTES / 2 ** 20} MiB`],
      ['MAX_NESTING_DEPTH', `${MAX_NESTING_DEPTH} levels`],
      ['MAX_EXPANDED_NODES', number(MAX_EXPANDED_NODES)],
      ['MAX_INSTANCES_PER_ENTRY', number(MAX_INSTANCES_PER_ENTRY)],
      ['MAX_QUOTED_CHARACTERS', `${MAX_QUOTED_CHARACTERS} characters`],
      ['durations', `${number(MAX_DURATION_MS)} ms`],
    ] as const) {
      expect(limits, name).toContain(shown);
      if (name.startsWith('MAX_')) expect(limits, name).toContain(`\`${name}\``);
    }
  });
});
