import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CodedError } from '@lwm2m-adapters/errors';
import { type Clock, type StructuredLogger, silentLogger, systemClock } from '@lwm2m-adapters/kit';
import type { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import type { GatewayChildren, Lwm2mServer } from '@lwm2m-adapters/lwm2m-server';
import type { Consumer, Kafka, LogEntry } from 'kafkajs';
import kafkajs from 'kafkajs';
import type { GatewayEventFeed } from '../events/gateway-event-source.js';
import type { GatewayServerEvent } from '../events/gateway-server-event.js';
import { DeviceManagement } from '../http/device-management.js';
import { KafkaManagement, type KafkaManagementStats } from './kafka-management.js';
import { type KafkaCompression, SpoolSender, type SpoolSenderStats } from './kafka-producer.js';
import { KafkaRecordBuilder, type OutgoingRecord } from './kafka-records.js';
import { KafkaSpool, type SpoolFsyncPolicy, type SpoolFullPolicy, type SpoolStats } from './kafka-spool.js';
import { DEFAULT_TOPIC_PREFIX, type KafkaTopics, kafkaTopics } from './kafka-topics.js';
import { TicketWindow } from './ticket-window.js';

export interface KafkaBridgeOptions {
  /** `host:port` of one or more brokers. */
  readonly brokers: readonly string[];
  /** This server's id in the topic names (`iot.<serverId>.observations`). */
  readonly serverId: string;
  /** Default "iot". */
  readonly topicPrefix?: string;
  /** Partitions of the topics the bridge creates when missing. Default 3. */
  readonly partitions?: number;
  /** Replication factor of the topics it creates. Default 1. */
  readonly replicationFactor?: number;
  /** The spool directory (segments, cursor, answered tickets). */
  readonly spoolDir: string;
  /** Default 256 MiB. */
  readonly spoolMaxBytes?: number;
  /** Default 'drop-oldest'. */
  readonly spoolPolicy?: SpoolFullPolicy;
  /** Default 'interval' (every second). */
  readonly spoolFsync?: SpoolFsyncPolicy;
  /** -1 (all, the default), 1 or 0. */
  readonly acks?: -1 | 0 | 1;
  /** Default 'none'. */
  readonly compression?: KafkaCompression;
  /** Records per produce request. Default 2,000. */
  readonly batchRecords?: number;
  /** Answered tickets remembered. Default 100,000. */
  readonly dedupWindow?: number;
  /** Whether to consume management requests. Default true. */
  readonly management?: boolean;
  /** Shutdown waits this long for the spool to empty. Default 5 s. */
  readonly flushTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly logger?: StructuredLogger;
  readonly clock?: Clock;
}

/** What the bridge is made of around the gateway server's engine. */
export interface KafkaBridgeParts {
  readonly server: Lwm2mServer;
  readonly children: GatewayChildren;
  readonly events: GatewayEventFeed;
  readonly model: ObjectRegistry;
}

export interface KafkaBridgeStats {
  readonly serverId: string;
  readonly runId: string;
  readonly topics: KafkaTopics;
  readonly recordsIn: number;
  readonly producer: SpoolSenderStats;
  readonly spool: SpoolStats;
  readonly management: KafkaManagementStats;
  readonly consuming: boolean;
}

function kafkaLogger(logger: StructuredLogger) {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const fields = { kafka: extra.logger ?? 'kafkajs', err: (extra as { error?: string }).error };
      if (level <= kafkajs.logLevel.ERROR) logger.debug(fields, `kafkajs: ${message}`);
      else if (level === kafkajs.logLevel.WARN) logger.debug(fields, `kafkajs: ${message}`);
    };
}

/**
 * The gateway server's Kafka bridge: registrations and observations out as JSON records keyed by
 * endpoint (end devices by gateway endpoint + prefix), through the on-disk spool and an idempotent
 * producer; management requests in from a consumer group, their replies out by ticket.
 */
