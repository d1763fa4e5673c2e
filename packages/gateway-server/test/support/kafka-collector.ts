/**
 * A kafkajs consumer for the Kafka bridge tests: reads every record of the topics it is given
 * (or a pattern) from the beginning, validates each against the bridge's JSON Schema of its topic
 * (ajv, draft 2020-12) and keeps them in arrival order.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { kafkaRecordSchemas } from '../../src/index.js';
import { waitUntil } from './wait-until.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/);
const validators = new Map<string, ValidateFunction>(
  Object.entries(kafkaRecordSchemas).map(([kind, schema]) => [kind, ajv.compile(schema)]),
);

/** The schema for a topic `<prefix>.<serverId>.<kind>`. */
export function validatorOf(topic: string): ValidateFunction {
  for (const [kind, validate] of validators) if (topic.endsWith(`.${kind}`)) return validate;
  throw new Error(`no schema for topic ${topic}`);
}

export interface CollectedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  readonly value: Record<string, unknown>;
}

export interface KafkaCollector {
  readonly records: CollectedRecord[];
  /** Records that failed their topic's schema, with ajv's errors. */
  readonly invalid: { record: CollectedRecord; errors: unknown }[];
  /** Waits until `predicate` holds for some record (default 20 s); returns it. */
  waitFor(
    predicate: (r: CollectedRecord) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<CollectedRecord>;
  close(): Promise<void>;
}

export function testKafka(bootstrap: string, clientId = 'test'): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
}

export async function collect(
  bootstrap: string,
  topics: readonly (string | RegExp)[],
  groupId = `collector-${Math.random().toString(36).slice(2)}`,
): Promise<KafkaCollector> {
  const consumer: Consumer = testKafka(bootstrap).consumer({ groupId });
  const records: CollectedRecord[] = [];
  const invalid: { record: CollectedRecord; errors: unknown }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const value = JSON.parse(message.value?.toString('utf8') ?? 'null') as Record<string, unknown>;
      const record = { topic, partition, key: message.key?.toString('utf8') ?? '', value };
      const validate = validatorOf(topic);
      if (!validate(value)) invalid.push({ record, errors: validate.errors });
      records.push(record);
    },
  });
  await waitUntil(() => joined, 'the collector joined its group', 30_000);
  return {
    records,
    invalid,
    async waitFor(predicate, what, timeoutMs = 20_000) {
      await waitUntil(() => records.some(predicate), what, timeoutMs);
      return records.find(predicate) as CollectedRecord;
    },
    close: () => consumer.disconnect(),
  };
}

/**
 * Checks the observation records of each key: within each run the sequence numbers, duplicates
 * dropped, are 1, 2, 3... with no gap and no step back. Returns the records per key and the
 * duplicates seen.
 */
export function checkSequences(records: readonly CollectedRecord[]): {
  perKey: Map<string, number>;
  duplicates: number;
  problems: string[];
} {
  const last = new Map<string, number>();
  const perKey = new Map<string, number>();
  const problems: string[] = [];
  let duplicates = 0;
  for (const { value } of records) {
    const id = `${value.runId} ${value.key}`;
    const seq = value.seq as number;
    const before = last.get(id) ?? 0;
    if (seq <= before) {
      duplicates++;
      continue;
    }
    if (seq !== before + 1) problems.push(`${id}: ${before} -> ${seq}`);
    last.set(id, seq);
    perKey.set(value.key as string, (perKey.get(value.key as string) ?? 0) + 1);
  }
  return { perKey, duplicates, problems };
}
