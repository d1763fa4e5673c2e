import type { CoapIncomingRequest, CoapMethod } from '@lwm2m-adapters/coap';
import { CodedError } from '@lwm2m-adapters/errors';
import type { LogEntry } from '@lwm2m-adapters/kit';
import { LwM2mPath, node, value } from '@lwm2m-adapters/lwm2m-core';
import { describe, expect, it } from 'vitest';
import { mutate, prng, randomBytes } from '../../../test/support/fuzz.js';
import { deviceInstance } from '../src/objects/device-object.js';
import { registeredClient } from './support/client-fixture.js';
import { settle } from './support/fake-clock.js';
import { SERVER } from './support/fake-link.js';
import { declareTestObjects, testCodecs } from './support/test-objects.js';

const RUNS = 100_000;
const ALLOWED_CODES = new Set([
  '2.01',
  '2.02',
  '2.04',
  '2.05',
  '4.00',
  '4.01',
  '4.02',
  '4.03',
  '4.04',
  '4.05',
  '4.06',
  '4.08',
  '4.13',
  '4.15',
  '5.00',
  '5.01',
  '5.03',
]);

const utf8 = (s: string) => new TextEncoder().encode(s);
const p = (s: string) => LwM2mPath.parse(s);

/** Well-formed payloads of every format the engine decodes, to mutate. */
function goldenPayloads(): Uint8Array[] {
  const instance = node.instance(0, [
    node.resource(5850, value.boolean(true)),
    node.resource(5851, value.integer(7)),
  ]);
  const temperature = node.object(3303, [node.instance(3, [node.resource(5700, value.float(19.5))])]);
  const acl = node.multiple(2, 'integer', [
    node.resourceInstance(1, value.integer(1)),
    node.resourceInstance(4, value.integer(15)),
  ]);
  const out: Uint8Array[] = [
    utf8('22.5'),
    utf8('1'),
    utf8('Boiler'),
    utf8("0='abc',1"),
    utf8("0='on',3,5='x y'"),
    utf8('</3/0>,</3303>;ver=1.1'),
    utf8('[{"n":"/3303/0/5700"},{"n":"/dev0/3303/0"},{"n":"/3/0/0"}]'),
    utf8(
      '[{"bn":"/3306/0/","n":"5850","vb":true},{"bn":"/dev1/3306/0/","n":"5850","vb":false},{"bn":"/2/0/","n":"2/3","v":1}]',
    ),
    utf8('[{"bn":"/1/0/","n":"1","v":600},{"n":"23","vb":true}]'),
    utf8('{"bn":"/3306/0/","e":[{"n":"5851","v":3}]}'),
    testCodecs.encodePaths([p('/3303/0/5700'), p('/dev0/3303/0/5700'), p('/25')], 112),
    testCodecs.encodeNodes(
      [
        { path: p('/3306/0/5850'), node: node.resource(5850, value.boolean(false)) },
        { path: p('/dev0/3303/0/5750'), node: node.resource(5750, value.string('x')) },
      ],
      112,
    ),
  ];
  for (const format of [11542, 110, 112, 11544]) {
    out.push(testCodecs.encode(instance, p('/3306/0'), format));
    out.push(testCodecs.encode(temperature, p('/3303'), format));
    out.push(testCodecs.encode(acl, p('/2/0/2'), format));
    out.push(testCodecs.encode(node.resource(5851, value.integer(50)), p('/3306/0/5851'), format));
  }
  return out;
}

const PATHS = [
  '/',
  '/3',
  '/3/0',
  '/3/0/0',
  '/3/0/4',
  '/3/0/11',
  '/3/0/11/0',
  '/3/0/13',
  '/1/0',
  '/1/0/1',
  '/1/0/8',
  '/1/0/23',
  '/0/0/5',
  '/2/0/2',
  '/2/0/2/4',
  '/25',
  '/25/0/3',
  '/3303',
  '/3303/0',
  '/3303/0/5700',
  '/3303/0/5605',
  '/3306/0/5850',
  '/3306/0/5851',
  '/dev0',
  '/dev0/3303/0/5700',
  '/dev0/3303/0/5750',
  '/dev0/3',
  '/dev1/3306/0/5850',
  '/devX/3303/0/5700',
  '/rd',
  '/3/65535',
  '/3/0/0/0/0',
  '/-1',
  '/3//0',
  '/a b/3',
  '/dev0/dev1/3',
  '/99999',
  '/%2F',
];
const QUERIES = [
  'pmin=-1',
  'pmax=x',
  'pmin=10',
  'pmax=5',
  'pmin',
  'gt=1',
  'lt=2',
  'st=-3',
  'st=0.5',
  'gt=1e999',
  'epmin=2',
  'epmax=1',
  'dim=3',
  'ver=1.0',
  '',
  '=',
  '==1',
  'pmin=99999999999',
  'lt=-1.5e3',
  'edge=1',
];
const FORMATS = [undefined, 0, 40, 42, 60, 110, 112, 11542, 11543, 11544, 1541, 1542, 65535];
const METHODS: CoapMethod[] = [
  'GET',
  'GET',
  'GET',
  'PUT',
  'PUT',
  'POST',
  'POST',
  'DELETE',
  'FETCH',
  'IPATCH',
  'PATCH',
];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

