/**
 * The editor JSON Schema against real validators: every mapping YAML file of the repo and every
 * mapping example of its READMEs must pass ajv AND yaml-language-server, and the language server
 * must offer resource paths with their names (completion) and name them on hover.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Position } from 'vscode-languageserver-types';
import { parse } from 'yaml';
import {
  ajvProblems,
  languageServerProblems,
  mappingLanguageService,
  yamlDocument,
} from './support/yaml-editor.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const schemaFile = `${root}packages/mapping/mapping.schema.json`;
const service = mappingLanguageService(schemaFile);
const ajv = ajvProblems(schemaFile);

const isMappingDocument = (text: string): boolean => {
  const value: unknown = parse(text);
  return typeof value === 'object' && value !== null && ('devices' in value || 'templates' in value);
};

/** Every tracked YAML file that is a mapping, and every mapping example (```yaml) in a README. */
function mappingTexts(): { name: string; text: string }[] {
  const files = execFileSync('git', ['ls-files', '*.yml', '*.yaml', '*.md'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f !== '' && !f.includes('node_modules/'));
  const texts: { name: string; text: string }[] = [];
  for (const file of files) {
    const content = readFileSync(`${root}${file}`, 'utf8');
    if (!file.endsWith('.md')) {
      if (isMappingDocument(content)) texts.push({ name: file, text: content });
      continue;
    }
    let n = 0;
    for (const [, block = ''] of content.matchAll(/```yaml\n([\s\S]*?)```/g)) {
      n++;
      if (!isMappingDocument(block)) continue; // a connection or source fragment
      // an excerpt "in a mapping file" gets the version line a whole file has
      const text = /^version:/m.test(block) ? block : `version: 1\n${block}`;
      texts.push({ name: `${file} yaml block ${n}`, text });
    }
  }
  return texts;
}

const texts = mappingTexts();

describe('the mapping JSON Schema in editors', () => {
  it('finds the mappings to check', () => {
    const names = texts.map((t) => t.name);
    expect(names).toContain('mappings/plc.yml');
    expect(names).toContain('packages/mapping/README.md yaml block 1');
    expect(names).toContain('examples/custom-adapter/README.md yaml block 1');
  });

  it.each(texts)('accepts $name (ajv and yaml-language-server)', async ({ name, text }) => {
    expect(ajv(text)).toEqual([]);
    expect(await languageServerProblems(service, name, text)).toEqual([]);
  });

  it('still refuses what is wrong, in both', async () => {
    const wrong = `version: 1
devices:
  - id: "bad id!"
    adapter: modbus
    connection: { transport: tcp, host: plc }
    points:
      /3303/0/5700: { source: { table: holdng, address: 0 } }
      /3303/0: 1
`;
    expect(ajv(wrong).length).toBeGreaterThanOrEqual(3);
    const problems = await languageServerProblems(service, 'wrong.yml', wrong);
    expect(problems.map((p) => p.line).sort()).toEqual(expect.arrayContaining([3, 7, 8]));
  });

  it('offers resource paths with their names, and names them on hover', async () => {
    const text = `version: 1
devices:
  - id: meter
    adapter: modbus
    points:
      /3303/0/5700: { source: { table: holding, address: 0 } }
      
`;
    const document = yamlDocument('complete.yml', text);
    const completion = await service.doComplete(document, Position.create(6, 6), false);
    const sensor = completion.items.find((item) => item.label === '/3303/0/5700');
    const power = completion.items.find((item) => item.label === '/3305/0/5800');
    expect(power?.documentation).toBe(
      'Power Measurement (3305) / Instantaneous active power (5800): float, operations R, mandatory, units W',
    );
    expect(sensor === undefined || typeof sensor.documentation === 'string').toBe(true);
    const hover = await service.doHover(document, Position.create(5, 10));
    expect(JSON.stringify(hover?.contents)).toContain('Temperature (3303) / Sensor Value (5700): float');
  });
});
