// biome-ignore-all lint/suspicious/noTemplateCurlyInString: mapping texts use ${VAR} references
import { describe, expect, it } from 'vitest';
import {
  describeMapping,
  diffCompiledMappings,
  formatMappingIssue,
  formatMappingIssues,
} from '../src/index.js';
import { compileOk } from './support/compile-text.js';
import { PLANT } from './support/plant-mapping.js';

const ENV = { PLC_COMMUNITY: 'hunter22-community' };

describe('describeMapping', () => {
  it('summarises devices, points and objects without secrets', async () => {
    const mapping = await compileOk(PLANT, { env: ENV });
    expect(describeMapping(mapping)).toBe(
      [
        'plc.yml: 4 devices, 31 points (24 bound, 7 constants), objects 3, 3200, 3303, 3311, 3341',
        '  boiler-1: adapter fixture 1.2.3, prefix dev0, endpoint urn:dev:plant1:boiler-1, 10 points (6 bound, 4 constants), poll 250ms/1s, objects /3 (0), /3200 (0), /3303 (0), /3311 (0)',
        '  boiler-2: adapter fixture 1.2.3, prefix boiler-2, endpoint boiler-2, 7 points (6 bound, 1 constant), poll 250ms/5s, objects /3200 (0), /3303 (0), /3311 (0), /3341 (0)',
        '  boiler-3: adapter fixture 1.2.3, prefix boiler-3, endpoint boiler-3, 7 points (6 bound, 1 constant), poll 250ms/5s, objects /3200 (0), /3303 (0), /3311 (0), /3341 (0)',
        '  boiler-4: adapter fixture 1.2.3, prefix boiler-4, endpoint boiler-4, 7 points (6 bound, 1 constant), poll 250ms/5s, objects /3200 (0), /3303 (0), /3311 (0), /3341 (0)',
        '',
      ].join('\n'),
    );
    expect(describeMapping(mapping)).not.toContain(ENV.PLC_COMMUNITY);
  });
});

describe('diffCompiledMappings', () => {
  it('tells a reload which devices changed, ignoring moved lines', async () => {
    const before = await compileOk(PLANT, { env: ENV });
    const moved = await compileOk(`# a comment that moves every line\n${PLANT}`, { env: ENV });
    expect(diffCompiledMappings(before, moved)).toEqual({
      added: [],
      removed: [],
      changed: [],
      retuned: [],
      unchanged: ['boiler-1', 'boiler-2', 'boiler-3', 'boiler-4'],
      objectDefinitionsChanged: false,
    });
    const edited = await compileOk(
      PLANT.replace('instances: { n: 2..4 }', 'instances: { n: 3..5 }').replace(
        'connection: { unitId: 7 }',
        'connection: { unitId: 8 }',
      ),
      {
        env: ENV,
      },
    );
    expect(diffCompiledMappings(before, edited)).toEqual({
      added: ['boiler-5'],
      removed: ['boiler-2'],
      changed: ['boiler-1'],
      retuned: [],
      unchanged: ['boiler-3', 'boiler-4'],
      objectDefinitionsChanged: false,
    });
  });

  it('tells apart a change of reporting only (poll, pmin, pmax, deadband), which a host applies in place', async () => {
    const before = await compileOk(PLANT, { env: ENV });
    const retuned = await compileOk(
      PLANT.replace('  poll: 1s', '  poll: 2s').replace('deadband: 0.2', 'deadband: 0.5'),
      { env: ENV },
    );
    // boiler-2..4 poll every 5s by their own defaults: only the deadband changed for them
    expect(diffCompiledMappings(before, retuned)).toEqual({
      added: [],
      removed: [],
      changed: [],
      retuned: ['boiler-1', 'boiler-2', 'boiler-3', 'boiler-4'],
      unchanged: [],
      objectDefinitionsChanged: false,
    });
    const scaled = await compileOk(
      PLANT.replace('  poll: 1s', '  poll: 2s').replace('scale: 0.1', 'scale: 0.2'),
      {
        env: ENV,
      },
    );
    expect(diffCompiledMappings(before, scaled).changed).toEqual([
      'boiler-1',
      'boiler-2',
      'boiler-3',
      'boiler-4',
    ]);
  });
});

describe('formatMappingIssues', () => {
  it('lists at most the limit and counts the rest', () => {
    const issue = { file: 'plc.yml', line: 3, column: 5, path: ['devices', 0], message: 'm' };
    expect(formatMappingIssue({ ...issue, expected: 'e', devices: ['a', 'b'] })).toBe(
      'plc.yml:3:5: m; expected e (devices a, b)',
    );
    expect(formatMappingIssues([issue, issue, issue], 2)).toBe(
      'plc.yml:3:5: m\nplc.yml:3:5: m\n... and 1 more',
    );
  });
});
