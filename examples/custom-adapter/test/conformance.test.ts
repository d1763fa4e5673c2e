import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeAdapterConformance } from '@lwm2m-adapters/sdk/testing';
import { adapter } from '../src/index.js';

const initial = { boiler: { temperature: 21.5, setpoint: 60, running: true, state: 'idle' } };
const access = { read: true, write: true, execute: false };

describeAdapterConformance('jsonfile (template third-party adapter)', {
  adapter,
  async setup() {
    const dir = await mkdtemp(join(tmpdir(), 'jsonfile-adapter-'));
    const file = join(dir, 'device.json');
    await writeFile(file, JSON.stringify(initial));
    return {
      connection: { file },
      points: [
        { id: '/3303/0/5700', source: { key: 'boiler.temperature', type: 'number' }, access },
        { id: '/3308/0/5900', source: { key: 'boiler.setpoint', type: 'integer', min: 0, max: 95 }, access },
        { id: '/3311/0/5850', source: { key: 'boiler.running', type: 'boolean' }, access },
        { id: '/3341/0/5527', source: { key: 'boiler.state', type: 'string' }, access },
      ],
      readable: ['/3303/0/5700', '/3308/0/5900', '/3311/0/5850', '/3341/0/5527'],
      writes: [
        { pointId: '/3308/0/5900', value: 72 },
        { pointId: '/3311/0/5850', value: false },
        { pointId: '/3341/0/5527', value: 'running' },
      ],
      invalidWrites: [
        { pointId: '/3308/0/5900', value: 120 },
        { pointId: '/3308/0/5900', value: 1.5 },
        { pointId: '/3311/0/5850', value: 'yes' },
      ],
      unknownPoint: { id: '/3303/1/5700', source: { key: 'boiler.missing', type: 'number' }, access },
      stopDevice: () => rm(file, { force: true }),
      restartDevice: () => writeFile(file, JSON.stringify(initial)),
      teardown: () => rm(dir, { recursive: true, force: true }),
    };
  },
});
