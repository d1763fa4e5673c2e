// biome-ignore-all lint/suspicious/noTemplateCurlyInString: mapping texts use ${VAR} references
import { describe, expect, it } from 'vitest';
import { printCompiledMapping, redactCompiledMapping } from '../src/index.js';
import { compileIssues, compileOk, compileText, yaml } from './support/compile-text.js';

function oneDevice(connection: string, extraPoints: string[] = []): string {
  return yaml(
    'version: 1',
    'devices:',
    '  - id: plc-1',
    '    adapter: fixture',
    `    connection: ${connection}`,
    '    points:',
    '      /3303/0/5700: { source: { table: holding, address: 1, type: float32 } }',
    ...extraPoints,
  );
}

describe('environment variables', () => {
  it('substitutes ${VAR}, uses ${VAR:-default} when unset or empty, and keeps $${ literal', async () => {
    const text = oneDevice('{ host: "${HOST:-plc.local}", port: "${PORT:-502}", unitId: "${UNIT}" }', [
      '      /3303/0/5701: "$${not a variable}"',
      '      /3303/0/5750: "unit ${UNIT} on ${HOST:-?}"',
    ]);
    const mapping = await compileOk(text, { env: { UNIT: '7', HOST: '' } });
    const device = mapping.devices[0];
    expect(device?.connection).toEqual({ host: 'plc.local', port: 502, unitId: 7 });
    expect(device?.points.find((p) => p.id === '/3303/0/5701')).toMatchObject({
      constant: '${not a variable}',
    });
    expect(device?.points.find((p) => p.id === '/3303/0/5750')).toMatchObject({ constant: 'unit 7 on ?' });
  });

  it('keeps a number-looking value as text where the schema wants text', async () => {
    const mapping = await compileOk(oneDevice('{ host: "${HOST}", unitId: 1 }'), { env: { HOST: '1234' } });
    expect(mapping.devices[0]?.connection).toMatchObject({ host: '1234' });
    const plain = await compileOk(oneDevice('{ host: 0012, unitId: 1 }'));
    expect(plain.devices[0]?.connection).toMatchObject({ host: '0012' });
  });

  it('reports a missing variable where it is used, and a malformed reference', async () => {
    expect(
      await compileIssues(oneDevice('{ host: "${PLC_HOST}", unitId: "${UNIT:-1}", port: "${PORT" }')),
    ).toEqual([
      'plc.yml:5:25: variable PLC_HOST is not set; expected an environment variable PLC_HOST, or a default: ${PLC_HOST:-value}',
      'plc.yml:5:68: unterminated reference "${PORT"; expected ${NAME}, ${NAME:-default}, or $${ for a literal ${',
    ]);
  });

  it('suggests an instance variable for a misspelt reference', async () => {
    const text = yaml(
      'version: 1',
      'devices:',
      '  - id: plc-${n}',
      '    adapter: fixture',
      '    instances: { n: [1] }',
      '    connection: { host: plc, unitId: "${m}" }',
      '    points:',
      '      /3303/0/5700: { source: { table: holding, address: 1, type: float32 } }',
    );
    expect(await compileIssues(text)).toEqual([
      'plc.yml:6:38: variable m is not set; expected an environment variable m, or a default: ${m:-value} (did you mean n?) (device plc-1)',
    ]);
  });
});

