// biome-ignore-all lint/suspicious/noTemplateCurlyInString: mapping texts use ${VAR} references
import { describe, expect, it } from 'vitest';
import { compileOk, compileText, yaml } from './support/compile-text.js';

const DEVICES = 100;
const POINTS_PER_DEVICE = 100;

/** 100 devices x 100 points through one template: 10,000 points. */
function largeMapping(): string {
  const points = Array.from(
    { length: POINTS_PER_DEVICE },
    (_, i) =>
      `      /3303/${i}/5700: { source: { table: holding, address: ${i * 2}, type: float32 }, scale: 0.1 }`,
  );
  return yaml(
    'version: 1',
    'defaults: { poll: 2s }',
    'templates:',
    '  rack:',
    '    adapter: fixture',
    '    connection: { host: "10.1.${n}.1", unitId: 1 }',
    '    points:',
    ...points,
    'devices:',
    '  - id: rack-${n}',
    '    template: rack',
    `    instances: { n: 1..${DEVICES} }`,
  );
}

describe('a 10,000-point mapping', () => {
  it('compiles every point correctly', async () => {
    const mapping = await compileOk(largeMapping());
    expect(mapping.devices).toHaveLength(DEVICES);
    expect(mapping.devices.reduce((sum, device) => sum + device.points.length, 0)).toBe(
      DEVICES * POINTS_PER_DEVICE,
    );
    const last = mapping.devices[DEVICES - 1];
    expect(last?.id).toBe('rack-100');
    expect(last?.connection).toEqual({ host: '10.1.100.1', port: 502, unitId: 1 });
    expect(last?.objects).toEqual([
      { objectId: 3303, version: '1.1', instances: Array.from({ length: POINTS_PER_DEVICE }, (_, i) => i) },
    ]);
    expect(last?.points[99]).toMatchObject({
      id: '/3303/99/5700',
      source: { address: 198, table: 'holding', type: 'float32' },
      conversion: { scale: 0.1 },
      reporting: { pollMs: 2000 },
      location: { file: 'plc.yml', line: 107, column: 7 },
    });
  });

  it('reports a problem in the shared template once, naming the devices', async () => {
    const broken = largeMapping().replace('address: 198, type: float32', 'address: 197, type: float32');
    const result = await compileText(broken);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({
      line: 107,
      message: '/3303/99/5700: holding registers 197..198 overlap /3303/98/5700 (196..197)',
    });
    expect(result.issues[0]?.devices).toHaveLength(DEVICES);
  });
});
