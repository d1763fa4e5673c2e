import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import { LwM2mClient, type LwM2mClientOptions } from '../../src/lwm2m-client.js';
import { FakeClock, settle } from './fake-clock.js';
import { FakeLink, SERVER } from './fake-link.js';

/** One OMA registry for all client tests of a file (never modified). */
const registry = ObjectRegistry.withOmaObjects();

export function omaRegistry(): ObjectRegistry {
  return registry;
}

export interface ClientFixture {
  readonly client: LwM2mClient;
  readonly clock: FakeClock;
  readonly link: FakeLink;
}

export type FixtureOptions = Partial<Omit<LwM2mClientOptions, 'link' | 'clock' | 'server'>> & {
  readonly server?: Partial<LwM2mClientOptions['server']>;
};

/** A client over a fake link and clock; not started. */
export function createClient(options: FixtureOptions = {}): ClientFixture {
  const clock = new FakeClock();
  const link = new FakeLink(clock);
  const client = new LwM2mClient({
    endpointName: 'urn:dev:ops:test-0001',
    registry: omaRegistry(),
    random: () => 0,
    ...options,
    server: { peer: SERVER, shortServerId: 1, lifetime: 300, ...options.server },
    link,
    clock,
  });
  return { client, clock, link };
}

/** A started client whose Register was answered 2.01. */
export async function registeredClient(options: FixtureOptions = {}): Promise<ClientFixture> {
  const fixture = createClient(options);
  fixture.client.start();
  await settle();
  if (fixture.client.state !== 'registered') throw new Error(`client is ${fixture.client.state}`);
  return fixture;
}