describe('instances', () => {
  it('expands every combination of variables, first variable outermost', async () => {
    const text = yaml(
      'version: 1',
      'templates:',
      '  meter:',
      '    adapter: fixture',
      '    connection: { host: "${line}.plant", unitId: "${n}" }',
      '    points:',
      '      /3303/0/5700: { source: { table: holding, address: 1, type: float32 } }',
      'devices:',
      '  - id: ${line}-${n}',
      '    template: meter',
      '    instances: { line: [north, south], n: 1..2 }',
      '  - id: ${name}',
      '    template: meter',
      '    instances:',
      '      - { name: spare, line: east, n: 9 }',
    );
    const mapping = await compileOk(text);
    expect(mapping.devices.map((d) => [d.id, d.connection])).toEqual([
      ['north-1', { host: 'north.plant', port: 502, unitId: 1 }],
      ['north-2', { host: 'north.plant', port: 502, unitId: 2 }],
      ['south-1', { host: 'south.plant', port: 502, unitId: 1 }],
      ['south-2', { host: 'south.plant', port: 502, unitId: 2 }],
      ['spare', { host: 'east.plant', port: 502, unitId: 9 }],
    ]);
  });

  it('refuses to expand beyond the per-entry limit', async () => {
    const text = yaml(
      'version: 1',
      'devices:',
      '  - id: d${a}-${b}',
      '    adapter: fixture',
      '    instances: { a: 1..200, b: 1..200 }',
      '    connection: { host: plc, unitId: 1 }',
      '    points: {}',
    );
    expect(await compileIssues(text)).toEqual([
      'plc.yml:5:5: instances expands to more than 10000 devices; expected at most 10000 per device entry (split it into several entries)',
    ]);
  });
});

describe('secrets', () => {
  const SECRET = 'hunter22-community';
  const text = oneDevice(
    '{ host: plc, unitId: 1, community: "${PLC_COMMUNITY}", password: "${DB_PASSWORD}" }',
  );

  it('marks secret connection values and redacts them when printed', async () => {
    const mapping = await compileOk(text, { env: { PLC_COMMUNITY: SECRET, DB_PASSWORD: 'pa55-word-x' } });
    const device = mapping.devices[0];
    expect(device?.connection).toMatchObject({ community: SECRET, password: 'pa55-word-x' });
    expect(device?.secretPaths).toEqual(['/connection/community', '/connection/password']);
    const printed = printCompiledMapping(mapping);
    expect(printed).not.toContain(SECRET);
    expect(printed).not.toContain('pa55-word-x');
    expect(printed).toContain('"community": "[redacted]"');
    expect(JSON.stringify(redactCompiledMapping(mapping))).not.toContain(SECRET);
    // Redaction copies: the mapping the host runs keeps the secret.
    expect(mapping.devices[0]?.connection).toMatchObject({ community: SECRET });
  });

  it('treats a value from a secret-looking variable as secret whatever its key', async () => {
    const mapping = await compileOk(oneDevice('{ host: "${PLC_HOST_TOKEN}", unitId: 1 }'), {
      env: { PLC_HOST_TOKEN: 'tok-123456' },
    });
    expect(mapping.devices[0]?.secretPaths).toEqual(['/connection/host']);
    expect(printCompiledMapping(mapping)).not.toContain('tok-123456');
  });

  it('never puts a secret into an error message', async () => {
    const bad = yaml(
      'version: 1',
      'devices:',
      '  - id: plc-1',
      '    adapter: fixture',
      '    connection: { host: plc, unitId: "${UNIT_SECRET}", community: "${PLC_COMMUNITY}" }',
      '    points:',
      '      /3303/0/5700: { source: { table: hunter22-community, address: 1, type: float32 } }',
      '      /3303/0/5701: { source: { table: holding, address: 2, type: "${TYPE_TOKEN}" } }',
    );
    const env = { PLC_COMMUNITY: SECRET, UNIT_SECRET: 'not-a-number-secret', TYPE_TOKEN: 'float32-secret' };
    const lines = await compileIssues(bad, { env });
    expect(lines).toEqual([
      'plc.yml:5:38: connection.unitId is not valid; expected a number',
      'plc.yml:7:40: /3303/0/5700: source.table "[redacted]" is not valid; expected one of holding, input, coil, discrete',
      'plc.yml:8:67: /3303/0/5701: source.type is not valid; expected one of int16, uint16, int32, uint32, float32, bool, string',
    ]);
    const result = await compileText(bad, { env });
    const serialized = JSON.stringify(result);
    for (const secret of Object.values(env)) expect(serialized).not.toContain(secret);
  });

  it('does not show a literal secret that fails validation', async () => {
    expect(await compileIssues(oneDevice('{ host: plc, unitId: 1, community: abc }'))).toEqual([
      'plc.yml:5:52: connection.community is too short; expected at least 4 characters',
    ]);
  });
});
