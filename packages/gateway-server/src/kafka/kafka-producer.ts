import type { StructuredLogger } from '@lwm2m-adapters/kit';
import type { Kafka, Message, Producer } from 'kafkajs';
import kafkajs from 'kafkajs';
import type { OutgoingRecord } from './kafka-records.js';
import type { KafkaSpool } from './kafka-spool.js';

/** How records are compressed in a batch: kafkajs brings gzip; the other codecs need plug-ins. */
export type KafkaCompression = 'none' | 'gzip';

export interface SpoolSenderOptions {
  readonly kafka: Kafka;
  readonly spool: KafkaSpool;
  /** -1 (all in-sync replicas, the default), 1 (leader) or 0. */
  readonly acks?: -1 | 0 | 1;
  readonly compression?: KafkaCompression;
  /** Records per produce request. Default 2,000. */
  readonly batchRecords?: number;
  /** Runs once before the first send succeeds (creating the topics), retried with the sends. */
  readonly prepare?: () => Promise<void>;
  readonly logger: StructuredLogger;
}

export interface SpoolSenderStats {
  readonly connected: boolean;
  readonly sent: number;
  readonly batches: number;
  readonly sendFailures: number;
  readonly lastError: string | null;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Takes the spool's records in order and produces them with an idempotent kafkajs producer
 * (one request in flight, so order holds per partition), committing the spool after each
 * acknowledged batch. While Kafka is unreachable the batch is retried with a growing pause (at
 * most 2 s) and new records pile up in the spool; the producer is made anew every few failures.
 */
export class SpoolSender {
  readonly #options: SpoolSenderOptions;
  readonly #stop = new AbortController();
  #producer: Producer | undefined;
  #prepared = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #idle: (() => void)[] = [];
  #connected = false;
  #sent = 0;
  #batches = 0;
  #sendFailures = 0;
  #lastError: string | null = null;

  constructor(options: SpoolSenderOptions) {
    this.#options = options;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** New records are in the spool. */
  wake(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Resolves once the spool is empty, or after `timeoutMs` (false then). */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.#options.spool.pending === 0) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  stats(): SpoolSenderStats {
    return {
      connected: this.#connected,
      sent: this.#sent,
      batches: this.#batches,
      sendFailures: this.#sendFailures,
      lastError: this.#lastError,
    };
  }

  /** Stops after the batch in flight and disconnects the producer. Idempotent. */
  async close(): Promise<void> {
    this.#stop.abort();
    this.wake();
    await this.#loop;
    await this.#producer?.disconnect().catch(() => undefined);
    this.#producer = undefined;
  }

  async #run(): Promise<void> {
    const { spool, logger } = this.#options;
    const signal = this.#stop.signal;
    let failures = 0;
    while (!signal.aborted) {
      const batch = spool.peek(this.#options.batchRecords ?? 2_000);
      if (batch.records.length === 0) {
        for (const idle of this.#idle.splice(0)) idle();
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        continue;
      }
      try {
        const producer = await this.#ready();
        await producer.sendBatch({
          acks: this.#options.acks ?? -1,
          compression:
            this.#options.compression === 'gzip'
              ? kafkajs.CompressionTypes.GZIP
              : kafkajs.CompressionTypes.None,
          topicMessages: byTopic(batch.records),
        });
        spool.commit(batch.end, batch.records.length);
        this.#sent += batch.records.length;
        this.#batches++;
        if (!this.#connected) logger.info({ pending: spool.pending }, 'Kafka: producing');
        this.#connected = true;
        failures = 0;
      } catch (error) {
        failures++;
        this.#sendFailures++;
        this.#lastError = error instanceof Error ? error.message : String(error);
        if (this.#connected || failures === 1) {
          logger.warn(
            { err: this.#lastError, pending: spool.pending },
            'Kafka unreachable: records go to the spool',
          );
        }
        this.#connected = false;
        if (failures % 3 === 0) {
          const old = this.#producer;
          this.#producer = undefined;
          await old?.disconnect().catch(() => undefined);
        }
        await sleep(Math.min(2_000, 100 * 2 ** Math.min(failures, 6)), signal);
      }
    }
  }

  async #ready(): Promise<Producer> {
    if (!this.#prepared && this.#options.prepare !== undefined) {
      await this.#options.prepare();
      this.#prepared = true;
    }
    if (this.#producer === undefined) {
      const producer = this.#options.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
      });
      await producer.connect();
      this.#producer = producer;
    }
    return this.#producer;
  }
}

/** Records grouped by topic, in spool order within each topic (and so within each key). */
function byTopic(records: readonly OutgoingRecord[]): { topic: string; messages: Message[] }[] {
  const topics = new Map<string, Message[]>();
  for (const record of records) {
    let messages = topics.get(record.topic);
    if (messages === undefined) {
      messages = [];
      topics.set(record.topic, messages);
    }
    messages.push({ key: record.key, value: record.value });
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
}
