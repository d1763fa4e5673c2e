/** The terminal line of each event: readable, bounded, and safe from a client's control characters. */
import { expect, it } from 'vitest';
import { formatEventLine, type GatewayServerEvent } from '../src/index.js';

const base = { v: 1, seq: 1, time: '2026-12-05T22:00:00.000Z' } as const;

it('says what happened in one line', () => {
  const lines = (
    [
      {
        ...base,
        type: 'childrenChanged',
        endpoint: 'gw',
        registrationId: 'r1',
        cause: 'update',
        added: [{ deviceId: 'urn:dev:a', prefix: 'dev0' }],
        removed: [{ deviceId: 'urn:dev:b', prefix: 'dev1' }],
        changed: [],
        unchanged: 2,
        problems: [{ instanceId: 4, reason: 'it has no Device ID (/25/x/0)' }],
      },
      {
        ...base,
        type: 'notification',
        endpoint: 'gw',
        registrationId: 'r1',
        deviceId: 'urn:dev:a',
        prefix: 'dev0',
        path: '/dev0/3303/0/5700',
        code: '2.05',
        observe: 3,
        confirmable: false,
        contentFormat: 0,
        values: [{ path: '/dev0/3303/0/5700', type: 'float', value: 21.500000953674316 }],
        error: null,
      },
      { ...base, type: 'deregistered', endpoint: 'gw', registrationId: 'r1', reason: 'expired' },
    ] as unknown as GatewayServerEvent[]
  ).map(formatEventLine);
  expect(lines).toEqual([
    'children of gw (update): +dev0 (urn:dev:a) -dev1; 2 unchanged; 1 /25 instance(s) left out',
    'notify gw /dev0/3303/0/5700=21.5',
    'expired gw',
  ]);
});

it('escapes control characters from clients and cuts long values', () => {
  const line = formatEventLine({
    ...base,
    type: 'send',
    endpoint: 'ev\u001b]0;pwned\u0007il',
    registrationId: 'r1',
    contentFormat: 110,
    values: [
      {
        path: '/3/0/0',
        type: 'string',
        value: `\u001b[2J${'x'.repeat(100)}`,
        deviceId: null,
        timestamp: null,
      },
    ],
  } as GatewayServerEvent);
  expect([...line].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
  expect(line).toBe(`send ev\\x1b]0;pwned\\x07il /3/0/0=\\x1b[2J${'x'.repeat(53)}…`);
});
