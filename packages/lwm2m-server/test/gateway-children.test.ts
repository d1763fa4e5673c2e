/**
 * The gateway view against our LwM2M client acting as a gateway (in memory, fake clock): children
 * from /25 on Register, the diff on Updates and /25 notifications, observations of unchanged
 * children surviving, addressing by Device ID and prefix, and children ending with their gateway.
 */
import { isCodedError } from '@lwm2m-adapters/errors';
import { endpointLink, LwM2mClient } from '@lwm2m-adapters/lwm2m-client';
import { ContentFormat, LwM2mPath, node, ObjectRegistry, value } from '@lwm2m-adapters/lwm2m-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ChildrenChangedEvent,
  GatewayChildren,
  type GatewaySyncFailedEvent,
  readGatewayObject,
  type ServerNotification,
} from '../src/index.js';
import { type Harness, harness, register, SERVER_PEER, settle } from './support/server-harness.js';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

interface Gateway {
  readonly h: Harness;
  readonly client: LwM2mClient;
  readonly view: GatewayChildren;
  readonly changes: ChildrenChangedEvent[];
  readonly temperatures: Map<string, number>;
  addDevice(prefix: string, deviceId?: string): void;
}

function gateway(options: { observe?: boolean } = {}): Gateway {
  const h = harness();
  const view = new GatewayChildren({ server: h.server, clock: h.clock, ...options });
  const changes: ChildrenChangedEvent[] = [];
  view.on('childrenChanged', (event) => changes.push(event));
  const client = new LwM2mClient({
    endpointName: 'gw-1',
    server: { peer: SERVER_PEER, shortServerId: 1, lifetime: 300 },
    registry: ObjectRegistry.withOmaObjects(),
    link: endpointLink(h.client),
    clock: h.clock,
    gateway: true,
  });
  const temperatures = new Map<string, number>();
  const addDevice = (prefix: string, deviceId = `urn:dev:${prefix}`) => {
    temperatures.set(prefix, 20);
    client.addEndDevice({
      deviceId,
      prefix,
      objects: { 3303: { instances: { 0: { 5700: { read: () => temperatures.get(prefix) ?? 0 } } } } },
    });
  };
  closers.push(async () => {
    view.close();
    const closed = client.close();
    await pump(h);
    await closed;
  });
  return { h, client, view, changes, temperatures, addDevice };
}

/** Moves the clock `ms` and lets the in-memory datagrams travel, six rounds. */
async function pump(h: Harness, ms = 250): Promise<void> {
  for (let i = 0; i < 6; i++) {
    h.clock.advance(ms);
    await settle(40);
  }
}