function randomSegment(rand: () => number): string {
  const kind = Math.floor(rand() * 4);
  if (kind === 0) return String(Math.floor(rand() * 70_000));
  if (kind === 1) return pick(rand, ['dev0', 'dev1', 'devX', 'rd', 'dp', 'bs', '']);
  return Buffer.from(randomBytes(rand, 6)).toString('latin1');
}

function randomRequest(rand: () => number, golden: readonly Uint8Array[]): CoapIncomingRequest {
  const path = pick(rand, PATHS);
  let segments = path === '/' ? [] : path.slice(1).split('/');
  if (rand() < 0.15) {
    segments = [...segments];
    segments[Math.floor(rand() * (segments.length + 1))] = randomSegment(rand);
  }
  const query: string[] = [];
  if (rand() < 0.3) {
    const n = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < n; i++)
      query.push(rand() < 0.9 ? pick(rand, QUERIES) : Buffer.from(randomBytes(rand, 10)).toString('latin1'));
  }
  const payloadKind = rand();
  const payload =
    payloadKind < 0.35
      ? new Uint8Array(0)
      : payloadKind < 0.6
        ? pick(rand, golden)
        : payloadKind < 0.9
          ? mutate(rand, pick(rand, golden))
          : randomBytes(rand, 48);
  return {
    peer: SERVER,
    method: pick(rand, METHODS),
    confirmable: rand() < 0.8,
    token: randomBytes(rand, 8),
    uriPath: segments,
    uriQuery: query,
    contentFormat: rand() < 0.9 ? pick(rand, FORMATS) : Math.floor(rand() * 70_000),
    accept: rand() < 0.6 ? undefined : rand() < 0.9 ? pick(rand, FORMATS) : Math.floor(rand() * 70_000),
    observe: pick(rand, [undefined, undefined, undefined, 0, 1, 2, 2 ** 24]),
    payload,
    options: [],
  };
}

describe('DeviceManagementHandler fuzz', () => {
  it(`answers ${RUNS} mutated requests with a valid code and never throws`, async () => {
    const unexpected: LogEntry[] = [];
    const { client, clock, link } = await registeredClient({
      gateway: true,
      limits: { maxObservations: 64 },
      log: (entry) => {
        if (entry.level === 'error') unexpected.push(entry);
      },
    });
    declareTestObjects(client);
    client.objects.defineObject(2, {
      instances: { 0: { 0: 3303, 1: 0, 2: [15], 3: 1 } },
      create: () => {
        if (client.objects.instanceIds(2).length > 8) throw new CodedError('DEVICE_BUSY', 'enough instances');
        return undefined;
      },
      delete: () => {},
    });
    client.addEndDevice({
      deviceId: 'urn:dev:modbus:plc7',
      prefix: 'dev0',
      objects: {
        3: { instances: { 0: deviceInstance({ manufacturer: 'PLC' }, clock) } },
        3303: {
          instances: { 0: { 5700: { read: () => 21.5 }, 5750: 'x' } },
          create: () => {
            if ((client.endDevice('dev0')?.objects.instanceIds(3303).length ?? 0) > 8) {
              throw new CodedError('DEVICE_BUSY', 'enough instances');
            }
            return undefined;
          },
        },
      },
    });
    client.addEndDevice({
      deviceId: 'urn:dev:opcua:line2',
      prefix: 'dev1',
      objects: { 3306: { instances: { 0: { 5850: true } } } },
    });
    await settle();

    const golden = goldenPayloads();
    const rand = prng(0x11f2);
    const codes = new Map<string, number>();
    for (let i = 0; i < RUNS; i++) {
      const request = randomRequest(rand, golden);
      let answer: Awaited<ReturnType<typeof client.handleRequest>>;
      try {
        answer = await client.handleRequest(request);
      } catch (error) {
        throw new Error(`run ${i}: handleRequest threw for ${describeRequest(request)}`, { cause: error });
      }
      if (answer === undefined || !ALLOWED_CODES.has(answer.code)) {
        throw new Error(`run ${i}: answer ${JSON.stringify(answer)} for ${describeRequest(request)}`);
      }
      codes.set(answer.code, (codes.get(answer.code) ?? 0) + 1);
      if (unexpected.length > 0) {
        throw new Error(
          `run ${i}: unexpected failure ${unexpected[0]?.message} for ${describeRequest(request)}`,
          {
            cause: unexpected[0]?.error,
          },
        );
      }
      if (i % 2000 === 1999) {
        await clock.advanceSeconds(7);
        link.notifications.length = 0;
        link.requests.length = 0;
      }
      // Keep the registration: a fuzzed lifetime or binding write must not stop the run.
      if (client.state !== 'registered' && client.state !== 'updating') await clock.advanceSeconds(400);
    }
    expect(codes.get('2.05') ?? 0).toBeGreaterThan(1000);
    expect(codes.get('2.04') ?? 0).toBeGreaterThan(100);
    expect(codes.get('4.00') ?? 0).toBeGreaterThan(1000);
    expect(codes.get('4.04') ?? 0).toBeGreaterThan(1000);
    expect(codes.get('5.00') ?? 0).toBe(0);
    await client.close();
  }, 300_000);
});

function describeRequest(request: CoapIncomingRequest): string {
  return JSON.stringify({
    method: request.method,
    path: request.uriPath,
    query: request.uriQuery,
    contentFormat: request.contentFormat,
    accept: request.accept,
    observe: request.observe,
    payload: Buffer.from(request.payload).toString('hex'),
  });
}
