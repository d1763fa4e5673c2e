/**
 * PointSpecTable: the adapter's view of each bound point, made once per compiled point, so the
 * devices of one template hand their sessions the very same spec objects.
 */
import { describe, expect, it } from 'vitest';
import { PointSpecTable } from '../../src/runtime/device/point-spec-table.js';
import { FakeClock } from './support/fake-clock.js';
import { compileScripted, ScriptedDevice } from './support/scripted-adapter.js';

const MAPPING = `version: 1
templates:
  boiler:
    adapter: scripted
    connection: {}
    points:
      /3311/0/5851: { source: { register: 20 }, access: rw }
      /3311/0/5850: true
      /3303/0/5700: { source: { register: 21 } }
devices:
  - id: boiler-\${n}
    template: boiler
    instances: { n: 1..3 }
  - id: other
    adapter: scripted
    connection: {}
    points:
      /3303/0/5700: { source: { register: 99 } }
`;

describe('PointSpecTable', () => {
  it('gives the devices of one template the same spec objects, bound points only (not the constant), in the compiled order', async () => {
    const mapping = await compileScripted(MAPPING, new ScriptedDevice(new FakeClock()));
    const [first, second, third, other] = mapping.devices;
    const table = new PointSpecTable();
    const specs = table.specsOf(first!);
    // the compiled device's order (by path), sources as the adapter's schema gave them
    expect(specs).toEqual([
      {
        id: '/3303/0/5700',
        source: { register: 21, kind: 'integer' },
        access: { read: true, write: false, execute: false },
      },
      {
        id: '/3311/0/5851',
        source: { register: 20, kind: 'integer' },
        access: { read: true, write: true, execute: false },
      },
    ]);
    expect(Object.isFrozen(specs[0])).toBe(true);
    const again = table.specsOf(second!);
    expect(again).not.toBe(specs); // a list per session
    expect(again[0]).toBe(specs[0]);
    expect(again[1]).toBe(specs[1]);
    expect(table.specsOf(third!)[0]).toBe(specs[0]);
    // another device's point of the same path is another point: its own spec
    const [otherSpec] = table.specsOf(other!);
    expect(otherSpec).toEqual({ ...specs[0], source: { register: 99, kind: 'integer' } });
    expect(otherSpec).not.toBe(specs[0]);
    // another table (another host) makes its own
    expect(new PointSpecTable().specsOf(first!)[0]).not.toBe(specs[0]);
  });
});
