import { CodedError } from '@lwm2m-adapters/errors';
import type { StructuredLogger } from '@lwm2m-adapters/kit';
import type { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import type { GatewayChildren } from '@lwm2m-adapters/lwm2m-server';
import { z } from 'zod';
import { type ApiResult, errorResult } from '../http/api-result.js';
import {
  attributesSchema,
  compositeReadBodySchema,
  compositeWriteBodySchema,
  createBodySchema,
  executeBodySchema,
  formatSchema,
  observeBodySchema,
  parseInput,
  writeBodySchema,
} from '../http/api-schemas.js';
import type { DeviceManagement } from '../http/device-management.js';
import { type DmTarget, parseDmLocation, resolveDmTarget } from '../http/dm-target.js';
import { errorJson } from '../json/registration-json.js';
import type { ManagementReplyRecord } from './kafka-records.js';
import type { TicketWindow } from './ticket-window.js';

export const MANAGEMENT_KINDS = [
  'read',
  'write',
  'writeAttributes',
  'execute',
  'discover',
  'observe',
  'observeCancel',
  'create',
  'delete',
  'readComposite',
  'writeComposite',
] as const;
export type ManagementKind = (typeof MANAGEMENT_KINDS)[number];

/** A management request as read from `...management.req`. */
export const managementRequestSchema = z
  .object({
    serverId: z.string().min(1).max(200),
    ep: z.string().min(1).max(255),
    ticket: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^\r\n]+$/),
    kind: z.enum(MANAGEMENT_KINDS),
    path: z.string().min(1).max(512),
    contentFormat: formatSchema.optional(),
    body: z.unknown().optional(),
    timeoutMs: z.number().int().min(1).max(300_000).optional(),
  })
  .strict();
export type ManagementRequest = z.output<typeof managementRequestSchema>;

type Reply = Omit<ManagementReplyRecord, 'v' | 'serverId'>;

export interface KafkaManagementOptions {
  readonly serverId: string;
  readonly dm: DeviceManagement;
  readonly children: GatewayChildren;
  readonly model: ObjectRegistry;
  /** Deadline of a request without `timeoutMs`. */
  readonly requestTimeoutMs: number;
  readonly tickets: TicketWindow;
  /** Requests executed at once; more wait (the consumer stops reading meanwhile). Default 64. */
  readonly maxInFlight?: number;
  /** A request written longer ago than this is answered with an error, not run. Default 10 min. */
  readonly maxRequestAgeMs?: number;
  readonly reply: (reply: Reply) => void;
  readonly logger: StructuredLogger;
  readonly now: () => number;
}

export interface KafkaManagementStats {
  readonly received: number;
  readonly answered: number;
  readonly malformed: number;
  readonly duplicates: number;
  readonly failed: number;
  readonly inFlight: number;
}

/** Fields of a request good enough to address a reply to, from a request that failed validation. */
function salvage(value: unknown): Pick<Reply, 'ticket' | 'ep' | 'kind' | 'path'> {
  const field = (name: string) => {
    if (typeof value !== 'object' || value === null) return null;
    const v = (value as Record<string, unknown>)[name];
    return typeof v === 'string' && v.length <= 512 ? v : null;
  };
  return { ticket: field('ticket'), ep: field('ep'), kind: field('kind'), path: field('path') };
}

/**
 * Management requests from Kafka: each is validated, deduplicated by ticket, resolved to a client
 * or an end device behind a gateway (by `ep` and a path with the end device's prefix) and run
 * through the same DeviceManagement operations as the HTTP API; the answer (the LwM2M code and
 * the decoded payload, or an error) is handed to `reply`. A malformed request is answered with
 * KAFKA_REQUEST_INVALID and counted; a request for an endpoint that is not registered with
 * CLIENT_NOT_REGISTERED; one for a queue-mode client asleep waits in the server's queue (bounded by
 * its timeout and the queue size) and is answered then.
 */
export class KafkaManagement {
  readonly #options: KafkaManagementOptions;
  readonly #inFlight = new Set<Promise<void>>();
  #received = 0;
  #answered = 0;
  #malformed = 0;
  #duplicates = 0;
  #failed = 0;

  constructor(options: KafkaManagementOptions) {
    this.#options = options;
  }

