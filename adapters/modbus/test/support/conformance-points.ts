/**
 * The device layout both conformance runs use (against pymodbus and against our simulator): unit 7
 * with a CDAB float32 at holding 0, an int16 at holding 2, a coil at 3, a 4-register string at
 * holding 10 and a uint64 at input 4. Each device is loaded with these values by its own test.
 */
const rw = { read: true, write: true, execute: false };

export const conformanceUnitId = 7;

export function conformanceConnection(port: number) {
  return {
    transport: 'tcp',
    host: '127.0.0.1',
    port,
    unitId: conformanceUnitId,
    timeoutMs: 500,
    reconnect: { initialMs: 100, maxMs: 500 },
  };
}

export const conformancePoints = {
  points: [
    {
      id: '/3303/0/5700',
      source: { table: 'holding', address: 0, type: 'float32', order: 'CDAB' },
      access: rw,
    },
    { id: '/3308/0/5900', source: { table: 'holding', address: 2, type: 'int16' }, access: rw },
    { id: '/3311/0/5850', source: { table: 'coil', address: 3 }, access: rw },
    { id: '/3341/0/5527', source: { table: 'holding', address: 10, type: 'string', length: 4 }, access: rw },
    {
      id: '/3/0/13',
      source: { table: 'input', address: 4, type: 'uint64' },
      access: { read: true, write: false, execute: false },
    },
  ],
  readable: ['/3303/0/5700', '/3308/0/5900', '/3311/0/5850', '/3341/0/5527', '/3/0/13'],
  writes: [
    { pointId: '/3308/0/5900', value: 72 },
    { pointId: '/3311/0/5850', value: false },
    { pointId: '/3341/0/5527', value: 'running' },
    { pointId: '/3303/0/5700', value: -3.75 },
  ],
  invalidWrites: [
    { pointId: '/3308/0/5900', value: 40_000 },
    { pointId: '/3308/0/5900', value: 1.5 },
    { pointId: '/3311/0/5850', value: 'yes' },
    { pointId: '/3341/0/5527', value: 'longer than eight' },
  ],
  unknownPoint: { id: '/3303/1/5700', source: { table: 'holding', address: 400 }, access: rw },
};