describe('GatewayChildren with our LwM2M client as the gateway', () => {
  it('reads /25 on Register and holds each end device with its Device ID, prefix and objects', async () => {
    const g = gateway();
    g.addDevice('dev0', 'urn:dev:modbus:plc7');
    g.addDevice('dev1');
    g.client.start();
    await pump(g.h);

    expect(g.changes).toHaveLength(1);
    expect(g.changes[0]).toMatchObject({ cause: 'register', removed: [], changed: [] });
    const children = g.view.children('gw-1');
    expect(children.map((c) => [c.deviceId, c.prefix, c.gatewayEndpoint])).toEqual([
      ['urn:dev:modbus:plc7', 'dev0', 'gw-1'],
      ['urn:dev:dev1', 'dev1', 'gw-1'],
    ]);
    expect(children[0]?.objects.find((o) => o.id === 3303)).toMatchObject({ instances: [0] });
    expect(g.view.state('gw-1'), JSON.stringify(g.view.state('gw-1'))).toMatchObject({
      children: 2,
      observing: true,
      lastError: undefined,
    });

    // addressed by Device ID: the request goes to the gateway with the prefix
    const target = g.view.resolve({ deviceId: 'urn:dev:modbus:plc7' }, '/3303/0/5700');
    expect(target.registration.endpoint).toBe('gw-1');
    expect(target.path.toString()).toBe('/dev0/3303/0/5700');
    g.temperatures.set('dev0', 21.5);
    const read = g.h.server.read(target.registration, target.path, { format: ContentFormat.TEXT });
    await pump(g.h);
    expect((await read).node).toEqual(node.resource(5700, value.float(21.5)));
  });

  it('diffs the children when devices come and go; the unchanged child keeps its observation', async () => {
    const g = gateway();
    g.addDevice('dev0');
    g.addDevice('dev1');
    g.client.start();
    await pump(g.h);
    const notifications: ServerNotification[] = [];
    const observed = g.h.server.observe('gw-1', '/dev0/3303/0/5700', {
      format: ContentFormat.TEXT,
      onNotification: (n) => notifications.push(n),
    });
    const doomed = g.h.server.observe('gw-1', '/dev1/3303/0/5700', { format: ContentFormat.TEXT });
    await pump(g.h);
    const kept = (await observed).observation!;
    const gone = (await doomed).observation!;
    g.changes.length = 0;

    // a mapping reload: dev1 leaves, dev2 arrives; the client updates /25 and sends an Update
    g.client.removeEndDevice('dev1');
    g.addDevice('dev2');
    await pump(g.h, 1_000);
    await pump(g.h, 1_000);

    const added = g.changes.flatMap((c) => c.added.map((x) => x.prefix));
    const removed = g.changes.flatMap((c) => c.removed.map((x) => x.prefix));
    expect(added).toEqual(['dev2']);
    expect(removed).toEqual(['dev1']);
    expect(g.view.children('gw-1').map((c) => c.prefix)).toEqual(['dev0', 'dev2']);
    expect(g.h.server.observations('gw-1')).not.toContain(gone);
    // the client ended it itself (a final 4.04), or the view cancelled it first
    expect(['final', 'cancelled']).toContain(await gone.ended);
    expect(g.h.server.observations('gw-1').map((o) => o.path.toString())).toContain('/dev0/3303/0/5700');

    g.temperatures.set('dev0', 30);
    g.client.changed('/dev0/3303/0/5700');
    await pump(g.h);
    expect(notifications.at(-1)?.node).toEqual(node.resource(5700, value.float(30)));
    expect(g.h.server.observations('gw-1')).toContain(kept);
  });

  it('ends every child with its gateway, saying why', async () => {
    const g = gateway();
    g.addDevice('dev0');
    g.client.start();
    await pump(g.h);
    g.changes.length = 0;
    const closed = g.client.close();
    await pump(g.h);
    await closed;
    expect(g.changes).toHaveLength(1);
    expect(g.changes[0]).toMatchObject({ cause: 'deregistered', added: [] });
    expect(g.changes[0]?.removed.map((c) => c.deviceId)).toEqual(['urn:dev:dev0']);
    expect(g.view.children()).toEqual([]);
    expect(g.view.childByDeviceId('urn:dev:dev0')).toBeUndefined();
  });

  it('refuses an unknown prefix, Device ID or endpoint at once, with a coded error', async () => {
    const g = gateway();
    g.addDevice('dev0');
    g.client.start();
    await pump(g.h);
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return isCodedError(error) ? `${error.code}: ${error.message}` : String(error);
      }
      return 'no error';
    };
    expect(codeOf(() => g.view.resolve('gw-1', '/devX/3303/0/5700'))).toBe(
      'END_DEVICE_UNKNOWN: gateway gw-1 has no end device with prefix devX (known: dev0)',
    );
    expect(codeOf(() => g.view.resolve({ deviceId: 'urn:dev:nope' }, '/3/0'))).toMatch(
      /^END_DEVICE_UNKNOWN: /,
    );
    expect(codeOf(() => g.view.resolve('nobody', '/3/0'))).toBe(
      'CLIENT_NOT_REGISTERED: no client is registered as nobody',
    );
    expect(codeOf(() => g.view.resolve({ deviceId: 'urn:dev:dev0' }, '/dev9/3/0'))).toMatch(
      /^PATH_INVALID: /,
    );
    expect(g.view.resolve({ endpoint: 'gw-1', prefix: 'dev0' }, '/3/0').path.toString()).toBe('/dev0/3/0');
    expect(g.view.resolve('gw-1', '/3/0').child).toBeUndefined();
  });
});

