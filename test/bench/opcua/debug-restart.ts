import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayServer } from '@lwm2m-adapters/gateway-server';
import { ContentFormat, ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import { HostProcess, itemPath } from './host-process.js';
import { SimulatorProcess } from './simulator-process.js';

const sim = await SimulatorProcess.start({ items: 1000, tickMs: 1000 });
const gateway = await GatewayServer.start({ coap: { host: '127.0.0.1', port: 0 }, model: ObjectRegistry.withOmaObjects() });
const t0 = performance.now();
const log = (...a: unknown[]) => console.log(((performance.now() - t0) / 1000).toFixed(2), ...a);
let reg: any;
gateway.server.on('registered', ({ registration }) => { reg = registration; log('registered'); });
const folder = await mkdtemp(join(tmpdir(), 'dbg-'));
const host = await HostProcess.start({ folder, endpoint: sim.endpoint, items: 1000, serverUri: `coap://127.0.0.1:${gateway.address('coap')?.port}` });
while (!reg) await new Promise((r) => setTimeout(r, 50));
await new Promise((r) => setTimeout(r, 1500));
const codes = new Map<string, number>();
let ended = 0;
let next = 0;
await Promise.all(Array.from({ length: 16 }, async () => {
  while (next < 1000) {
    const i = next++;
    const res = await gateway.server.observe(reg, itemPath(i), { format: ContentFormat.TEXT, onNotification: (n) => codes.set(n.code + (n.confirmable ? 'C' : 'N'), (codes.get(n.code + (n.confirmable ? 'C' : 'N')) ?? 0) + 1) });
    if (res.code !== '2.05') log('observe', i, res.code);
    res.observation?.ended.then((e) => { ended++; if (ended < 3) log('ended', i, JSON.stringify(e)); });
  }
}));
log('observed all');
const timer = setInterval(() => { log('codes', JSON.stringify([...codes]), 'ended', ended); codes.clear(); }, 1000);
await new Promise((r) => setTimeout(r, 2500));
log('restart'); await sim.restart(); log('back');
await new Promise((r) => setTimeout(r, 10000));
clearInterval(timer); console.log(host.errors.slice(-3000));
await host.close(); await sim.close(); await gateway.close();
