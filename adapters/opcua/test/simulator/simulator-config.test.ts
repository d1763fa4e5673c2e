/** The simulator configuration: YAML problems located by file, line and column, all at once. */
import { describe, expect, it } from 'vitest';
import { parseOpcuaSimulatorConfigYaml } from '../../src/simulator/index.js';

describe('parseOpcuaSimulatorConfigYaml', () => {
  it('names every problem with its line and column', () => {
    const text = [
      'variables:',
      '  - node: ns=2;s=A',
      '    type: Doubel',
      '  - node: ns=2;s=B',
      '    type: Int32',
      '    colour: red',
      'methods:',
      '  - object: /2:Pump',
      '    method: /2:Pump/2:Set',
      '    behaviour: { kind: set, target: ns=2;s=Nope }',
    ].join('\n');
    let message = '';
    try {
      parseOpcuaSimulatorConfigYaml(text, 'plant.yml');
    } catch (error) {
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      message = (error as Error).message;
    }
    expect(message).toContain('plant.yml:3:11: variables[0].type:');
    expect(message).toContain('plant.yml:6:5: variables[1].colour: unknown key "colour"');
  });

  it('checks method targets and duplicate nodes once the structure is valid', () => {
    const text = [
      'variables:',
      '  - { node: ns=2;s=A, type: Double }',
      '  - { node: ns=2;s=A, type: Double }',
      'methods:',
      '  - object: /2:Pump',
      '    method: /2:Pump/2:Set',
      '    inputs: [{ name: v, type: Double }]',
      '    behaviour: { kind: set, target: ns=2;s=Nope }',
    ].join('\n');
    expect(() => parseOpcuaSimulatorConfigYaml(text, 'p.yml')).toThrow(
      /p\.yml:3:\d+: variables\[1\]\.node: ns=2;s=A is already variables\[0\][\s\S]*p\.yml:8:\d+: methods\[0\]\.behaviour\.target: ns=2;s=Nope is not one of the variables/,
    );
  });
});
