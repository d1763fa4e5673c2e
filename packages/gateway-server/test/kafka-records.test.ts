/** Kafka records from gateway server events (keys, sequence numbers, schemas) and the ticket window. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { GatewayServerEvent } from '../src/index.js';
import { KafkaRecordBuilder } from '../src/kafka/kafka-records.js';
import { kafkaRecordSchemas } from '../src/kafka/kafka-schemas.js';
import { kafkaTopics } from '../src/kafka/kafka-topics.js';
import { TicketWindow } from '../src/kafka/ticket-window.js';
import { validatorOf } from './support/kafka-collector.js';

const topics = kafkaTopics('edge1');
const base = { v: 1 as const, time: '2026-12-05T10:00:00.000Z', endpoint: 'gw', registrationId: 'r1' };
const child = (prefix: string) => ({
  deviceId: `urn:dev:${prefix}`,
  prefix,
  gatewayEndpoint: 'gw',
  gatewayRegistrationId: 'r1',
  gatewayInstanceId: 0,
  objects: [{ id: 3303, version: null, instances: [0] }],
  since: '2026-12-05T10:00:00.000Z',
  updatedAt: '2026-12-05T10:00:00.000Z',
});

describe('KafkaRecordBuilder', () => {
  it('keys end devices by gateway/prefix, numbers each key from 1, one record per value, all schema-valid', () => {
    const builder = new KafkaRecordBuilder('edge1', 'run1', topics);
    const events: GatewayServerEvent[] = [
      {
        ...base,
        seq: 1,
        type: 'childrenChanged',
        cause: 'register',
        added: [child('a'), child('b')],
        removed: [],
        changed: [],
        unchanged: 0,
        problems: [],
      },
      {
        ...base,
        seq: 2,
        type: 'notification',
        deviceId: 'urn:dev:a',
        prefix: 'a',
        path: '/a/3303/0',
        code: '2.05',
        observe: 7,
        confirmable: false,
        contentFormat: 112,
        values: [
          { path: '/a/3303/0/5700', type: 'float', value: 1.5 },
          { path: '/a/3303/0/5701', type: 'string', value: 'Cel' },
        ],
        error: null,
      },
      {
        ...base,
        seq: 3,
        type: 'send',
        contentFormat: 112,
        values: [
          {
            path: '/b/3303/0/5700',
            type: 'float',
            value: 2,
            deviceId: 'urn:dev:b',
            timestamp: '2026-12-05T09:59:59Z',
          },
          { path: '/3/0/9', type: 'integer', value: 80, deviceId: null, timestamp: null },
          { path: '/a/3303/0/5700', type: 'float', value: 1.6, deviceId: 'urn:dev:a', timestamp: null },
        ],
      },
      { ...base, seq: 4, type: 'awake' },
      { ...base, seq: 5, type: 'deregistered', reason: 'expired' },
    ];
    const records = events.flatMap((e) => builder.records(e));
    const summary = records.map((r) => {
      const v = JSON.parse(r.value) as Record<string, unknown>;
      expect(validatorOf(r.topic)(v), JSON.stringify(validatorOf(r.topic).errors)).toBe(true);
      return [r.topic.split('.').at(-1), r.key, v.seq, v.event ?? v.path];
    });
    expect(summary).toEqual([
      ['registrations', 'gw/a', 1, 'register'],
      ['registrations', 'gw/b', 1, 'register'],
      ['observations', 'gw/a', 1, '/a/3303/0/5700'],
      ['observations', 'gw/a', 2, '/a/3303/0/5701'],
      ['observations', 'gw/b', 1, '/b/3303/0/5700'],
      ['observations', 'gw', 1, '/3/0/9'],
      ['observations', 'gw/a', 3, '/a/3303/0/5700'],
      ['registrations', 'gw', 1, 'expired'],
    ]);
    expect(JSON.parse(records[4]?.value ?? '{}')).toMatchObject({
      source: 'send',
      clientTime: '2026-12-05T09:59:59Z',
      deviceId: 'urn:dev:b',
      prefix: 'b',
      observe: null,
    });
  });
});

describe('TicketWindow', () => {
  it('takes a ticket once, forgets the oldest past its capacity, and remembers across a restart through its file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickets-'));
    try {
      const file = join(dir, 'answered-tickets');
      const window = new TicketWindow(3, file);
      expect(['a', 'b', 'a', 'c', 'd'].map((t) => window.take(t))).toEqual([true, true, false, true, true]);
      expect(window.take('a')).toBe(true); // forgotten: the window holds b, c, d
      const reopened = new TicketWindow(3, file);
      expect(reopened.take('d')).toBe(false);
      expect(reopened.take('a')).toBe(false);
      expect(reopened.take('b')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the JSON Schema files shipped in schemas/', () => {
  // regenerate with UPDATE_KAFKA_SCHEMAS=1 npx vitest run packages/gateway-server/test/kafka-records.test.ts,
  // then npx biome format --write packages/gateway-server/schemas
  const folder = fileURLToPath(new URL('../schemas/', import.meta.url));
  it.each(Object.entries(kafkaRecordSchemas))(
    'schemas/%s: the file is the schema the code validates with',
    (topic, schema) => {
      const file = join(folder, `${topic}.v1.schema.json`);
      const text = `${JSON.stringify(schema, null, 2)}\n`;
      if (process.env.UPDATE_KAFKA_SCHEMAS === '1') {
        mkdirSync(folder, { recursive: true });
        writeFileSync(file, text);
      }
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(text));
    },
  );
});