export class KafkaBridge {
  readonly topics: KafkaTopics;
  readonly runId: string;
  readonly #options: KafkaBridgeOptions;
  readonly #kafka: Kafka;
  readonly #spool: KafkaSpool;
  readonly #sender: SpoolSender;
  readonly #builder: KafkaRecordBuilder;
  readonly #management: KafkaManagement;
  readonly #logger: StructuredLogger;
  readonly #unsubscribe: () => void;
  #consumer: Consumer | undefined;
  #consuming = false;
  #consumerTask: Promise<void> | undefined;
  #pending: OutgoingRecord[] = [];
  #scheduled = false;
  #recordsIn = 0;
  #spoolClosed = false;
  #closing: Promise<void> | undefined;

  private constructor(options: KafkaBridgeOptions, parts: KafkaBridgeParts) {
    this.#options = options;
    const logger = options.logger ?? silentLogger;
    const clock = options.clock ?? systemClock;
    this.#logger = logger;
    this.topics = kafkaTopics(options.serverId, options.topicPrefix ?? DEFAULT_TOPIC_PREFIX);
    this.runId = `${clock.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    this.#kafka = new kafkajs.Kafka({
      clientId: `lwm2m-gateway-${options.serverId}`,
      brokers: [...options.brokers],
      connectionTimeout: 3_000,
      requestTimeout: 15_000,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
      logCreator: kafkaLogger(logger),
    });
    this.#spool = KafkaSpool.open({
      dir: options.spoolDir,
      ...(options.spoolMaxBytes === undefined ? {} : { maxBytes: options.spoolMaxBytes }),
      ...(options.spoolPolicy === undefined ? {} : { policy: options.spoolPolicy }),
      ...(options.spoolFsync === undefined ? {} : { fsync: options.spoolFsync }),
      onLoss: ({ reason, records }) =>
        logger.error(
          { reason, records, spool: options.spoolDir },
          `Kafka spool: ${records} records ${reason}`,
        ),
    });
    const replay = this.#spool.pending;
    if (replay > 0) logger.info({ records: replay }, 'Kafka spool: records from before go out first');
    this.#sender = new SpoolSender({
      kafka: this.#kafka,
      spool: this.#spool,
      ...(options.acks === undefined ? {} : { acks: options.acks }),
      ...(options.compression === undefined ? {} : { compression: options.compression }),
      ...(options.batchRecords === undefined ? {} : { batchRecords: options.batchRecords }),
      prepare: () => this.#createTopics(),
      logger,
    });
    this.#builder = new KafkaRecordBuilder(options.serverId, this.runId, this.topics);
    this.#management = new KafkaManagement({
      serverId: options.serverId,
      dm: new DeviceManagement(parts.server),
      children: parts.children,
      model: parts.model,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      tickets: new TicketWindow(options.dedupWindow ?? 100_000, join(options.spoolDir, 'answered-tickets')),
      reply: (reply) => this.#take([this.#builder.reply(reply)]),
      logger,
      now: () => clock.now(),
    });
    this.#unsubscribe = parts.events.on((event) => this.#onEvent(event));
  }

  /**
   * Opens the spool (records left from an earlier run go out first) and starts producing and
   * consuming. Kafka need not be reachable: records wait in the spool, the consumer keeps trying.
   */
  static start(options: KafkaBridgeOptions, parts: KafkaBridgeParts): KafkaBridge {
    if (options.brokers.length === 0)
      throw new CodedError('CONFIG_INVALID', 'the Kafka bridge needs a broker');
    const bridge = new KafkaBridge(options, parts);
    bridge.#sender.start();
    bridge.#sender.wake();
    if (options.management !== false) bridge.#consumerTask = bridge.#consume();
    options.logger?.info(
      { brokers: options.brokers, topics: bridge.topics, runId: bridge.runId },
      'Kafka bridge started',
    );
    return bridge;
  }

  stats(): KafkaBridgeStats {
    return {
      serverId: this.#options.serverId,
      runId: this.runId,
      topics: this.topics,
      recordsIn: this.#recordsIn,
      producer: this.#sender.stats(),
      spool: this.#spool.stats(),
      management: this.#management.stats(),
      consuming: this.#consuming,
    };
  }

  /** Resolves once every record taken so far is in Kafka, or after `timeoutMs` (false then). */
  flush(timeoutMs = 10_000): Promise<boolean> {
    this.#appendPending();
    return this.#sender.drain(timeoutMs);
  }

  /** Stops consuming, answers what runs, flushes the producer (bounded) and closes the spool. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#unsubscribe();
    const consumer = this.#consumer;
    this.#consumer = undefined;
    await consumer?.disconnect().catch(() => undefined);
    await this.#consumerTask;
    await this.#management.settle();
    this.#appendPending();
    const flushed = await this.#sender.drain(this.#options.flushTimeoutMs ?? 5_000);
    await this.#sender.close();
    const left = this.#spool.pending;
    this.#spool.close();
    this.#spoolClosed = true;
    this.#logger.info({ flushed, spooled: left }, 'Kafka bridge stopped');
  }

  #onEvent(event: GatewayServerEvent): void {
    const records = this.#builder.records(event);
    if (records.length > 0) this.#take(records);
  }

  /** Records wait for the end of this tick and go into the spool in one write. */
  #take(records: readonly OutgoingRecord[]): void {
    if (this.#spoolClosed) return;
    for (const r of records) this.#pending.push(r);
    this.#recordsIn += records.length;
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#appendPending());
  }

  #appendPending(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const records = this.#pending;
    this.#pending = [];
    try {
      this.#spool.append(records);
    } catch (error) {
      this.#logger.error(
        { err: error instanceof Error ? error.message : String(error), records: records.length },
        'Kafka spool: append failed',
      );
      return;
    }
    this.#sender.wake();
  }

  async #createTopics(): Promise<void> {
    const admin = this.#kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const wanted = Object.values(this.topics).filter((t) => !existing.has(t));
      if (wanted.length === 0) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: wanted.map((topic) => ({
          topic,
          numPartitions: this.#options.partitions ?? 3,
          replicationFactor: this.#options.replicationFactor ?? 1,
        })),
      });
      this.#logger.info(
        { topics: wanted, partitions: this.#options.partitions ?? 3 },
        'Kafka: topics created',
      );
    } finally {
      await admin.disconnect();
    }
  }

  async #consume(): Promise<void> {
    let attempt = 0;
    while (this.#closing === undefined) {
      const consumer = this.#kafka.consumer({
        groupId: `lwm2m-gateway-${this.#options.serverId}`,
        // a restarted member rejoins without waiting long for its old session to lapse
        sessionTimeout: 10_000,
        rebalanceTimeout: 10_000,
        heartbeatInterval: 1_000,
        retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 2_000 },
      });
      try {
        await consumer.connect();
        this.#consumer = consumer;
        if (this.#closing !== undefined) break;
        await this.#createTopics();
        await consumer.subscribe({ topic: this.topics.managementRequests, fromBeginning: true });
        consumer.on(consumer.events.GROUP_JOIN, () => {
          this.#consuming = true;
        });
        consumer.on(consumer.events.CRASH, (event) => {
          this.#consuming = false;
          const { error, restart } = event.payload;
          this.#logger.warn(
            { err: String(error), restart },
            restart
              ? 'Kafka: management consumer failed; kafkajs restarts it'
              : 'Kafka: management consumer failed; starting it anew',
          );
          if (restart || this.#closing !== undefined) return;
          this.#consumer = undefined;
          void consumer
            .disconnect()
            .catch(() => undefined)
            .then(() => {
              if (this.#closing === undefined) this.#consumerTask = this.#consume();
            });
        });
        await consumer.run({
          eachMessage: async ({ message }) => {
            await this.#management.handle(message.value, Number(message.timestamp));
          },
        });
        return;
      } catch (error) {
        attempt++;
        if (attempt === 1) {
          this.#logger.warn(
            { err: error instanceof Error ? error.message : String(error) },
            'Kafka: management consumer not connected yet; retrying',
          );
        }
        this.#consumer = undefined;
        await consumer.disconnect().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** Math.min(attempt, 5))));
      }
    }
  }
}
