/**
 * HostEndpoint.report asks a changed point for its path only when something takes it: an
 * observation (the engine) or a Send batch. A host polling points nobody observes and nobody sends
 * makes no path per point (issue 16). The server is a UDP socket that never answers.
 */
import { createSocket, type Socket } from 'node:dgram';
import { systemClock } from '@lwm2m-adapters/kit';
import { LwM2mPath, ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangedPoint } from '../../src/runtime/device/point-record.js';
import { HostEndpoint, type SendSettings } from '../../src/runtime/topology/host-endpoint.js';

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function endpointWith(send: SendSettings | undefined): Promise<HostEndpoint> {
  const silent: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  closing.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
  const endpoint = await HostEndpoint.open(
    {
      server: { uri: `coap://127.0.0.1:${silent.address().port}`, bindAddress: '127.0.0.1' },
      logger: pino({ level: 'silent' }),
      clock: systemClock,
      send,
      model: () => ({ registry: ObjectRegistry.withOmaObjects(), maxAttributePaths: 64 }),
    },
    'gw',
    true,
    { manufacturer: 'test' },
  );
  closing.push(() => endpoint.closeSocket());
  return endpoint;
}

/** A changed point that counts how often its path and its value are asked for. */
function countingPoint(): ChangedPoint & { asked: number; valued: number; value: number } {
  const path = LwM2mPath.parse('/3303/0/5700');
  return {
    reportPrefix: undefined,
    objectId: 3303,
    asked: 0,
    valued: 0,
    value: 0,
    get reportedPath() {
      this.asked++;
      return path;
    },
    currentValue() {
      this.valued++;
      return { type: 'float', value: this.value };
    },
  };
}

describe('HostEndpoint.report', () => {
  it('makes no path for a change nobody observes or sends', async () => {
    const endpoint = await endpointWith(undefined);
    expect(endpoint.client.isObserving(undefined, 3303)).toBe(false);
    const point = countingPoint();
    for (let i = 0; i < 5; i++) {
      point.value = i;
      endpoint.report(point, false);
    }
    expect(point.asked).toBe(0);
    expect(point.valued).toBe(0);
  });

  it('hands a Send batch the path and the value of each change', async () => {
    const endpoint = await endpointWith({ intervalMs: 60_000 });
    const point = countingPoint();
    point.value = 1;
    endpoint.report(point, false);
    point.value = 2;
    endpoint.report(point, true);
    expect(point.asked).toBe(2);
    expect(point.valued).toBe(2);
  });
});