describe('GatewayChildren with a scripted gateway', () => {
  const GATEWAY_LINKS = '</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>,</25>;ver=2.0,</25/0>';
  const senml = (records: unknown[]) => new TextEncoder().encode(JSON.stringify(records));

  it('a plain client is no gateway: a prefixed path is refused without a request', async () => {
    const h = harness();
    const view = new GatewayChildren({ server: h.server, clock: h.clock });
    let requests = 0;
    h.client.onRequest(() => {
      requests++;
      return { code: '2.05' };
    });
    await register(h);
    await settle(40);
    expect(() => view.resolve('dev1', '/dev0/3/0')).toThrow(/dev1 is not an LwM2M gateway/);
    expect(requests).toBe(0);
    view.close();
  });

  it('retries a failed /25 read with backoff and keeps the problems of bad instances', async () => {
    const h = harness();
    const view = new GatewayChildren({
      server: h.server,
      clock: h.clock,
      observe: false,
      requestTimeoutMs: 5_000,
    });
    const failures: GatewaySyncFailedEvent[] = [];
    const changes: ChildrenChangedEvent[] = [];
    view.on('syncFailed', (e) => failures.push(e));
    view.on('childrenChanged', (e) => changes.push(e));
    let answer = false;
    h.client.onRequest((request) => {
      expect(request.uriPath).toEqual(['25']);
      if (!answer) return { code: '5.03' };
      return {
        code: '2.05',
        contentFormat: ContentFormat.SENML_JSON,
        payload: senml([
          { bn: '/25/0/', n: '0', vs: 'urn:dev:a' },
          { n: '1', vs: 'devA' },
          { n: '3', vs: '</3/0>,</3303>;ver=1.1,</3303/0>' },
          { bn: '/25/1/', n: '0', vs: 'urn:dev:b' },
          { n: '1', vs: '42' },
          { bn: '/25/2/', n: '0', vs: 'urn:dev:c' },
          { n: '1', vs: 'devA' },
        ]),
      };
    });
    await register(h, {
      query: ['ep=gw-s', 'lt=60', 'lwm2m=1.1'],
      links: GATEWAY_LINKS,
    });
    h.clock.advance(200);
    await settle(40);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.error.message).toContain('answered 5.03 to a Read of /25');
    const retryAt = failures[0]?.retryAt as number;
    expect(retryAt - h.clock.now()).toBeGreaterThanOrEqual(1_600);
    expect(retryAt - h.clock.now()).toBeLessThanOrEqual(2_000);
    answer = true;
    h.clock.advance(2_000);
    await settle(40);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.cause).toBe('retry');
    expect(changes[0]?.added.map((c) => [c.deviceId, c.prefix])).toEqual([['urn:dev:a', 'devA']]);
    expect(changes[0]?.added[0]?.objects).toEqual([
      { id: 3, version: undefined, instances: [0] },
      { id: 3303, version: '1.1', instances: [0] },
    ]);
    expect(changes[0]?.problems.map((p) => p.instanceId)).toEqual([1, 2]);
    expect(view.state('gw-s')).toMatchObject({ lastError: undefined, observing: false, children: 1 });
    view.close();
  });
});

describe('readGatewayObject', () => {
  it('takes /25 v2.0 instances and explains the ones it leaves out', () => {
    const r = (id: number, v: string) => node.resource(id, value.string(v));
    const content = readGatewayObject(
      node.object(25, [
        node.instance(0, [r(0, 'urn:dev:1'), r(1, 'd1'), r(3, '</3/0>,</3303/0>,</3303/1>')]),
        node.instance(1, [r(1, 'd2')]),
        node.instance(2, [r(0, 'urn:dev:3'), r(1, 'd3'), r(3, '<not links')]),
        node.instance(3, [r(0, 'urn:dev:4'), r(1, 'd1')]),
        node.instance(4, [r(0, 'urn:dev:5'), r(1, 'd5')]),
      ]),
    );
    expect(content.entries.map((e) => [e.instanceId, e.deviceId, e.prefix, e.objects.length])).toEqual([
      [0, 'urn:dev:1', 'd1', 2],
      [4, 'urn:dev:5', 'd5', 0],
    ]);
    expect(content.entries[0]?.objects[1]).toEqual({ id: 3303, version: undefined, instances: [0, 1] });
    expect(content.problems.map((p) => [p.instanceId, p.reason])).toEqual([
      [1, 'it has no Device ID (/25/x/0)'],
      [2, expect.stringMatching(/^its IoT Device Objects \(\/25\/x\/3\) are not valid links/)],
      [3, 'its prefix d1 is used by another instance'],
    ]);
    expect(new LwM2mPath({ prefix: 'd1', objectId: 3 }).toString()).toBe('/d1/3');
  });
});