  /** Takes one record's value; resolves once the request is started (waits while too many run). */
  async handle(value: Buffer | null, timestamp?: number): Promise<void> {
    this.#received++;
    const maxAge = this.#options.maxRequestAgeMs ?? 10 * 60_000;
    if (timestamp !== undefined && Number.isFinite(timestamp) && this.#options.now() - timestamp > maxAge) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value?.toString('utf8') ?? '');
      } catch {
        parsed = undefined;
      }
      this.#malformedReply(
        parsed,
        `older than ${maxAge} ms (written ${new Date(timestamp).toISOString()}): not run`,
      );
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(value?.toString('utf8') ?? '');
    } catch (error) {
      this.#malformedReply(parsed, `not JSON: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const result = managementRequestSchema.safeParse(parsed);
    if (!result.success) {
      const problems = result.error.issues.map(
        (issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`,
      );
      this.#malformedReply(parsed, problems.join('; '), problems);
      return;
    }
    const request = result.data;
    if (request.serverId !== this.#options.serverId) {
      this.#malformedReply(
        parsed,
        `serverId ${request.serverId} is not this server's (${this.#options.serverId})`,
      );
      return;
    }
    if (!this.#options.tickets.take(request.ticket)) {
      this.#duplicates++;
      this.#options.logger.debug({ ticket: request.ticket }, 'Kafka: management request already answered');
      return;
    }
    const running = this.#run(request).finally(() => this.#inFlight.delete(running));
    this.#inFlight.add(running);
    while (this.#inFlight.size >= (this.#options.maxInFlight ?? 64)) await Promise.race(this.#inFlight);
  }

  /** Waits for the requests running (their replies go out). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  stats(): KafkaManagementStats {
    return {
      received: this.#received,
      answered: this.#answered,
      malformed: this.#malformed,
      duplicates: this.#duplicates,
      failed: this.#failed,
      inFlight: this.#inFlight.size,
    };
  }

  #malformedReply(value: unknown, message: string, problems?: readonly string[]): void {
    this.#malformed++;
    const error = new CodedError('KAFKA_REQUEST_INVALID', `management request: ${message}`, {
      details: problems === undefined ? {} : { problems },
    });
    this.#options.logger.warn({ err: error.message }, 'Kafka: malformed management request');
    this.#send({ ...salvage(value), code: null, success: false, result: null, error: errorJson(error) });
  }

  async #run(request: ManagementRequest): Promise<void> {
    let answer: ApiResult;
    try {
      answer = await this.#execute(request);
    } catch (error) {
      answer = errorResult(error);
    }
    const body = (answer.body ?? {}) as Record<string, unknown>;
    const { code, success, error, ...result } = body;
    const failed = success !== true;
    if (failed) this.#failed++;
    this.#send({
      ticket: request.ticket,
      ep: request.ep,
      kind: request.kind,
      path: request.path,
      code: typeof code === 'string' ? code : null,
      success: !failed,
      result: error === undefined ? result : null,
      error: error === undefined ? null : (error as ManagementReplyRecord['error']),
    });
  }

  #send(reply: Omit<Reply, 'answeredAt'>): void {
    this.#answered++;
    this.#options.reply({ ...reply, answeredAt: new Date(this.#options.now()).toISOString() });
  }

  #execute(request: ManagementRequest): Promise<ApiResult> {
    const { dm } = this.#options;
    const timeoutMs = request.timeoutMs ?? this.#options.requestTimeoutMs;
    const segments = request.path.split('/').filter((s) => s !== '');
    const location = parseDmLocation(segments, 'client');
    const target: DmTarget = resolveDmTarget(
      this.#options.children,
      'client',
      request.ep,
      location.path,
      this.#options.model,
    );
    const format = request.contentFormat;
    const body = <S extends z.ZodType>(schema: S, optional = false) => {
      const raw = request.body ?? (optional ? undefined : {});
      const withFormat =
        format !== undefined && typeof raw === 'object' && raw !== null && !('format' in raw)
          ? { ...raw, format }
          : raw;
      return parseInput(schema, withFormat, 'body');
    };
    switch (request.kind) {
      case 'read':
        return dm.read(target, format, timeoutMs);
      case 'write': {
        const mode = target.path.level === 'instance' ? 'update' : 'replace';
        return dm.write(target, mode, body(writeBodySchema), timeoutMs);
      }
      case 'writeAttributes':
        return dm.writeAttributes(target, body(attributesSchema), timeoutMs);
      case 'execute':
        return dm.execute(target, body(executeBodySchema, true), timeoutMs);
      case 'discover':
        return dm.discover(target, timeoutMs);
      case 'observe':
        return dm.observe(
          target,
          body(observeBodySchema, true) ?? (format === undefined ? undefined : { format }),
          timeoutMs,
        );
      case 'observeCancel': {
        const active = z.object({ active: z.boolean().optional() }).strict().optional();
        return dm.cancel(target, parseInput(active, request.body, 'body')?.active ?? false, timeoutMs);
      }
      case 'create':
        return dm.create(target, body(createBodySchema), timeoutMs);
      case 'delete':
        return dm.delete(target, timeoutMs);
      case 'readComposite':
        return dm.readComposite(target, body(compositeReadBodySchema), timeoutMs);
      case 'writeComposite':
        return dm.writeComposite(target, body(compositeWriteBodySchema), timeoutMs);
    }
  }
}
