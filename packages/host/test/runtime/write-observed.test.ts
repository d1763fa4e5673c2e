/**
 * A server writes a point it observes, through the whole host (gateway mode, scripted CoAP server,
 * in-process Modbus PLC): the PLC sees the write and one read of the point, and the observer gets
 * one notification with the new value. The engine reports the write to the observer itself; the
 * host's re-read answers that notification and is not reported to the observer again.
 */
import { expect, it } from 'vitest';
import { startOnePointHost } from '../support/one-point-host.js';
import { hasToken } from '../support/raw-coap-peer.js';

const TEXT = 0;

it('reads a written, observed point once and notifies its observer once', async () => {
  await using plant = await startOnePointHost({
    name: 'write-observed',
    register: { address: 10, value: 400 },
    point: '/3308/0/5900: { source: { table: holding, address: 10, type: int16 }, scale: 0.1, access: rw }',
    location: 'w1',
    // observed: read once at once, then not again within the test
    host: { runner: { observedPollMs: 60_000 } },
  });
  const { simulator, peer, host, register } = plant;
  const path = ['boiler1', '3308', '0', '5900'];
  const observe = await peer.request(register.from, {
    code: 'GET',
    uriPath: path,
    observe: 0,
    accept: TEXT,
  });
  expect(observe.response.packet.payload.toString()).toBe('40');
  const runner = host.runner('boiler-1')!;
  // the Observe's own read, then the first background read the observation asked for, done
  await expect.poll(() => [runner.pollIntervals().size, runner.stats().pointReads]).toEqual([1, 2]);
  const before = simulator.stats().requests;

  const written = await peer.request(register.from, {
    code: 'PUT',
    uriPath: path,
    contentFormat: TEXT,
    payload: '55.5',
  });
  expect(written.response.packet.code).toBe('2.04');
  const notified = await peer.nextMessage(hasToken(observe.token), 5_000, 'the notification of 55.5');
  expect(notified.packet.payload.toString()).toBe('55.5');
  // nothing else comes: no second read of the point, no second notification
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(peer.drain(hasToken(observe.token)).map((m) => m.packet.payload.toString())).toEqual([]);
  expect(simulator.readValue(1, 'holdingRegisters', 10, { type: 'int16' })).toBe(555);
  expect(simulator.stats().requests - before).toBe(2); // the write and one read
  expect(runner.stats()).toMatchObject({ writes: 1, adapterReads: 3, pointReads: 3 });

  await plant.closeHost();
}, 30_000);
