// biome-ignore-all lint/suspicious/noTemplateCurlyInString: mapping texts use ${VAR} references
import { describe, expect, it } from 'vitest';
import { MAX_INSTANCES_PER_ENTRY } from '../src/index.js';
import { compileIssues, yaml } from './support/compile-text.js';

const TEMPLATES = [
  'version: 1',
  'templates:',
  '  sensor:',
  '    adapter: fixture',
  '    connection: { host: h, unitId: 1 }',
  '    points: { /3303/0/5700: { source: { table: holding, address: 0, type: float32 } } }',
  'devices:',
];

describe('every independent problem, and no consequential one', () => {
  it('a misspelled template is the only problem of a device that relies on it', async () => {
    expect(await compileIssues(yaml(...TEMPLATES, '  - id: a', '    template: sensr'))).toEqual([
      'plc.yml:9:15: template "sensr" is not defined; expected one of sensor (did you mean sensor?)',
    ]);
  });

  it('the device’s own problems are still shown beside a misspelled template', async () => {
    expect(
      await compileIssues(
        yaml(
          ...TEMPLATES,
          '  - id: a',
          '    template: sensr',
          '    connection: { port: 70000 }',
          '    poll: 1s',
        ),
      ),
    ).toEqual([
      'plc.yml:9:15: template "sensr" is not defined; expected one of sensor (did you mean sensor?)',
      'plc.yml:11:5: poll is not a known setting; expected one of id, template, adapter, connection, points, prefix, endpoint, instances, defaults, description',
    ]);
  });

  it('an entry that expands to too many devices still has its template checked', async () => {
    expect(
      await compileIssues(
        yaml(
          ...TEMPLATES,
          '  - id: a${n}',
          '    template: sensr',
          `    instances: { n: 1..${MAX_INSTANCES_PER_ENTRY + 1} }`,
        ),
      ),
    ).toEqual([
      'plc.yml:9:15: template "sensr" is not defined; expected one of sensor (did you mean sensor?) (device a1)',
      `plc.yml:10:5: instances expands to more than ${MAX_INSTANCES_PER_ENTRY} devices; expected at most ${MAX_INSTANCES_PER_ENTRY} per device entry (split it into several entries)`,
    ]);
  });

  it('an entry with invalid instances still has its other keys checked', async () => {
    expect(
      await compileIssues(
        yaml(...TEMPLATES, '  - id: a${n}', '    template: sensr', '    instances: { n: 5..1 }'),
      ),
    ).toEqual([
      'plc.yml:9:15: template "sensr" is not defined; expected one of sensor (did you mean sensor?)',
      'plc.yml:10:21: instances.n "5..1" is an empty or reversed range; expected a range low..high with low <= high, e.g. 1..50',
    ]);
  });
});
